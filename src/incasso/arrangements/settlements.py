"""Writes for settlement offers: finale kwijting (a lump sum by a date, the rest written off) and the
return of goods (their agreed value credited against the principal).

The rules (what a client allows, what an officer may agree alone) are pure, in `settlement_rules`.
Every service is one transaction and locks the case row first (the house order), then the settlement.
Refusals raise DomainError; a refused request changes nothing.

A running offer holds the automated steps until its date plus the client's grace period. The daily
monitor (`settlements_monitor`) completes a lump sum once the payments booked on the case since the
offer reach it, and lets an offer lapse when its date and the grace period have passed; the officer
records the goods' arrival (`goods_received`). Completing books, per claim, the running interest up to
that day and then writes off every euro still open (costs, interest, principal), so the ledger ends at
exactly zero and the case is closed as settled.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from incasso.arrangements import settlement_rules as rules
from incasso.arrangements.document.render import SettlementData, render_settlement_pdf
from incasso.arrangements.models import (
    OPEN_STATUSES,
    AcceptanceMethod,
    Arrangement,
    ArrangementPolicy,
    Settlement,
    SettlementKind,
    SettlementStatus,
)
from incasso.arrangements.services import (
    acceptance_details,
    acceptance_record,
    agreement_parties,
    each_running,
    policy_for_client,
)
from incasso.calculations.money import from_cents
from incasso.cases.ledger import ledger_book
from incasso.cases.models import Bucket, Case, CaseState, Claim, EntryKind, EventKind, LedgerEntry, TaskKind
from incasso.cases.position import CasePosition, booking_date_for, case_position
from incasso.cases.services import case_transition
from incasso.cases.timeline import event_record, task_create
from incasso.core.access import STAFF_ROLES, SUPERVISOR_ROLES
from incasso.core.exceptions import DomainError
from incasso.core.formatting import format_money
from incasso.strategies.holds import hold_place, hold_release
from incasso.strategies.models import HoldReason

ZERO = Decimal("0.00")
OPEN = (SettlementStatus.PENDING, SettlementStatus.ACTIVE)
# The order in which what is left is written off; the same as a payment's (costs, interest, principal).
BUCKETS = (Bucket.COSTS, Bucket.INTEREST, Bucket.PRINCIPAL)


def settlement_limits(client_id: int) -> rules.SettlementLimits:
    row = ArrangementPolicy.objects.filter(client_id=client_id).first()
    if row is None:
        return rules.SettlementLimits()
    return rules.SettlementLimits(
        max_discount_percent=row.settlement_max_discount_percent,
        max_days=row.settlement_max_days,
        goods_return_allowed=row.goods_return_allowed,
    )


def officer_max_discount(user: Any) -> Decimal | None:
    """The share of a balance `user` may let go alone; None: no limit (supervisors, administrators)."""
    if getattr(user, "role", None) in SUPERVISOR_ROLES:
        return None
    return Decimal(str(getattr(settings, "INCASSO_SETTLEMENT_OFFICER_MAX_DISCOUNT_PERCENT", "10")))


def offer_on(
    position: CasePosition, *, kind: str, amount: Decimal, deadline: dt.date, settles_in_full: bool
) -> rules.Offer:
    """The offer as the rules see it, on a case's position of the day (running interest included)."""
    return rules.Offer(
        kind=rules.Kind(kind),
        balance=position.total,
        principal=from_cents(sum(c.principal for c in position.open_claims)),
        amount=amount,
        deadline=deadline,
        settles_in_full=True if kind == SettlementKind.LUMP_SUM else settles_in_full,
    )


def settlement_offer(
    *, case: Case, kind: str, amount: Decimal, deadline: dt.date, settles_in_full: bool, today: dt.date
) -> rules.Offer:
    """The offer on the case as it stands `today`."""
    return offer_on(
        case_position(case=case, as_of=today),
        kind=kind,
        amount=amount,
        deadline=deadline,
        settles_in_full=settles_in_full,
    )


def settlement_terms(settlement: Settlement) -> rules.Offer:
    """A stored offer as the rules see it: the figures of the day it was made."""
    return rules.Offer(
        kind=rules.Kind(settlement.kind),
        balance=settlement.balance,
        principal=settlement.principal,
        amount=settlement.amount,
        deadline=settlement.deadline,
        settles_in_full=settlement.settles_in_full,
    )


def _require_staff(user: Any) -> None:
    if getattr(user, "role", None) not in STAFF_ROLES:
        raise DomainError(_("Only agency staff handle settlements"), field="officer")


def _label(settlement: Settlement) -> str:
    return "Finale kwijting" if settlement.kind == SettlementKind.LUMP_SUM else "Teruggave goederen"


@transaction.atomic
def settlement_propose(
    *,
    case: Case,
    kind: str,
    amount: Decimal,
    deadline: dt.date,
    officer: Any,
    settles_in_full: bool = True,
    goods_description: str = "",
    return_instructions: str = "",
    motivation: str = "",
    today: dt.date | None = None,
) -> Settlement:
    """Within the officer's authority: running at once. Beyond it: waits for a supervisor. Beyond the
    client's limits: refused, nothing stored."""
    _require_staff(officer)
    today = today or timezone.localdate()
    if kind not in SettlementKind.values:
        raise DomainError(_("Unknown kind of settlement %(kind)r") % {"kind": kind}, field="kind")
    if not isinstance(amount, Decimal):
        raise DomainError(_("Give the amount, more than zero"), field="amount")
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.state == CaseState.CLOSED:
        raise DomainError(_("A closed case takes no settlement"), field="case")
    if Settlement.objects.filter(case=locked, status__in=OPEN).exists():
        raise DomainError(_("This case already has an open settlement offer"), field="case")
    if Arrangement.objects.filter(case=locked, status__in=OPEN_STATUSES).exists():
        raise DomainError(
            _("This case has an open payment arrangement; a settlement can follow once it has ended"),
            field="case",
        )
    goods = kind == SettlementKind.GOODS_RETURN
    if goods and not goods_description.strip():
        raise DomainError(_("Describe the goods that come back"), field="goods_description")
    offer = settlement_offer(
        case=locked, kind=kind, amount=amount, deadline=deadline, settles_in_full=settles_in_full, today=today
    )
    problems = rules.offer_problems(offer, today=today, limits=settlement_limits(locked.client_id))
    if problems:
        raise DomainError("; ".join(problems), field="amount")
    alone = not rules.authority_exceeded(offer, max_discount_percent=officer_max_discount(officer))
    if not alone and not motivation.strip():
        raise DomainError(
            _("Beyond your authority a supervisor decides: give a motivation"), field="motivation"
        )
    settlement = Settlement.objects.create(
        case=locked,
        kind=kind,
        status=SettlementStatus.ACTIVE if alone else SettlementStatus.PENDING,
        balance=offer.balance,
        principal=offer.principal,
        amount=amount,
        deadline=deadline,
        settles_in_full=offer.settles_in_full,
        goods_description=goods_description.strip() if goods else "",
        return_instructions=return_instructions.strip() if goods else "",
        motivation=motivation.strip(),
        proposed_by=officer,
        proposed_at=timezone.now(),
    )
    what = (
        f"{format_money(amount)} vóór {deadline:%d-%m-%Y}, {format_money(offer.forgiven)} afboeken"
        if not goods
        else f"goederen terug vóór {deadline:%d-%m-%Y}, waarde {format_money(amount)}"
    )
    details = {
        "settlement": settlement.pk,
        "kind": kind,
        "amount": str(amount),
        "balance": str(offer.balance),
        "forgiven": str(offer.forgiven),
        "deadline": deadline.isoformat(),
    }
    if alone:
        event_record(
            case=locked,
            kind=EventKind.NOTE,
            summary=f"{_label(settlement)} aangeboden: {what}",
            actor=officer,
            details=details,
        )
        _activate(settlement, locked, actor=officer, today=today)
    else:
        event_record(
            case=locked,
            kind=EventKind.NOTE,
            summary=f"{_label(settlement)} ter goedkeuring voorgelegd: {what}",
            actor=officer,
            details=details,
        )
    return settlement


def _activate(settlement: Settlement, case: Case, *, actor: Any, today: dt.date) -> None:
    grace = policy_for_client(case.client_id).grace_days
    settlement.hold = hold_place(
        case=case,
        reason=HoldReason.SETTLEMENT,
        starts_on=today,
        until=settlement.deadline + dt.timedelta(days=grace),
        actor=actor,
        note=f"Schikking S{settlement.pk}",
    )
    settlement.status = SettlementStatus.ACTIVE
    pdf = render_settlement_pdf(settlement_data(settlement, made_on=today))
    settlement.agreement_pdf = pdf
    settlement.agreement_sha256 = hashlib.sha256(pdf).hexdigest()
    settlement.save(update_fields=["hold", "status", "agreement_pdf", "agreement_sha256"])
    event_record(
        case=case,
        kind=EventKind.DOCUMENT,
        summary=f"Overeenkomst {_label(settlement).lower()} opgemaakt",
        actor=actor,
        details={"settlement": settlement.pk, "sha256": settlement.agreement_sha256},
    )


def settlement_data(settlement: Settlement, *, made_on: dt.date) -> SettlementData:
    case = settlement.case
    offer = settlement_terms(settlement)
    return SettlementData(
        document_id=f"S{settlement.pk}",
        kind=settlement.kind,
        case_number=case.number,
        payment_reference=case.payment_reference,
        made_on=made_on,
        **agreement_parties(case),
        balance=settlement.balance,
        amount=settlement.amount,
        forgiven=offer.forgiven,
        rest_owed=offer.rest_owed,
        deadline=settlement.deadline,
        settles_in_full=settlement.settles_in_full,
        goods_description=settlement.goods_description,
        return_instructions=settlement.return_instructions,
    )


def _lock(settlement: Settlement, *, statuses: tuple[str, ...], message: str) -> tuple[Case, Settlement]:
    case = Case.objects.select_for_update().get(pk=settlement.case_id)
    locked = Settlement.objects.select_for_update(of=("self",)).select_related("hold").get(pk=settlement.pk)
    if locked.status not in statuses:
        raise DomainError(message, field="status")
    return case, locked


def _check_approver(locked: Settlement, supervisor: Any) -> None:
    if getattr(supervisor, "role", None) not in SUPERVISOR_ROLES:
        raise DomainError(_("Only a supervisor decides on settlements beyond authority"), field="supervisor")
    if locked.proposed_by_id == supervisor.pk:
        raise DomainError(_("You cannot decide on a settlement you proposed yourself"), field="supervisor")


@transaction.atomic
def settlement_decide(
    *, settlement: Settlement, supervisor: Any, approve: bool, note: str = "", today: dt.date | None = None
) -> Settlement:
    """A supervisor approves (the offer runs from today) or rejects a proposal beyond authority. An
    approval past the offer's date is refused: the officer makes a new offer."""
    case, locked = _lock(
        settlement, statuses=(SettlementStatus.PENDING,), message=_("This offer is not waiting for approval")
    )
    _check_approver(locked, supervisor)
    today = today or timezone.localdate()
    if approve and locked.deadline < today:
        raise DomainError(
            _("The offer's date (%(date)s) has passed: reject it and make a new offer")
            % {"date": f"{locked.deadline:%d-%m-%Y}"},
            field="deadline",
        )
    locked.decided_by = supervisor
    locked.decided_at = timezone.now()
    locked.decision_note = note.strip()[:300]
    fields = ["decided_by", "decided_at", "decision_note"]
    if not approve:
        locked.status = SettlementStatus.REJECTED
        locked.ended_on = today
        fields += ["status", "ended_on"]
    locked.save(update_fields=fields)
    verdict = "goedgekeurd" if approve else "afgewezen"
    event_record(
        case=case,
        kind=EventKind.NOTE,
        summary=f"{_label(locked)} {verdict}" + (f": {locked.decision_note}" if locked.decision_note else ""),
        actor=supervisor,
        details={"settlement": locked.pk},
    )
    if approve:
        _activate(locked, case, actor=supervisor, today=today)
    return locked


@transaction.atomic
def settlement_withdraw(*, settlement: Settlement, officer: Any, reason: str) -> Settlement:
    """The offer is off (the debtor declined, the client changed its mind): the automated steps run again."""
    _require_staff(officer)
    if not reason.strip():
        raise DomainError(_("Say why the offer is withdrawn"), field="reason")
    case, locked = _lock(settlement, statuses=OPEN, message=_("Only an open offer can be withdrawn"))
    _end(locked, status=SettlementStatus.WITHDRAWN, on=timezone.localdate(), actor=officer, note=reason)
    event_record(
        case=case,
        kind=EventKind.NOTE,
        summary=f"{_label(locked)} ingetrokken: {locked.end_note}",
        actor=officer,
        details={"settlement": locked.pk, "status": locked.status},
    )
    return locked


@transaction.atomic
def settlement_accept_signed(*, settlement: Settlement, content: bytes, actor: Any) -> Settlement:
    """Keep the signed agreement the debtor sent back, with its SHA-256."""
    case, locked = _lock(
        settlement,
        statuses=(SettlementStatus.ACTIVE, SettlementStatus.COMPLETED),
        message=_("Only a running or kept offer takes a signed copy"),
    )
    if locked.accepted_at is not None:
        raise DomainError(_("This agreement has already been accepted"), field="file")
    acceptance_record(locked, method=AcceptanceMethod.SIGNED_UPLOAD, evidence={"file": content})
    event_record(
        case=case,
        kind=EventKind.DOCUMENT,
        summary=f"{_label(locked)}: getekende overeenkomst ontvangen",
        actor=actor,
        details={"settlement": locked.pk, **acceptance_details(locked)},
    )
    return locked


@transaction.atomic
def settlement_accept_online(
    *, settlement: Settlement, document_sha256: str, ip: str, actor_label: str
) -> Settlement:
    """The debtor accepts the running offer's stored agreement online (the portal): exactly that
    document (its SHA-256 must be the stored one's), at this moment, from this IP address."""
    case, locked = _lock(
        settlement, statuses=(SettlementStatus.ACTIVE,), message=_("Only a running offer can be accepted")
    )
    if locked.accepted_at is not None:
        raise DomainError(_("This agreement has already been accepted"), field="status")
    acceptance_record(
        locked, method=AcceptanceMethod.ONLINE, evidence={"document_sha256": document_sha256, "ip": ip}
    )
    event_record(
        case=case,
        kind=EventKind.DOCUMENT,
        summary=f"{_label(locked)}: akkoord online gegeven",
        actor_label=actor_label,
        details={"settlement": locked.pk, **acceptance_details(locked)},
    )
    return locked


def settlement_paid(settlement: Settlement) -> tuple[Decimal, dt.date | None]:
    """What the debtor paid on the case since the offer was made (bank payments booked after it, less
    those reversed since), and the latest value date among them."""
    since = Q(booked_at__gte=settlement.proposed_at)
    payments = LedgerEntry.objects.filter(since, case_id=settlement.case_id, kind=EntryKind.PAYMENT)
    reversals = LedgerEntry.objects.filter(
        since, case_id=settlement.case_id, kind=EntryKind.REVERSAL, reverses__kind=EntryKind.PAYMENT
    )
    reversed_ids = set(reversals.values_list("reverses_id", flat=True))
    kept = payments.exclude(pk__in=reversed_ids)
    total = kept.aggregate(s=Sum("amount", default=ZERO))["s"]
    last = kept.order_by("-value_on").values_list("value_on", flat=True).first()
    return -Decimal(total).quantize(ZERO), last


def _write_off_rest(case: Case, settlement: Settlement, *, on: dt.date, actor: Any) -> Decimal:
    """Book the running interest up to `on`, then write off what is still open per claim and bucket."""
    position = case_position(case=case, as_of=on)
    claims = {c.pk: c for c in Claim.objects.filter(case=case)}
    source = f"settlement:{settlement.pk}"
    for claim_id, delta in sorted(position.interest_to_book.items()):
        ledger_book(
            case=case,
            claim=claims[claim_id],
            bucket=Bucket.INTEREST,
            kind=EntryKind.INTEREST_BOOKED,
            amount=delta,
            value_on=on,
            source=source,
            actor=actor,
            reason=f"Rente t/m {on:%d-%m-%Y}",
            record_event=False,
        )
    total = ZERO
    for open_claim in position.open_claims:
        claim = claims[int(open_claim.id)]
        for bucket, cents in zip(
            BUCKETS, (open_claim.costs, open_claim.interest, open_claim.principal), strict=True
        ):
            if cents <= 0:
                continue
            amount = from_cents(cents)
            ledger_book(
                case=case,
                claim=claim,
                bucket=bucket,
                kind=EntryKind.WRITE_OFF,
                amount=-amount,
                value_on=on,
                source=source,
                actor=actor,
                reason=f"{_label(settlement)}: restant afgeboekt",
                record_event=False,
            )
            total += amount
    return total


def _end(settlement: Settlement, *, status: str, on: dt.date, actor: Any, note: str = "") -> None:
    settlement.status = status
    settlement.ended_on = on
    settlement.end_note = note.strip()[:300]
    settlement.save(update_fields=["status", "ended_on", "end_note", "credited", "written_off"])
    if settlement.hold is not None:
        hold_release(hold=settlement.hold, actor=actor)


def _settle(case: Case, settlement: Settlement, *, on: dt.date, actor: Any, summary: str) -> None:
    settlement.written_off = _write_off_rest(case, settlement, on=on, actor=actor)
    _end(settlement, status=SettlementStatus.COMPLETED, on=on, actor=actor)
    event_record(
        case=case,
        kind=EventKind.NOTE,
        summary=f"{summary}; {format_money(settlement.written_off)} afgeboekt (finale kwijting)",
        actor=actor,
        details={
            "settlement": settlement.pk,
            "status": settlement.status,
            "amount": str(settlement.written_off),
        },
    )
    if case.state != CaseState.CLOSED:  # a payment of the whole balance has closed it as paid already
        case_transition(
            case=case,
            to=CaseState.CLOSED,
            actor=actor,
            reason="schikking nagekomen",
            closing_reason="settled",
            on=on,
        )


@transaction.atomic
def goods_received(
    *,
    settlement: Settlement,
    received_on: dt.date,
    value: Decimal,
    officer: Any,
    note: str = "",
    today: dt.date | None = None,
) -> Settlement:
    """The client has the goods back: credit `value` (at most the agreed value; less only with a
    reason) against the principal, oldest claim first. With `settles_in_full` the rest is written off
    and the case closed as settled; otherwise the automated steps resume for the rest."""
    _require_staff(officer)
    today = today or timezone.localdate()
    case, locked = _lock(
        settlement,
        statuses=(SettlementStatus.ACTIVE,),
        message=_("Only a running return of goods can be received"),
    )
    if locked.kind != SettlementKind.GOODS_RETURN:
        raise DomainError(_("This offer is not a return of goods"), field="kind")
    if received_on > today:
        raise DomainError(_("The goods cannot be received in the future"), field="received_on")
    if received_on < timezone.localtime(locked.proposed_at).date():
        raise DomainError(_("The goods cannot be received before the offer was made"), field="received_on")
    if not isinstance(value, Decimal) or value <= 0:
        raise DomainError(_("Give the amount, more than zero"), field="value")
    if value != value.quantize(Decimal("0.01")):
        raise DomainError(_("The amount has more than two decimals"), field="value")
    if value > locked.amount:
        raise DomainError(
            _("At most the agreed value (%(amount)s) is credited") % {"amount": format_money(locked.amount)},
            field="value",
        )
    if value < locked.amount and not note.strip():
        raise DomainError(_("Less than the agreed value: say why (damaged, incomplete)"), field="note")
    on = booking_date_for(case=case, value_date=received_on)
    position = case_position(case=case, as_of=on)
    principal = from_cents(sum(c.principal for c in position.open_claims))
    if value > principal:
        raise DomainError(
            _("The open principal is %(principal)s now; credit at most that")
            % {"principal": format_money(principal)},
            field="value",
        )
    claims = {c.pk: c for c in Claim.objects.filter(case=case)}
    left = value
    for open_claim in position.open_claims:
        part = min(from_cents(open_claim.principal), left)
        if part <= 0:
            continue
        ledger_book(
            case=case,
            claim=claims[int(open_claim.id)],
            bucket=Bucket.PRINCIPAL,
            kind=EntryKind.CORRECTION,
            amount=-part,
            value_on=on,
            source=f"settlement:{locked.pk}",
            actor=officer,
            reason="Goederen retour: creditering",
            record_event=False,
        )
        left -= part
    locked.credited = value
    summary = f"Goederen retour ontvangen op {received_on:%d-%m-%Y}: {format_money(value)} gecrediteerd" + (
        f" ({note.strip()})" if note.strip() else ""
    )
    if locked.settles_in_full:
        _settle(case, locked, on=on, actor=officer, summary=summary)
        return locked
    _end(locked, status=SettlementStatus.COMPLETED, on=on, actor=officer, note=note)
    event_record(
        case=case,
        kind=EventKind.NOTE,
        summary=summary,
        actor=officer,
        details={"settlement": locked.pk, "status": locked.status, "amount": str(value)},
    )
    rest = case_position(case=case, as_of=on).total
    if rest <= 0:
        case_transition(
            case=case,
            to=CaseState.CLOSED,
            actor=officer,
            reason="goederen retour",
            closing_reason="settled",
            on=on,
        )
    else:
        task_create(
            case=case,
            title=f"Goederen retour verwerkt: restant {format_money(rest)} incasseren",
            due_on=today,
            kind=TaskKind.REVIEW,
        )
    return locked


def settlements_monitor(*, run_date: dt.date) -> dict[str, int]:
    """The daily look at running offers, one short transaction each; safe to rerun for the same date.
    Returns counts: looked_at, completed, lapsed, ended (the case was closed otherwise)."""
    counts = {"looked_at": 0, "completed": 0, "lapsed": 0, "ended": 0}
    each_running(
        Settlement,
        SettlementStatus.ACTIVE,
        lambda case, settlement: _monitor_one(case, settlement, run_date, counts),
    )
    return counts


def _monitor_one(case: Case, settlement: Settlement, run_date: dt.date, counts: dict[str, int]) -> None:
    counts["looked_at"] += 1
    last_day = settlement.deadline + dt.timedelta(days=policy_for_client(case.client_id).grace_days)
    if settlement.kind == SettlementKind.LUMP_SUM:
        paid, last_on = settlement_paid(settlement)
        if paid >= settlement.amount and last_on is not None and last_on <= last_day:
            on = booking_date_for(case=case, value_date=min(last_on, run_date))
            _settle(
                case,
                settlement,
                on=on,
                actor=None,
                summary=f"Finale kwijting nagekomen: {format_money(paid)} betaald",
            )
            counts["completed"] += 1
            return
    if case.state == CaseState.CLOSED:  # closed otherwise (paid in full, withdrawn by the client)
        _end(settlement, status=SettlementStatus.WITHDRAWN, on=run_date, actor=None, note="dossier gesloten")
        event_record(
            case=case,
            kind=EventKind.NOTE,
            summary=f"{_label(settlement)} beëindigd: het dossier is gesloten",
            details={"settlement": settlement.pk, "status": settlement.status},
        )
        counts["ended"] += 1
        return
    if run_date <= last_day:
        return
    _end(settlement, status=SettlementStatus.LAPSED, on=run_date, actor=None)
    what = (
        "bedrag niet (volledig) betaald"
        if settlement.kind == SettlementKind.LUMP_SUM
        else "goederen niet op tijd terug"
    )
    event_record(
        case=case,
        kind=EventKind.NOTE,
        summary=f"{_label(settlement)} vervallen: {what}",
        actor_label="system",
        details={"settlement": settlement.pk, "status": settlement.status},
    )
    task_create(
        case=case,
        title=f"{_label(settlement)} vervallen: incasso hervat, debiteur benaderen",
        due_on=run_date,
        kind=TaskKind.REVIEW,
    )
    counts["lapsed"] += 1
