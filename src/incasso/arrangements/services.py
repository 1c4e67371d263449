"""Writes for payment arrangements: propose, approve, reject, accept and end; the agreement's data.

Every service is one transaction and locks the case row first (the house order), then the
arrangement, then its instalments. Refusals raise DomainError; a refused request changes nothing.
Payments counted on instalments live in `arrangements.instalments`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from incasso.arrangements import schedule as sched
from incasso.arrangements.document.render import AgreementData, AgreementRow, render_agreement_pdf
from incasso.arrangements.models import (
    OPEN_STATUSES,
    AcceptanceMethod,
    AfterBroken,
    Agreement,
    Arrangement,
    ArrangementAuthority,
    ArrangementPolicy,
    ArrangementStatus,
    Frequency,
    Instalment,
    InstalmentReferenceCounter,
)
from incasso.calculations.payment_reference import generate_payment_reference
from incasso.cases.freezes import interest_freeze_end, interest_freeze_start
from incasso.cases.models import Case, CaseState, EventKind
from incasso.cases.selectors import case_balance
from incasso.cases.services import case_transition
from incasso.cases.timeline import event_record
from incasso.core.access import STAFF_ROLES, SUPERVISOR_ROLES
from incasso.core.exceptions import DomainError
from incasso.core.formatting import format_money, record_text
from incasso.debtors.selectors import debtor_current_address
from incasso.letters.models import TemplateCode
from incasso.letters.queueing import message_queue
from incasso.strategies.holds import hold_place, hold_release
from incasso.strategies.models import Channel, HoldReason

# Instalment references: check digit + "9" + 14 digits of sequence. Case references are generated
# from year * 1_000_000 + n (11 digits, so their 15-digit body starts with zeros): never a collision.
REFERENCE_BASE = 9 * 10**14


@dataclass(frozen=True)
class Policy:
    limits: sched.Limits
    interest_frozen: bool
    grace_days: int
    misses_to_break: int
    after_broken: str = AfterBroken.RESUME
    supervisor_after_broken: bool = True


def policy_for_client(client_id: int) -> Policy:
    row = ArrangementPolicy.objects.filter(client_id=client_id).first()
    if row is None:
        return Policy(limits=sched.Limits(), interest_frozen=True, grace_days=7, misses_to_break=2)
    return Policy(
        limits=sched.Limits(
            max_months=row.max_months,
            min_instalment=row.min_instalment,
            down_payment_percent=row.down_payment_percent,
        ),
        interest_frozen=row.interest_frozen,
        grace_days=row.grace_days,
        misses_to_break=row.misses_to_break,
        after_broken=row.after_broken,
        supervisor_after_broken=row.supervisor_after_broken,
    )


def each_running[A: Agreement](model: type[A], status: str, step: Callable[[Case, A], None]) -> None:
    """The daily monitors' walk over running agreements (arrangements, settlement offers): each in its
    own short transaction, its case locked before the row (the order every writer keeps); a row that
    left `status` since the list was read is skipped. Safe to rerun."""
    manager = model._default_manager
    ids = list(manager.filter(status=status).order_by("case_id").values_list("pk", flat=True))
    for pk in ids:
        with transaction.atomic():
            case_id = manager.values_list("case_id", flat=True).get(pk=pk)
            case = Case.objects.select_for_update().get(pk=case_id)
            row = (
                manager.select_for_update(of=("self",))
                .select_related("hold")
                .filter(pk=pk, status=status)
                .first()
            )
            if row is not None:
                step(case, row)


def authority_for(user: Any) -> sched.Authority | None:
    """What `user` may agree alone; None: no limit (supervisors and administrators)."""
    override = ArrangementAuthority.objects.filter(user_id=user.pk).first()
    if override is not None:
        return sched.Authority(max_months=override.max_months, max_balance=override.max_balance)
    if getattr(user, "role", None) in SUPERVISOR_ROLES:
        return None
    return sched.Authority(
        max_months=int(getattr(settings, "INCASSO_ARRANGEMENT_OFFICER_MAX_MONTHS", 6)),
        max_balance=Decimal(str(getattr(settings, "INCASSO_ARRANGEMENT_OFFICER_MAX_BALANCE", "2500.00"))),
    )


def _require_staff(user: Any) -> None:
    if getattr(user, "role", None) not in STAFF_ROLES:
        raise DomainError(_("Only agency staff handle arrangements"), field="officer")


def _next_references(count: int) -> list[str]:
    counter = InstalmentReferenceCounter.objects.select_for_update().filter(pk=1).first()
    if counter is None:
        counter = InstalmentReferenceCounter.objects.create(pk=1, last_number=0)
        counter = InstalmentReferenceCounter.objects.select_for_update().get(pk=1)
    first = counter.last_number + 1
    counter.last_number += count
    counter.save(update_fields=["last_number"])
    return [generate_payment_reference(REFERENCE_BASE + n) for n in range(first, first + count)]


def _schedule_summary(schedule: sched.Schedule) -> dict[str, Any]:
    return {
        "balance": str(schedule.balance),
        "instalments": schedule.count,
        "frequency": str(schedule.frequency),
        "start_on": schedule.start_on.isoformat(),
        "end_on": schedule.end_on.isoformat(),
        "months": schedule.duration_months,
    }


@transaction.atomic
def supervisor_after_broken(*, case: Case, policy: Policy | None = None) -> bool:
    """The client's terms want a supervisor for a new arrangement: one on this case broke before."""
    policy = policy or policy_for_client(case.client_id)
    return (
        policy.supervisor_after_broken
        and Arrangement.objects.filter(case=case, status=ArrangementStatus.BROKEN).exists()
    )


def arrangement_propose(
    *,
    case: Case,
    schedule: sched.Schedule,
    officer: Any,
    motivation: str = "",
    today: dt.date | None = None,
    affordability: dict[str, str] | None = None,
) -> Arrangement:
    """Within the officer's authority: active at once. Beyond it: waits for a supervisor.
    Beyond the client's limits (or an invalid schedule): refused, nothing stored."""
    _require_staff(officer)
    today = today or timezone.localdate()
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.state == CaseState.CLOSED:
        raise DomainError(_("A closed case takes no arrangement"), field="case")
    if Arrangement.objects.filter(case=locked, status__in=OPEN_STATUSES).exists():
        raise DomainError(_("This case already has an open arrangement"), field="case")
    balance = case_balance(case=locked).total
    if schedule.balance != balance:
        raise DomainError(
            _("The schedule is for %(schedule)s, but the case balance is %(balance)s")
            % {"schedule": format_money(schedule.balance), "balance": format_money(balance)},
            field="balance",
        )
    policy = policy_for_client(locked.client_id)
    problems = sched.schedule_problems(schedule, today=today, limits=policy.limits)
    if problems:
        raise DomainError("; ".join(problems), field="schedule")
    authority = authority_for(officer)
    alone = authority is None or sched.within_authority(schedule, authority)
    broke_before = supervisor_after_broken(case=locked, policy=policy)
    if broke_before and not motivation.strip():
        raise DomainError(
            _(
                "An arrangement on this case broke before: the client wants a supervisor to decide. Give a motivation"
            ),
            field="motivation",
        )
    alone = alone and not broke_before
    if not alone and not motivation.strip():
        raise DomainError(
            _("Beyond your authority a supervisor decides: give a motivation"), field="motivation"
        )
    arrangement = Arrangement.objects.create(
        case=locked,
        status=ArrangementStatus.ACTIVE if alone else ArrangementStatus.PENDING,
        frequency=Frequency(str(schedule.frequency)),
        balance=schedule.balance,
        down_payment=schedule.down_payment,
        interest_frozen=policy.interest_frozen,
        motivation=motivation.strip(),
        affordability=affordability or {},
        proposed_by=officer,
        proposed_at=timezone.now(),
    )
    references = _next_references(schedule.count)
    Instalment.objects.bulk_create(
        Instalment(
            arrangement=arrangement,
            number=p.number,
            due_on=p.due_on,
            amount=p.amount,
            payment_reference=ref,
        )
        for p, ref in zip(schedule.instalments, references, strict=True)
    )
    summary = _schedule_summary(schedule)
    if alone:
        event_record(
            case=locked,
            kind=EventKind.NOTE,
            summary=f"Betalingsregeling getroffen: {schedule.count} termijnen tot {schedule.end_on:%d-%m-%Y}",
            actor=officer,
            details={"arrangement": arrangement.pk, **summary},
        )
        _activate(arrangement, locked, actor=officer, today=today)
    else:
        event_record(
            case=locked,
            kind=EventKind.NOTE,
            summary=f"Betalingsregeling ter goedkeuring voorgelegd ({schedule.count} termijnen, "
            f"{schedule.duration_months} maanden)",
            actor=officer,
            details={"arrangement": arrangement.pk, "motivation": arrangement.motivation, **summary},
        )
    return arrangement


def _activate(arrangement: Arrangement, case: Case, *, actor: Any, today: dt.date) -> None:
    if case.state != CaseState.ARRANGEMENT:
        case_transition(case=case, to=CaseState.ARRANGEMENT, actor=actor, reason="betalingsregeling")
    hold = hold_place(
        case=case,
        reason=HoldReason.ARRANGEMENT,
        starts_on=today,
        actor=actor,
        note=f"Betalingsregeling {arrangement.pk}",
    )
    arrangement.hold = hold
    arrangement.status = ArrangementStatus.ACTIVE
    pdf = render_agreement_pdf(agreement_data(arrangement, made_on=today))
    arrangement.agreement_pdf = pdf
    arrangement.agreement_sha256 = hashlib.sha256(pdf).hexdigest()
    arrangement.save(update_fields=["hold", "status", "agreement_pdf", "agreement_sha256"])
    if arrangement.interest_frozen:  # the client's setting: no interest while the arrangement runs
        interest_freeze_start(
            case=case,
            on=today,
            reason=f"Betalingsregeling {arrangement.pk}",
            actor=actor,
            source=_freeze_source(arrangement),
        )
    event_record(
        case=case,
        kind=EventKind.DOCUMENT,
        summary="Overeenkomst betalingsregeling opgemaakt",
        actor=actor,
        details={"arrangement": arrangement.pk, "sha256": arrangement.agreement_sha256},
    )
    # The debtor gets the confirmation by post, in this transaction: refused by the guards (no valid
    # address, the week's letter already sent), it is a line and a task instead, never a failed arrangement.
    message_queue(
        case=case,
        template_code=TemplateCode.ARRANGEMENT_CONFIRMATION,
        channel=Channel.LETTER,
        actor=actor,
        reason=f"arrangement:{arrangement.pk}",
        on=today,
    )


def _freeze_source(arrangement: Arrangement) -> str:
    return f"arrangement:{arrangement.pk}"


def agreement_parties(case: Case) -> dict[str, Any]:
    """Who an agreement is between, as the documents print it (shared by the settlement offers)."""
    debtor = case.debtor
    address = debtor_current_address(debtor=debtor)
    lines: tuple[str, ...] = ()
    if address is not None:
        lines = (f"{address.street} {address.house_number}", f"{address.postcode}  {address.city.upper()}")
    agency = getattr(settings, "INCASSO_AGENCY", {})
    return {
        "agency_name": agency.get("name") or "Incasso",
        "agency_address": agency.get("address", ""),
        "agency_iban": agency.get("iban") or case.client.remittance_iban or "",
        "creditor_name": case.client.name,
        "debtor_name": debtor.display_name,
        "debtor_address": lines,
    }


def agreement_data(arrangement: Arrangement, *, made_on: dt.date) -> AgreementData:
    case = arrangement.case
    policy = policy_for_client(case.client_id)
    return AgreementData(
        document_id=f"R{arrangement.pk}",
        case_number=case.number,
        made_on=made_on,
        **agreement_parties(case),
        balance=arrangement.balance,
        frequency_label=str(Frequency(arrangement.frequency).label),
        interest_frozen=arrangement.interest_frozen,
        misses_to_break=policy.misses_to_break,
        grace_days=policy.grace_days,
        rows=tuple(
            AgreementRow(
                number=i.number, due_on=i.due_on, amount=i.amount, payment_reference=i.payment_reference
            )
            for i in arrangement.instalments.order_by("number")
        ),
    )


def _lock_pending(arrangement: Arrangement) -> tuple[Case, Arrangement]:
    case = Case.objects.select_for_update().get(pk=arrangement.case_id)
    locked = Arrangement.objects.select_for_update().get(pk=arrangement.pk)
    if locked.status != ArrangementStatus.PENDING:
        raise DomainError(_("This arrangement is not waiting for approval"), field="status")
    return case, locked


def _check_approver(locked: Arrangement, supervisor: Any) -> None:
    if getattr(supervisor, "role", None) not in SUPERVISOR_ROLES:
        raise DomainError(_("Only a supervisor decides on arrangements beyond authority"), field="supervisor")
    if locked.proposed_by_id == supervisor.pk:
        raise DomainError(_("You cannot decide on an arrangement you proposed yourself"), field="supervisor")


@transaction.atomic
def arrangement_approve(
    *, arrangement: Arrangement, supervisor: Any, note: str = "", today: dt.date | None = None
) -> Arrangement:
    case, locked = _lock_pending(arrangement)
    _check_approver(locked, supervisor)
    today = today or timezone.localdate()
    locked.decided_by = supervisor
    locked.decided_at = timezone.now()
    locked.decision_note = note.strip()[:300]
    locked.save(update_fields=["decided_by", "decided_at", "decision_note"])
    event_record(
        case=case,
        kind=EventKind.NOTE,
        summary="Betalingsregeling goedgekeurd",
        actor=supervisor,
        details={"arrangement": locked.pk, "note": locked.decision_note},
    )
    _activate(locked, case, actor=supervisor, today=today)
    return locked


@transaction.atomic
def arrangement_reject(*, arrangement: Arrangement, supervisor: Any, note: str = "") -> Arrangement:
    case, locked = _lock_pending(arrangement)
    _check_approver(locked, supervisor)
    locked.status = ArrangementStatus.REJECTED
    locked.decided_by = supervisor
    locked.decided_at = timezone.now()
    locked.decision_note = note.strip()[:300]
    locked.ended_on = timezone.localdate()
    locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "ended_on"])
    event_record(
        case=case,
        kind=EventKind.NOTE,
        summary="Betalingsregeling afgewezen" + (f": {locked.decision_note}" if locked.decision_note else ""),
        actor=supervisor,
        details={"arrangement": locked.pk},
    )
    return locked


def signed_copy_keep(agreement: Agreement, content: Any, *, at: dt.datetime) -> None:
    """Keep the signed agreement the debtor sent back on `agreement` (an arrangement or a settlement
    offer), with its SHA-256, accepted at `at`; the caller saves. An empty upload is refused."""
    if not isinstance(content, bytes) or not content:
        raise DomainError(_("Upload the signed agreement"), field="file")
    agreement.signed_upload = content
    agreement.signed_upload_sha256 = hashlib.sha256(content).hexdigest()
    agreement.accepted_at = at


@transaction.atomic
def arrangement_accept(
    *,
    arrangement: Arrangement,
    method: str,
    evidence: dict[str, Any],
    actor: Any = None,
    actor_label: str = "system",
) -> Arrangement:
    """Record the debtor's acceptance of the stored agreement (`actor_label` names who recorded it when
    no user did: "portaal" for the debtor in the portal); the methods and their evidence are
    `acceptance_record`'s."""
    Case.objects.select_for_update().filter(pk=arrangement.case_id).first()
    locked = Arrangement.objects.select_for_update().get(pk=arrangement.pk)
    if locked.status != ArrangementStatus.ACTIVE or not locked.agreement_sha256:
        raise DomainError(_("Only an active arrangement with an agreement can be accepted"), field="status")
    if locked.accepted_at is not None:
        raise DomainError(_("This agreement has already been accepted"), field="status")
    acceptance_record(locked, method=method, evidence=evidence)
    event_record(
        case=locked.case,
        kind=EventKind.DOCUMENT,
        summary=f"Betalingsregeling geaccepteerd ({record_text(AcceptanceMethod(method).label)})",
        actor=actor,
        actor_label=actor_label,
        details={"arrangement": locked.pk, **acceptance_details(locked)},
    )
    return locked


def acceptance_record(locked: Agreement, *, method: str, evidence: dict[str, Any]) -> None:
    """Keep the debtor's acceptance of `locked`'s stored agreement (an arrangement or a settlement
    offer, locked by the caller, who checked it may be accepted) and save it:

    - method "signed_upload": evidence {"file": bytes} (the signed scan); its SHA-256 is kept.
    - method "online": evidence {"document_sha256": str, "ip": str, "accepted_at": datetime (optional)};
      the hash must be the stored agreement's, so the debtor accepted exactly this document."""
    now = timezone.now()
    if method == AcceptanceMethod.SIGNED_UPLOAD:
        signed_copy_keep(locked, evidence.get("file"), at=now)
    elif method == AcceptanceMethod.ONLINE:
        if not locked.agreement_sha256 or evidence.get("document_sha256") != locked.agreement_sha256:
            raise DomainError(_("The accepted document is not the stored agreement"), field="document_sha256")
        if not evidence.get("ip"):
            raise DomainError(_("Online acceptance needs the IP address"), field="ip")
        locked.accepted_ip = evidence["ip"]
        locked.accepted_at = evidence.get("accepted_at") or now
    else:
        raise DomainError(_("Unknown acceptance method %(method)r") % {"method": method}, field="method")
    locked.acceptance_method = method
    locked.accepted_document_sha256 = locked.agreement_sha256
    locked.save(
        update_fields=[
            "signed_upload",
            "signed_upload_sha256",
            "accepted_at",
            "accepted_ip",
            "acceptance_method",
            "accepted_document_sha256",
        ]
    )


def acceptance_details(agreement: Agreement) -> dict[str, Any]:
    """What the timeline keeps of an acceptance."""
    return {
        "method": agreement.acceptance_method,
        "document_sha256": agreement.agreement_sha256,
        "upload_sha256": agreement.signed_upload_sha256,
        "ip": agreement.accepted_ip or "",
    }


def arrangement_end(
    *, arrangement: Arrangement, status: str, actor: Any, on: dt.date, reason: str
) -> Arrangement:
    """Close an active arrangement as broken or completed: release its hold and end its interest
    freeze on `on` (interest runs again from the next day). (Called inside the monitor's
    transaction, with the case locked.)"""
    arrangement.status = status
    arrangement.ended_on = on
    arrangement.save(update_fields=["status", "ended_on"])
    if arrangement.hold is not None:
        hold_release(hold=arrangement.hold, actor=actor)
    if arrangement.interest_frozen:
        interest_freeze_end(case=arrangement.case, on=on, actor=actor, source=_freeze_source(arrangement))
    event_record(
        case=arrangement.case,
        kind=EventKind.NOTE,
        summary=reason,
        actor=actor,
        actor_label="system",
        details={"arrangement": arrangement.pk, "status": status},
    )
    return arrangement
