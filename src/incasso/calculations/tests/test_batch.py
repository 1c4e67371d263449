"""The vectorised numpy path gives exactly the statement's results, payments and costs included."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from incasso.calculations.batch import batch_statements
from incasso.calculations.errors import CalculationError
from incasso.calculations.interest import InterestBasis
from incasso.calculations.money import from_cents, to_cents
from incasso.calculations.rate_table import RateTable, packaged_table
from incasso.calculations.statement import ClaimFacts, CostsFact, PaymentFact, build_statement

TABLES = {b: packaged_table(b) for b in ("consumer", "commercial")}
AS_OF = dt.date(2026, 11, 22)


def random_claims(n: int, seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    first = np.datetime64("2003-01-01") + rng.integers(0, 8800, n).astype("timedelta64[D]")
    first[:5] = np.array(
        ["2004-02-29", "2008-02-29", "2026-11-22", "2026-11-23", "2025-11-22"], "datetime64[D]"
    )
    principal = rng.integers(1, 10_000_000, n)
    amounts = (rng.random((n, 3)) * principal[:, None] * 0.7).astype(np.int64) + 1
    amounts[rng.random((n, 3)) < 0.4] = 0
    pay_days = first[:, None] + rng.integers(-30, 8000, (n, 3)).astype("timedelta64[D]")
    costs = rng.choice([0, 4000, 37500], n)
    return {"principal": principal, "first": first, "amounts": amounts, "days": pay_days, "costs": costs}


def exact(data: dict[str, np.ndarray], i: int, basis: str, day_basis: str, compound: bool) -> tuple[int, ...]:
    first = data["first"][i].astype(dt.date)
    claim = ClaimFacts(
        "c", from_cents(int(data["principal"][i])), first, InterestBasis(basis), compound=compound
    )
    costs = (
        [CostsFact("c", from_cents(int(data["costs"][i])), dt.date(2000, 1, 1))] if data["costs"][i] else []
    )
    pays = [
        PaymentFact(from_cents(int(a)), d.astype(dt.date))
        for a, d in zip(data["amounts"][i], data["days"][i], strict=True)
        if a > 0
    ]
    s = build_statement([claim], costs, pays, as_of=AS_OF, tables=TABLES, day_basis=day_basis)
    values = (
        s.interest.charged,
        s.interest.outstanding,
        s.principal.outstanding,
        s.costs.outstanding,
        s.unallocated,
    )
    return tuple(to_cents(v) for v in values)


@pytest.mark.parametrize(
    ("basis", "day_basis", "compound"),
    [("consumer", "act365", True), ("commercial", "act365", True), ("commercial", "actact", True),
     ("consumer", "act365", False)],
)  # fmt: skip
def test_batch_equals_exact_statement(basis: str, day_basis: str, compound: bool) -> None:
    data = random_claims(400, seed=len(basis) + len(day_basis) + compound)
    result = batch_statements(
        data["principal"], data["first"], AS_OF, TABLES[basis], payment_cents=data["amounts"],
        payment_days=data["days"], costs_cents=data["costs"], day_basis=day_basis, compound=compound,
    )  # fmt: skip
    for i in range(len(data["principal"])):
        got = (
            result.interest[i],
            result.interest_outstanding[i],
            result.principal_outstanding[i],
            result.costs_outstanding[i],
            result.unallocated[i],
        )
        assert tuple(int(v) for v in got) == exact(data, i, basis, day_basis, compound), i


def test_batch_without_payments() -> None:
    result = batch_statements(
        [100_000], np.array(["2023-03-15"], "datetime64[D]"), dt.date(2025, 6, 30), TABLES["consumer"]
    )
    assert int(result.interest[0]) == 14813


def test_batch_refuses_what_it_cannot_do_exactly() -> None:
    with pytest.raises(CalculationError, match="two decimals"):
        batch_statements(
            [100], np.array(["2024-01-01"], "datetime64[D]"), AS_OF, RateTable.fixed(from_cents(1) / 3)
        )
    with pytest.raises(CalculationError, match="positive"):
        batch_statements([0], np.array(["2024-01-01"], "datetime64[D]"), AS_OF, TABLES["consumer"])
    with pytest.raises(CalculationError, match="first row"):
        batch_statements([100], np.array(["2000-01-01"], "datetime64[D]"), AS_OF, TABLES["commercial"])
