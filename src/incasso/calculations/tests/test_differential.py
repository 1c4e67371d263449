"""The fast exact engine against the slow Fraction reference on a few thousand random claims."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from fractions import Fraction

from incasso.calculations.interest import InterestBasis
from incasso.calculations.money import from_cents
from incasso.calculations.rate_table import packaged_table
from incasso.calculations.statement import ClaimFacts, CostsFact, PaymentFact, build_statement
from incasso.calculations.tests.reference_impl import reference_statement

TABLES = {b: packaged_table(b) for b in ("consumer", "commercial")}


def random_case(rng: random.Random) -> dict:
    first = dt.date(2003, 1, 1) + dt.timedelta(days=rng.randint(0, 8500))
    if rng.random() < 0.05:
        first = dt.date(rng.choice([2004, 2008, 2012, 2016, 2020, 2024]), 2, 29)
    as_of = first + dt.timedelta(days=rng.choice([0, 1, 364, 365, 366, rng.randint(0, 1200)]))
    principal = rng.choice([1, 99, 12345, rng.randint(1, 5_000_000)])
    payments = tuple(
        (first + dt.timedelta(days=rng.randint(-10, (as_of - first).days)), rng.randint(1, principal + 5000))
        for _ in range(rng.choice([0, 0, 1, 2, 3]))
    )
    return {
        "first": first,
        "as_of": as_of,
        "principal": principal,
        "basis": rng.choice(["consumer", "commercial"]),
        "actact": rng.random() < 0.3,
        "compound": rng.random() < 0.85,
        "costs": rng.choice([0, 0, 4000, 37500]),
        "payments": payments,
    }


def fast(case: dict) -> tuple[Decimal, ...]:
    claim = ClaimFacts(
        "c",
        from_cents(case["principal"]),
        case["first"],
        InterestBasis(case["basis"]),
        compound=case["compound"],
        interest_free=case.get("free", ()),
    )
    costs = [CostsFact("c", from_cents(case["costs"]), dt.date(2000, 1, 1))] if case["costs"] else []
    pays = [PaymentFact(from_cents(a), d) for d, a in case["payments"]]
    s = build_statement(
        [claim],
        costs,
        pays,
        as_of=case["as_of"],
        tables=TABLES,
        day_basis="actact" if case["actact"] else "act365",
    )
    return s.interest.charged, s.interest.outstanding, s.principal.outstanding, s.unallocated


def slow(case: dict) -> tuple[Decimal, ...]:
    out = reference_statement(
        Fraction(case["principal"], 100),
        case["first"],
        case["as_of"],
        TABLES[case["basis"]],
        actact=case["actact"],
        compound=case["compound"],
        costs=Fraction(case["costs"], 100),
        payments=tuple((d, Fraction(a, 100)) for d, a in case["payments"]),
        interest_free=case.get("free", ()),
    )
    values = (out.interest, out.interest_outstanding, out.principal_outstanding, out.unallocated)
    return tuple(from_cents(int(v * 100)) for v in values)


def test_fast_engine_equals_fraction_reference_on_random_claims() -> None:
    rng = random.Random(20261122)
    for _ in range(2000):
        case = random_case(rng)
        assert fast(case) == slow(case), case
