"""What a case owes on a date, per claim: the ledger plus the interest not yet booked
(`CasePosition`), read for one case (`case_position`, `case_amount_due`, `booking_date_for`) or for
many cases at once from rows already read (`ledger_rows_for`, `position_from_rows`, used by the chunked
booking and by matching). Both ways replay the case with the calculation core through the same code
(`_position`), so the one-payment and the chunked booking see the same position.

The facts come from `cases.statement`, the one bridge to the core; nothing here writes. It lives with
the cases because both the payments (booking, matching) and the settlements (the write-off of what is
left) read it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from incasso.calculations.allocation import OpenClaim
from incasso.calculations.errors import DateOutOfRangeError
from incasso.calculations.money import from_cents, to_cents
from incasso.calculations.statement import claim_table
from incasso.cases.models import Bucket, Case, Claim, EntryKind, LedgerEntry
from incasso.cases.statement import (
    Periods,
    StatementInputs,
    case_statement_inputs,
    statement_inputs_from_rows,
)
from incasso.core.bulk import id_in, instances
from incasso.rates.selectors import rate_tables

ZERO = Decimal("0.00")


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
    # the replay's interest per claim (write-offs and credit notes included); the sheet is not needed
    charged = inputs.interest_charged(as_of=as_of, tables=tables)
    to_book: dict[int, Decimal] = {}
    opens: list[OpenClaim] = []
    for claim, fact in zip(claims, inputs.facts, strict=True):
        delta = charged[fact.id] - interest_booked[claim.pk]
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


_ENTRY_FIELDS = ("id", "case_id", "claim_id", "bucket", "kind", "amount", "value_on", "source", "reverses_id")


def ledger_rows_for(
    case_ids: list[int],
) -> tuple[dict[int, list[Claim]], dict[int, list[dict[str, Any]]]]:
    """The claims (due date, id order) and ledger rows (`_ENTRY_FIELDS` + `reverses__kind`, id order)
    of many cases, in two queries: what `case_position` reads, for `position_from_rows`."""
    claims_of: dict[int, list[Claim]] = defaultdict(list)
    for claim in instances(
        Claim.objects.filter(id_in("case_id", case_ids)).order_by("case_id", "due_date", "id")
    ):
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
