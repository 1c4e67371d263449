"""Interest-free periods (an arrangement that freezes interest): exact, and the anniversary cycle runs on."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from incasso.calculations.accrual import Accrual
from incasso.calculations.errors import RateTableError
from incasso.calculations.interest import statutory_interest
from incasso.calculations.money import from_cents
from incasso.calculations.rate_table import FROZEN_SOURCE, Period, RateRow, RateTable, packaged_table
from incasso.calculations.sheet import render_statement
from incasso.calculations.statement import (
    ClaimFacts,
    LineKind,
    PaymentFact,
    build_statement,
)
from incasso.calculations.tests.test_differential import fast as fast_statement
from incasso.calculations.tests.test_differential import random_case, slow

CONSUMER = packaged_table("consumer")
COMMERCIAL = packaged_table("commercial")
TABLES = {"consumer": CONSUMER, "commercial": COMMERCIAL}
D = dt.date
ONE = dt.timedelta(days=1)


def frozen_interest(
    principal: Decimal, first: dt.date, last: dt.date, periods: tuple[Period, ...]
) -> Decimal:
    claim = ClaimFacts("c", principal, first, interest_free=periods)
    return build_statement([claim], as_of=last, tables=TABLES).interest.charged


# --- the table -------------------------------------------------------------------------------------


def test_zero_periods_split_the_table_exactly_at_the_bounds() -> None:
    table = RateTable("t", (RateRow(D(2024, 1, 1), Decimal(7), "a"), RateRow(D(2024, 7, 1), Decimal(8), "b")))
    frozen = table.with_zero_periods([(D(2024, 3, 10), D(2024, 3, 20))])
    assert [(r.effective_from, r.percent) for r in frozen.rows] == [
        (D(2024, 1, 1), Decimal(7)),
        (D(2024, 3, 10), Decimal(0)),
        (D(2024, 3, 21), Decimal(7)),
        (D(2024, 7, 1), Decimal(8)),  # the real rate change stays
    ]
    assert frozen.rows[1].source == FROZEN_SOURCE and frozen.name == table.name


def test_a_rate_change_inside_a_freeze_is_covered_and_the_rate_after_it_applies() -> None:
    table = RateTable(
        "t", (RateRow(D(2024, 1, 1), Decimal(7)), RateRow(D(2024, 7, 1), Decimal(8), "b", verified=False))
    )
    frozen = table.with_zero_periods([(D(2024, 6, 1), D(2024, 7, 31))])
    assert [(r.effective_from, r.percent) for r in frozen.rows] == [
        (D(2024, 1, 1), Decimal(7)),
        (D(2024, 6, 1), Decimal(0)),
        (D(2024, 8, 1), Decimal(8)),
    ]
    assert frozen.rows[-1].source == "b" and not frozen.rows[-1].verified


def test_open_ended_overlapping_and_early_periods() -> None:
    table = RateTable("t", (RateRow(D(2024, 1, 1), Decimal(7)),))
    frozen = table.with_zero_periods(
        [(D(2023, 1, 1), D(2023, 12, 1)), (D(2024, 5, 1), D(2024, 5, 10)), (D(2024, 5, 11), None)]
    )
    # the 2023 period lies before the table and is dropped; the two adjacent periods merge
    assert [(r.effective_from, r.percent) for r in frozen.rows] == [
        (D(2024, 1, 1), Decimal(7)),
        (D(2024, 5, 1), Decimal(0)),
    ]
    assert table.with_zero_periods([]) is table
    # a period starting before the table starts at the table's first day, earlier dates stay an error
    assert table.with_zero_periods([(D(2023, 6, 1), D(2024, 1, 5))]).rows[0] == RateRow(
        D(2024, 1, 1), Decimal(0), FROZEN_SOURCE
    )
    with pytest.raises(RateTableError, match="before it starts"):
        table.with_zero_periods([(D(2024, 5, 2), D(2024, 5, 1))])


def test_a_fixed_contractual_table_can_be_frozen_to_the_end_of_time() -> None:
    frozen = RateTable.fixed(Decimal(12)).with_zero_periods([(D(2024, 1, 1), dt.date.max)])
    assert frozen.rate_on(D(2023, 12, 31)).percent == 12 and frozen.rate_on(dt.date.max).percent == 0


# --- the interest ----------------------------------------------------------------------------------


def test_a_frozen_period_gives_exactly_the_interest_of_the_two_unfrozen_parts() -> None:
    # without compounding every part starts its own engine: the numerators must add up exactly
    principal, first, last = 1_234_567, D(2024, 2, 3), D(2025, 9, 30)
    start, end = D(2024, 10, 1), D(2025, 3, 31)
    frozen = Accrual(principal, first, CONSUMER.with_zero_periods([(start, end)]), compound=False)
    frozen.accrue_through(last)
    before = Accrual(principal, first, CONSUMER, compound=False)
    before.accrue_through(start - ONE)
    after = Accrual(principal, end + ONE, CONSUMER, compound=False)
    after.accrue_through(last)
    assert frozen.acc == before.acc + after.acc
    assert {s.rate for s in frozen.segments} == {Decimal(7), Decimal(6)}  # 2024 and 2025
    assert all(s.end < start or s.start > end for s in frozen.segments)


def test_a_freeze_within_one_year_equals_the_interest_of_the_parts_in_one_rounding() -> None:
    principal, first, last = Decimal("5000.00"), D(2024, 1, 10), D(2024, 12, 31)
    start, end = D(2024, 4, 1), D(2024, 6, 30)
    result = frozen_interest(principal, first, last, ((start, end),))
    exact = Fraction(500000) * 7 / 100 / 365 * ((start - first).days + (last - end).days)
    assert result == from_cents(int(exact + Fraction(1, 2)))  # 7 % all year in 2024


def test_an_open_ended_freeze_stops_interest_for_good() -> None:
    principal, first = Decimal("10000.00"), D(2023, 5, 1)
    start = D(2024, 2, 1)
    expected = statutory_interest(principal, first, start - ONE, CONSUMER).interest
    for as_of in (start, D(2024, 4, 30), D(2024, 5, 1), D(2026, 8, 1)):
        assert frozen_interest(principal, first, as_of, ((start, None),)) == expected


def test_a_freeze_across_a_rate_change_matches_the_reference() -> None:
    case = dict(
        principal=987_654, first=D(2024, 1, 15), as_of=D(2025, 2, 1), basis="commercial",
        actact=False, compound=True, costs=0, payments=(),
    )  # fmt: skip
    periods = ((D(2024, 6, 15), D(2024, 7, 15)),)
    claim = ClaimFacts("c", from_cents(987_654), D(2024, 1, 15), "commercial", interest_free=periods)
    s = build_statement([claim], as_of=D(2025, 2, 1), tables=TABLES)
    assert s.interest.charged == slow({**case, "free": periods})[0]
    rates = [(seg.start, seg.rate) for seg in s.claims[0].segments]
    assert (D(2024, 7, 16), Decimal("12.25")) in rates  # the rate in force after the freeze
    assert all(not (D(2024, 6, 15) <= start <= D(2024, 7, 15)) for start, _ in rates)


def test_a_freeze_across_an_anniversary_does_not_reset_the_cycle() -> None:
    first, as_of = D(2024, 3, 1), D(2026, 1, 1)
    periods = ((D(2025, 1, 1), D(2025, 6, 30)),)
    claim = ClaimFacts("c", Decimal("20000.00"), first, interest_free=periods)
    s = build_statement([claim], as_of=as_of, tables=TABLES)
    year_one = statutory_interest(Decimal("20000.00"), first, D(2024, 12, 31), CONSUMER).interest
    (cap,) = s.claims[0].capitalisations
    assert cap.on == D(2025, 3, 1) and cap.amount == year_one  # what accrued in that year, at its anniversary
    case = dict(
        principal=2_000_000, first=first, as_of=as_of, basis="consumer",
        actact=False, compound=True, costs=0, payments=(),
    )  # fmt: skip
    assert s.interest.charged == slow({**case, "free": periods})[0]


def test_the_sheet_shows_the_freeze() -> None:
    claim = ClaimFacts("F-1", Decimal("1000.00"), D(2024, 1, 1), interest_free=((D(2024, 3, 1), None),))
    s = build_statement([claim], as_of=D(2024, 6, 30), tables=TABLES)
    (line,) = [line for line in s.lines if line.kind is LineKind.INTEREST_FREE]
    assert line.on == D(2024, 3, 1) and line.amount == 0
    assert "rente bevroren van 01-03-2024 t/m 30-06-2024" in render_statement(s)


def test_engine_equals_fraction_reference_with_random_freezes_and_payments() -> None:
    rng = random.Random(20260301)
    for _ in range(300):
        case = random_case(rng)
        span = max((case["as_of"] - case["first"]).days, 1)
        free: list[Period] = []
        for _ in range(rng.choice([1, 1, 2, 3])):
            start = case["first"] + dt.timedelta(days=rng.randint(-30, span))
            end = None if rng.random() < 0.2 else start + dt.timedelta(days=rng.randint(0, 400))
            free.append((start, end))
        case["free"] = tuple(free)
        assert fast_statement(case) == slow(case), case


# --- properties ------------------------------------------------------------------------------------

days = st.dates(min_value=D(2003, 1, 1), max_value=D(2027, 12, 31))


@settings(max_examples=60, deadline=None)
@given(
    principal=st.integers(1, 10**8),
    first=days,
    horizon=st.integers(0, 2500),
    periods=st.lists(
        st.tuples(st.integers(-100, 2500), st.one_of(st.none(), st.integers(0, 800))), max_size=3
    ),
    payments=st.lists(st.tuples(st.integers(0, 2500), st.integers(1, 10**7)), max_size=3),
    basis=st.sampled_from(["consumer", "commercial"]),
)
def test_freezing_never_increases_interest_and_freezing_nothing_changes_nothing(
    principal: int,
    first: dt.date,
    horizon: int,
    periods: list[tuple[int, int | None]],
    payments: list[tuple[int, int]],
    basis: str,
) -> None:
    as_of = first + dt.timedelta(days=horizon)
    free = tuple(
        (first + dt.timedelta(days=s), None if n is None else first + dt.timedelta(days=s + n))
        for s, n in periods
    )
    pays = [PaymentFact(from_cents(a), first + dt.timedelta(days=d)) for d, a in payments]

    def run(interest_free: tuple[Period, ...]) -> Decimal:
        claim = ClaimFacts("c", from_cents(principal), first, basis, interest_free=interest_free)
        return build_statement([claim], [], pays, as_of=as_of, tables=TABLES).interest.charged

    plain = run(())
    assert run(free) <= plain
    before_first = ((first - dt.timedelta(days=400), first - ONE),)
    after_as_of = ((as_of + ONE, None),)
    assert run(before_first) == plain and run(after_as_of) == plain
