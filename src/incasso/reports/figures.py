"""The arithmetic of the portfolio report: shares, age bands, months, and the chart's geometry.

Pure Python, no Django: the report's selectors hand in plain numbers and dates, this module hands
back plain numbers. Percentages and averages are exact decimals rounded half up at the end; the
chart's coordinates are decimals too (SVG takes them as text), so no float touches an amount.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal(0)
CENT = Decimal("0.01")
TENTH = Decimal("0.1")
MONTHS_IN_YEAR = 12

# Age of an open case (days since it was opened), the bands a client's report uses: (first day, last day).
AGE_BANDS: tuple[tuple[int, int | None], ...] = ((0, 30), (31, 90), (91, 180), (181, 365), (366, None))


def age_band(days: int) -> int:
    """The index in `AGE_BANDS` of a case `days` old (a case opened later than the report date: band 0)."""
    for index, (_first, last) in enumerate(AGE_BANDS):
        if last is None or days <= last:
            return index
    raise AssertionError("the last band is open-ended")  # pragma: no cover


def share(part: Decimal | int, whole: Decimal | int) -> Decimal | None:
    """`part` as a percentage of `whole`, one decimal, half up; None when there is no whole."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(TENTH, ROUND_HALF_UP)


def mean(total: Decimal | int, count: int) -> Decimal | None:
    """An average to one decimal (days), None for nothing."""
    if not count:
        return None
    return (Decimal(total) / count).quantize(TENTH, ROUND_HALF_UP)


def median(values: Sequence[int]) -> Decimal | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return Decimal(ordered[middle])
    return (Decimal(ordered[middle - 1] + ordered[middle]) / 2).quantize(TENTH, ROUND_HALF_UP)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def months_ending(end: dt.date, count: int) -> list[dt.date]:
    """The first days of the `count` calendar months up to and including `end`'s month, oldest first."""
    year, month = end.year, end.month
    firsts: list[dt.date] = []
    for _ in range(count):
        firsts.append(dt.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return firsts[::-1]


def nice_ceiling(value: Decimal) -> Decimal:
    """The smallest of 1, 2, 2.5, 5 × 10^k that is ≥ `value` (a chart's top); 1 for nothing."""
    if value <= 0:
        return Decimal(1)
    exponent = value.adjusted()
    for power in (exponent - 1, exponent):
        scale = Decimal(10) ** power
        for step in (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10)):
            if step * scale >= value:
                return (step * scale).normalize()
    raise AssertionError("10 × 10^exponent is always ≥ value")  # pragma: no cover


@dataclass(frozen=True, slots=True)
class Segment:
    series: int  # index of the series (principal, interest, costs)
    y: Decimal
    height: Decimal
    value: Decimal


@dataclass(frozen=True, slots=True)
class Bar:
    x: Decimal
    width: Decimal
    label_x: Decimal  # the bar's centre
    total: Decimal
    segments: tuple[Segment, ...]


@dataclass(frozen=True, slots=True)
class Tick:
    y: Decimal
    value: Decimal


@dataclass(frozen=True, slots=True)
class Chart:
    width: int
    height: int
    left: int  # the plot area starts here (room for the axis labels)
    top: int
    bottom: int  # the plot area's lower edge (the baseline)
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]


def _px(value: Decimal) -> Decimal:
    return value.quantize(TENTH, ROUND_HALF_UP)


def stacked_bars(
    stacks: Sequence[Sequence[Decimal]],
    *,
    width: int = 720,
    height: int = 220,
    left: int = 72,
    top: int = 12,
    bottom_margin: int = 26,
    tick_count: int = 4,
) -> Chart:
    """A stacked bar chart's geometry: one bar per stack, its segments from the baseline up.

    Negative values (a month with more reversals than payments) are drawn as nothing: the table
    beside the chart shows the exact figures. The scale's top is a "nice" number, so the ticks are too.
    """
    baseline = height - bottom_margin
    plot_height = Decimal(baseline - top)
    totals = [sum((v for v in stack if v > 0), ZERO) for stack in stacks]
    scale_top = nice_ceiling(max(totals, default=ZERO))
    slot = Decimal(width - left) / max(len(stacks), 1)
    bar_width = _px(slot * Decimal("0.62"))
    bars: list[Bar] = []
    for index, stack in enumerate(stacks):
        x = Decimal(left) + slot * index + (slot - bar_width) / 2
        y = Decimal(baseline)
        segments: list[Segment] = []
        for series, value in enumerate(stack):
            if value <= 0:
                continue
            h = plot_height * value / scale_top
            y -= h
            segments.append(Segment(series=series, y=_px(y), height=_px(h), value=value))
        bars.append(
            Bar(
                x=_px(x),
                width=bar_width,
                label_x=_px(x + bar_width / 2),
                total=totals[index],
                segments=tuple(segments),
            )
        )
    ticks = tuple(
        Tick(
            y=_px(Decimal(baseline) - plot_height * i / tick_count),
            value=(scale_top * i / tick_count).normalize(),
        )
        for i in range(tick_count + 1)
    )
    return Chart(
        width=width, height=height, left=left, top=top, bottom=baseline, bars=tuple(bars), ticks=ticks
    )


def period_presets(today: dt.date) -> dict[str, tuple[dt.date, dt.date]]:
    """The periods a report offers with one click: this month, last month, this year, last year, 12 months."""
    first_of_month = today.replace(day=1)
    last_month_end = first_of_month - dt.timedelta(days=1)
    twelve_back = months_ending(today, MONTHS_IN_YEAR)[0]
    return {
        "this_month": (first_of_month, today),
        "last_month": (last_month_end.replace(day=1), last_month_end),
        "this_year": (dt.date(today.year, 1, 1), today),
        "last_year": (dt.date(today.year - 1, 1, 1), dt.date(today.year - 1, 12, 31)),
        "twelve_months": (twelve_back, today),
    }
