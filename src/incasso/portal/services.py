"""Writes of the debtor portal: logging in (throttled) and the debtor's requests.

Nothing the debtor sends changes the case by itself. Each request becomes a task for the case's
officer and a `portal` event on the timeline with the request in its details; the officer decides
with the existing screens (the arrangement wizard, the promise and dispute forms, the debtor's
contact details). Two requests also put the case on hold, so no automated letter or cost crosses
them: a dispute for `DISPUTE_HOLD_DAYS` while the officer assesses it, a promise until its date.

Every request is idempotent against a double submit: the same request on the same case within
`REPEAT_WINDOW` returns the first one's task and writes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from incasso.arrangements import settlements
from incasso.arrangements.models import (
    AcceptanceMethod,
    Arrangement,
    ArrangementStatus,
    DisputeReason,
    Settlement,
)
from incasso.arrangements.selectors import arrangement_for_case
from incasso.arrangements.services import arrangement_accept
from incasso.cases.models import Case, CaseState, Event, EventKind, Task, TaskKind
from incasso.cases.timeline import event_record, task_create
from incasso.core.exceptions import DomainError
from incasso.core.formatting import format_date, format_money, record_text
from incasso.portal import throttle
from incasso.portal.models import AttemptOutcome, PortalLoginAttempt
from incasso.portal.proposal import proposal_schedule
from incasso.portal.selectors import (
    case_for_portal_login,
    case_owed_today,
    normalize_case_number,
    running_settlement_for_case,
)
from incasso.strategies.holds import hold_place
from incasso.strategies.models import Hold, HoldReason

ACTOR = "portal"  # Event.actor_label of what the debtor did (cases.labels: "debtor via the portal")
REPEAT_WINDOW = dt.timedelta(minutes=1)
DISPUTE_HOLD_DAYS = 14
PROMISE_WITHIN_DAYS = 30


class LoginFailed(DomainError):
    """The details do not match a case. The message never says which field was wrong."""


class LoginThrottled(DomainError):
    def __init__(self, message: str, *, until: dt.datetime) -> None:
        super().__init__(message)
        self.until = until


PRUNE_BATCH = 500  # per login try: a burst of tries clears a backlog, one try stays one small delete


def login_attempts_prune(*, now: dt.datetime, batch: int = PRUNE_BATCH) -> int:
    """Delete at most `batch` login attempts, oldest first, older than the retention
    (`INCASSO_PORTAL_ATTEMPT_RETENTION_DAYS`, never less than the throttle's look-back): they hold IP
    addresses, which are personal data. One DELETE on the `attempted_at` index; returns how many."""
    days = int(getattr(settings, "INCASSO_PORTAL_ATTEMPT_RETENTION_DAYS", 30))
    cutoff = now - max(dt.timedelta(days=days), throttle.LOOKBACK)
    oldest = PortalLoginAttempt.objects.filter(attempted_at__lt=cutoff).order_by("attempted_at", "id")
    deleted, _ = PortalLoginAttempt.objects.filter(pk__in=oldest.values("pk")[:batch]).delete()
    return deleted


def _failures(field: str, value: str, since: dt.datetime) -> list[dt.datetime]:
    return list(
        PortalLoginAttempt.objects.filter(
            Q(**{field: value}), outcome=AttemptOutcome.FAILED, attempted_at__gte=since
        ).values_list("attempted_at", flat=True)
    )


def portal_login(
    *, number: str, payment_reference: str, postcode: str, ip: str | None, now: dt.datetime | None = None
) -> Case:
    """The case whose three facts match, with the login on its timeline; every try is recorded.

    Refused (LoginThrottled) while the case number or the IP has had too many failed tries
    (`portal.throttle`); LoginFailed when the facts do not match."""
    now = now or timezone.now()
    login_attempts_prune(now=now)
    key = normalize_case_number(number)[:40]
    since = now - throttle.LOOKBACK
    locks = [throttle.locked_until(_failures("case_number", key, since), now=now)]
    if ip:
        locks.append(throttle.locked_until(_failures("ip", ip, since), now=now))
    until = max((lock for lock in locks if lock is not None), default=None)
    if until is not None:
        PortalLoginAttempt.objects.create(
            case_number=key, ip=ip, outcome=AttemptOutcome.REFUSED, attempted_at=now
        )
        minutes = max(1, int((until - now).total_seconds() + 59) // 60)
        raise LoginThrottled(
            _(
                "You have tried too often. For your safety you can try again in %(minutes)s minutes. "
                "Check the details on our letter."
            )
            % {"minutes": minutes},
            until=until,
        )
    case = case_for_portal_login(number=number, payment_reference=payment_reference, postcode=postcode)
    if case is None:
        PortalLoginAttempt.objects.create(
            case_number=key, ip=ip, outcome=AttemptOutcome.FAILED, attempted_at=now
        )
        raise LoginFailed(
            _(
                "We do not recognise these details. Check the case number, the payment reference and "
                "your postcode on our letter, and try again."
            )
        )
    with transaction.atomic():
        PortalLoginAttempt.objects.create(
            case_number=key, ip=ip, outcome=AttemptOutcome.SUCCEEDED, attempted_at=now
        )
        event_record(
            case=case,
            kind=EventKind.PORTAL,
            summary="Debiteur ingelogd op het portaal",
            actor_label=ACTOR,
            details={"action": "login"},  # the IP stays in the attempts table, which is pruned
            occurred_at=now,
        )
    return case


# --- the debtor's requests -------------------------------------------------------------------------


def _fingerprint(action: str, request: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps([action, request], sort_keys=True).encode()).hexdigest()


def _submit(
    *,
    case: Case,
    action: str,
    request: dict[str, Any],
    summary: str,
    task_title: str,
    due_on: dt.date,
    now: dt.datetime,
    also: Callable[[Case], dict[str, Any]] | None = None,
) -> Task:
    """One task for the officer and one `portal` event holding `request`, in one transaction; the
    same request again within REPEAT_WINDOW returns the first task. `also` writes more (the dispute's
    hold) and returns details for the event."""
    fingerprint = _fingerprint(action, request)
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.state == CaseState.CLOSED:
            raise DomainError(_("This case is closed: there is nothing to arrange"))
        earlier = (
            Event.objects.filter(
                case=locked,
                kind=EventKind.PORTAL,
                details__action=action,
                details__fingerprint=fingerprint,
                occurred_at__gte=now - REPEAT_WINDOW,
            )
            .order_by("-occurred_at", "-id")
            .first()
        )
        if earlier is not None:
            return Task.objects.get(pk=earlier.details["task"])
        task = task_create(case=locked, title=task_title[:200], due_on=due_on, kind=TaskKind.REVIEW)
        extra = also(locked) if also is not None else {}
        event_record(
            case=locked,
            kind=EventKind.PORTAL,
            summary=summary,
            actor_label=ACTOR,
            details={"action": action, "fingerprint": fingerprint, "task": task.pk, **request, **extra},
            occurred_at=now,
        )
        return task


def _balance(case: Case, today: dt.date) -> Decimal:
    owed = case_owed_today(case=case, today=today)
    if owed is None:
        raise DomainError(_("We cannot calculate the amount today. Please call us."))
    return owed.total


def proposal_submit(
    *,
    case: Case,
    start_on: dt.date,
    today: dt.date,
    count: int | None = None,
    monthly_amount: Decimal | None = None,
    explanation: str = "",
    now: dt.datetime | None = None,
) -> Task:
    """The debtor proposes a monthly arrangement: a task for the officer to assess it in the wizard.
    No arrangement is made here."""
    balance = _balance(case, today)
    plan = proposal_schedule(
        balance=balance, start_on=start_on, today=today, count=count, monthly_amount=monthly_amount
    )
    explanation = explanation.strip()[:2000]
    terms = f"{plan.count} × {format_money(plan.regular_amount)} per maand vanaf {format_date(plan.start_on)}"
    return _submit(
        case=case,
        action="proposal",
        request={
            "balance": str(balance),
            "count": plan.count,
            "monthly_amount": str(monthly_amount) if monthly_amount is not None else None,
            "start_on": start_on.isoformat(),
            "explanation": explanation,
            "schedule": [[i.due_on.isoformat(), str(i.amount)] for i in plan.instalments],
        },
        summary=f"Regelingsvoorstel via portaal: {terms}" + (f" — {explanation}" if explanation else ""),
        task_title=f"Regelingsvoorstel van debiteur via portaal beoordelen: {terms}",
        due_on=today,
        now=now or timezone.now(),
    )


def promise_submit(
    *, case: Case, amount: Decimal, due_on: dt.date, today: dt.date, now: dt.datetime | None = None
) -> Task:
    """The debtor promises one payment within PROMISE_WITHIN_DAYS. No reminder should cross the
    promise, so the automated steps are held until its date (a debtor who promised to pay on the
    15th gets no letter on the 10th). `arrangements.promises.promise_record` needs a staff officer,
    so the officer records the formal promise from the task (it is then checked on its date)."""
    if not isinstance(amount, Decimal) or amount <= 0:
        raise DomainError(_("The amount must be more than zero"), field="amount")
    if due_on < today:
        raise DomainError(_("The date lies in the past"), field="due_on")
    if due_on > today + dt.timedelta(days=PROMISE_WITHIN_DAYS):
        raise DomainError(
            _("Choose a date within %(days)s days") % {"days": PROMISE_WITHIN_DAYS}, field="due_on"
        )
    balance = _balance(case, today)
    if amount > balance:
        raise DomainError(
            _("That is more than you owe today (%(total)s)") % {"total": format_money(balance)},
            field="amount",
        )
    terms = f"{format_money(amount)} uiterlijk {format_date(due_on)}"
    return _submit(
        case=case,
        action="promise",
        request={"amount": str(amount), "due_on": due_on.isoformat()},
        summary=f"Betaalbelofte via portaal: {terms}",
        task_title=f"Betaalbelofte van debiteur via portaal vastleggen: {terms}; aanhouding tot {format_date(due_on)}",
        due_on=today,
        now=now or timezone.now(),
        also=_hold(
            reason=HoldReason.PROMISE,
            today=today,
            until=due_on,
            note=f"Betaalbelofte via portaal: {terms}",
        ),
    )


def _hold(*, reason: str, today: dt.date, until: dt.date, note: str) -> Callable[[Case], dict[str, Any]]:
    """`_submit`'s `also` for a request that pauses the automated steps until `until`: reuses a
    running hold of the same reason that lasts as long (a formal dispute or promise, or the same
    request made earlier), else places one. Returns the event's details."""

    def place(locked: Case) -> dict[str, Any]:
        running = Hold.objects.filter(
            Q(until__isnull=True) | Q(until__gte=until),
            case=locked,
            reason=reason,
            released_at__isnull=True,
            starts_on__lte=today,
        ).first()
        if running is not None:
            return {"hold": running.pk}
        placed = hold_place(case=locked, reason=reason, starts_on=today, until=until, actor=None, note=note)
        return {"hold": placed.pk, "hold_until": until.isoformat()}

    return place


def dispute_submit(
    *, case: Case, reason: str, description: str, today: dt.date, now: dt.datetime | None = None
) -> Task:
    """The debtor disputes the claim. The formal `arrangements.disputes.dispute_open` needs a staff
    officer, so: an urgent task to assess it, and a dispute hold of DISPUTE_HOLD_DAYS (ends by itself
    unless the officer opens a formal dispute, which places its own hold)."""
    if reason not in DisputeReason.values:
        raise DomainError(_("Choose a reason"), field="reason")
    description = description.strip()
    if not description:
        raise DomainError(_("Tell us why you do not agree"), field="description")
    label = record_text(DisputeReason(reason).label)
    until = today + dt.timedelta(days=DISPUTE_HOLD_DAYS)
    hold = _hold(
        reason=HoldReason.DISPUTE,
        today=today,
        until=until,
        note=f"Betwisting via portaal ({label}); vervalt {format_date(until)} tenzij een betwisting "
        "wordt geopend",
    )
    return _submit(
        case=case,
        action="dispute",
        request={"reason": reason, "description": description[:2000]},
        summary=f"Betwisting via portaal: {label} — {description}"[:300],
        task_title=f"SPOED: betwisting van debiteur via portaal beoordelen ({label}); "
        f"aanhouding tot {format_date(until)}",
        due_on=today,
        now=now or timezone.now(),
        also=hold,
    )


def contact_submit(
    *, case: Case, email: str, phone: str, today: dt.date, now: dt.datetime | None = None
) -> Task:
    """New contact details from the debtor, for the officer to verify: the debtor's data is not
    changed here."""
    email, phone = email.strip(), phone.strip()
    if not email and not phone:
        raise DomainError(_("Fill in an e-mail address or a phone number"), field="email")
    given = ", ".join(
        part for part in (f"e-mail {email}" if email else "", f"telefoon {phone}" if phone else "") if part
    )
    return _submit(
        case=case,
        action="contact",
        request={"email": email, "phone": phone},
        summary=f"Nieuwe contactgegevens via portaal: {given}",
        task_title=f"Contactgegevens van debiteur via portaal controleren en vastleggen: {given}",
        due_on=today,
        now=now or timezone.now(),
    )


# --- accepting the payment arrangement online ------------------------------------------------------


def arrangement_accept_online(*, case: Case, document_sha256: str, ip: str | None) -> Arrangement:
    """The debtor accepts the running arrangement's stored agreement in the portal: exactly the document
    they could download (its SHA-256 travels with the form, so a newer agreement made meanwhile is not
    accepted by mistake), with the IP address as evidence (erased with the debtor's other data)."""
    arrangement = arrangement_for_case(case=case)
    if arrangement is None or arrangement.status != ArrangementStatus.ACTIVE:
        raise DomainError(_("There is no payment arrangement to accept on this case"))
    if not ip:
        raise DomainError(_("We could not record your acceptance. Please call us."))
    with _stale_agreement_in_words():
        return arrangement_accept(
            arrangement=arrangement,
            method=AcceptanceMethod.ONLINE,
            evidence={"document_sha256": document_sha256, "ip": ip},
            actor_label=ACTOR,
        )


# --- accepting a settlement offer online -------------------------------------------------------------


def settlement_accept_online(*, case: Case, document_sha256: str, ip: str | None) -> Settlement:
    """The debtor accepts the running settlement offer's stored agreement in the portal, as for the
    arrangement: exactly the document they could download, with the IP address as evidence."""
    settlement = running_settlement_for_case(case)
    if settlement is None:
        raise DomainError(_("There is no offer to accept on this case"))
    if not ip:
        raise DomainError(_("We could not record your acceptance. Please call us."))
    with _stale_agreement_in_words():
        return settlements.settlement_accept_online(
            settlement=settlement, document_sha256=document_sha256, ip=ip, actor_label=ACTOR
        )


@contextmanager
def _stale_agreement_in_words() -> Iterator[None]:
    """The service's check that the accepted document is the stored one, in words for the debtor."""
    try:
        yield
    except DomainError as exc:
        if exc.field != "document_sha256":
            raise
        raise DomainError(
            _("The agreement has changed since you opened this page. Reload the page and read it again.")
        ) from exc
