"""Pure schedule, affordability and monitor-rule tests: no database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from incasso.arrangements import schedule as s
from incasso.arrangements.affordability import Household, affordability
from incasso.arrangements.monitor_rules import InstalmentFact, decide

D = Decimal
TODAY = dt.date(2026, 3, 10)
LIMITS = s.Limits(max_months=12, min_instalment=D("25.00"))


def test_balance_split_over_three_months_adds_up_and_last_takes_the_remainder():
    plan = s.build_schedule(balance=D("100.00"), count=3, start_on=dt.date(2026, 4, 1))
    assert [i.amount for i in plan.instalments] == [D("33.33"), D("33.33"), D("33.34")]
    assert plan.total == D("100.00")
    assert plan.end_on == dt.date(2026, 6, 1)
    assert plan.duration_months == 3


def test_monthly_dates_clamp_to_short_months_without_drifting():
    dates = s.due_dates(dt.date(2026, 1, 31), s.Frequency.MONTHLY, 4)
    assert dates == [dt.date(2026, 1, 31), dt.date(2026, 2, 28), dt.date(2026, 3, 31), dt.date(2026, 4, 30)]


def test_weekly_and_four_weekly_dates():
    assert s.due_dates(dt.date(2026, 4, 1), s.Frequency.WEEKLY, 3)[-1] == dt.date(2026, 4, 15)
    assert s.due_dates(dt.date(2026, 4, 1), s.Frequency.FOUR_WEEKLY, 2)[-1] == dt.date(2026, 4, 29)


def test_down_payment_comes_first_and_regular_instalments_follow_a_period_later():
    plan = s.build_schedule(
        balance=D("1000.00"), count=3, start_on=dt.date(2026, 4, 1), down_payment=D("100.00")
    )
    assert [(i.due_on, i.amount) for i in plan.instalments] == [
        (dt.date(2026, 4, 1), D("100.00")),
        (dt.date(2026, 5, 1), D("300.00")),
        (dt.date(2026, 6, 1), D("300.00")),
        (dt.date(2026, 7, 1), D("300.00")),
    ]


def test_proposals_are_three_six_and_twelve_months_with_the_clients_down_payment():
    plans = s.propose_schedules(
        balance=D("1200.00"), start_on=TODAY, limits=s.Limits(down_payment_percent=D("10"))
    )
    assert [p.count for p in plans] == [4, 7, 13]
    assert all(p.instalments[0].amount == D("120.00") for p in plans)
    assert all(
        not s.schedule_problems(p, today=TODAY, limits=s.Limits(down_payment_percent=D("10")))
        for p in plans[:2]
    )


def test_sum_mismatch_is_refused():
    plan = s.schedule_from_rows(
        balance=D("100.00"),
        frequency=s.Frequency.MONTHLY,
        rows=[(TODAY, D("50.00")), (dt.date(2026, 4, 10), D("49.99"))],
    )
    problems = s.schedule_problems(plan, today=TODAY, limits=LIMITS)
    assert any("tellen op tot € 99,99" in p for p in problems)


def test_start_date_in_the_past_is_refused():
    plan = s.build_schedule(balance=D("300.00"), count=3, start_on=TODAY - dt.timedelta(days=1))
    with pytest.raises(s.ScheduleError) as err:
        s.validate_schedule(plan, today=TODAY, limits=LIMITS)
    assert "verleden" in str(err.value)


def test_below_minimum_instalment_and_beyond_max_months_are_refused_with_the_reason():
    plan = s.build_schedule(balance=D("300.00"), count=13, start_on=TODAY)
    problems = s.schedule_problems(plan, today=TODAY, limits=LIMITS)
    assert any("minimum van € 25,00" in p for p in problems)
    assert any("maximaal 12 maanden" in p for p in problems)


def test_authority_is_months_and_balance():
    short = s.build_schedule(balance=D("2500.00"), count=6, start_on=TODAY)
    long = s.build_schedule(balance=D("2500.00"), count=7, start_on=TODAY)
    big = s.build_schedule(balance=D("2500.01"), count=2, start_on=TODAY)
    authority = s.Authority()
    assert s.within_authority(short, authority)
    assert not s.within_authority(long, authority)
    assert not s.within_authority(big, authority)


@settings(max_examples=200, deadline=None)
@given(
    cents=st.integers(min_value=1, max_value=10**9),
    count=st.integers(min_value=1, max_value=60),
    frequency=st.sampled_from(list(s.Frequency)),
    start=st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2030, 12, 31)),
)
def test_parts_add_up_are_never_negative_and_end_date_is_right(cents, count, frequency, start):
    balance = D(cents).scaleb(-2)
    plan = s.build_schedule(balance=balance, count=count, start_on=start, frequency=frequency)
    amounts = [i.amount for i in plan.instalments]
    assert sum(amounts) == balance
    assert all(a >= 0 for a in amounts)
    assert max(amounts) - min(amounts) <= D("0.01") * count
    if frequency == s.Frequency.MONTHLY:
        assert plan.end_on == s.add_months(start, count - 1)
    else:
        assert plan.end_on == start + dt.timedelta(
            days=(7 if frequency == s.Frequency.WEEKLY else 28) * (count - 1)
        )


def test_affordability_is_income_above_the_protected_estimate():
    aid = affordability(
        net_income=D("1800.00"), fixed_costs=D("900.00"), household=Household.SINGLE, as_of=TODAY
    )
    assert aid.protected_estimate == (aid.norm.monthly_norm * D("0.95")).quantize(
        D("0.01"), rounding="ROUND_DOWN"
    )
    assert aid.capacity == D("1800.00") - aid.protected_estimate
    assert aid.norm.valid_from <= TODAY and aid.norm.source


def test_the_affordability_note_is_in_the_users_language_and_says_the_norm_is_unverified():
    from django.utils import translation

    aid = affordability(net_income=D("1800"), fixed_costs=D("0"), household=Household.SINGLE, as_of=TODAY)
    with translation.override("en"):
        note = aid.label
    assert note.startswith("An aid, not a legal calculation")
    assert not aid.norm.verified and note.endswith("verify them before use.")
    assert "verify before use" not in aid.norm.source  # the source names the source, in one language


def test_affordability_never_negative():
    aid = affordability(net_income=D("500"), fixed_costs=D("0"), household="couple", as_of=TODAY)
    assert aid.capacity == D("0.00")


def _fact(n, due, paid="0", missed=False, reminded=False, amount="100"):
    return InstalmentFact(
        number=n, due_on=due, amount=D(amount), paid=D(paid), missed=missed, reminded=reminded
    )


def test_unpaid_instalment_is_missed_only_after_the_grace_period():
    facts = [_fact(1, dt.date(2026, 4, 1)), _fact(2, dt.date(2026, 5, 1))]
    assert decide(facts, run_date=dt.date(2026, 4, 8), grace_days=7, misses_to_break=2).newly_missed == ()
    later = decide(facts, run_date=dt.date(2026, 4, 9), grace_days=7, misses_to_break=2)
    assert later.newly_missed == (1,) and later.remind == (1,) and not later.broken


def test_two_overdue_instalments_break_the_plan_and_all_paid_completes_it():
    facts = [_fact(1, dt.date(2026, 4, 1), missed=True, reminded=True), _fact(2, dt.date(2026, 5, 1))]
    assert decide(facts, run_date=dt.date(2026, 5, 9), grace_days=7, misses_to_break=2).broken
    paid = [_fact(1, dt.date(2026, 4, 1), paid="100"), _fact(2, dt.date(2026, 5, 1), paid="100")]
    assert decide(paid, run_date=dt.date(2026, 5, 9), grace_days=7, misses_to_break=2).completed


@pytest.mark.parametrize(
    ("household", "as_of", "norm"),
    [
        (Household.SINGLE, dt.date(2024, 12, 31), D("1283.83")),
        (Household.SINGLE, dt.date(2025, 1, 1), D("1345.45")),
        (Household.SINGLE_PARENT, dt.date(2025, 6, 30), D("1345.45")),
        (Household.COUPLE, dt.date(2025, 7, 1), D("1955.80")),
        (Household.COUPLE_WITH_CHILDREN, dt.date(2025, 12, 31), D("1955.80")),
        (Household.SINGLE, dt.date(2026, 11, 24), D("1401.20")),
    ],
)
def test_the_norm_in_force_on_a_date(household, as_of, norm):
    from incasso.arrangements.affordability import norm_for

    assert norm_for(household, as_of).monthly_norm == norm


def test_every_norm_date_covers_every_household_and_names_its_source():
    from incasso.arrangements.affordability import norm_table

    by_date: dict[dt.date, set[Household]] = {}
    for row in norm_table():
        assert row.source and row.monthly_norm > 0
        by_date.setdefault(row.valid_from, set()).add(row.household)
    assert by_date and all(households == set(Household) for households in by_date.values())


def test_no_norm_before_the_table_is_a_clear_error():
    from incasso.calculations.errors import CalculationError

    with pytest.raises(CalculationError, match=r"bijstandsnorm.*31-12-2023"):
        affordability(
            net_income=D("1800"), fixed_costs=D("0"), household="single", as_of=dt.date(2023, 12, 31)
        )


def test_authority_exceeded_names_each_limit_passed():
    from django.utils import translation

    authority = s.Authority(max_months=6, max_balance=D("2500.00"))
    assert s.authority_exceeded(months=6, balance=D("2500.00"), authority=authority) == []
    with translation.override("en"):
        assert s.authority_exceeded(months=7, balance=D("2500.01"), authority=authority) == [
            "7 months (officer: up to 6)",
            "€ 2.500,01 (officer: up to € 2.500,00)",
        ]
