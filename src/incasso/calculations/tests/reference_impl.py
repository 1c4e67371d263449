"""A slow, obviously-correct reference: exact Fractions, one day at a time (rules-nl.md §1.7).

Extended with payments the way the statement applies them: on a payment day, after that day's
accrual, the payment goes to costs, then interest (capitalised interest first, then the running year,
rounded half-up to cents), then principal; the rest is unallocated.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from fractions import Fraction
from functools import cache

from incasso.calculations.rate_table import RateTable

ONE = dt.timedelta(days=1)


@cache
def _daily_rate(table: RateTable, day: dt.date, actact: bool) -> Fraction:
    year = 366 if actact and calendar.isleap(day.year) else 365
    return Fraction(table.rate_on(day).percent) / 100 / year


def round2(x: Fraction) -> Fraction:
    """Half-up to cents (x is never below -0.005 here)."""
    cents = (x * 200 + 1) // 2
    return Fraction(max(cents, 0), 100)


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a common year
        return dt.date(day.year + years, 3, 1)


@dataclass
class Outcome:
    interest: Fraction
    interest_outstanding: Fraction
    principal_outstanding: Fraction
    unallocated: Fraction


def reference_statement(
    principal: Fraction,
    first: dt.date,
    as_of: dt.date,
    table: RateTable,
    *,
    actact: bool = False,
    compound: bool = True,
    costs: Fraction = Fraction(0),
    payments: tuple[tuple[dt.date, Fraction], ...] = (),
    interest_free: tuple[tuple[dt.date, dt.date | None], ...] = (),
) -> Outcome:
    base_principal, cap, acc = principal, Fraction(0), Fraction(0)
    caps_total, paid_running, unallocated = Fraction(0), Fraction(0), Fraction(0)
    k, anniversary = 1, add_years(first, 1)
    start = min([first, *(d for d, _ in payments)])
    d = start
    while d <= as_of:
        if d >= first:
            if compound and d == anniversary:
                c = round2(acc)
                cap, caps_total, acc = cap + c, caps_total + c, Fraction(0)
                k += 1
                anniversary = add_years(first, k)
            if not any(s <= d and (e is None or d <= e) for s, e in interest_free):
                acc += (base_principal + cap) * _daily_rate(table, d, actact)
        for pay_day, amount in payments:
            if pay_day == d:
                to_costs = min(amount, costs)
                costs -= to_costs
                amount -= to_costs
                to_cap = min(amount, cap)
                cap -= to_cap
                amount -= to_cap
                to_running = min(amount, round2(acc))
                acc -= to_running
                paid_running += to_running
                amount -= to_running
                to_principal = min(amount, base_principal)
                base_principal -= to_principal
                unallocated += amount - to_principal
        d += ONE
    running = round2(acc)
    return Outcome(caps_total + paid_running + running, cap + running, base_principal, unallocated)
