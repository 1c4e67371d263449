"""The case as frozen data for the hand-over package and the summons: parties, claims, the
calculation sheet to a date (`cases.statement.case_statement`), payments, limitation, timeline,
documents, court and court fee. Only reads; models do not leave this module."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from incasso.calculations.sheet import render_statement
from incasso.calculations.statement import LineKind, Statement
from incasso.cases.models import Case, DebtorRole, DocumentKind, InterestBasis
from incasso.cases.statement import case_statement, statement_for_reading
from incasso.core.formatting import format_date, record_text
from incasso.debtors.models import DebtorKind
from incasso.debtors.selectors import debtor_current_address
from incasso.legal.court import CourtChoice, FeeCategory, FeeEstimate, court_fee, court_for_claim
from incasso.legal.models import LimitationEvent
from incasso.legal.selectors import case_limitations, client_policy

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Party:
    name: str
    address_lines: tuple[str, ...]
    kvk: str = ""
    extra: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ClaimRow:
    invoice_number: str
    invoice_date: dt.date
    due_date: dt.date
    principal: Decimal
    description: str
    interest: str
    limitation_last_day: dt.date
    limitation_basis: str


@dataclass(frozen=True)
class PaymentRow:
    on: dt.date
    amount: Decimal
    reference: str


@dataclass(frozen=True)
class Dossier:
    as_of: dt.date
    case_number: str
    client_reference: str
    debt_type: str
    consumer: bool
    agency: str
    client: Party
    debtor: Party
    claims: tuple[ClaimRow, ...]
    statement: Statement | None
    sheet_text: str
    payments: tuple[PaymentRow, ...]
    limitation_events: tuple[tuple[str, str, dt.date], ...]  # invoice, kind label, received on
    timeline: tuple[tuple[str, str, str], ...]  # when, by, what
    documents: tuple[tuple[int, str, str, str, str], ...]  # id, name, kind label, sha256, path
    court: CourtChoice
    fee: FeeEstimate

    @property
    def outstanding(self) -> Decimal:
        return self.statement.outstanding if self.statement else ZERO


def interest_label(basis: str, rate: Decimal | None) -> str:
    if basis == InterestBasis.CONSUMER_STATUTORY:
        return "wettelijke rente (art. 6:119 BW)"
    if basis == InterestBasis.COMMERCIAL_STATUTORY:
        return "wettelijke handelsrente (art. 6:119a BW)"
    if basis == InterestBasis.CONTRACTUAL:
        return f"overeengekomen rente {rate}% per jaar"
    return "geen rente"


def agency_name() -> str:
    return str(getattr(settings, "INCASSO_AGENCY", {}).get("name", "Incasso"))


def case_dossier(*, case: Case, as_of: dt.date) -> Dossier:
    client = case.client
    debtor = case.debtor
    address = debtor_current_address(debtor=debtor)
    statement = case_statement(case=case, as_of=as_of)
    limitations = case_limitations(case=case)
    debtor_extra: list[tuple[str, str]] = [
        ("hoedanigheid", "consument" if case.debtor_role == DebtorRole.CONSUMER else "zakelijk")
    ]
    if debtor.date_of_birth:
        debtor_extra.append(("geboortedatum", format_date(debtor.date_of_birth)))
    if debtor.kind == DebtorKind.ORGANISATION:
        debtor_extra.append(("rechtsvorm", "organisatie"))
    payments: tuple[PaymentRow, ...] = ()
    if statement is not None:
        payments = tuple(
            PaymentRow(line.on, line.amount, line.description)
            for line in statement.lines
            if line.kind is LineKind.PAYMENT
        )
    category = FeeCategory(client_policy(client_id=client.pk).court_fee_category)
    value = statement.outstanding if statement else ZERO
    choice = court_for_claim(value)
    kinds = dict(DocumentKind.choices)
    return Dossier(
        as_of=as_of,
        case_number=case.number,
        client_reference=case.client_reference,
        debt_type=case.debt_type.name,
        consumer=case.debtor_role == DebtorRole.CONSUMER,
        agency=agency_name(),
        client=Party(
            client.name,
            tuple(line for line in client.letterhead_text.splitlines() if line.strip())[:3],
            client.kvk_number,
            tuple(
                (k, v) for k, v in (("btw-nummer", client.vat_number), ("IBAN", client.remittance_iban)) if v
            ),
        ),
        debtor=Party(
            debtor.display_name,
            tuple(address.lines) if address else ("adres onbekend",),
            debtor.kvk_number,
            tuple(debtor_extra),
        ),
        claims=tuple(
            ClaimRow(
                c.invoice_number,
                c.invoice_date,
                c.due_date,
                c.principal,
                c.description,
                interest_label(c.interest_basis, c.contractual_rate),
                lim.last_day,
                lim.basis,
            )
            for c, lim in limitations
        ),
        statement=statement,
        sheet_text=render_statement(statement_for_reading(statement), title="Renteberekening")
        if statement
        else "",
        payments=payments,
        limitation_events=tuple(
            (e.claim.invoice_number, e.get_kind_display(), e.occurred_on)
            for e in LimitationEvent.objects.filter(claim__case=case, voided_on__isnull=True).select_related(
                "claim"
            )
        ),
        timeline=tuple(
            (format_date(e.occurred_at), record_text(e.actor_display), e.summary)
            for e in case.events.order_by("occurred_at", "id")
        ),
        documents=tuple(
            (d.pk, d.original_name, str(kinds.get(d.kind, d.kind)), d.sha256, d.file.name or "")
            for d in case.documents.order_by("uploaded_at", "id")
        ),
        court=choice,
        fee=court_fee(value, category, court=choice.court, on=as_of),
    )
