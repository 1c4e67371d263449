"""`interest_charged` (the lean replay the payments' booking uses) against `build_statement`: the same
interest per claim and the same errors, on random claims, costs, payments, reductions and freezes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from incasso.calculations import statement as statement_module
from incasso.calculations.errors import CalculationError, DateOutOfRangeError, RateTableError
from incasso.calculations.interest import InterestBasis, RatePeriod
from incasso.calculations.money import from_cents
from incasso.calculations.rate_table import Period, packaged_table
from incasso.calculations.statement import (
    Bucket,
    ClaimFacts,
    CostsFact,
    PaymentFact,
    ReductionFact,
    build_statement,
    interest_charged,
)

TABLES = {b: packaged_table(b) for b in ("consumer", "commercial")}
D = dt.date
IDS = ("a", "b", "c")


def mostly[T](good: st.SearchStrategy[T], bad: st.SearchStrategy[T]) -> st.SearchStrategy[T]:
    """`good`, and about once in twenty draws `bad` (input the core refuses), so most cases get
    replayed; shrinking goes to `good`."""
    return st.integers(0, 19).flatmap(lambda n: bad if n == 19 else good)


# now and then before the tables' first rows (2001 consumer, 2002-08-08 commercial)
days = mostly(
    st.dates(min_value=D(2002, 8, 8), max_value=D(2028, 12, 31)),
    st.dates(min_value=D(2000, 6, 1), max_value=D(2002, 8, 7)),
)


@st.composite
def interest_free(draw: st.DrawFn) -> tuple[Period, ...]:
    periods: list[Period] = []
    for _ in range(draw(st.integers(0, 2))):
        start = draw(days)
        length = draw(st.one_of(st.none(), mostly(st.integers(0, 900), st.integers(-3, -1))))
        periods.append((start, None if length is None else start + dt.timedelta(days=length)))
    return tuple(periods)


@st.composite
def claim_facts(draw: st.DrawFn, claim_id: str) -> ClaimFacts:
    first = draw(days)
    return ClaimFacts(
        claim_id,
        from_cents(draw(mostly(st.integers(1, 10**8), st.sampled_from([0, -1])))),
        first,
        draw(st.sampled_from(list(InterestBasis))),
        contractual_rate=draw(
            mostly(st.sampled_from([Decimal(0), Decimal("8.5"), Decimal("12.125")]), st.none())
        ),
        rate_period=draw(st.sampled_from(list(RatePeriod))),
        compound=draw(st.booleans()),
        due_date=draw(st.sampled_from([None, first - dt.timedelta(days=1), first + dt.timedelta(days=30)])),
        interest_free=draw(interest_free()),
    )


@st.composite
def cases(draw: st.DrawFn) -> dict[str, Any]:
    ids = draw(st.lists(st.sampled_from(IDS), min_size=1, max_size=3, unique=True))
    if draw(st.integers(0, 19)) == 0:
        ids.append(ids[0])  # a duplicate claim id, now and then
    named = mostly(st.sampled_from(ids), st.just("unknown"))
    cents = mostly(st.integers(1, 10**7), st.sampled_from([0, -100]))
    return {
        "claims": [draw(claim_facts(claim_id)) for claim_id in ids],
        "costs": draw(st.lists(st.builds(CostsFact, named, cents.map(from_cents), days), max_size=3)),
        "payments": draw(
            st.lists(
                st.builds(
                    PaymentFact,
                    cents.map(from_cents),
                    days,
                    st.one_of(st.none(), named),
                    st.sampled_from(["", "ref"]),
                ),
                max_size=4,
            )
        ),
        "reductions": draw(
            st.lists(
                st.builds(ReductionFact, named, cents.map(from_cents), days, st.sampled_from(list(Bucket))),
                max_size=3,
            )
        ),
        "as_of": draw(days),
        "day_basis": draw(st.sampled_from(["act365", "actact"])),
    }


type Outcome = dict[str, Decimal] | tuple[type[BaseException], str]


def outcome(call: Callable[[], dict[str, Decimal]]) -> Outcome:
    """The result, or the error's type and message (all calculation errors are `ValueError`s)."""
    try:
        return call()
    except ValueError as error:
        return type(error), str(error)


def from_statement(case: dict[str, Any]) -> dict[str, Decimal]:
    statement = build_statement(**case, tables=TABLES)
    return {c.claim.id: c.interest.charged for c in statement.claims}


def lean(case: dict[str, Any]) -> dict[str, Decimal]:
    return interest_charged(**case, tables=TABLES)


@settings(max_examples=400, deadline=None)
@given(case=cases())
def test_the_lean_replay_charges_what_the_statement_charges_and_refuses_what_it_refuses(
    case: dict[str, Any],
) -> None:
    expected = outcome(lambda: from_statement(case))
    got = outcome(lambda: lean(case))
    event(f"refused: {expected[0].__name__}" if isinstance(expected, tuple) else "charged")
    assert got == expected
    if isinstance(got, dict):
        assert list(got) == [c.id for c in case["claims"]]  # one entry per claim, in the claims' order


def test_a_realistic_case_with_every_kind_of_event() -> None:
    claims = [
        ClaimFacts("F1", Decimal("1500.00"), D(2019, 3, 2), interest_free=((D(2021, 1, 1), D(2021, 6, 30)),)),
        ClaimFacts("F2", Decimal("250.00"), D(2022, 7, 1), InterestBasis.COMMERCIAL),
        ClaimFacts("F3", Decimal("99.99"), D(2020, 1, 1), InterestBasis.CONTRACTUAL, Decimal("8")),
    ]
    case = {
        "claims": claims,
        "costs": [CostsFact("F1", Decimal("225.00"), D(2019, 4, 1))],
        "payments": [
            PaymentFact(Decimal("300.00"), D(2020, 5, 5)),
            PaymentFact(Decimal("120.00"), D(2023, 2, 1), "F2"),
        ],
        "reductions": [ReductionFact("F1", Decimal("100.00"), D(2024, 1, 1), Bucket.INTEREST)],
        "as_of": D(2026, 11, 20),
        "day_basis": "act365",
    }
    charged = lean(case)
    assert charged == from_statement(case)
    assert all(amount > 0 for amount in charged.values())


def test_the_lean_replay_builds_no_lines_and_no_sheet(monkeypatch: pytest.MonkeyPatch) -> None:
    case = {
        "claims": [
            ClaimFacts("a", Decimal("1000.00"), D(2015, 1, 1), interest_free=((D(2016, 1, 1), None),))
        ],
        "costs": [CostsFact("a", Decimal("40.00"), D(2015, 2, 1))],
        "payments": [PaymentFact(Decimal("2000.00"), D(2015, 6, 1))],  # more than is owed: unallocated
        "reductions": [ReductionFact("a", Decimal("1.00"), D(2015, 7, 1), Bucket.COSTS)],
        "as_of": D(2026, 1, 1),
        "day_basis": "actact",
    }
    expected = from_statement(case)

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the lean replay built part of the sheet")

    monkeypatch.setattr(statement_module, "StatementLine", refuse)
    monkeypatch.setattr(statement_module, "_assemble", refuse)
    assert lean(case) == expected
    with pytest.raises(AssertionError, match="built part of the sheet"):
        from_statement(case)


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"claims": [ClaimFacts("a", Decimal(0), D(2020, 1, 1))]}, CalculationError),
        ({"claims": [ClaimFacts("a", Decimal(1), D(2000, 1, 1))]}, DateOutOfRangeError),
        ({"costs": [CostsFact("b", Decimal(1), D(2020, 2, 1))]}, CalculationError),
        ({"payments": [PaymentFact(Decimal(1), D(2020, 2, 1), "b")]}, CalculationError),
        ({"reductions": [ReductionFact("a", Decimal(-1), D(2020, 2, 1))]}, CalculationError),
        (
            {
                "claims": [
                    ClaimFacts(
                        "a", Decimal(1), D(2020, 1, 1), interest_free=((D(2021, 1, 2), D(2021, 1, 1)),)
                    )
                ]
            },
            RateTableError,
        ),
        (
            {"claims": [ClaimFacts("a", Decimal(1), D(2020, 1, 1), InterestBasis.CONTRACTUAL)]},
            CalculationError,
        ),
    ],
)
def test_bad_input_is_refused_with_the_same_error(change: dict[str, Any], error: type[Exception]) -> None:
    case = {
        "claims": [ClaimFacts("a", Decimal("10.00"), D(2020, 1, 1))],
        "costs": [],
        "payments": [],
        "reductions": [],
        "as_of": D(2024, 1, 1),
        "day_basis": "act365",
        **change,
    }
    with pytest.raises(error) as by_statement:
        from_statement(case)
    with pytest.raises(error) as by_lean:
        lean(case)
    assert str(by_lean.value) == str(by_statement.value)
