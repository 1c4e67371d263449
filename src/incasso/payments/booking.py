"""Booking a bank transaction on a case: interest up to the value date, then the payment split by
art. 6:43/6:44 BW, one ledger entry per (claim, bucket) part. And the opposite for a returned direct
debit: the payment's entries are reversed (and the direct debit line marked returned).

The law lives in `incasso.calculations`; this module only gathers the ledger facts, asks the core, and
books what it answers. Callers hold the transaction (`services.statement_import` or a manual match).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection
from django.utils import timezone

from incasso.arrangements.models import Arrangement, ArrangementStatus, Instalment
from incasso.arrangements.services import (
    arrangement_record_case_payment,
    instalment_payment_reverse,
    instalment_record_payment,
)
from incasso.calculations.allocation import OpenClaim, allocate_payment
from incasso.calculations.errors import DateOutOfRangeError
from incasso.calculations.money import from_cents, to_cents
from incasso.calculations.statement import claim_table
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
from incasso.cases.selectors import case_balance
from incasso.cases.services import (
    EventRow,
    TaskRow,
    case_transition,
    event_record,
    events_insert_many,
    events_record_many,
    ledger_book,
    ledger_reverse,
    task_create,
    tasks_create_many,
)
from incasso.cases.statement import (
    Periods,
    StatementInputs,
    case_statement_inputs,
    interest_free_periods_for,
    statement_inputs_from_rows,
)
from incasso.cases.states import check_transition
from incasso.core.bulk import id_in
from incasso.core.exceptions import DomainError
from incasso.core.formatting import format_money
from incasso.payments.direct_debit import direct_debit_returned
from incasso.payments.models import Allocation, BankTransaction, MatchRule, TransactionStatus
from incasso.payments.writes import copy_rows
from incasso.rates.selectors import rate_tables

ZERO = Decimal("0.00")
BUCKET_ORDER = (Bucket.COSTS, Bucket.INTEREST, Bucket.PRINCIPAL)  # 6:44 lid 1


@dataclass(frozen=True)
class CasePosition:
    """What a case owes per claim on a date: the ledger plus the interest not yet booked."""

    open_claims: tuple[OpenClaim, ...]
    interest_to_book: dict[int, Decimal]  # claim id -> running interest since the last booking

    @property
    def total(self) -> Decimal:
        return from_cents(sum(c.owed for c in self.open_claims))


def case_position(*, case: Case, as_of: dt.date) -> CasePosition:
    """Replay the case's claims, costs and (not reversed) payments to `as_of` with the calculation
    core (the facts come from `cases.statement`, the one bridge to the core), and compare its
    interest with the interest the ledger holds.

    The sheet names claims by invoice number; the allocation here names them by primary key
    (`str(claim.pk)`), so open items map back to the claim row without a second lookup. Both lists
    are in the same (due date, id) order, which is what ties a sheet line to its claim."""
    inputs = case_statement_inputs(case=case, as_of=as_of)
    claims = inputs.claims
    if not claims:
        return CasePosition((), {})
    entries = LedgerEntry.objects.filter(case=case).values(
        "claim_id", "bucket", "kind", "amount", "reverses__kind"
    )
    return _position(inputs, entries, as_of=as_of, tables=rate_tables())


def _position(
    inputs: StatementInputs, entries: Iterable[dict[str, Any]], *, as_of: dt.date, tables: Any
) -> CasePosition:
    """The pure half of `case_position` (shared with the chunked path): the ledger rows (claim_id,
    bucket, kind, amount, reverses__kind) and the sheet's facts in, the position out."""
    claims = inputs.claims
    first = claims[0].pk
    balance: dict[tuple[int, str], Decimal] = defaultdict(lambda: ZERO)
    interest_booked: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for e in entries:
        claim_id = e["claim_id"] or first
        balance[(claim_id, e["bucket"])] += e["amount"]
        if e["kind"] == EntryKind.INTEREST_BOOKED or (
            e["kind"] == EntryKind.REVERSAL and e["reverses__kind"] == EntryKind.INTEREST_BOOKED
        ):
            interest_booked[claim_id] += e["amount"]
    statement = inputs.statement(as_of=as_of, tables=tables)  # write-offs and credit notes included
    to_book: dict[int, Decimal] = {}
    opens: list[OpenClaim] = []
    for claim, fact, claim_statement in zip(claims, inputs.facts, statement.claims, strict=True):
        delta = claim_statement.interest.charged - interest_booked[claim.pk]
        if delta:
            to_book[claim.pk] = delta
        try:
            rate = claim_table(fact, tables).rate_on(as_of).percent
        except DateOutOfRangeError:
            rate = Decimal(0)
        opens.append(
            OpenClaim(
                str(claim.pk),
                max(to_cents(balance[(claim.pk, Bucket.COSTS)]), 0),
                max(to_cents(balance[(claim.pk, Bucket.INTEREST)] + delta), 0),
                max(to_cents(balance[(claim.pk, Bucket.PRINCIPAL)]), 0),
                is_due=claim.due_date <= as_of,
                rate=rate,
                due_date=claim.due_date,
            )
        )
    return CasePosition(tuple(opens), to_book)


def case_amount_due(*, case: Case, as_of: dt.date) -> Decimal:
    """Everything owed on `as_of`, running interest included (what the debtor's letter asks)."""
    return case_position(case=case, as_of=as_of).total


def booking_date_for(*, case: Case, value_date: dt.date) -> dt.date:
    """The date a payment is booked on: its value date, unless the ledger already holds interest or
    payments booked later (a back-dated payment arriving late). Then it counts from that later date,
    so the replay and the ledger keep telling the same story and booked interest is never undone."""
    latest = (
        LedgerEntry.objects.filter(case=case, kind__in=[EntryKind.PAYMENT, EntryKind.INTEREST_BOOKED])
        .order_by("-value_on")
        .values_list("value_on", flat=True)
        .first()
    )
    return max(value_date, latest) if latest else value_date


def _source(txn: BankTransaction) -> str:
    return f"bank:{txn.pk}"


def _book(txn: BankTransaction, entries: list[LedgerEntry], **kwargs: Any) -> LedgerEntry:
    # no `ledger` event per entry: the payment's one `payment` event carries the split
    entry = ledger_book(source=_source(txn), record_event=False, **kwargs)
    Allocation.objects.create(transaction=txn, entry=entry)
    entries.append(entry)
    return entry


Split = list[tuple[str, str, Decimal]]  # a payment's parts: (claim invoice number, bucket, amount)

_BUCKET_WORD = {Bucket.COSTS: "kosten", Bucket.INTEREST: "rente", Bucket.PRINCIPAL: "hoofdsom"}


def _split_words(split: Split) -> str:
    """'kosten € 48,40, rente € 3,12, hoofdsom € 198,48': the parts per bucket over all claims."""
    totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for _claim, bucket, amount in split:
        totals[bucket] += amount
    return ", ".join(f"{_BUCKET_WORD[b]} {format_money(totals[b])}" for b in BUCKET_ORDER if totals[b])


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
    txn.status = TransactionStatus.BOOKED
    txn.case = locked
    txn.match_rule = rule
    txn.confidence = confidence
    txn.reason = reason[:500]
    txn.unallocated = allocation.unallocated
    if rule == MatchRule.MANUAL:
        txn.matched_by = actor
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
        LedgerEntry.objects.filter(
            bank_allocation__transaction=original, kind=EntryKind.PAYMENT, reversed_by__isnull=True
        )
        .select_related("claim")
        .order_by("id")
    )
    reversed_parts: Split = []
    for entry in payment_entries:
        reversal = ledger_reverse(entry=entry, actor=actor, reason=reason, record_event=False)
        Allocation.objects.create(transaction=txn, entry=reversal)
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
    txn.status = TransactionStatus.RETURNED
    txn.case = case
    txn.returns = original
    txn.match_rule = MatchRule.RETURN
    txn.confidence = Decimal("1.00")
    txn.reason = f"Storno van transactie {original.pk} ({txn.return_reason or 'teruggeboekt'})"
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


# --- Booking in chunks -------------------------------------------------------------------------------
#
# `transactions_book` books many matched credits with a fixed number of queries per chunk instead of
# ~20 per payment: one SELECT ... FOR UPDATE of the chunk's cases (by id, so two imports lock in the
# same order), one read of their claims and one of their ledger entries; each case's position is then
# computed in memory with the same code as `case_position` (the facts come from
# `cases.statement.statement_inputs_from_rows`, as for the case sheet; `_position` is shared), payments of one case
# applied one after another in the order given; then one INSERT each for the ledger entries, the
# allocations and the events, one bulk UPDATE of the transactions, the tasks in one go, and the cases
# paid off closed in one UPDATE. `transaction_book` stays the one-payment path (manual matches) and the
# reference the chunked path is tested against to the cent.


@dataclass
class _Entries:
    """The ledger entries of a chunk as columns (no model instances), with the transaction of each."""

    owner: list[int] = field(default_factory=list)
    case_id: list[int] = field(default_factory=list)
    claim_id: list[int] = field(default_factory=list)
    bucket: list[str] = field(default_factory=list)
    kind: list[str] = field(default_factory=list)
    amount: list[Decimal] = field(default_factory=list)
    value_on: list[dt.date] = field(default_factory=list)
    source: list[str] = field(default_factory=list)
    reason: list[str] = field(default_factory=list)

    def add(self, txn: BankTransaction, *values: Any) -> None:
        self.owner.append(txn.pk)
        for column, value in zip(_ENTRY_COLUMNS, values, strict=True):
            getattr(self, column).append(value)

    def insert(self, *, actor: Any, now: dt.datetime) -> None:
        """The entries and their allocations (no `ledger` event per entry: each payment records one
        `payment` event with its split, as `transaction_book` does)."""
        ids = copy_rows(
            LedgerEntry,
            {column: getattr(self, column) for column in _ENTRY_COLUMNS},
            constants={"booked_at": now, "actor_id": actor.pk if getattr(actor, "pk", None) else None},
            ids=True,
        )
        copy_rows(Allocation, {"transaction_id": self.owner, "entry_id": ids})


_ENTRY_COLUMNS = ("case_id", "claim_id", "bucket", "kind", "amount", "value_on", "source", "reason")


@dataclass
class BookRequest:
    """One matched credit for `transactions_book`: the arguments `transaction_book` takes."""

    txn: BankTransaction
    case: Case
    rule: str
    confidence: Decimal
    reason: str
    instalment: Instalment | None = None


def _booking_date(rows: list[dict[str, Any]], value_date: dt.date) -> dt.date:
    """`booking_date_for` on rows already read."""
    dates = [e["value_on"] for e in rows if e["kind"] in (EntryKind.PAYMENT, EntryKind.INTEREST_BOOKED)]
    return max(value_date, max(dates)) if dates else value_date


_ENTRY_FIELDS = ("id", "case_id", "claim_id", "bucket", "kind", "amount", "value_on", "source", "reverses_id")


def ledger_rows_for(
    case_ids: list[int],
) -> tuple[dict[int, list[Claim]], dict[int, list[dict[str, Any]]]]:
    """The claims (due date, id order) and ledger rows (`_ENTRY_FIELDS` + `reverses__kind`, id order)
    of many cases, in two queries: what `case_position` reads, for `position_from_rows`."""
    claims_of: dict[int, list[Claim]] = defaultdict(list)
    for claim in Claim.objects.filter(id_in("case_id", case_ids)).order_by("case_id", "due_date", "id"):
        claims_of[claim.case_id].append(claim)
    rows_of: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in LedgerEntry.objects.filter(id_in("case_id", case_ids)).order_by("id").values(*_ENTRY_FIELDS):
        rows_of[row["case_id"]].append(row)
    kinds: dict[int, str] = {row["id"]: row["kind"] for rows in rows_of.values() for row in rows}
    for rows in rows_of.values():
        for row in rows:
            row["reverses__kind"] = kinds.get(row["reverses_id"]) if row["reverses_id"] else None
    return claims_of, rows_of


def position_from_rows(
    claims: tuple[Claim, ...] | list[Claim],
    rows: list[dict[str, Any]],
    *,
    interest_free: Periods,
    as_of: dt.date,
    tables: Any,
) -> CasePosition:
    """`case_position` on rows already read (`ledger_rows_for`)."""
    if not claims:
        return CasePosition((), {})
    inputs = statement_inputs_from_rows(claims, rows, interest_free=interest_free, as_of=as_of)
    return _position(inputs, rows, as_of=as_of, tables=tables)


def transactions_book(requests: list[BookRequest], *, actor: Any = None) -> list[BankTransaction]:
    """`transaction_book` for a chunk of matched credits, with a fixed number of queries per chunk
    (plus one `case_transition`-like bulk close, the arrangement hook for cases with an active
    arrangement, and a task per overpayment). Payments on the same case are applied in the order
    given, each seeing the ones before it. The caller holds the database transaction."""
    if not requests:
        return []
    for request in requests:
        if request.txn.amount <= 0:
            raise DomainError("Only money received can be booked as a payment", field="amount")
        if request.txn.status == TransactionStatus.BOOKED:
            raise DomainError("This transaction has already been booked", field="transaction")
    case_ids = sorted({r.case.pk for r in requests})
    locked: dict[int, Case] = {
        c.pk: c for c in Case.objects.select_for_update().filter(id_in("id", case_ids)).order_by("id")
    }
    claims_of, rows_of = ledger_rows_for(case_ids)
    free_of = interest_free_periods_for(case_ids=case_ids)
    tables = rate_tables()
    now = timezone.now()
    entries = _Entries()
    # per payment: request, booking date, interest booked, split, unallocated
    per_txn: list[tuple[BookRequest, dt.date, list[tuple[str, Decimal]], Split, Decimal]] = []
    close_on: dict[int, dt.date] = {}
    for request in requests:
        txn, case = request.txn, locked[request.case.pk]
        rows = rows_of[case.pk]
        claims = tuple(claims_of[case.pk])
        by_id = {str(c.pk): c for c in claims}
        value_on = _booking_date(rows, txn.value_date)
        source = _source(txn)
        position = position_from_rows(
            claims, rows, interest_free=free_of.get(case.pk, ()), as_of=value_on, tables=tables
        )

        def add(  # the next payment on this case sees this entry (`rows`)
            claim: Claim,
            bucket: str,
            kind: str,
            amount: Decimal,
            reason: str,
            *,
            case: Case = case,
            txn: BankTransaction = txn,
            rows: list[dict[str, Any]] = rows,
            value_on: dt.date = value_on,
            source: str = source,
        ) -> None:
            entries.add(txn, case.pk, claim.pk, bucket, kind, amount, value_on, source, reason)
            rows.append(
                {
                    "id": None,
                    "case_id": case.pk,
                    "claim_id": claim.pk,
                    "bucket": bucket,
                    "kind": kind,
                    "amount": amount,
                    "value_on": value_on,
                    "source": source,
                    "reverses_id": None,
                    "reverses__kind": None,
                }
            )

        interest: list[tuple[str, Decimal]] = []
        for claim_id, delta in sorted(position.interest_to_book.items()):
            interest.append((by_id[str(claim_id)].invoice_number, delta))
            add(
                by_id[str(claim_id)],
                Bucket.INTEREST,
                EntryKind.INTEREST_BOOKED,
                delta,
                f"Rente t/m {value_on:%d-%m-%Y}",
            )
        allocation = allocate_payment(to_cents(txn.amount), position.open_claims)
        split: Split = []
        for part in allocation.parts:
            for bucket, value in zip(BUCKET_ORDER, (part.costs, part.interest, part.principal), strict=True):
                if value:
                    claim = by_id[part.claim_id]
                    add(
                        claim,
                        bucket,
                        EntryKind.PAYMENT,
                        -value,
                        f"Betaling {txn.counterparty_name or ''}".strip(),
                    )
                    split.append((claim.invoice_number, str(bucket), value))
        txn.status = TransactionStatus.BOOKED
        txn.case = case
        txn.match_rule = request.rule
        txn.confidence = request.confidence
        txn.reason = request.reason[:500]
        txn.unallocated = allocation.unallocated
        if request.rule == MatchRule.MANUAL:
            txn.matched_by = actor
        per_txn.append((request, value_on, interest, split, allocation.unallocated))
        if (
            case.state != CaseState.CLOSED
            and case.pk not in close_on
            and sum((r["amount"] for r in rows), ZERO) == 0
        ):
            close_on[case.pk] = value_on  # paid off by this payment: closed on its date (nothing reopens it)
    entries.insert(actor=actor, now=now)
    # each label translated once per chunk, not once per payment (a lazy string is translated per use)
    rule_label = {rule: str(MatchRule(rule).label) for rule in {r.rule for r in requests}}
    events = [
        payment_event(
            txn=r.txn,
            rule=r.rule,
            rule_label=rule_label[r.rule],
            booked_on=value_on,
            interest=interest,
            split=split,
            unallocated=unallocated,
        )
        for r, value_on, interest, split, unallocated in per_txn
    ]
    events_insert_many(
        case_ids=[r.case.pk for r in requests],
        kind=EventKind.PAYMENT,
        summaries=[summary for summary, _details in events],
        details=[details for _summary, details in events],
        occurred_at=now,
        actor=actor,
        actor_labels=["bank"] * len(events),
    )
    bulk_set(
        [r.txn for r in requests],
        ["status", "case", "match_rule", "confidence", "reason", "unallocated", "matched_by"],
    )
    # The arrangement hook, per booked payment, only where there is something to count it on.
    arranged = set(
        Arrangement.objects.filter(id_in("case_id", case_ids), status=ArrangementStatus.ACTIVE).values_list(
            "case_id", flat=True
        )
    )
    for request in requests:
        instalment = request.instalment
        named = instalment is not None and instalment.arrangement.case_id == request.case.pk
        if named or request.case.pk in arranged:
            _arrangement_record(request.txn, locked[request.case.pk], instalment)
    tasks_create_many(
        [
            TaskRow(
                case=request.txn.case,  # type: ignore[arg-type]
                kind="review",
                title=f"Overbetaling {format_money(unallocated)} terugbetalen ({request.txn.counterparty_name or 'onbekend'})",
                due_on=timezone.localdate(),
                created_by=actor,
            )
            for request, _value_on, _interest, _split, unallocated in per_txn
            if unallocated > 0
        ]
    )
    _close_paid([(locked[pk], on) for pk, on in close_on.items()], actor=actor)
    return [r.txn for r in requests]


def _close_paid(candidates: list[tuple[Case, dt.date]], *, actor: Any) -> None:
    """`case_transition(to=closed, closing_reason=paid)` for the cases a payment of the chunk paid off
    (their in-memory ledger reached zero; the cases are locked), in one UPDATE and one INSERT of events.
    Once zero a ledger stays zero within the chunk (a payment never raises it; no interest on nothing)."""
    closing: dict[int, tuple[Case, dt.date]] = {}
    for case, value_on in candidates:
        check_transition(current=case.state, target=CaseState.CLOSED, closing_reason=ClosingReason.PAID)
        closing[case.pk] = (case, max(value_on, case.opened_on))
    if not closing:
        return
    events: list[EventRow] = []
    for case, on in closing.values():
        previous = case.state
        case.state = CaseState.CLOSED
        case.closed_on = on
        case.closing_reason = ClosingReason.PAID
        case.next_action_on = None
        events.append(
            EventRow(
                case=case,
                kind=EventKind.STATE_CHANGED,
                summary=f"Status: {CaseState(previous).label} → {CaseState(CaseState.CLOSED).label} (volledig betaald)",
                actor=actor,
                details={
                    "from": previous,
                    "to": CaseState.CLOSED,
                    "reason": "volledig betaald",
                    "closing_reason": ClosingReason.PAID,
                },
            )
        )
    bulk_set([c for c, _on in closing.values()], ["state", "closed_on", "closing_reason", "next_action_on"])
    events_record_many(events)


def bulk_set(objs: list[Any], fields: list[str]) -> None:
    """`bulk_update` of `fields` on `objs`. On PostgreSQL one `UPDATE ... FROM unnest(arrays)` per call
    (Django's bulk_update builds a CASE WHEN per field and row: ~0.1 s per 500 rows in Python alone)."""
    if not objs:
        return
    model = type(objs[0])
    if connection.vendor != "postgresql":
        model.objects.bulk_update(objs, fields, batch_size=1000)
        return
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    pk = meta.pk
    assert pk is not None
    arrays = [[o.pk for o in objs]] + [
        [f.get_db_prep_save(getattr(o, f.attname), connection) for o in objs] for f in columns
    ]
    types = [pk.db_type(connection)] + [f.db_type(connection) for f in columns]
    names = ["id"] + [f"c{i}" for i in range(len(columns))]
    sql = (
        f'UPDATE "{meta.db_table}" AS t SET '
        + ", ".join(f'"{f.column}" = v.c{i}' for i, f in enumerate(columns))
        + " FROM unnest("
        + ", ".join(f"%s::{t}[]" for t in types)
        + f') AS v({", ".join(names)}) WHERE t."{pk.column}" = v.id'
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, arrays)
