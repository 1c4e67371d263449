"""The interest engine for one claim: exact accrual, yearly capitalisation, payments.

This is the machinery behind `interest.py` and `statement.py`; the convention it implements is written
out in the docstring of `incasso.calculations.interest` (art. 6:119 lid 2, 6:119a lid 3, 6:120 BW).

Arithmetic is exact and integer-only: interest is kept as a numerator over the common denominator
`DEN = 100 * RATE_SCALE * 365 * 366` (cents x rate in millionths of a percent x both day bases), so one
day at rate `R` (millionths of a percent) on `base` cents adds `base * R * w` where `w` is 366 for a
365-day year and 365 for a 366-day year. Rounding (half-up to cents) happens only at capitalisation and
at the end, never per day or per segment (unless per-segment rounding is asked for explicitly).
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from incasso.calculations.errors import CalculationError
from incasso.calculations.money import from_cents
from incasso.calculations.rate_table import ONE_DAY, RateTable

RATE_SCALE = 10**6
DAY_DEN = 365 * 366
DEN = 100 * RATE_SCALE * DAY_DEN


class DayBasis(StrEnum):
    ACT_365 = "act365"  # every day is 1/365 of a year (default, common practice)
    ACT_ACT = "actact"  # a day in a leap year is 1/366 of a year


@dataclass(frozen=True, slots=True)
class Segment:
    """A stretch of days with one base, one rate and one year length."""

    start: dt.date
    end: dt.date
    days: int
    base: Decimal
    rate: Decimal
    amount: Decimal  # rounded half-up to cents for display; the total is computed exactly
    year_days: int = 365


@dataclass(frozen=True, slots=True)
class Capitalisation:
    """At an anniversary the year's interest (rounded) is added to the base."""

    on: dt.date
    amount: Decimal
    new_base: Decimal


def anniversary(first: dt.date, years: int) -> dt.date:
    """`first` plus `years` years; a 29 February start falls on 1 March in common years."""
    year = first.year + years
    if first.month == 2 and first.day == 29 and not calendar.isleap(year):
        return dt.date(year, 3, 1)
    return first.replace(year=year)


@functools.lru_cache(maxsize=1024)
def rate_units(percent: Decimal) -> int:
    """A yearly percentage in millionths of a percent; refuses finer precision."""
    units = percent * RATE_SCALE
    if units != units.to_integral_value():
        raise CalculationError(f"rate {percent}% has more than 6 decimals")
    return int(units)


def round_numerator(num: int) -> int:
    """Half-up rounding of num/DEN cents to whole cents (never below zero)."""
    return max(0, (2 * num + DEN) // (2 * DEN))


class Accrual:
    """Mutable accrual state of one claim; advance it with `accrue_through` and the pay methods."""

    def __init__(
        self,
        principal_cents: int,
        first_day: dt.date,
        table: RateTable,
        *,
        day_basis: DayBasis = DayBasis.ACT_365,
        compound: bool = True,
        per_segment_rounding: bool = False,
        record: bool = True,
    ) -> None:
        self.principal = principal_cents
        self.capitalised = 0  # capitalised interest not yet paid: part of the base
        self.acc = 0  # numerator over DEN: this year's interest not yet capitalised, net of payments
        self.first_day = first_day
        self.next_day = first_day
        self.table = table
        self.day_basis = DayBasis(day_basis)
        self.compound = compound
        self.per_segment = per_segment_rounding
        self.record = record  # keep `segments` and `capitalisations` (False: totals only, for bookings)
        self.years = 1
        self.anniversary = anniversary(first_day, 1)
        self.segments: list[Segment] = []
        self.segment_numerators: list[int] = []
        self.capitalisations: list[Capitalisation] = []
        self.capitalised_total = 0  # all capitalised interest so far (rounded), paid or not
        self.paid_running = 0  # interest paid out of a running (not yet capitalised) year
        self.table.rate_on(first_day)

    @property
    def base(self) -> int:
        return self.principal + self.capitalised

    def accrue_through(self, last: dt.date) -> None:
        """Accrue every day from `next_day` up to and including `last`."""
        while self.next_day <= last:
            if self.compound and self.next_day == self.anniversary:
                self._capitalise()
            end = min(last, self.anniversary - ONE_DAY) if self.compound else last
            for start, stop, row in self.table.periods(self.next_day, end):
                self._add_segments(start, stop, row.percent)
            self.next_day = end + ONE_DAY

    def _capitalise(self) -> None:
        cents = round_numerator(self.acc)
        self.acc = 0
        self.capitalised += cents
        self.capitalised_total += cents
        if cents and self.record:
            self.capitalisations.append(
                Capitalisation(self.anniversary, from_cents(cents), from_cents(self.base))
            )
        self.years += 1
        self.anniversary = anniversary(self.first_day, self.years)

    def _add_segments(self, start: dt.date, stop: dt.date, percent: Decimal) -> None:
        if self.day_basis is DayBasis.ACT_ACT and start.year != stop.year:
            year_end = dt.date(start.year, 12, 31)
            self._add_segments(start, year_end, percent)
            self._add_segments(year_end + ONE_DAY, stop, percent)
            return
        base = self.base
        days = (stop - start).days + 1
        year_days = 366 if self.day_basis is DayBasis.ACT_ACT and calendar.isleap(start.year) else 365
        num = base * rate_units(percent) * days * (DAY_DEN // year_days)
        if self.per_segment:
            num = round_numerator(num) * DEN
        self.acc += num
        if base and percent and self.record:
            amount = from_cents(round_numerator(num))
            seg = Segment(start, stop, days, from_cents(base), percent, amount, year_days)
            self.segments.append(seg)
            self.segment_numerators.append(num)

    def interest_due_cents(self) -> int:
        """Interest owed now: unpaid capitalised interest plus this year's accrual, rounded."""
        return self.capitalised + round_numerator(self.acc)

    def pay_interest(self, cents: int) -> None:
        """Apply a payment to interest: capitalised (oldest) first, then this year's accrual."""
        if cents > self.interest_due_cents():
            raise CalculationError("payment to interest exceeds the interest due")
        from_capitalised = min(cents, self.capitalised)
        self.capitalised -= from_capitalised
        self.acc -= (cents - from_capitalised) * DEN
        self.paid_running += cents - from_capitalised

    def pay_principal(self, cents: int) -> None:
        if cents > self.principal:
            raise CalculationError("payment to principal exceeds the principal")
        self.principal -= cents

    def running_cents(self) -> int:
        """This year's accrual not yet capitalised, rounded (what the final rounding adds)."""
        return round_numerator(self.acc)

    def interest_total_cents(self) -> int:
        """All interest accrued so far: capitalisations, running interest paid, and the rounded rest."""
        return self.capitalised_total + self.paid_running + self.running_cents()
