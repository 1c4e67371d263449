"""The portal's pure rules: the login throttle and the proposal's schedule (no database)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from incasso.core.exceptions import DomainError
from incasso.portal.proposal import proposal_schedule
from incasso.portal.throttle import locked_until

T0 = dt.datetime(2026, 3, 10, 10, 0, tzinfo=dt.UTC)
TODAY = T0.date()
MIN = dt.timedelta(minutes=1)


def test_four_failures_do_not_lock():
    assert locked_until([T0 + i * MIN for i in range(4)], now=T0 + 4 * MIN) is None


def test_the_fifth_failure_within_fifteen_minutes_locks_for_fifteen_minutes():
    failures = [T0 + i * MIN for i in range(5)]
    assert locked_until(failures, now=T0 + 5 * MIN) == T0 + 19 * MIN
    assert locked_until(failures, now=T0 + 19 * MIN) is None


def test_failures_spread_over_more_than_the_window_do_not_lock():
    assert locked_until([T0 + i * 4 * MIN for i in range(5)], now=T0 + 17 * MIN) is None


def test_a_count_is_split_equally_and_adds_up():
    plan = proposal_schedule(balance=Decimal("1000.00"), start_on=TODAY, today=TODAY, count=3)
    assert [i.amount for i in plan.instalments] == [Decimal("333.33"), Decimal("333.33"), Decimal("333.34")]
    assert plan.total == Decimal("1000.00")
    assert [i.due_on for i in plan.instalments] == [TODAY, dt.date(2026, 4, 10), dt.date(2026, 5, 10)]


def test_a_monthly_amount_is_paid_each_month_and_the_last_takes_the_rest():
    plan = proposal_schedule(
        balance=Decimal("1000.00"), start_on=TODAY, today=TODAY, monthly_amount=Decimal("300.00")
    )
    assert [i.amount for i in plan.instalments] == [Decimal("300.00")] * 3 + [Decimal("100.00")]
    assert plan.total == Decimal("1000.00")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"count": 50}, "count"),
        ({"count": 1}, "count"),
        ({"monthly_amount": Decimal("10.00")}, "monthly_amount"),  # 100 months
        ({"monthly_amount": Decimal("2000.00")}, "monthly_amount"),  # all at once
        ({"count": 3, "start_on": TODAY - dt.timedelta(days=1)}, "start_on"),
        ({"count": 3, "start_on": TODAY + dt.timedelta(days=90)}, "start_on"),
        ({}, "count"),
    ],
)
def test_a_proposal_outside_the_rules_names_its_field(kwargs, field):
    kwargs = {"start_on": TODAY, **kwargs}
    with pytest.raises(DomainError) as refused:
        proposal_schedule(balance=Decimal("1000.00"), today=TODAY, **kwargs)
    assert refused.value.field == field


def test_the_debtors_dispute_reasons_are_the_officers_reasons():
    from incasso.arrangements.models import DisputeReason
    from incasso.portal.forms import DISPUTE_REASONS

    assert sorted(DISPUTE_REASONS) == sorted(DisputeReason.values)
