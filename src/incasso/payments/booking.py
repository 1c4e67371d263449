"""Booking one bank transaction on a case: interest up to the value date, then the payment split by
art. 6:43/6:44 BW, one ledger entry per (claim, bucket) part, one `payment` event and the arrangement
hook. And the opposite for a returned direct debit: the payment's entries are reversed (and the direct
debit line marked returned).

This is the one-payment path (manual matches, the demo) and the reference the chunked path
(`chunked_booking.transactions_book`, used by the import) is tested against to the cent; the parts
both share (the payment event, the arrangement hook, the return's rows) live here. What a case owes
is read in `position`. The law lives in `incasso.calculations`; this module only asks the core and
books what it answers. Callers hold the transaction (`services.statement_import` or a manual match).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from incasso.arrangements.instalments import (
    arrangement_record_case_payment,
    instalment_payment_reverse,
    instalment_record_payment,
)
from incasso.arrangements.models import ArrangementStatus, Instalment
from incasso.calculations.allocation import allocate_payment
from incasso.calculations.money import to_cents
from incasso.cases.ledger import ledger_book, ledger_reverse
from incasso.cases.models import (
    Bucket,
    Case,
    CaseState,
    Claim,
    ClosingReason,
    EntryKind,
    EventKind,
    LedgerEntry,
)
from incasso.cases.position import booking_date_for, case_position
from incasso.cases.selectors import case_balance
from incasso.cases.services import case_transition
from incasso.cases.timeline import (
    EventRow,
    TaskRow,
    event_record,
    events_record_many,
    task_create,
    tasks_create_many,
)
from incasso.core.exceptions import DomainError
from incasso.core.formatting import format_money
from incasso.payments.direct_debit import direct_debit_returned
from incasso.payments.models import BankTransaction, MatchRule, TransactionStatus
from incasso.payments.selectors import transaction_entries

ZERO = Decimal("0.00")
BUCKET_ORDER = (Bucket.COSTS, Bucket.INTEREST, Bucket.PRINCIPAL)  # 6:44 lid 1


def _book(txn: BankTransaction, entries: list[LedgerEntry], **kwargs: Any) -> LedgerEntry:
    # no `ledger` event per entry: the payment's one `payment` event carries the split
    entry = ledger_book(source=txn.entry_source, record_event=False, **kwargs)
    entries.append(entry)
    return entry


Split = list[tuple[str, str, Decimal]]  # a payment's parts: (claim invoice number, bucket, amount)

# (bucket, word) in 6:44 order, as plain strings: hashing a str enum member runs Python code
_BUCKET_WORDS = tuple(
    (str(b.value), word) for b, word in zip(BUCKET_ORDER, ("kosten", "rente", "hoofdsom"), strict=True)
)


def _split_words(split: Split) -> str:
    """'kosten € 48,40, rente € 3,12, hoofdsom € 198,48': the parts per bucket over all claims."""
    totals: dict[str, Decimal] = {}
    for _claim, bucket, amount in split:
        totals[bucket] = totals.get(bucket, ZERO) + amount
    return ", ".join(
        f"{word} {format_money(total)}" for bucket, word in _BUCKET_WORDS if (total := totals.get(bucket))
    )


def _split_details(split: Split) -> list[dict[str, str]]:
    return [{"claim": claim, "bucket": bucket, "amount": str(amount)} for claim, bucket, amount in split]


def payment_event(
    *,
    txn: BankTransaction,
    rule: str,
    rule_label: str,
    booked_on: dt.date,
    interest: list[tuple[str, Decimal]],
    split: Split,
    unallocated: Decimal,
) -> tuple[str, dict[str, Any]]:
    """Summary and details of the one `payment` event a booked payment records (both paths): the
    interest booked up to the booking date per claim (invoice number), the payment's parts per claim
    and bucket (costs, interest, principal: the ledger entries it booked) and what was left over."""
    summary = f"Betaling {format_money(txn.amount)} ontvangen ({rule_label})"
    if words := _split_words(split):
        summary += f": {words}"
    if unallocated:
        summary += f", {format_money(unallocated)} te veel betaald"
    if interest:
        total = sum((amount for _claim, amount in interest), ZERO)
        summary += f"; rente t/m {booked_on:%d-%m-%Y} bijgeboekt {format_money(total)}"
    if booked_on != txn.value_date:
        summary += f"; valutadatum {txn.value_date:%d-%m-%Y}, geboekt per {booked_on:%d-%m-%Y}"
    details = {
        "transaction": txn.pk,
        "amount": str(txn.amount),
        "value_date": txn.value_date.isoformat(),
        "booked_on": booked_on.isoformat(),
        "rule": rule,
        "interest_booked": [{"claim": claim, "amount": str(amount)} for claim, amount in interest],
        "split": _split_details(split),
        "unallocated": str(unallocated),
    }
    return summary, details


def arrangement_source(txn: BankTransaction) -> str:
    """How a bank transaction is named on an arrangement's instalment payments."""
    return f"banktx:{txn.pk}"


def _arrangement_record(txn: BankTransaction, case: Case, instalment: Instalment | None) -> None:
    """Count the booked payment towards the case's arrangement: on `instalment` when the payment named
    it (its reference, or its amount from a known IBAN), else on the earliest unpaid instalment of an
    active arrangement (nothing when there is none). An overpayment beyond the case is not counted."""
    amount = txn.amount - txn.unallocated
    if amount <= 0:
        return
    if instalment is not None and instalment.arrangement.case_id == case.pk:
        if instalment.arrangement.status == ArrangementStatus.ACTIVE:
            instalment_record_payment(
                instalment=instalment,
                amount=amount,
                value_date=txn.value_date,
                source=arrangement_source(txn),
            )
        return
    arrangement_record_case_payment(
        case=case, amount=amount, value_date=txn.value_date, source=arrangement_source(txn)
    )


BOOKED_FIELDS = ("status", "case", "match_rule", "confidence", "reason", "matched_by")  # `mark_booked` sets
RETURNED_FIELDS = ("status", "case", "returns", "match_rule", "confidence", "reason")  # `mark_returned` sets


def mark_booked(
    txn: BankTransaction, *, case: Case, rule: str, confidence: Decimal, reason: str, actor: Any
) -> None:
    """Set (in memory) what a booked transaction says of its match; the booking adds `unallocated`.
    The import writes these before it books (`services`), both booking paths set them again."""
    txn.status = TransactionStatus.BOOKED
    txn.case = case
    txn.match_rule = rule
    txn.confidence = confidence
    txn.reason = reason[:500]
    if rule == MatchRule.MANUAL:
        txn.matched_by = actor


def mark_returned(txn: BankTransaction, *, original: BankTransaction) -> None:
    """Set (in memory) what a returned direct debit says: the payment it takes back, on that case."""
    txn.status = TransactionStatus.RETURNED
    txn.case_id = original.case_id
    txn.returns = original
    txn.match_rule = MatchRule.RETURN
    txn.confidence = Decimal("1.00")
    txn.reason = f"Storno van transactie {original.pk} ({txn.return_reason or 'teruggeboekt'})"


def transaction_book(
    *,
    txn: BankTransaction,
    case: Case,
    rule: str,
    confidence: Decimal,
    reason: str,
    actor: Any = None,
    instalment: Instalment | None = None,
) -> BankTransaction:
    """Allocate and book a credit on `case`, then count it towards an active payment arrangement.
    The caller holds the database transaction."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if txn.amount <= 0:
        raise DomainError("Only money received can be booked as a payment", field="amount")
    if txn.status == TransactionStatus.BOOKED:
        raise DomainError("This transaction has already been booked", field="transaction")
    value_on = booking_date_for(case=locked, value_date=txn.value_date)
    position = case_position(case=locked, as_of=value_on)
    claims = {str(c.pk): c for c in Claim.objects.filter(case=locked)}
    entries: list[LedgerEntry] = []
    interest: list[tuple[str, Decimal]] = []
    for claim_id, delta in sorted(position.interest_to_book.items()):
        interest.append((claims[str(claim_id)].invoice_number, delta))
        _book(
            txn,
            entries,
            case=locked,
            claim=claims[str(claim_id)],
            bucket=Bucket.INTEREST,
            kind=EntryKind.INTEREST_BOOKED,
            amount=delta,
            value_on=value_on,
            actor=actor,
            reason=f"Rente t/m {value_on:%d-%m-%Y}",
        )
    allocation = allocate_payment(to_cents(txn.amount), position.open_claims)
    split: Split = []
    for part in allocation.parts:
        for bucket, value in zip(BUCKET_ORDER, (part.costs, part.interest, part.principal), strict=True):
            if value:
                claim = claims[part.claim_id]
                _book(
                    txn,
                    entries,
                    case=locked,
                    claim=claim,
                    bucket=bucket,
                    kind=EntryKind.PAYMENT,
                    amount=-value,
                    value_on=value_on,
                    actor=actor,
                    reason=f"Betaling {txn.counterparty_name or ''}".strip(),
                )
                split.append((claim.invoice_number, str(bucket), value))
    mark_booked(txn, case=locked, rule=rule, confidence=confidence, reason=reason, actor=actor)
    txn.unallocated = allocation.unallocated
    txn.save()
    summary, details = payment_event(
        txn=txn,
        rule=rule,
        rule_label=str(MatchRule(rule).label),
        booked_on=value_on,
        interest=interest,
        split=split,
        unallocated=allocation.unallocated,
    )
    event_record(
        case=locked, kind=EventKind.PAYMENT, summary=summary, actor=actor, actor_label="bank", details=details
    )
    _arrangement_record(txn, locked, instalment)
    if allocation.unallocated > 0:
        task_create(
            case=locked,
            kind="review",
            title=f"Overbetaling {format_money(allocation.unallocated)} terugbetalen ({txn.counterparty_name or 'onbekend'})",
            due_on=timezone.localdate(),
            created_by=actor,
        )
    if locked.state != CaseState.CLOSED and case_balance(case=locked).total == 0:
        # the caller sees the case closed (the import's match cache: a later payment in the same
        # file on this case goes to the manual queue instead of being booked as an overpayment)
        txn.case = case_transition(
            case=locked,
            to=CaseState.CLOSED,
            actor=actor,
            reason="volledig betaald",
            closing_reason=ClosingReason.PAID,
            on=max(value_on, locked.opened_on),
        )
    return txn


def transaction_return(
    *, txn: BankTransaction, original: BankTransaction, actor: Any = None
) -> BankTransaction:
    """A returned direct debit (R-transaction): reverse the payment entries the original booked.
    Nothing is reopened automatically; an officer gets a task."""
    if original.case_id is None:
        raise DomainError("The returned payment was never booked on a case", field="transaction")
    case = Case.objects.select_for_update().get(pk=original.case_id)
    reason = f"Storno {txn.return_reason or ''} van betaling {original.pk}".strip()
    payment_entries = (
        transaction_entries(original)
        .filter(kind=EntryKind.PAYMENT, reversed_by__isnull=True)
        .select_related("claim")
    )
    reversed_parts: Split = []
    for entry in payment_entries:
        reversal = ledger_reverse(
            entry=entry, actor=actor, reason=reason, record_event=False, source=txn.entry_source
        )
        reversed_parts.append(
            (entry.claim.invoice_number if entry.claim else "", entry.bucket, reversal.amount)
        )
    original.status = TransactionStatus.RETURNED
    original.save(update_fields=["status"])
    instalment_payment_reverse(source=arrangement_source(original))  # the instalments are unpaid again
    direct_debit_returned(
        end_to_end_id=txn.end_to_end_id or original.end_to_end_id,
        mandate_id=txn.mandate_id or original.mandate_id,
        reason=txn.return_reason,
    )
    event, task = return_rows(txn=txn, original=original, case=case, reversed=reversed_parts, actor=actor)
    txn.save()
    events_record_many([event])
    tasks_create_many([task])
    return txn


def return_rows(
    *,
    txn: BankTransaction,
    original: BankTransaction,
    case: Case,
    reversed: Split,
    actor: Any,
) -> tuple[EventRow, TaskRow]:
    """Mark `txn` (in memory) as the return of `original` on `case`; its one `payment` event (with
    the reversed parts per claim and bucket: (invoice number, bucket, amount owed again)) and the
    officer's review task (shared with `returns.transactions_return`)."""
    mark_returned(txn, original=original)
    txn.case = case
    words = _split_words(reversed)
    event = EventRow(
        case=case,
        kind=EventKind.PAYMENT,
        actor=actor,
        actor_label="bank",
        summary=f"Betaling {format_money(original.amount)} gestorneerd ({txn.return_reason or 'teruggeboekt'})"
        + (f", teruggedraaid: {words}" if words else ""),
        details={
            "transaction": txn.pk,
            "original": original.pk,
            "reversed": str(sum((amount for _c, _b, amount in reversed), ZERO)),
            "split": _split_details(reversed),
        },
    )
    task = TaskRow(
        case=case,
        kind="review",
        title=f"Storno {format_money(-txn.amount)} ({txn.return_reason or 'teruggeboekt'}): dossier controleren"
        + (" — dossier was gesloten" if case.state == CaseState.CLOSED else ""),
        due_on=timezone.localdate(),
        created_by=actor,
    )
    return event, task
