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

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q
from rapidfuzz import fuzz

from incasso.arrangements.models import Instalment
from incasso.calculations import is_valid_payment_reference
from incasso.cases.models import Case, CaseState, Claim
from incasso.cases.position import case_position
from incasso.debtors.models import BankAccount
from incasso.payments.match_cache import (
    CASE_NUMBER_RE,
    DIGITS_RE,
    PAYMENT_LOOKUP,
    MatchCache,
    end_to_end,
    invoice_tokens,
    is_return,
    open_cases,
    open_instalment_of_amount,
)
from incasso.payments.models import BankTransaction, MatchRule, TransactionStatus

NAME_THRESHOLD = 90
NAME_LATER = "name_later"  # `match_transaction` with a cache: only the name rule is left (asked in bulk)
NOTHING_FOUND = "Geen kenmerk, dossier- of factuurnummer, bekend IBAN of naam gevonden"


@dataclass(frozen=True)
class Match:
    status: str
    rule: str = ""
    confidence: Decimal | None = None
    reason: str = ""
    case: Case | None = None
    original: BankTransaction | None = None  # for a return: the payment it takes back
    instalment: Instalment | None = None  # paid by its own reference (or its amount from a known IBAN)


def _numbers(cases: list[Case]) -> str:
    return ", ".join(sorted(c.number for c in cases)[:5])


def _unmatched(reason: str) -> Match:
    return Match(TransactionStatus.UNMATCHED, reason=reason)


def match_transaction(txn: BankTransaction, cache: MatchCache | None = None) -> Match:
    """The rules in order; `cache` (built for a batch with `MatchCache.build`) saves the queries."""
    if txn.amount < 0 or txn.is_reversal:
        if is_return(txn):
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
    tokens = invoice_tokens(text)
    by_invoice: list[Case] = []
    if cache is not None:
        numbers = set(CASE_NUMBER_RE.findall(text))
        by_number = [c for n in numbers if (c := cache.numbers.get(n)) is not None and cache.is_open(c)]
        invoice_ids = {pk for t in list(tokens)[:50] for pk in cache.invoices.get(t, ())}
        by_invoice = [
            c for pk in invoice_ids if (c := cache.invoice_cases.get(pk)) is not None and cache.is_open(c)
        ]
    else:
        by_number = list(Case.objects.filter(open_cases(), number__in=set(CASE_NUMBER_RE.findall(text))))
    if cache is None and tokens:
        query = Q()
        for token in list(tokens)[:50]:
            query |= Q(invoice_number__iexact=token)
        ids = Claim.objects.filter(query).values("case_id")
        by_invoice = list(Case.objects.filter(open_cases(), pk__in=ids))
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
        cases = list(Case.objects.filter(open_cases(), debtor_id__in=debtor_ids))
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
        instalment = open_instalment_of_amount(case, txn.amount)
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


def _by_name(txn: BankTransaction) -> Match | None:
    """The name rule one transaction at a time (every open case compared); the import uses
    `names.names_match` instead, for all its transactions at once."""
    name = txn.counterparty_name.strip()
    if len(name) < 3:
        return None
    hits: dict[int, tuple[float, Case]] = {}
    for case in Case.objects.filter(open_cases()).select_related("debtor"):
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
            lookup = {PAYMENT_LOOKUP[kind]: value}
            found = list(BankTransaction.objects.filter(**lookup).select_related("case").order_by("id"))
        return [t for t in found if t.status == TransactionStatus.BOOKED and t.amount == -txn.amount]

    candidates: list[BankTransaction] = []
    how = ""
    if end_to_end(txn):
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
