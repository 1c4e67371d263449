"""What the matching rules read for a batch of bank transactions, fetched in bulk, and the small
helpers the rules share with it: the references, case numbers and invoice numbers a transaction
mentions, which cases are open, whether a line is a return, an arrangement's open instalment."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.db.models.functions import Upper

from incasso.arrangements.models import ArrangementStatus, Instalment, InstalmentStatus
from incasso.calculations import is_valid_payment_reference
from incasso.cases.models import Case, CaseState, Claim
from incasso.cases.position import CasePosition, case_position, ledger_rows_for, position_from_rows
from incasso.cases.statement import Periods, interest_free_periods_for
from incasso.core.bulk import id_in, instances, text_in
from incasso.debtors.models import BankAccount
from incasso.payments.models import BankTransaction, TransactionStatus
from incasso.rates.selectors import rate_tables

# A case number stands on its own: not glued to letters or digits ("EN2024-000006" is an invoice number).
CASE_NUMBER_RE = re.compile(r"(?<![\w-])(\d{4}-\d{6})(?![\w-])")
DIGITS_RE = re.compile(r"\d(?:[ .]?\d){6,18}")
TOKEN_SPLIT_RE = re.compile(r"[\s,;:/()\[\]'\"]+")


IN_CHUNK = 5000


def chunks[T: (str, int)](values: Iterable[T]) -> Iterable[list[T]]:
    items = sorted(set(values))
    for start in range(0, len(items), IN_CHUNK):
        yield items[start : start + IN_CHUNK]


def references_in(txn: BankTransaction) -> set[str]:
    found = set()
    structured = re.sub(r"[ .]", "", txn.structured_reference)
    if structured.isdigit():
        found.add(structured)
    for run in DIGITS_RE.findall(txn.remittance_text):
        digits = re.sub(r"[ .]", "", run)
        if len(digits) == 16 and is_valid_payment_reference(digits):
            found.add(digits)
    return found


def invoice_tokens(text: str) -> set[str]:
    tokens = {t.strip(".-").upper() for t in TOKEN_SPLIT_RE.split(text)}
    return {t for t in tokens if len(t) >= 3 and any(ch.isdigit() for ch in t)}


@dataclass(frozen=True)
class _Ledger:
    """What the IBAN rule reads of the cases it may ask about, read once."""

    claims: dict[int, list[Claim]]
    rows: dict[int, list[dict[str, Any]]]
    free: dict[int, Periods]
    instalments: dict[int, list[Instalment]]  # unpaid, of an active arrangement, by number
    tables: Any


@dataclass
class MatchCache:
    """What the rules read for a batch of transactions, fetched in bulk (one query per kind and chunk of
    5,000 values) instead of per transaction. Same answers as the queries it replaces; a case the
    import closes is remembered (`case_closed`), so a later transaction in the batch sees it closed."""

    references: dict[str, tuple[Case, Instalment | None]] = field(default_factory=dict)
    numbers: dict[str, Case] = field(default_factory=dict)
    invoices: dict[str, set[int]] = field(default_factory=dict)  # upper invoice number -> case ids
    invoice_cases: dict[int, Case] = field(default_factory=dict)
    invoice_numbers: dict[int, set[str]] = field(default_factory=dict)  # case id -> its invoices named
    ibans: dict[str, list[Case]] = field(default_factory=dict)
    closed: dict[int, int] = field(default_factory=dict)  # case id -> position of the payment closing it
    touched: set[int] = field(default_factory=set)  # cases the rules looked at since `touched.clear()`
    iban_cases: set[int] = field(default_factory=set)  # the IBAN rule may need their position
    changed: set[int] = field(default_factory=set)  # booked on since `build`: positions read afresh
    # booked payments a return of the batch may take back, by ("e2e"|"mandate"|"case", value): those
    # in the database at `build`, then each one the batch books (`payment_booked`)
    payments: dict[tuple[str, str], list[BankTransaction]] = field(default_factory=dict)
    _ledger: _Ledger | None = None

    @classmethod
    def build(cls, txns: Iterable[BankTransaction]) -> MatchCache:
        cache = cls()
        txns = list(txns)
        refs: set[str] = set()
        numbers: set[str] = set()
        tokens: set[str] = set()
        ibans: set[str] = set()
        for txn in txns:
            refs |= references_in(txn)
            if txn.remittance_text.strip():
                numbers |= set(CASE_NUMBER_RE.findall(txn.remittance_text))
                tokens |= invoice_tokens(txn.remittance_text)
            iban = txn.counterparty_iban.replace(" ", "").upper()
            if len(iban) >= 15 and "*" not in iban:
                ibans.add(iban)
        for chunk in chunks(refs):
            for case in instances(Case.objects.filter(payment_reference__in=text_in(chunk))):
                cache.references[case.payment_reference] = (case, None)
            for instalment in Instalment.objects.select_related("arrangement__case").filter(
                payment_reference__in=text_in(chunk)
            ):
                cache.references.setdefault(
                    instalment.payment_reference, (instalment.arrangement.case, instalment)
                )
        for chunk in chunks(numbers):
            for case in instances(Case.objects.filter(open_cases(), number__in=text_in(chunk))):
                cache.numbers[case.number] = case
        for chunk in chunks(tokens):
            rows = Claim.objects.annotate(upper=Upper("invoice_number")).filter(upper__in=text_in(chunk))
            for upper, case_id, number in rows.values_list("upper", "case_id", "invoice_number"):
                cache.invoices.setdefault(upper, set()).add(case_id)
                cache.invoice_numbers.setdefault(case_id, set()).add(number)
        case_ids = {pk for ids in cache.invoices.values() for pk in ids}
        for id_chunk in chunks(case_ids):
            for case in instances(Case.objects.filter(open_cases(), id_in("id", id_chunk))):
                cache.invoice_cases[case.pk] = case
        for chunk in chunks(ibans):
            debtors: dict[int, set[str]] = defaultdict(set)
            for debtor_id, iban in BankAccount.objects.filter(iban__in=text_in(chunk)).values_list(
                "debtor_id", "iban"
            ):
                debtors[debtor_id].add(iban)
            for case in instances(Case.objects.filter(open_cases(), id_in("debtor_id", list(debtors)))):
                for iban in debtors[case.debtor_id]:
                    cache.ibans.setdefault(iban, []).append(case)
        for txn in txns:
            iban = txn.counterparty_iban.replace(" ", "").upper()
            if txn.amount > 0 and iban in cache.ibans and not cache._placed_before_iban(txn):
                cache.iban_cases.update(c.pk for c in cache.ibans[iban])
        cache._read_payments([t for t in txns if is_return(t)])
        return cache

    def _read_payments(self, returns: list[BankTransaction]) -> None:
        """The booked payments the batch's returns may name (`_match_return`'s three lookups), read at once."""
        wanted: dict[str, set[Any]] = {"e2e": set(), "mandate": set(), "case": set()}
        for txn in returns:
            if end_to_end(txn):
                wanted["e2e"].add(txn.end_to_end_id)
            if txn.mandate_id:
                wanted["mandate"].add(txn.mandate_id)
            for ref in references_in(txn):
                hit = self.references.get(ref)
                if hit is not None:
                    wanted["case"].add(hit[0].pk)
        booked = BankTransaction.objects.filter(status=TransactionStatus.BOOKED).select_related("case")
        found: dict[int, BankTransaction] = {}
        for kind, column in PAYMENT_LOOKUP.items():
            for chunk in chunks(wanted[kind]):
                where = id_in(column, chunk) if kind == "case" else Q(**{f"{column}__in": text_in(chunk)})
                found.update((t.pk, t) for t in booked.filter(where))
        for _pk, payment in sorted(found.items()):
            self.payment_booked(payment)

    def payment_booked(self, txn: BankTransaction) -> None:
        """`txn` is booked (in the database, or by the batch): a later return may take it back."""
        for kind, column in PAYMENT_LOOKUP.items():
            value = getattr(txn, column)
            if value:
                self.payments.setdefault((kind, str(value)), []).append(txn)

    def _placed_before_iban(self, txn: BankTransaction) -> bool:
        """Whether a reference, case number or invoice number of `txn` is known (an earlier rule decides)."""
        if any(ref in self.references for ref in references_in(txn)):
            return True
        text = txn.remittance_text
        return bool(text.strip()) and (
            any(n in self.numbers for n in CASE_NUMBER_RE.findall(text))
            or any(t in self.invoices for t in invoice_tokens(text))
        )

    def position(self, case: Case, as_of: dt.date) -> CasePosition:
        """`case_position` for the IBAN rule: from one read of all the cases it may ask about
        (`iban_cases`), or afresh for a case booked on since."""
        if case.pk not in self.iban_cases or case.pk in self.changed:
            return case_position(case=case, as_of=as_of)
        ledger = self._ledger_read()
        return position_from_rows(
            ledger.claims.get(case.pk, []),
            ledger.rows.get(case.pk, []),
            interest_free=ledger.free.get(case.pk, ()),
            as_of=as_of,
            tables=ledger.tables,
        )

    def open_instalment_of_amount(self, case: Case, amount: Decimal) -> Instalment | None:
        if case.pk not in self.iban_cases or case.pk in self.changed:
            return open_instalment_of_amount(case, amount)
        ledger = self._ledger_read()
        return next((i for i in ledger.instalments.get(case.pk, ()) if i.amount == amount), None)

    def _ledger_read(self) -> _Ledger:
        if self._ledger is None:
            case_ids = sorted(self.iban_cases)
            claims, rows = ledger_rows_for(case_ids)
            instalments: dict[int, list[Instalment]] = defaultdict(list)
            for instalment in (
                Instalment.objects.filter(
                    arrangement__case_id__in=case_ids, arrangement__status=ArrangementStatus.ACTIVE
                )
                .exclude(status=InstalmentStatus.PAID)
                .select_related("arrangement")
                .order_by("number", "id")
            ):
                instalments[instalment.arrangement.case_id].append(instalment)
            free = interest_free_periods_for(case_ids=case_ids)
            self._ledger = _Ledger(claims, rows, free, instalments, rate_tables())
        return self._ledger

    def case_closed(self, case_id: int, position: int = 0) -> None:
        """The import closed `case_id` with the payment at `position` (in file order)."""
        self.closed.setdefault(case_id, position)

    def is_open(self, case: Case) -> bool:
        self.touched.add(case.pk)
        return case.state != CaseState.CLOSED and case.pk not in self.closed


def open_cases() -> Q:
    return ~Q(state=CaseState.CLOSED)


def is_return(txn: BankTransaction) -> bool:
    """A returned direct debit or credit (R-transaction): money going back, with a reason or reversal mark."""
    return txn.amount < 0 and bool(txn.return_reason or txn.is_reversal)


def end_to_end(txn: BankTransaction) -> bool:
    """Whether the transaction carries a real end-to-end id (banks fill in NOTPROVIDED)."""
    return bool(txn.end_to_end_id) and txn.end_to_end_id.upper() != "NOTPROVIDED"


PAYMENT_LOOKUP = {"e2e": "end_to_end_id", "mandate": "mandate_id", "case": "case_id"}


def open_instalment_of_amount(case: Case, amount: Decimal) -> Instalment | None:
    """The earliest unpaid instalment of the case's active arrangement whose amount is `amount`."""
    return (
        Instalment.objects.filter(
            arrangement__case=case, arrangement__status=ArrangementStatus.ACTIVE, amount=amount
        )
        .exclude(status=InstalmentStatus.PAID)
        .order_by("number")
        .first()
    )
