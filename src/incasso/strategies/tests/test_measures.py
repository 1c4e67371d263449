"""Champion/challenger measures and the reproducible split: pure, no database."""

from __future__ import annotations

from decimal import Decimal

import pytest

from incasso.core.contact import RuleError
from incasso.strategies.measures import CaseFacts, arm_measures, message_cost, unit_costs
from incasso.strategies.rules import in_challenger

NUMBERS = [f"2026-{n:05d}" for n in range(1, 1001)]


def test_the_same_case_number_always_lands_in_the_same_arm():
    assert [in_challenger(n, share_pct=20) for n in NUMBERS] == [
        in_challenger(n, share_pct=20) for n in NUMBERS
    ]


def test_a_twenty_percent_share_gets_roughly_a_fifth_of_1000_cases():
    share = sum(in_challenger(n, share_pct=20) for n in NUMBERS)
    assert 160 <= share <= 240


def test_shares_nest_so_raising_the_share_only_moves_champion_cases():
    for n in NUMBERS:
        if in_challenger(n, share_pct=10):
            assert in_challenger(n, share_pct=30)


def test_share_bounds():
    assert not any(in_challenger(n, share_pct=0) for n in NUMBERS)
    assert all(in_challenger(n, share_pct=100) for n in NUMBERS)
    with pytest.raises(RuleError):
        in_challenger("x", share_pct=101)


def test_measures_of_an_arm():
    facts = [
        CaseFacts(True, Decimal("100.00"), 10, {"letter": 2}),
        CaseFacts(False, Decimal("50.00"), 30, {"letter": 1, "email": 3}),
        CaseFacts(False, Decimal("0"), None, {"sms": 1}),
        CaseFacts(True, Decimal("200.00"), 20, {}),
    ]
    m = arm_measures(facts)
    assert m.cases == 4
    assert m.paid_in_full == 2 and m.paid_in_full_share == Decimal("50.0")
    assert m.collected == Decimal("350.00") and m.collected_per_case == Decimal("87.50")
    assert m.median_days_to_payment == 20
    assert m.messages == {"email": 3, "letter": 3, "sms": 1}
    assert m.message_cost == Decimal("2.55") + Decimal("0.03") + Decimal("0.07")


def test_an_empty_arm_has_no_averages():
    m = arm_measures([])
    assert m.cases == 0 and m.paid_in_full_share is None and m.collected_per_case is None
    assert m.median_days_to_payment is None and m.message_cost == Decimal("0.00")


def test_unit_costs_are_configurable_and_refuse_floats():
    costs = unit_costs({"letter": "1.10"})
    assert costs["letter"] == Decimal("1.10") and costs["email"] == Decimal("0.01")
    assert message_cost({"letter": 3, "pigeon": 5}, costs) == Decimal("3.30")
    with pytest.raises(ValueError):
        unit_costs({"letter": 0.85})
    with pytest.raises(ValueError):
        unit_costs({"sms": "-1"})
