"""Booking in chunks: `transactions_book` books many matched credits (the import) with a fixed number
of queries per chunk instead of ~20 per payment: one SELECT ... FOR UPDATE of the chunk's cases (by id,
so two imports lock in the same order), one read of their claims and one of their ledger entries
(`position.ledger_rows_for`); each case's position is then computed in memory with the same code as
`case_position` (`position.position_from_rows`: the facts come from
`cases.statement.statement_inputs_from_rows`, as for the case sheet), payments of one case applied one
after another in the order given; then one INSERT each for the ledger entries and the
events, one bulk UPDATE of the transactions, the tasks in one go, and the cases paid off closed in one
UPDATE (`_close_paid`). `booking.transaction_book` stays the one-payment path (manual matches) and the
reference this path is tested against to the cent; the payment event and the arrangement hook are
shared with it. The caller holds the database transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models.base import ModelState
from django.utils import timezone

from incasso.arrangements.models import Arrangement, ArrangementStatus, Instalment
from incasso.calculations.allocation import allocate_payment
from incasso.calculations.money import to_cents
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
from incasso.cases.position import ledger_rows_for, position_from_rows
from incasso.cases.statement import interest_free_periods_for
from incasso.cases.states import check_transition
from incasso.cases.timeline import (
    EventRow,
    TaskRow,
    events_insert_many,
    events_record_many,
    tasks_create_many,
)
from incasso.core.bulk import copy_rows, id_in, update_fields
from incasso.core.exceptions import DomainError
from incasso.core.formatting import format_money
from incasso.payments.booking import (
    BOOKED_FIELDS,
    BUCKET_ORDER,
    Split,
    _arrangement_record,
    mark_booked,
    payment_event,
)
from incasso.payments.models import BankTransaction, MatchRule, TransactionStatus
from incasso.rates.selectors import rate_tables

ZERO = Decimal("0.00")


@dataclass
class _Entries:
    """The ledger entries of a chunk as rows of `_ENTRY_COLUMNS` (no model instances); `source` names
    the transaction of each."""

    rows: list[tuple[Any, ...]] = field(default_factory=list)

    def add(self, *values: Any) -> None:
        self.rows.append(values)

    def insert(self, *, actor: Any, now: dt.datetime) -> None:
        """The entries (each names its transaction in `source`; no `ledger` event per entry: each
        payment records one `payment` event with its split, as `transaction_book` does)."""
        columns = zip(*self.rows, strict=True) if self.rows else ([] for _ in _ENTRY_COLUMNS)
        copy_rows(
            LedgerEntry,
            dict(zip(_ENTRY_COLUMNS, columns, strict=True)),
            constants={"booked_at": now, "actor_id": actor.pk if getattr(actor, "pk", None) else None},
            wait=False,  # inside `copy_behind()` (the import): written while the events are built
        )


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


def transactions_book(
    requests: list[BookRequest],
    *,
    actor: Any = None,
    written: bool = False,
    after_reads: Callable[[], None] | None = None,
) -> list[BankTransaction]:
    """`transaction_book` for a chunk of matched credits, with a fixed number of queries per chunk
    (plus one `case_transition`-like bulk close, the arrangement hook for cases with an active
    arrangement, and a task per overpayment). Payments on the same case are applied in the order
    given, each seeing the ones before it. The caller holds the database transaction. `written`: the
    caller has already written the transactions as `booking.mark_booked` leaves them (the import), so
    only the overpaid ones are updated. `after_reads` runs once the chunk's reads are done, before
    anything is computed (the import writes its transactions there: inside `copy_behind()`
    PostgreSQL writes them while the chunk is computed)."""
    if not requests:
        return []
    for request in requests:
        if request.txn.amount <= 0:
            raise DomainError("Only money received can be booked as a payment", field="amount")
        if request.txn.status == TransactionStatus.BOOKED and not written:
            raise DomainError("This transaction has already been booked", field="transaction")
    case_ids = sorted({r.case.pk for r in requests})
    locked = _lock(case_ids, {r.case.pk: r.case for r in requests})
    claims_of, rows_of = ledger_rows_for(case_ids)
    free_of = interest_free_periods_for(case_ids=case_ids)
    tables = rate_tables()
    arranged = set(  # for the arrangement hook below, read with the rest
        Arrangement.objects.filter(id_in("case_id", case_ids), status=ArrangementStatus.ACTIVE).values_list(
            "case_id", flat=True
        )
    )
    if after_reads is not None:
        after_reads()
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
        source = txn.entry_source
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
            entries.add(case.pk, claim.pk, bucket, kind, amount, value_on, source, reason)
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
        paid = f"Betaling {txn.counterparty_name or ''}".strip()
        split: Split = []
        for part in allocation.parts:
            for bucket, value in zip(BUCKET_ORDER, (part.costs, part.interest, part.principal), strict=True):
                if value:
                    claim = by_id[part.claim_id]
                    add(claim, bucket, EntryKind.PAYMENT, -value, paid)
                    split.append((claim.invoice_number, str(bucket), value))
        mark_booked(
            txn,
            case=case,
            rule=request.rule,
            confidence=request.confidence,
            reason=request.reason,
            actor=actor,
        )
        txn.unallocated = allocation.unallocated
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
        wait=False,
    )
    if written:  # the caller wrote them as `mark_booked` leaves them: only what the booking adds
        update_fields([r.txn for r in requests if r.txn.unallocated], ["unallocated"])
    else:
        update_fields([r.txn for r in requests], [*BOOKED_FIELDS, "unallocated"])
    # The arrangement hook, per booked payment, only where there is something to count it on.
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


_LOCKED_FIELDS = ("state", "opened_on", "closed_on", "closing_reason", "next_action_on")


def _lock(case_ids: list[int], given: dict[int, Case]) -> dict[int, Case]:
    """Lock the cases (`SELECT ... FOR UPDATE`, id order) and read what booking decides on and
    writes: their state and closing fields as they are now. Each comes back as a copy of the
    caller's instance with those fields refreshed (no model instance built per row; the caller's
    own instances, e.g. the match cache's, are left as they were)."""
    locked: dict[int, Case] = {}
    rows = (
        Case.objects.select_for_update()
        .filter(id_in("id", case_ids))
        .order_by("id")
        .values_list("id", *_LOCKED_FIELDS)
    )
    for pk, *values in rows:
        # a shallow copy without its related-object cache (copy.copy's __getstate__ costs ~25 us)
        case = Case.__new__(Case)
        case.__dict__.update(given[pk].__dict__)
        case._state = ModelState()
        case._state.db, case._state.adding = given[pk]._state.db, False
        case.__dict__.update(zip(_LOCKED_FIELDS, values, strict=True))
        locked[pk] = case
    return locked


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
    update_fields(
        [c for c, _on in closing.values()], ["state", "closed_on", "closing_reason", "next_action_on"]
    )
    events_record_many(events)
