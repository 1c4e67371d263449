"""Hypothesis properties of allocation, interest, costs, money splits and payment references."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from incasso.calculations.accrual import Accrual
from incasso.calculations.allocation import OpenClaim, allocate_payment
from incasso.calculations.costs import collection_costs
from incasso.calculations.interest import statutory_interest
from incasso.calculations.money import from_cents, split
from incasso.calculations.payment_reference import (
    generate_payment_reference,
    is_valid_payment_reference,
    weighted_sum,
)
from incasso.calculations.rate_table import RateRow, packaged_table
from incasso.calculations.statement import ClaimFacts, CostsFact, PaymentFact, build_statement

CONSUMER = packaged_table("consumer")
COMMERCIAL = packaged_table("commercial")
TABLES = {"consumer": CONSUMER, "commercial": COMMERCIAL}
cents = st.integers(min_value=1, max_value=10**9)
days = st.dates(min_value=dt.date(2003, 1, 1), max_value=dt.date(2027, 12, 31))
open_claims = st.lists(
    st.builds(
        OpenClaim,
        id=st.uuids().map(str),
        costs=st.integers(0, 10**6),
        interest=st.integers(0, 10**6),
        principal=st.integers(0, 10**7),
        is_due=st.booleans(),
        rate=st.sampled_from([Decimal(0), Decimal(4), Decimal("10.15")]),
        due_date=st.sampled_from([dt.date(2024, 1, 1), dt.date(2024, 6, 1)]),
    ),
    min_size=1,
    max_size=6,
)


@given(payment=cents, claims=open_claims)
def test_allocation_parts_add_up_to_the_payment(payment: int, claims: list[OpenClaim]) -> None:
    result = allocate_payment(payment, claims)
    assert sum(p.total for p in result.parts) + result.unallocated == from_cents(payment)
    owed = {c.id: c for c in claims}
    for part in result.parts:
        claim = owed[part.claim_id]
        assert Decimal(0) <= part.costs <= from_cents(claim.costs)
        assert Decimal(0) <= part.interest <= from_cents(claim.interest)
        assert Decimal(0) <= part.principal <= from_cents(claim.principal)
        if part.interest:  # 6:44: nothing to interest before the costs are paid
            assert part.costs == from_cents(claim.costs)
        if part.principal:
            assert part.interest == from_cents(claim.interest)
    assert result.unallocated >= 0
    if result.unallocated:
        assert sum(p.total for p in result.parts) == from_cents(sum(c.owed for c in claims))


@settings(max_examples=60, deadline=None)
@given(
    principal=st.integers(1, 10**8),
    first=days,
    payments=st.lists(st.tuples(st.integers(0, 4000), st.integers(1, 10**8)), max_size=4),
    costs=st.integers(0, 100_000),
    horizon=st.integers(0, 3000),
)
def test_no_bucket_goes_negative(
    principal: int, first: dt.date, payments: list[tuple[int, int]], costs: int, horizon: int
) -> None:
    claim = ClaimFacts("c", from_cents(principal), first)
    cost_facts = [CostsFact("c", from_cents(costs), first)] if costs else []
    pays = [PaymentFact(from_cents(a), first + dt.timedelta(days=d)) for d, a in payments]
    s = build_statement([claim], cost_facts, pays, as_of=first + dt.timedelta(days=horizon), tables=TABLES)
    for bucket in (s.principal, s.interest, s.costs):
        assert bucket.charged >= 0 and bucket.paid >= 0 and bucket.outstanding >= 0
    assert s.payments == s.principal.paid + s.interest.paid + s.costs.paid + s.unallocated


@settings(max_examples=80, deadline=None)
@given(principal=cents, first=days, length=st.integers(0, 364), cut=st.integers(0, 364), data=st.data())
def test_splitting_a_period_inside_one_compounding_year_changes_nothing(
    principal: int, first: dt.date, length: int, cut: int, data: st.DataObject
) -> None:
    table = data.draw(st.sampled_from([CONSUMER, COMMERCIAL]))
    last = first + dt.timedelta(days=length)
    middle = first + dt.timedelta(days=min(cut, length))
    whole = statutory_interest(from_cents(principal), first, last, table)
    # an extra split point in the table (same rate) does not move the exact result
    split_table = table.merged([RateRow(middle, table.rate_on(middle).percent)])
    assert statutory_interest(from_cents(principal), first, last, split_table).interest == whole.interest
    # accruing in two steps gives the same as one step
    engine = Accrual(principal, first, table)
    engine.accrue_through(middle)
    engine.accrue_through(last)
    assert from_cents(engine.interest_total_cents()) == whole.interest


@settings(max_examples=80, deadline=None)
@given(principal=cents, first=days, length=st.integers(0, 4000), more_days=st.integers(1, 400), extra=cents)
def test_interest_grows_with_time_and_principal(
    principal: int, first: dt.date, length: int, more_days: int, extra: int
) -> None:
    last = first + dt.timedelta(days=length)
    base = statutory_interest(from_cents(principal), first, last, COMMERCIAL).interest
    later = statutory_interest(from_cents(principal), first, last + dt.timedelta(days=more_days), COMMERCIAL)
    bigger = statutory_interest(from_cents(principal + extra), first, last, COMMERCIAL)
    assert later.interest >= base and bigger.interest >= base


@given(principal=st.integers(1, 2 * 10**8))
def test_costs_are_monotone_and_continuous(principal: int) -> None:
    here = collection_costs(from_cents(principal)).costs
    next_cent = collection_costs(from_cents(principal + 1)).costs
    assert here <= next_cent <= here + Decimal("0.01")  # one cent more principal: at most one cent more
    assert Decimal(40) <= here <= Decimal(6775)


def test_costs_jump_only_at_the_minimum() -> None:
    """Below 266.67 the 40 minimum applies: the only place where costs are not 15% of the principal."""
    assert collection_costs(Decimal("0.01")).costs == Decimal(40)
    assert collection_costs(Decimal("266.66")).costs == Decimal(40)
    assert collection_costs(Decimal("266.74")).costs == Decimal("40.01")


@given(amount=cents, weights=st.lists(st.integers(0, 10**7), min_size=1, max_size=8))
def test_split_parts_always_add_up(amount: int, weights: list[int]) -> None:
    parts = split(from_cents(amount), [from_cents(w) for w in weights])
    assert sum(parts) == from_cents(amount)
    assert all(p >= 0 for p in parts)


@given(number=st.integers(0, 10**15 - 1))
def test_generated_reference_always_validates(number: int) -> None:
    ref = generate_payment_reference(number)
    assert len(ref) == 16 and is_valid_payment_reference(ref)


@given(number=st.integers(0, 10**15 - 1), position=st.integers(0, 15), new_digit=st.integers(0, 9))
def test_changing_one_digit_fails_except_the_documented_blind_spot(
    number: int, position: int, new_digit: int
) -> None:
    """Mod 11 sees every single-digit change in A mod 11; but remainders 1 and 10 both give check
    digit 1, so a change that swaps A mod 11 between 1 and 10 stays valid. Nothing else does."""
    ref = generate_payment_reference(number)
    if int(ref[position]) == new_digit:
        return
    changed = ref[:position] + str(new_digit) + ref[position + 1 :]
    old_rest, new_rest = weighted_sum(ref[1:]) % 11, weighted_sum(changed[1:]) % 11
    blind_spot = position > 0 and {old_rest, new_rest} == {1, 10}
    assert is_valid_payment_reference(changed) is blind_spot


def test_the_blind_spot_exists() -> None:
    """A concrete single-digit change the check does not catch (documented in payment_reference)."""
    ref = generate_payment_reference(202600000004711)  # A mod 11 == 10, check digit 1
    assert weighted_sum(ref[1:]) % 11 == 10
    for position in range(1, 16):
        for digit in "0123456789":
            changed = ref[:position] + digit + ref[position + 1 :]
            if changed != ref and weighted_sum(changed[1:]) % 11 == 1:
                assert is_valid_payment_reference(changed)
                return
    raise AssertionError("no blind spot found")
