"""Write-offs and credit notes: part of a claim let go from a day on."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from incasso.calculations.errors import CalculationError
from incasso.calculations.rate_table import packaged_table
from incasso.calculations.sheet import render_statement
from incasso.calculations.statement import (
    Bucket,
    ClaimFacts,
    CostsFact,
    LineKind,
    PaymentFact,
    ReductionFact,
    build_statement,
)

TABLES = {b: packaged_table(b) for b in ("consumer", "commercial")}
D = dt.date
CLAIM = ClaimFacts("F-1", Decimal("1000.00"), D(2025, 1, 1))


def test_a_principal_write_off_stops_interest_on_that_part_from_the_next_day() -> None:
    s = build_statement(
        [CLAIM],
        as_of=D(2025, 6, 30),
        tables=TABLES,
        reductions=[ReductionFact("F-1", Decimal("400.00"), D(2025, 3, 31))],
    )
    # 6 % in 2025: 1000 x 6 % x 90/365 (1 Jan - 31 Mar) + 600 x 6 % x 91/365 (1 Apr - 30 Jun)
    # = 14.7945... + 8.9753... = 23.7698... -> 23.77 (without the write-off: 29.75)
    assert s.interest.charged == Decimal("23.77")
    assert s.principal.charged == Decimal("1000.00")
    assert s.principal.written_off == Decimal("400.00")
    assert s.principal.outstanding == Decimal("600.00")
    assert s.outstanding == Decimal("623.77")
    lines = [line for line in s.lines if line.kind is LineKind.REDUCTION]
    assert [(line.on, line.amount, line.bucket) for line in lines] == [
        (D(2025, 3, 31), Decimal("400.00"), Bucket.PRINCIPAL)
    ]


def test_writing_off_everything_leaves_only_the_interest_up_to_that_day() -> None:
    # up to the yearly capitalisation (1 Jan 2026): after it the unpaid interest itself bears interest
    before = build_statement([CLAIM], as_of=D(2025, 3, 31), tables=TABLES)
    s = build_statement(
        [CLAIM],
        as_of=D(2025, 12, 31),
        tables=TABLES,
        reductions=[ReductionFact("F-1", Decimal("1000.00"), D(2025, 3, 31))],
    )
    assert s.interest.charged == before.interest.charged
    assert s.principal.outstanding == 0


def test_a_reduction_after_a_payment_on_the_same_day_takes_what_is_left() -> None:
    # a settlement: 700 paid, the rest of the principal let go the same day
    costs = [CostsFact("F-1", Decimal("150.00"), D(2025, 2, 1))]
    paid = build_statement(
        [CLAIM], costs, [PaymentFact(Decimal("700.00"), D(2025, 3, 31))], as_of=D(2025, 3, 31), tables=TABLES
    )
    rest = paid.principal.outstanding
    s = build_statement(
        [CLAIM],
        costs,
        [PaymentFact(Decimal("700.00"), D(2025, 3, 31))],
        as_of=D(2026, 1, 1),
        tables=TABLES,
        reductions=[ReductionFact("F-1", rest, D(2025, 3, 31), description="restant na schikking")],
    )
    assert s.outstanding == 0
    assert s.costs.paid == Decimal("150.00")


def test_more_than_is_open_is_capped_at_what_is_open() -> None:
    s = build_statement(
        [CLAIM],
        [CostsFact("F-1", Decimal("150.00"), D(2025, 2, 1))],
        as_of=D(2025, 3, 1),
        tables=TABLES,
        reductions=[ReductionFact("F-1", Decimal("500.00"), D(2025, 2, 2), Bucket.COSTS)],
    )
    assert s.costs.written_off == Decimal("150.00")
    assert s.costs.outstanding == 0


def test_a_payment_after_a_costs_write_off_is_not_spent_on_those_costs() -> None:
    s = build_statement(
        [CLAIM],
        [CostsFact("F-1", Decimal("150.00"), D(2025, 2, 1))],
        [PaymentFact(Decimal("100.00"), D(2025, 3, 1))],
        as_of=D(2025, 3, 1),
        tables=TABLES,
        reductions=[ReductionFact("F-1", Decimal("150.00"), D(2025, 2, 2), Bucket.COSTS)],
    )
    assert s.costs.paid == 0 and s.costs.outstanding == 0
    assert s.interest.paid + s.principal.paid == Decimal("100.00")


def test_a_reduction_of_interest_lowers_the_interest_owed() -> None:
    s = build_statement(
        [CLAIM],
        as_of=D(2025, 6, 30),
        tables=TABLES,
        reductions=[ReductionFact("F-1", Decimal("10.00"), D(2025, 6, 30), Bucket.INTEREST)],
    )
    assert s.interest.charged == Decimal("29.75")
    assert s.interest.outstanding == Decimal("19.75")


@pytest.mark.parametrize("amount", [Decimal(0), Decimal("-1.00")])
def test_a_reduction_must_be_positive(amount: Decimal) -> None:
    with pytest.raises(CalculationError, match="positive"):
        build_statement(
            [CLAIM],
            as_of=D(2025, 6, 30),
            tables=TABLES,
            reductions=[ReductionFact("F-1", amount, D(2025, 3, 1))],
        )


def test_a_reduction_for_an_unknown_claim_is_refused() -> None:
    with pytest.raises(CalculationError, match="unknown claim"):
        build_statement(
            [CLAIM],
            as_of=D(2025, 6, 30),
            tables=TABLES,
            reductions=[ReductionFact("X", Decimal("1.00"), D(2025, 3, 1))],
        )


def test_the_sheet_shows_the_write_off_line_and_column_so_the_totals_add_up() -> None:
    s = build_statement(
        [CLAIM],
        as_of=D(2025, 6, 30),
        tables=TABLES,
        reductions=[ReductionFact("F-1", Decimal("400.00"), D(2025, 3, 31))],
    )
    text = render_statement(s)
    assert "afboeking (hoofdsom)" in text
    assert "afgeboekt" in text
    hoofdsom = next(
        line for line in text.splitlines() if line.strip().startswith("hoofdsom") and "400,00" in line
    )
    assert "1.000,00" in hoofdsom and "600,00" in hoofdsom
    plain = render_statement(build_statement([CLAIM], as_of=D(2025, 6, 30), tables=TABLES))
    assert "afgeboekt" not in plain
