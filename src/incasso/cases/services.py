"""Writes for the case file itself: opening cases, adding claims and changing the case's state.

Every service is one transaction; rows are locked case first. The ledger bookings live in
`cases.ledger`, the timeline (events, notes, tasks, documents) in `cases.timeline`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from incasso.calculations.payment_reference import generate_payment_reference
from incasso.cases.labels import source_word_lazy
from incasso.cases.models import (
    Bucket,
    Case,
    CaseCounter,
    CaseState,
    Claim,
    DebtorRole,
    DebtType,
    EntryKind,
    EventKind,
    InterestBasis,
    LedgerEntry,
)
from incasso.cases.states import check_transition
from incasso.cases.timeline import event_record
from incasso.clients.models import Client
from incasso.core.exceptions import DomainError
from incasso.core.formatting import format_date, format_money, record_text
from incasso.debtors.models import Debtor


@dataclass(frozen=True)
class ClaimInput:
    invoice_number: str
    invoice_date: dt.date
    due_date: dt.date
    principal: Decimal
    description: str = ""
    interest_basis: str | None = None  # None: the debt type's default
    contractual_rate: Decimal | None = None
    compound: bool = True


def claim_validate(claim: ClaimInput, *, debt_type: DebtType) -> str:
    """Check one claim; return its interest basis. Raise DomainError naming the field."""
    if not isinstance(claim.principal, Decimal):
        raise DomainError(_("Principal must be an exact amount"), field="principal")
    if claim.principal <= 0:
        raise DomainError(
            _("Principal must be more than zero, got %(amount)s") % {"amount": format_money(claim.principal)},
            field="principal",
        )
    if claim.principal.as_tuple().exponent < -2:  # type: ignore[operator]
        raise DomainError(
            _("Principal has more than two decimals: %(amount)s") % {"amount": claim.principal},
            field="principal",
        )
    if claim.due_date < claim.invoice_date:
        raise DomainError(
            _("Due date %(due)s is before invoice date %(invoice)s")
            % {"due": format_date(claim.due_date), "invoice": format_date(claim.invoice_date)},
            field="due_date",
        )
    if not claim.invoice_number.strip():
        raise DomainError(_("Invoice number is missing"), field="invoice_number")
    basis = claim.interest_basis or debt_type.default_interest_basis
    if basis not in InterestBasis.values:
        raise DomainError(_("Unknown interest basis %(basis)r") % {"basis": basis}, field="interest_basis")
    if basis == InterestBasis.CONTRACTUAL and claim.contractual_rate is None:
        raise DomainError(_("A contractual interest basis needs a rate"), field="contractual_rate")
    return basis


def _next_case_number(year: int) -> tuple[str, int]:
    counter, _created = CaseCounter.objects.select_for_update().get_or_create(year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return f"{year}-{counter.last_number:06d}", year * 1_000_000 + counter.last_number


@transaction.atomic
def case_open(
    *,
    client: Client,
    debtor: Debtor,
    debtor_role: str,
    debt_type: DebtType,
    claims: Sequence[ClaimInput],
    opened_on: dt.date,
    actor: Any = None,
    source: str = "manual",
    client_reference: str = "",
    officer: Any = None,
) -> Case:
    """Open a case with its claims; each claim's principal becomes a ledger entry."""
    if debtor_role not in DebtorRole.values:
        raise DomainError(
            _("Debtor role must be consumer or business, got %(role)r") % {"role": debtor_role},
            field="debtor_role",
        )
    if not claims:
        raise DomainError(_("A case needs at least one claim"), field="claims")
    bases = [claim_validate(c, debt_type=debt_type) for c in claims]
    number, numeric = _next_case_number(opened_on.year)
    case = Case.objects.create(
        number=number,
        client=client,
        debtor=debtor,
        debtor_role=debtor_role,
        debt_type=debt_type,
        officer=officer,
        opened_on=opened_on,
        client_reference=client_reference,
        payment_reference=generate_payment_reference(numeric),
        next_action_on=opened_on,
    )
    event_record(
        case=case,
        kind=EventKind.CREATED,
        summary=f"Dossier aangemaakt ({record_text(source_word_lazy(source))})",
        actor=actor,
        actor_label=source,
        details={"source": source, "claims": len(claims)},
    )
    for claim_input, basis in zip(claims, bases, strict=True):
        _claim_create(case=case, claim=claim_input, basis=basis, actor=actor, source=source)
    return case


def _claim_create(*, case: Case, claim: ClaimInput, basis: str, actor: Any, source: str) -> Claim:
    if Claim.objects.filter(client_id=case.client_id, invoice_number=claim.invoice_number).exists():
        raise DomainError(
            _("Invoice %(invoice)s of this client is already in a case") % {"invoice": claim.invoice_number},
            field="invoice_number",
        )
    row = Claim.objects.create(
        case=case,
        client_id=case.client_id,
        invoice_number=claim.invoice_number.strip(),
        invoice_date=claim.invoice_date,
        due_date=claim.due_date,
        principal=claim.principal,
        description=claim.description,
        interest_basis=basis,
        contractual_rate=claim.contractual_rate,
        compound=claim.compound,
    )
    LedgerEntry.objects.create(
        case=case,
        claim=row,
        bucket=Bucket.PRINCIPAL,
        kind=EntryKind.CLAIM_ADDED,
        amount=claim.principal,
        value_on=claim.due_date,
        booked_at=timezone.now(),
        source=source,
        actor=actor if getattr(actor, "pk", None) else None,
        reason=f"Factuur {row.invoice_number}",
    )
    return row


@transaction.atomic
def claim_add(*, case: Case, claim: ClaimInput, actor: Any = None, source: str = "manual") -> Claim:
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.state == CaseState.CLOSED:
        raise DomainError(_("A closed case takes no new claims"), field="state")
    basis = claim_validate(claim, debt_type=locked.debt_type)
    row = _claim_create(case=locked, claim=claim, basis=basis, actor=actor, source=source)
    event_record(
        case=locked,
        kind=EventKind.IMPORTED if source != "manual" else EventKind.LEDGER,
        summary=f"Vordering {row.invoice_number} toegevoegd",
        actor=actor,
        actor_label=source,
        details={"invoice_number": row.invoice_number, "principal": str(row.principal)},
    )
    return row


@transaction.atomic
def case_transition(
    *,
    case: Case,
    to: str,
    actor: Any,
    reason: str = "",
    closing_reason: str | None = None,
    on: dt.date | None = None,
) -> Case:
    """Change the state if the state machine allows it; log it on the timeline."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    check_transition(current=locked.state, target=to, closing_reason=closing_reason)
    if closing_reason == "paid":
        from incasso.cases.selectors import case_balance

        balance = case_balance(case=locked)
        if balance.total != 0:
            raise DomainError(
                _("The case still has %(amount)s open; it cannot be closed as paid")
                % {"amount": format_money(balance.total)},
                field="state",
            )
    previous = locked.state
    locked.state = to
    if to == CaseState.CLOSED:
        locked.closed_on = on or timezone.localdate()
        locked.closing_reason = closing_reason or ""
        locked.next_action_on = None
    locked.save(update_fields=["state", "closed_on", "closing_reason", "next_action_on"])
    event_record(
        case=locked,
        kind=EventKind.STATE_CHANGED,
        summary=f"Status: {record_text(CaseState(previous).label)} → {record_text(CaseState(to).label)}"
        + (f" ({reason})" if reason else ""),
        actor=actor,
        details={"from": previous, "to": to, "reason": reason, "closing_reason": closing_reason or ""},
    )
    return locked
