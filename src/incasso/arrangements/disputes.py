"""Disputes (betwistingen): a hold on all automated steps until the dispute is resolved.

Resolutions: continue (nothing changes in the money), partial write-off (a `write_off` entry on the
principal), credit note from the client (a `correction` entry on the principal), withdrawn (the case
is closed as withdrawn). The hold is released in every case.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from incasso.arrangements.models import Dispute, DisputeReason, DisputeResolution
from incasso.cases.ledger import ledger_book
from incasso.cases.models import (
    Bucket,
    Case,
    CaseState,
    ClientQuestion,
    Document,
    EntryKind,
    EventKind,
    QuestionTopic,
)
from incasso.cases.questions import question_ask, questions_withdraw_for
from incasso.cases.selectors import case_balance
from incasso.cases.services import case_transition
from incasso.cases.timeline import event_record
from incasso.core.access import STAFF_ROLES
from incasso.core.exceptions import DomainError
from incasso.core.formatting import format_money, record_text
from incasso.letters.models import TemplateCode
from incasso.letters.queueing import message_queue
from incasso.strategies.holds import hold_place, hold_release
from incasso.strategies.models import Channel, HoldReason


def _require_staff(user: Any) -> None:
    if getattr(user, "role", None) not in STAFF_ROLES:
        raise DomainError(_("Only agency staff handle disputes"), field="officer")


@transaction.atomic
def dispute_open(
    *,
    case: Case,
    reason: str,
    description: str,
    officer: Any,
    documents: Sequence[Document] = (),
    today: dt.date | None = None,
) -> Dispute:
    _require_staff(officer)
    if reason not in DisputeReason.values:
        raise DomainError(_("Unknown dispute reason %(reason)r") % {"reason": reason}, field="reason")
    if not description.strip():
        raise DomainError(_("Describe the dispute"), field="description")
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.state == CaseState.CLOSED:
        raise DomainError(_("A closed case cannot be disputed here"), field="case")
    if any(d.case_id != locked.pk for d in documents):
        raise DomainError(_("A document belongs to another case"), field="documents")
    hold = hold_place(
        case=locked,
        reason=HoldReason.DISPUTE,
        starts_on=today or timezone.localdate(),
        actor=officer,
        note=f"Betwisting: {record_text(DisputeReason(reason).label)}",
    )
    dispute = Dispute.objects.create(
        case=locked,
        reason=reason,
        description=description.strip(),
        opened_by=officer,
        opened_at=timezone.now(),
        hold=hold,
    )
    dispute.documents.set(documents)
    event_record(
        case=locked,
        kind=EventKind.NOTE,
        summary=f"Betwisting geopend: {record_text(DisputeReason(reason).label)}",
        actor=officer,
        details={"dispute": dispute.pk, "description": dispute.description[:500]},
    )
    message_queue(  # the acknowledgement by post, in this transaction (a refusal is recorded, not raised)
        case=locked,
        template_code=TemplateCode.DISPUTE_ACKNOWLEDGEMENT,
        channel=Channel.LETTER,
        actor=officer,
        reason=f"dispute:{dispute.pk}",
        on=today or timezone.localdate(),
    )
    return dispute


def dispute_ask_client(
    *, dispute: Dispute, question: str, officer: Any, today: dt.date | None = None
) -> ClientQuestion:
    """Put a question about the dispute to the client (`cases.questions.question_ask`): the client
    answers in Incasso; the officer gets a task to chase it. Withdrawn when the dispute is resolved."""
    _require_staff(officer)
    if dispute.resolved_at is not None:
        raise DomainError(_("This dispute is resolved"), field="dispute")
    return question_ask(
        case=dispute.case,
        question=question,
        officer=officer,
        topic=QuestionTopic.DISPUTE,
        source=dispute_source(dispute),
        today=today,
    )


def dispute_source(dispute: Dispute) -> str:
    """The `source` of the questions a dispute raised."""
    return f"dispute:{dispute.pk}"


@transaction.atomic
def dispute_resolve(
    *,
    dispute: Dispute,
    resolution: str,
    officer: Any,
    amount: Decimal | None = None,
    note: str = "",
    today: dt.date | None = None,
) -> Dispute:
    _require_staff(officer)
    today = today or timezone.localdate()
    case = Case.objects.select_for_update().get(pk=dispute.case_id)
    locked = Dispute.objects.select_for_update(of=("self",)).select_related("hold").get(pk=dispute.pk)
    if locked.resolved_at is not None:
        raise DomainError(_("This dispute is already resolved"), field="dispute")
    if resolution not in DisputeResolution.values:
        raise DomainError(
            _("Unknown resolution %(resolution)r") % {"resolution": resolution}, field="resolution"
        )
    needs_amount = resolution in (DisputeResolution.PARTIAL_WRITE_OFF, DisputeResolution.CREDIT_NOTE)
    if needs_amount:
        if not isinstance(amount, Decimal) or amount <= 0:
            raise DomainError(_("Give the amount, more than zero"), field="amount")
        if amount != amount.quantize(Decimal("0.01")):
            raise DomainError(_("The amount has more than two decimals"), field="amount")
        principal = case_balance(case=case).principal
        if amount > principal:
            raise DomainError(
                _("The amount is more than the open principal (%(principal)s)")
                % {"principal": format_money(principal)},
                field="amount",
            )
        ledger_book(
            case=case,
            bucket=Bucket.PRINCIPAL,
            kind=EntryKind.WRITE_OFF
            if resolution == DisputeResolution.PARTIAL_WRITE_OFF
            else EntryKind.CORRECTION,
            amount=-amount,
            value_on=today,
            source=f"dispute:{locked.pk}",
            actor=officer,
            reason=f"Betwisting: {record_text(DisputeResolution(resolution).label)}"
            + (f" – {note.strip()}" if note.strip() else ""),
        )
    elif amount is not None:
        raise DomainError(_("Only a write-off or credit note takes an amount"), field="amount")
    if locked.hold is not None:
        hold_release(hold=locked.hold, actor=officer)
    locked.resolution = resolution
    locked.resolution_amount = amount if needs_amount else None
    locked.resolution_note = note.strip()[:300]
    locked.resolved_by = officer
    locked.resolved_at = timezone.now()
    locked.save(
        update_fields=["resolution", "resolution_amount", "resolution_note", "resolved_by", "resolved_at"]
    )
    event_record(
        case=case,
        kind=EventKind.NOTE,
        summary=f"Betwisting afgehandeld: {record_text(DisputeResolution(resolution).label)}"
        + (f" ({format_money(amount)})" if needs_amount and amount is not None else ""),
        actor=officer,
        details={"dispute": locked.pk, "resolution": resolution, "amount": str(amount or "")},
    )
    questions_withdraw_for(
        case=case, source=dispute_source(locked), actor=officer, reason="betwisting afgehandeld"
    )
    if resolution == DisputeResolution.WITHDRAWN:
        case_transition(
            case=case,
            to=CaseState.CLOSED,
            actor=officer,
            reason="ingetrokken na betwisting",
            closing_reason="withdrawn",
            on=today,
        )
    return locked
