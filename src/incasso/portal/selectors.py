"""Reads for the debtor portal: finding a case by the facts on its letters, and the debtor's overview.

A debtor is no user, so `case_get_for_user` does not apply: the portal's scope is the one case whose
id the server wrote into the session at login (`portal.session`). Everything here takes that case;
nothing takes a case number or id from a URL.
"""

from __future__ import annotations

import datetime as dt
import hmac
from dataclasses import dataclass
from decimal import Decimal

from incasso.arrangements.models import (
    ArrangementStatus,
    InstalmentStatus,
    Settlement,
    SettlementKind,
    SettlementStatus,
)
from incasso.arrangements.selectors import arrangement_for_case, instalments_with_paid
from incasso.arrangements.settlements import settlement_paid, settlement_terms
from incasso.calculations.errors import CalculationError
from incasso.calculations.sheet import group_by_four
from incasso.cases.models import Case, CaseState
from incasso.cases.statement import case_statement
from incasso.core.exceptions import DomainError
from incasso.debtors.selectors import debtor_current_address
from incasso.letters.models import Letterhead
from incasso.letters.rendering.epc import epc_qr
from incasso.letters.selectors import letterhead_for_client

ZERO = Decimal("0.00")


def normalize_case_number(text: str) -> str:
    """'2026 - 000123 ' -> '2026-000123' (spaces dropped; the number is printed with its dash)."""
    return "".join(text.split())


def normalize_payment_reference(text: str) -> str:
    """'5000 0567.8901-2345' -> '5000056789012345': the separators people type are dropped."""
    return "".join(ch for ch in text if ch not in " .-\t")


def normalize_postcode(text: str) -> str:
    """'1234 ab' -> '1234AB'."""
    return "".join(text.split()).upper()


def case_for_portal_login(*, number: str, payment_reference: str, postcode: str) -> Case | None:
    """The case when all three facts match (the postcode of the debtor's current, valid address), else
    None, without saying which did not match. Compared in constant time."""
    number = normalize_case_number(number)
    if not number:
        return None
    case = Case.objects.select_related("debtor").filter(number=number).first()
    if case is None:
        return None
    reference_ok = hmac.compare_digest(
        case.payment_reference.encode(), normalize_payment_reference(payment_reference).encode()
    )
    address = debtor_current_address(debtor=case.debtor)
    postcode_ok = address is not None and hmac.compare_digest(
        normalize_postcode(address.postcode).encode(), normalize_postcode(postcode).encode()
    )
    return case if reference_ok and postcode_ok else None


def portal_case(*, case_id: int) -> Case | None:
    """The case of a portal session (the id only the server writes), or None when it is gone."""
    return Case.objects.select_related("client", "debtor").filter(pk=case_id).first()


@dataclass(frozen=True)
class ClaimLine:
    invoice_number: str
    invoice_date: dt.date
    description: str
    principal: Decimal


@dataclass(frozen=True)
class Owed:
    """What is owed today, by the case's own calculation (`cases.statement`, as the case screen)."""

    principal: Decimal
    interest: Decimal
    costs: Decimal
    total: Decimal


@dataclass(frozen=True)
class PayTo:
    """Where to pay: the agency's account as the letters print it, and the QR code for a banking app."""

    account_holder: str
    iban: str  # grouped by four
    reference: str  # grouped by four
    amount: Decimal
    qr_data_uri: str  # empty when no code can be made (no amount, an unprintable reference)


@dataclass(frozen=True)
class InstalmentLine:
    number: int
    due_on: dt.date
    amount: Decimal
    paid: Decimal
    status: str
    status_label: str
    payment_reference: str


@dataclass(frozen=True)
class RunningArrangement:
    status: str
    status_label: str
    instalments: tuple[InstalmentLine, ...]
    # The stored agreement the debtor may download and accept here ("" when there is none)
    agreement_sha256: str = ""
    accepted_at: dt.datetime | None = None

    @property
    def to_accept(self) -> bool:
        return bool(self.agreement_sha256) and self.accepted_at is None

    @property
    def paid(self) -> Decimal:
        return sum((i.paid for i in self.instalments), ZERO)

    @property
    def total(self) -> Decimal:
        return sum((i.amount for i in self.instalments), ZERO)


@dataclass(frozen=True)
class Contact:
    phone: str
    email: str


@dataclass(frozen=True)
class RunningSettlement:
    """A settlement offer that runs: a lump sum to pay by a date (the rest then let go), or goods to
    return by a date."""

    kind: str
    amount: Decimal  # the lump sum, or the goods' agreed value
    to_pay: Decimal  # what is still to pay of the lump sum (0 for goods)
    deadline: dt.date
    forgiven: Decimal
    goods: str
    settles_in_full: bool
    agreement_sha256: str = ""  # the stored agreement the debtor may accept online
    accepted_at: dt.datetime | None = None

    @property
    def to_accept(self) -> bool:
        return bool(self.agreement_sha256) and self.accepted_at is None


@dataclass(frozen=True)
class PortalOverview:
    case_number: str
    debtor_name: str
    client_name: str
    is_closed: bool
    claims: tuple[ClaimLine, ...]
    owed: Owed | None  # None when the calculation cannot be made today (shown as such)
    pay_to: PayTo | None
    arrangement: RunningArrangement | None
    contact: Contact | None
    settlement: RunningSettlement | None = None


def case_owed_today(*, case: Case, today: dt.date) -> Owed | None:
    try:
        statement = case_statement(case=case, as_of=today)
    except CalculationError:
        return None
    if statement is None:  # a case without claims owes nothing
        return Owed(principal=ZERO, interest=ZERO, costs=ZERO, total=ZERO)
    return Owed(
        principal=statement.principal.outstanding,
        interest=statement.interest.outstanding,
        costs=statement.costs.outstanding,
        total=statement.outstanding,
    )


def _running_arrangement(case: Case) -> RunningArrangement | None:
    arrangement = arrangement_for_case(case=case)
    if arrangement is None or arrangement.status != ArrangementStatus.ACTIVE:
        return None
    lines = tuple(
        InstalmentLine(
            number=i.number,
            due_on=i.due_on,
            amount=i.amount,
            paid=Decimal(i.paid).quantize(ZERO),
            status=i.status,
            status_label=i.get_status_display(),
            payment_reference=i.payment_reference,
        )
        for i in instalments_with_paid(arrangement=arrangement)
    )
    return RunningArrangement(
        status=arrangement.status,
        status_label=arrangement.get_status_display(),
        instalments=lines,
        agreement_sha256=arrangement.agreement_sha256,
        accepted_at=arrangement.accepted_at,
    )


def running_settlement_for_case(case: Case) -> Settlement | None:
    """The case's running settlement offer (one at most runs), or None."""
    return Settlement.objects.filter(case=case, status=SettlementStatus.ACTIVE).first()


def _running_settlement(case: Case) -> RunningSettlement | None:
    settlement = running_settlement_for_case(case)
    if settlement is None:
        return None
    paid, _last = settlement_paid(settlement)
    lump = settlement.kind == SettlementKind.LUMP_SUM
    return RunningSettlement(
        kind=settlement.kind,
        amount=settlement.amount,
        to_pay=max(settlement.amount - paid, ZERO) if lump else ZERO,
        deadline=settlement.deadline,
        forgiven=settlement_terms(settlement).forgiven,
        goods=settlement.goods_description,
        settles_in_full=settlement.settles_in_full,
        agreement_sha256=settlement.agreement_sha256 if settlement.agreement_pdf else "",
        accepted_at=settlement.accepted_at,
    )


def _qr_data_uri(*, name: str, iban: str, amount: Decimal, reference: str) -> str:
    """The letters' EPC code (`letters.rendering.epc.epc_qr`) as an SVG data URI, or '' when the
    payment cannot be encoded (nothing to pay, a reference banks would refuse)."""
    if amount < Decimal("0.01") or not iban:
        return ""
    try:
        qr = epc_qr(name=name, iban=iban, amount=amount, reference=reference)
    except ValueError:
        return ""
    return str(qr.svg_data_uri(scale=4, border=4, dark="#000", light="#fff"))


def _pay_to(
    case: Case,
    head: Letterhead,
    owed: Owed | None,
    arrangement: RunningArrangement | None,
    settlement: RunningSettlement | None = None,
) -> PayTo:
    """With a running arrangement the code asks for the next open instalment under its own reference
    (which is how the bank line finds the instalment); with a running lump-sum settlement for what is
    still to pay of it; otherwise for the whole amount owed today."""
    iban = head.iban.replace(" ", "").upper()
    amount, reference = (owed.total if owed else ZERO), case.payment_reference
    if settlement is not None and settlement.kind == SettlementKind.LUMP_SUM and settlement.to_pay > 0:
        amount = settlement.to_pay
    if arrangement is not None:
        line = next((i for i in arrangement.instalments if i.status != InstalmentStatus.PAID), None)
        if line is not None:
            amount, reference = max(line.amount - line.paid, ZERO), line.payment_reference
    return PayTo(
        account_holder=head.account_holder,
        iban=group_by_four(iban),
        reference=group_by_four(reference),
        amount=amount,
        qr_data_uri=_qr_data_uri(name=head.account_holder, iban=iban, amount=amount, reference=reference),
    )


def portal_overview(*, case: Case, today: dt.date) -> PortalOverview:
    owed = case_owed_today(case=case, today=today)
    arrangement = _running_arrangement(case)
    settlement = _running_settlement(case)
    closed = case.state == CaseState.CLOSED
    try:  # where to pay and whom to ask, as the letters print them
        head: Letterhead | None = letterhead_for_client(client=case.client)
    except DomainError:
        head = None
    return PortalOverview(
        case_number=case.number,
        debtor_name=case.debtor.display_name,
        client_name=case.client.name,
        is_closed=closed,
        claims=tuple(
            ClaimLine(
                invoice_number=c.invoice_number,
                invoice_date=c.invoice_date,
                description=c.description,
                principal=c.principal,
            )
            for c in case.claims.order_by("invoice_date", "id")
        ),
        owed=owed,
        pay_to=None if closed or head is None else _pay_to(case, head, owed, arrangement, settlement),
        arrangement=arrangement,
        settlement=None if closed else settlement,
        contact=None if head is None else Contact(phone=head.phone, email=head.email),
    )
