"""Vectorised statements for many single-claim cases at once (numpy, int64 cents, exact).

Same convention and the same results as `statement.build_statement` for one claim with costs charged
before the first payment and payments allocated by art. 6:44 (costs, interest, principal): a test
proves equality on random claims. Used for portfolio runs and the benchmark, not for lines.

How: a cumulative table `C` of "rate x day weight" per calendar day turns the interest of a constant
base over any run of days into one subtraction, `base * (C[end + 1] - C[start])`, exact in integers. The
only moments the base changes are anniversaries (capitalisation) and payments, so the loop runs over
events (at most one per year plus the payments), each step vectorised over all claims.

Limits: rates with at most two decimals (all statutory rates), principal below 100 million euro.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from incasso.calculations.accrual import DayBasis
from incasso.calculations.errors import CalculationError
from incasso.calculations.rate_table import RateTable

type IntArray = npt.NDArray[np.int64]

EPOCH = dt.date(1970, 1, 1)
YEAR0 = 1900
MAX_PRINCIPAL_CENTS = 10**10
_YEARS = np.arange(YEAR0, 2301)
_LEAP = np.array([calendar.isleap(int(y)) for y in _YEARS])
_YEAR_START = np.array([(dt.date(int(y), 1, 1) - EPOCH).days for y in _YEARS], dtype=np.int64)
_MONTH_START = np.array(
    [[0, *np.cumsum([calendar.monthrange(year, m)[1] for m in range(1, 12)])] for year in (2001, 2000)],
    dtype=np.int64,
)


@dataclass(frozen=True, slots=True)
class BatchResult:
    """Per claim, in cents: what was charged, paid and is outstanding per bucket."""

    interest: IntArray
    interest_paid: IntArray
    interest_outstanding: IntArray
    principal_paid: IntArray
    principal_outstanding: IntArray
    costs_paid: IntArray
    costs_outstanding: IntArray
    unallocated: IntArray


def day_numbers(days: npt.ArrayLike) -> IntArray:
    """datetime64[D] (or dates) to days since 1970-01-01."""
    return np.asarray(days, dtype="datetime64[D]").astype(np.int64)


def _daily_factors(table: RateTable, first: int, last: int, day_basis: DayBasis) -> tuple[IntArray, int]:
    """Cumulative rate-times-weight per day from `first` to `last + 1`, and the denominator."""
    days = np.arange(first, last + 1, dtype=np.int64)
    factor = np.zeros(days.size, dtype=np.int64)
    for row in table.rows:
        hundredths = row.percent * 100
        if hundredths != hundredths.to_integral_value():
            raise CalculationError("the batch path needs rates with at most two decimals")
        start = (row.effective_from - EPOCH).days if row.effective_from > EPOCH else -(10**9)
        factor[days >= start] = int(hundredths)
    if (table.rows[0].effective_from - EPOCH).days > first:
        raise CalculationError(f"a first interest day lies before the first row of the {table.name} table")
    den = 10**4 * 365
    if DayBasis(day_basis) is DayBasis.ACT_ACT:
        years = days.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
        factor *= np.where(_LEAP[years - YEAR0], 365, 366)
        den *= 366
    return np.concatenate(([0], np.cumsum(factor))), den


def _year_month_day(days: IntArray) -> tuple[IntArray, IntArray, IntArray]:
    dates = days.astype("datetime64[D]")
    year: IntArray = dates.astype("datetime64[Y]").astype(np.int64) + 1970
    month: IntArray = dates.astype("datetime64[M]").astype(np.int64) % 12 + 1
    mday: IntArray = (dates - dates.astype("datetime64[M]")).astype(np.int64) + 1
    return year, month, mday


def _anniversary(y0: IntArray, month: IntArray, day: IntArray, k: IntArray) -> IntArray:
    """Day number of first day + k years; 29 February moves to 1 March in common years."""
    year = y0 + k
    leap = _LEAP[year - YEAR0]
    feb29 = (month == 2) & (day == 29) & ~leap
    month = np.where(feb29, 3, month)
    day = np.where(feb29, 1, day)
    result: IntArray = _YEAR_START[year - YEAR0] + _MONTH_START[leap.astype(np.int64), month - 1] + day - 1
    return result


def _round(acc: IntArray, den: int) -> IntArray:
    result: IntArray = np.maximum((2 * acc + den) // (2 * den), 0)
    return result


def _payments(
    n: int, amounts: npt.ArrayLike | None, days: npt.ArrayLike | None, end: int
) -> tuple[IntArray, IntArray]:
    if amounts is None or days is None:
        return np.zeros((n, 1), dtype=np.int64), np.full((n, 1), end + 1, dtype=np.int64)
    amt = np.asarray(amounts, dtype=np.int64).reshape(n, -1)
    day = day_numbers(days).reshape(n, -1)
    if (amt < 0).any():
        raise CalculationError("payments must not be negative")
    day = np.where((amt > 0) & (day <= end), day, end + 1)
    order = np.argsort(day, axis=1, kind="stable")
    return np.take_along_axis(amt, order, 1), np.take_along_axis(day, order, 1)


def batch_statements(
    principal_cents: npt.ArrayLike,
    first_interest_days: npt.ArrayLike,
    as_of: dt.date,
    table: RateTable,
    *,
    payment_cents: npt.ArrayLike | None = None,
    payment_days: npt.ArrayLike | None = None,
    costs_cents: npt.ArrayLike | None = None,
    day_basis: DayBasis | str = DayBasis.ACT_365,
    compound: bool = True,
) -> BatchResult:
    """Statements as of `as_of` for n single-claim cases; payments are (n, k) arrays (0 = none)."""
    prin = np.array(principal_cents, dtype=np.int64)
    first = day_numbers(first_interest_days)
    n, end = prin.size, (as_of - EPOCH).days
    if n == 0:
        raise CalculationError("no claims given")
    if (prin <= 0).any() or prin.max() >= MAX_PRINCIPAL_CENTS:
        raise CalculationError("principals must be positive and below 100 million euro")
    pay_amt, pay_day = _payments(n, payment_cents, payment_days, end)
    costs = np.zeros(n, np.int64) if costs_cents is None else np.array(costs_cents, dtype=np.int64)
    origin = int(first.min())
    cum, den = _daily_factors(table, origin, max(end, int(first.max())), DayBasis(day_basis))
    y0, month, mday = _year_month_day(first)
    never = np.full(n, end + 1, dtype=np.int64)
    k = np.ones(n, dtype=np.int64)
    ann = _anniversary(y0, month, mday, k) if compound else never
    s = _State(prin, costs, first.copy(), den)
    ip = np.zeros(n, dtype=np.int64)
    width = pay_day.shape[1]
    while True:
        slot = np.minimum(ip, width - 1)[:, None]
        pday = np.where(ip < width, np.take_along_axis(pay_day, slot, 1)[:, 0], end + 1)
        is_ann = ann <= pday
        event = np.where(is_ann, ann, pday)
        active = event <= end
        if not active.any():
            break
        s.accrue(cum, origin, np.where(active, np.where(is_ann, event, event + 1), s.cur))
        capitalise = active & is_ann
        if capitalise.any():
            s.capitalise(capitalise)
            k += capitalise
            ann = np.where(capitalise, _anniversary(y0, month, mday, k), ann)
        pay = active & ~is_ann
        s.pay(np.where(pay, np.take_along_axis(pay_amt, slot, 1)[:, 0], 0))
        ip += pay
    s.accrue(cum, origin, np.full(n, end + 1, dtype=np.int64))
    return s.result()


class _State:
    """The running state of all claims, in cents and interest numerators over `den`."""

    def __init__(self, principal: IntArray, costs: IntArray, cur: IntArray, den: int) -> None:
        zeros = np.zeros_like(principal)
        self.principal, self.costs, self.cur, self.den = principal, costs, cur, den
        self.cap, self.acc, self.cap_total, self.paid_running = (
            zeros.copy(),
            zeros.copy(),
            zeros.copy(),
            zeros.copy(),
        )
        self.interest_paid, self.principal_paid, self.costs_paid = zeros.copy(), zeros.copy(), zeros.copy()
        self.unallocated = zeros.copy()

    def accrue(self, cum: IntArray, origin: int, stop: IntArray) -> None:
        stop = np.maximum(stop, self.cur)
        self.acc += (self.principal + self.cap) * (cum[stop - origin] - cum[self.cur - origin])
        self.cur = stop

    def capitalise(self, mask: npt.NDArray[np.bool_]) -> None:
        cents = np.where(mask, _round(self.acc, self.den), 0)
        self.cap += cents
        self.cap_total += cents
        self.acc = np.where(mask, 0, self.acc)

    def pay(self, amount: IntArray) -> None:
        to_costs = np.minimum(amount, self.costs)
        amount = amount - to_costs
        to_cap = np.minimum(amount, self.cap)
        amount = amount - to_cap
        to_running = np.minimum(amount, _round(self.acc, self.den))
        amount = amount - to_running
        to_principal = np.minimum(amount, self.principal)
        self.costs -= to_costs
        self.costs_paid += to_costs
        self.cap -= to_cap
        self.acc -= to_running * self.den
        self.paid_running += to_running
        self.interest_paid += to_cap + to_running
        self.principal -= to_principal
        self.principal_paid += to_principal
        self.unallocated += amount - to_principal

    def result(self) -> BatchResult:
        running = _round(self.acc, self.den)
        return BatchResult(
            interest=self.cap_total + self.paid_running + running,
            interest_paid=self.interest_paid,
            interest_outstanding=self.cap + running,
            principal_paid=self.principal_paid,
            principal_outstanding=self.principal,
            costs_paid=self.costs_paid,
            costs_outstanding=self.costs,
            unallocated=self.unallocated,
        )
