"""The report's arithmetic alone: shares, bands, months, and the chart's scale and bars."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from incasso.reports import figures


@pytest.mark.parametrize(
    ("days", "band"),
    [(-3, 0), (0, 0), (30, 0), (31, 1), (90, 1), (91, 2), (180, 2), (181, 3), (365, 3), (366, 4), (4000, 4)],
)
def test_age_bands_meet_without_gap_or_overlap(days, band):
    assert figures.age_band(days) == band


def test_shares_and_averages_are_exact_decimals_rounded_half_up():
    assert figures.share(1, 3) == Decimal("33.3")
    assert figures.share(2, 3) == Decimal("66.7")
    assert figures.share(Decimal("680.00"), Decimal("2300.00")) == Decimal("29.6")
    assert figures.share(Decimal("0.05"), Decimal("0.10")) == Decimal("50.0")
    assert figures.share(5, 0) is None
    assert figures.mean(61, 2) == Decimal("30.5")
    assert figures.mean(0, 0) is None
    assert figures.median([31, 5, 12]) == Decimal(12)
    assert figures.median([10, 31, 5, 13]) == Decimal("11.5")
    assert figures.median([]) is None


def test_twelve_months_run_back_over_the_new_year():
    assert figures.months_ending(dt.date(2026, 3, 15), 4) == [
        dt.date(2025, 12, 1),
        dt.date(2026, 1, 1),
        dt.date(2026, 2, 1),
        dt.date(2026, 3, 1),
    ]
    assert len(set(figures.months_ending(dt.date(2026, 11, 24), 12))) == 12


def test_period_presets_on_a_january_day():
    presets = figures.period_presets(dt.date(2026, 1, 10))
    assert presets["last_month"] == (dt.date(2025, 12, 1), dt.date(2025, 12, 31))
    assert presets["this_month"] == (dt.date(2026, 1, 1), dt.date(2026, 1, 10))
    assert presets["last_year"] == (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert presets["twelve_months"] == (dt.date(2025, 2, 1), dt.date(2026, 1, 10))


@pytest.mark.parametrize(
    ("value", "top"),
    [
        ("0", "1"),
        ("7", "10"),
        ("10", "10"),
        ("120", "200"),
        ("2400", "2500"),
        ("2600", "5000"),
        ("0.3", "0.5"),
    ],
)
def test_the_scale_tops_at_a_round_number(value, top):
    assert figures.nice_ceiling(Decimal(value)) == Decimal(top)


@given(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1E12"), places=2))
def test_the_scale_holds_the_value_and_wastes_at_most_half(value):
    top = figures.nice_ceiling(value)
    assert value <= top <= 2 * value


def test_bars_stack_from_the_baseline_in_proportion():
    chart = figures.stacked_bars(
        [[Decimal("180"), Decimal("20"), Decimal("100")], [Decimal("500"), Decimal(0), Decimal(0)], []],
        width=372,
        height=226,
        left=72,
        top=12,
        bottom_margin=14,
    )
    assert chart.bottom == 212  # plot area 200 px high, scale 0..500
    assert [t.value for t in chart.ticks] == [
        Decimal(0),
        Decimal(125),
        Decimal(250),
        Decimal(375),
        Decimal(500),
    ]
    assert [t.y for t in chart.ticks] == [Decimal(212), Decimal(162), Decimal(112), Decimal(62), Decimal(12)]
    first, second, empty = chart.bars
    assert [s.height for s in first.segments] == [Decimal(72), Decimal(8), Decimal(40)]
    assert [s.y for s in first.segments] == [Decimal(140), Decimal(132), Decimal(92)]
    assert first.total == Decimal(300)
    assert second.segments[0].y == Decimal(12) and second.segments[0].height == Decimal(200)  # the top
    assert len(second.segments) == 1  # nothing drawn for zero
    assert empty.segments == () and empty.total == 0
    assert first.x < second.x < empty.x and first.width == second.width


def test_a_month_with_more_reversed_than_paid_draws_nothing_below_the_baseline():
    chart = figures.stacked_bars([[Decimal("-50"), Decimal(0), Decimal(0)]])
    assert chart.bars[0].segments == () and chart.bars[0].total == 0
    assert chart.ticks[-1].value == 1
