"""Which case does a bank transaction pay? Rules in order, each answer with rule, confidence and reason.

(a) the structured reference (or a valid betalingskenmerk in the description) is a case's payment reference,
    or an instalment's (rule `instalment_reference`: the payment also counts towards that instalment);
(b) a case number or an invoice number in the description identifies exactly one open case;
(c) the counterparty IBAN belongs to a debtor with exactly one open case and the amount is what it owes
    (its balance, or an open instalment of its active arrangement);
(d) the debtor's name is close (rapidfuzz token_set_ratio >= 90): a suggestion only, never booked.

A wrong automatic match is worse than none: whenever two cases fit, the transaction goes to the
manual queue with the candidates in its reason.
"""

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
from rapidfuzz import fuzz

from incasso.arrangements.models import ArrangementStatus, Instalment, InstalmentStatus
from incasso.calculations import is_valid_payment_reference
from incasso.cases.models import Case, CaseState, Claim
from incasso.cases.statement import Periods, interest_free_periods_for
from incasso.core.bulk import id_in, instances, text_in
from incasso.debtors.models import BankAccount
from incasso.payments.models import BankTransaction, MatchRule, TransactionStatus
from incasso.payments.position import CasePosition, case_position, ledger_rows_for, position_from_rows
from incasso.rates.selectors import rate_tables

NAME_THRESHOLD = 90
NAME_LATER = "name_later"  # `match_transaction` with a cache: only the name rule is left (asked in bulk)
NOTHING_FOUND = "Geen kenmerk, dossier- of factuurnummer, bekend IBAN of naam gevonden"
# A case number stands on its own: not glued to letters or digits ("EN2024-000006" is an invoice number).
CASE_NUMBER_RE = re.compile(r"(?<![\w-])(\d{4}-\d{6})(?![\w-])")
DIGITS_RE = re.compile(r"\d(?:[ .]?\d){6,18}")
TOKEN_SPLIT_RE = re.compile(r"[\s,;:/()\[\]'\"]+")


@dataclass(frozen=True)
class Match:
    status: str
    rule: str = ""
    confidence: Decimal | None = None
    reason: str = ""
    case: Case | None = None
    original: BankTransaction | None = None  # for a return: the payment it takes back
    instalment: Instalment | None = None  # paid by its own reference (or its amount from a known IBAN)


IN_CHUNK = 5000


def _chunks[T: (str, int)](values: Iterable[T]) -> Iterable[list[T]]:
    items = sorted(set(values))
    for start in range(0, len(items), IN_CHUNK):
        yield items[start : start + IN_CHUNK]


def _references_in(txn: BankTransaction) -> set[str]:
    found = set()
    structured = re.sub(r"[ .]", "", txn.structured_reference)
    if structured.isdigit():
        found.add(structured)
    for run in DIGITS_RE.findall(txn.remittance_text):
        digits = re.sub(r"[ .]", "", run)
        if len(digits) == 16 and is_valid_payment_reference(digits):
            found.add(digits)
    return found


def _invoice_tokens(text: str) -> set[str]:
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
            refs |= _references_in(txn)
            if txn.remittance_text.strip():
                numbers |= set(CASE_NUMBER_RE.findall(txn.remittance_text))
                tokens |= _invoice_tokens(txn.remittance_text)
            iban = txn.counterparty_iban.replace(" ", "").upper()
            if len(iban) >= 15 and "*" not in iban:
                ibans.add(iban)
        for chunk in _chunks(refs):
            for case in instances(Case.objects.filter(payment_reference__in=text_in(chunk))):
                cache.references[case.payment_reference] = (case, None)
            for instalment in Instalment.objects.select_related("arrangement__case").filter(
                payment_reference__in=text_in(chunk)
            ):
                cache.references.setdefault(
                    instalment.payment_reference, (instalment.arrangement.case, instalment)
                )
        for chunk in _chunks(numbers):
            for case in instances(Case.objects.filter(_open_cases(), number__in=text_in(chunk))):
                cache.numbers[case.number] = case
        for chunk in _chunks(tokens):
            rows = Claim.objects.annotate(upper=Upper("invoice_number")).filter(upper__in=text_in(chunk))
            for upper, case_id, number in rows.values_list("upper", "case_id", "invoice_number"):
                cache.invoices.setdefault(upper, set()).add(case_id)
                cache.invoice_numbers.setdefault(case_id, set()).add(number)
        case_ids = {pk for ids in cache.invoices.values() for pk in ids}
        for id_chunk in _chunks(case_ids):
            for case in instances(Case.objects.filter(_open_cases(), id_in("id", id_chunk))):
                cache.invoice_cases[case.pk] = case
        for chunk in _chunks(ibans):
            debtors: dict[int, set[str]] = defaultdict(set)
            for debtor_id, iban in BankAccount.objects.filter(iban__in=text_in(chunk)).values_list(
                "debtor_id", "iban"
            ):
                debtors[debtor_id].add(iban)
            for case in instances(Case.objects.filter(_open_cases(), id_in("debtor_id", list(debtors)))):
                for iban in debtors[case.debtor_id]:
                    cache.ibans.setdefault(iban, []).append(case)
        for txn in txns:
            iban = txn.counterparty_iban.replace(" ", "").upper()
            if txn.amount > 0 and iban in cache.ibans and not cache._placed_before_iban(txn):
                cache.iban_cases.update(c.pk for c in cache.ibans[iban])
        cache._read_payments([t for t in txns if _is_return(t)])
        return cache

    def _read_payments(self, returns: list[BankTransaction]) -> None:
        """The booked payments the batch's returns may name (`_match_return`'s three lookups), read at once."""
        wanted: dict[str, set[Any]] = {"e2e": set(), "mandate": set(), "case": set()}
        for txn in returns:
            if _end_to_end(txn):
                wanted["e2e"].add(txn.end_to_end_id)
            if txn.mandate_id:
                wanted["mandate"].add(txn.mandate_id)
            for ref in _references_in(txn):
                hit = self.references.get(ref)
                if hit is not None:
                    wanted["case"].add(hit[0].pk)
        booked = BankTransaction.objects.filter(status=TransactionStatus.BOOKED).select_related("case")
        found: dict[int, BankTransaction] = {}
        for kind, column in _PAYMENT_LOOKUP.items():
            for chunk in _chunks(wanted[kind]):
                where = id_in(column, chunk) if kind == "case" else Q(**{f"{column}__in": text_in(chunk)})
                found.update((t.pk, t) for t in booked.filter(where))
        for _pk, payment in sorted(found.items()):
            self.payment_booked(payment)

    def payment_booked(self, txn: BankTransaction) -> None:
        """`txn` is booked (in the database, or by the batch): a later return may take it back."""
        for kind, column in _PAYMENT_LOOKUP.items():
            value = getattr(txn, column)
            if value:
                self.payments.setdefault((kind, str(value)), []).append(txn)

    def _placed_before_iban(self, txn: BankTransaction) -> bool:
        """Whether a reference, case number or invoice number of `txn` is known (an earlier rule decides)."""
        if any(ref in self.references for ref in _references_in(txn)):
            return True
        text = txn.remittance_text
        return bool(text.strip()) and (
            any(n in self.numbers for n in CASE_NUMBER_RE.findall(text))
            or any(t in self.invoices for t in _invoice_tokens(text))
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
            return _open_instalment_of_amount(case, amount)
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


def _open_cases() -> Q:
    return ~Q(state=CaseState.CLOSED)


def _numbers(cases: list[Case]) -> str:
    return ", ".join(sorted(c.number for c in cases)[:5])


def _unmatched(reason: str) -> Match:
    return Match(TransactionStatus.UNMATCHED, reason=reason)


def _is_return(txn: BankTransaction) -> bool:
    """A returned direct debit or credit (R-transaction): money going back, with a reason or reversal mark."""
    return txn.amount < 0 and bool(txn.return_reason or txn.is_reversal)


def _end_to_end(txn: BankTransaction) -> bool:
    """Whether the transaction carries a real end-to-end id (banks fill in NOTPROVIDED)."""
    return bool(txn.end_to_end_id) and txn.end_to_end_id.upper() != "NOTPROVIDED"


_PAYMENT_LOOKUP = {"e2e": "end_to_end_id", "mandate": "mandate_id", "case": "case_id"}


def match_transaction(txn: BankTransaction, cache: MatchCache | None = None) -> Match:
    """The rules in order; `cache` (built for a batch with `MatchCache.build`) saves the queries."""
    if txn.amount < 0 or txn.is_reversal:
        if _is_return(txn):
            return _match_return(txn, cache)
        return Match(
            TransactionStatus.IGNORED,
            reason="Afschrijving of terugboeking van een afschrijving: geen betaling",
        )
    if txn.amount == 0:
        return Match(TransactionStatus.IGNORED, reason="Bedrag nul")
    if txn.currency != "EUR":
        return _unmatched(f"Valuta {txn.currency}: alleen euro's worden automatisch geboekt")
    for rule in (_by_reference, _by_numbers, _by_iban):
        found = rule(txn, cache)
        if found is not None:
            return found
    if cache is not None and len(txn.counterparty_name.strip()) >= 3:
        return Match(NAME_LATER)  # the import asks all names at once at the end (`names.names_match`)
    found = _by_name(txn) if cache is None else None
    return found or _unmatched(NOTHING_FOUND)


def _case_for_reference(digits: str, cache: MatchCache | None) -> tuple[Case, Instalment | None] | None:
    """The case a 16-digit reference belongs to: a case's own reference, or an instalment's."""
    if cache is not None:
        hit = cache.references.get(digits)
        if hit is not None:
            cache.touched.add(hit[0].pk)
        if hit is not None and hit[0].pk in cache.closed:
            hit[0].state = CaseState.CLOSED
        return hit
    case = Case.objects.filter(payment_reference=digits).first()
    if case is not None:
        return case, None
    instalment = (
        Instalment.objects.select_related("arrangement__case").filter(payment_reference=digits).first()
    )
    if instalment is not None:
        return instalment.arrangement.case, instalment
    return None


def _by_reference(txn: BankTransaction, cache: MatchCache | None = None) -> Match | None:
    structured = re.sub(r"[ .]", "", txn.structured_reference)
    if structured.isdigit():
        hit = _case_for_reference(structured, cache)
        if hit is not None:
            case, instalment = hit
            if instalment is not None:
                return _reference_match(
                    case,
                    MatchRule.INSTALMENT_REFERENCE,
                    Decimal("1.00"),
                    f"betalingskenmerk {structured} van termijn {instalment.number}",
                    instalment,
                )
            return _reference_match(
                case, MatchRule.REFERENCE, Decimal("1.00"), f"betalingskenmerk {structured}"
            )
    found: dict[int, tuple[Case, Instalment | None]] = {}
    for run in DIGITS_RE.findall(txn.remittance_text):
        digits = re.sub(r"[ .]", "", run)
        if len(digits) == 16 and is_valid_payment_reference(digits):
            hit = _case_for_reference(digits, cache)
            if hit is not None:
                case, instalment = hit
                if instalment is not None or hit[0].pk not in found:
                    found[case.pk] = hit
    if len(found) > 1:
        return _unmatched(
            f"Meerdere betalingskenmerken in de omschrijving: {_numbers([c for c, _ in found.values()])}"
        )
    if found:
        case, instalment = next(iter(found.values()))
        if instalment is not None:
            return _reference_match(
                case,
                MatchRule.INSTALMENT_REFERENCE,
                Decimal("1.00"),
                f"betalingskenmerk {instalment.payment_reference} van termijn {instalment.number} in omschrijving",
                instalment,
            )
        return _reference_match(
            case,
            MatchRule.TEXT_REFERENCE,
            Decimal("0.98"),
            f"betalingskenmerk {case.payment_reference} in omschrijving",
        )
    return None


def _reference_match(
    case: Case, rule: str, confidence: Decimal, reason: str, instalment: Instalment | None = None
) -> Match:
    if case.state == CaseState.CLOSED:
        return Match(
            TransactionStatus.UNMATCHED,
            rule,
            confidence,
            f"{reason} hoort bij gesloten dossier {case.number}",
            case,
        )
    return Match(
        TransactionStatus.MATCHED,
        rule,
        confidence,
        f"{reason} = dossier {case.number}",
        case,
        instalment=instalment,
    )


def _by_numbers(txn: BankTransaction, cache: MatchCache | None = None) -> Match | None:
    text = txn.remittance_text
    if not text.strip():
        return None
    tokens = _invoice_tokens(text)
    by_invoice: list[Case] = []
    if cache is not None:
        numbers = set(CASE_NUMBER_RE.findall(text))
        by_number = [c for n in numbers if (c := cache.numbers.get(n)) is not None and cache.is_open(c)]
        invoice_ids = {pk for t in list(tokens)[:50] for pk in cache.invoices.get(t, ())}
        by_invoice = [
            c for pk in invoice_ids if (c := cache.invoice_cases.get(pk)) is not None and cache.is_open(c)
        ]
    else:
        by_number = list(Case.objects.filter(_open_cases(), number__in=set(CASE_NUMBER_RE.findall(text))))
    if cache is None and tokens:
        query = Q()
        for token in list(tokens)[:50]:
            query |= Q(invoice_number__iexact=token)
        ids = Claim.objects.filter(query).values("case_id")
        by_invoice = list(Case.objects.filter(_open_cases(), pk__in=ids))
    cases = {c.pk: c for c in [*by_number, *by_invoice]}
    if len(cases) > 1:
        return _unmatched(f"Omschrijving past bij meerdere open dossiers: {_numbers(list(cases.values()))}")
    if not cases:
        return None
    case = next(iter(cases.values()))
    if by_number:
        return Match(
            TransactionStatus.MATCHED,
            MatchRule.CASE_NUMBER,
            Decimal("0.95"),
            f"dossiernummer {case.number} in omschrijving",
            case,
        )
    if cache is not None:
        named = cache.invoice_numbers.get(case.pk, set())
    else:
        named = {c.invoice_number for c in case.claims.all()}
    invoices = ", ".join(sorted(n for n in named if n.upper() in tokens))
    return Match(
        TransactionStatus.MATCHED,
        MatchRule.INVOICE_NUMBER,
        Decimal("0.90"),
        f"factuur {invoices} in omschrijving = dossier {case.number}",
        case,
    )


def _by_iban(txn: BankTransaction, cache: MatchCache | None = None) -> Match | None:
    iban = txn.counterparty_iban.replace(" ", "").upper()
    if len(iban) < 15 or "*" in iban:
        return None
    if cache is not None:
        cases = [c for c in cache.ibans.get(iban, ()) if cache.is_open(c)]
    else:
        debtor_ids = BankAccount.objects.filter(iban=iban).values("debtor_id")
        cases = list(Case.objects.filter(_open_cases(), debtor_id__in=debtor_ids))
    if not cases:
        return None
    if len(cases) > 1:
        return _unmatched(f"IBAN {iban} is bekend bij {len(cases)} open dossiers: {_numbers(cases)}")
    case = cases[0]
    if cache is not None:
        position = cache.position(case, txn.value_date)
    else:
        position = case_position(case=case, as_of=txn.value_date)
    due = position.total
    booked_total = due - sum(position.interest_to_book.values(), Decimal(0))
    if due > 0 and txn.amount in (due, booked_total):
        return Match(
            TransactionStatus.MATCHED,
            MatchRule.IBAN,
            Decimal("0.90"),
            f"IBAN {iban} van de debiteur, bedrag = openstaand saldo van dossier {case.number}",
            case,
        )
    if cache is not None:
        instalment = cache.open_instalment_of_amount(case, txn.amount)
    else:
        instalment = _open_instalment_of_amount(case, txn.amount)
    if instalment is not None:
        return Match(
            TransactionStatus.MATCHED,
            MatchRule.IBAN,
            Decimal("0.90"),
            f"IBAN {iban} van de debiteur, bedrag = termijn {instalment.number} van de regeling"
            f" van dossier {case.number}",
            case,
            instalment=instalment,
        )
    return Match(
        TransactionStatus.SUGGESTED,
        MatchRule.IBAN,
        Decimal("0.60"),
        f"IBAN {iban} van de debiteur van dossier {case.number}, maar bedrag wijkt af van het saldo {due}",
        case,
    )


def _open_instalment_of_amount(case: Case, amount: Decimal) -> Instalment | None:
    """The earliest unpaid instalment of the case's active arrangement whose amount is `amount`."""
    return (
        Instalment.objects.filter(
            arrangement__case=case, arrangement__status=ArrangementStatus.ACTIVE, amount=amount
        )
        .exclude(status=InstalmentStatus.PAID)
        .order_by("number")
        .first()
    )


def _by_name(txn: BankTransaction) -> Match | None:
    """The name rule one transaction at a time (every open case compared); the import uses
    `names.names_match` instead, for all its transactions at once."""
    name = txn.counterparty_name.strip()
    if len(name) < 3:
        return None
    hits: dict[int, tuple[float, Case]] = {}
    for case in Case.objects.filter(_open_cases()).select_related("debtor"):
        score = fuzz.token_set_ratio(name.lower(), case.debtor.display_name.lower())
        if score >= NAME_THRESHOLD:
            hits[case.pk] = (score, case)
    if not hits:
        return None
    if len(hits) > 1:
        return name_ambiguous(name, [c.number for _, c in hits.values()])
    score, case = next(iter(hits.values()))
    return name_suggestion(name, score, case, case.debtor.display_name)


def name_ambiguous(name: str, numbers: list[str]) -> Match:
    return _unmatched(f"Naam '{name}' lijkt op meerdere open dossiers: {', '.join(sorted(numbers)[:5])}")


def name_suggestion(name: str, score: float, case: Case, debtor_name: str) -> Match:
    return Match(
        TransactionStatus.SUGGESTED,
        MatchRule.NAME,
        (Decimal(score) / 100).quantize(Decimal("0.01")),
        f"naam '{name}' lijkt op debiteur {debtor_name} (score {score:.0f}) van dossier {case.number}",
        case,
    )


def _match_return(txn: BankTransaction, cache: MatchCache | None = None) -> Match:
    """Find the booked payment a returned direct debit takes back: by end-to-end id, then by mandate
    id and amount, then by reference (case) and amount. Exactly one candidate or none."""

    def booked(kind: str, value: Any) -> list[BankTransaction]:
        if cache is not None:  # what was booked before the batch and by it, still booked
            found = cache.payments.get((kind, str(value)), [])
        else:  # by the one indexed column, then status and amount here
            lookup = {_PAYMENT_LOOKUP[kind]: value}
            found = list(BankTransaction.objects.filter(**lookup).select_related("case").order_by("id"))
        return [t for t in found if t.status == TransactionStatus.BOOKED and t.amount == -txn.amount]

    candidates: list[BankTransaction] = []
    how = ""
    if _end_to_end(txn):
        candidates, how = booked("e2e", txn.end_to_end_id), f"end-to-end id {txn.end_to_end_id}"
    if not candidates and txn.mandate_id:
        candidates, how = booked("mandate", txn.mandate_id), f"machtiging {txn.mandate_id}"
    if not candidates:
        reference = _by_reference(txn, cache)
        if reference is not None and reference.case is not None:
            candidates, how = booked("case", reference.case.pk), f"dossier {reference.case.number}"
    if len(candidates) == 1:
        return Match(
            TransactionStatus.RETURNED,
            MatchRule.RETURN,
            Decimal("1.00"),
            f"storno via {how}",
            candidates[0].case,
            candidates[0],
        )
    if len(candidates) > 1:
        return _unmatched(
            f"Storno ({txn.return_reason or 'teruggeboekt'}): meerdere geboekte betalingen passen ({how})"
        )
    return _unmatched(
        f"Storno ({txn.return_reason or 'teruggeboekt'}): de oorspronkelijke betaling is niet gevonden"
    )
