"""Interest for one amount over a period: statutory (6:119 / 6:119a BW), contractual, or none.

The convention (printed on every calculation sheet, see `CONVENTION_LINES`):

1. **Days.** The first and the last interest day are both included. A claim due on 31 January and paid
   on 1 February carries 1 day of interest (art. 6:119a lid 1: "met ingang van de dag volgend op de
   uiterste dag van betaling tot en met de dag waarop de schuldenaar de geldsom heeft voldaan").
2. **Day basis.** ACT/365 by default (each day is 1/365 of the yearly rate); ACT/ACT as an option (a day
   in a leap year is 1/366). The statute is silent; the basis is printed on every sheet.
3. **Rate.** The rate in force on each day applies (art. 6:120 lid 1 and 2: a change applies to running
   interest from its date). Periods are split only at real rate changes.
4. **Compounding.** Interest accrues exactly (no rounding) within each year counted from the first
   interest day. At each anniversary the year's interest is rounded half-up to cents and added to the
   base (art. 6:119 lid 2, 6:119a lid 3: "telkens na afloop van een jaar"). A 29 February start has its
   anniversary on 1 March in common years. Payments do not restart the yearly cycle.
5. **Rounding.** What has accrued since the last anniversary is rounded half-up to cents at the end.
6. **Tables.** Before 2002-12-01 there is no commercial (6:119a) rate; from 2002-08-08 to 2002-11-30 the
   ordinary 6:119 rate applies. A date before a table's first row is an error.

Contractual interest (art. 6:119 lid 3, 6:119a lid 8) uses the same convention with one fixed rate; a
monthly percentage counts as twelve times that percentage per year, and compounding is a per-claim
choice. Per-segment rounding (each segment rounded to cents, as some calculators do) is available as
an option for comparison; it is not the convention.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from incasso.calculations.accrual import Accrual, Capitalisation, DayBasis, Segment
from incasso.calculations.errors import CalculationError
from incasso.calculations.money import from_cents, money, to_cents
from incasso.calculations.rate_table import RateTable

__all__ = [
    "CONVENTION_LINES",
    "Capitalisation",
    "DayBasis",
    "InterestBasis",
    "InterestResult",
    "RatePeriod",
    "Segment",
    "contractual_interest",
    "contractual_table",
    "no_interest",
    "statutory_interest",
]

CONVENTION_LINES = (
    "Rekenwijze: eerste en laatste rentedag tellen beide mee; dagbasis {basis};",
    "het tarief dat op elke dag geldt (splitsing alleen bij tariefwijziging, art. 6:120 BW);",
    "rente loopt exact binnen elk jaar vanaf de eerste rentedag; op elke verjaardag wordt de rente",
    "van dat jaar half-omhoog op centen afgerond en bij de hoofdsom gevoegd (art. 6:119 lid 2 /",
    "6:119a lid 3 BW); de rest wordt aan het eind afgerond; start 29-02 -> verjaardag 01-03.",
)


class InterestBasis(StrEnum):
    CONSUMER = "consumer"  # wettelijke rente, art. 6:119 BW
    COMMERCIAL = "commercial"  # wettelijke handelsrente, art. 6:119a BW
    CONTRACTUAL = "contractual"  # overeengekomen rente
    NONE = "none"


class RatePeriod(StrEnum):
    YEAR = "year"
    MONTH = "month"


@dataclass(frozen=True, slots=True)
class InterestResult:
    principal: Decimal
    first_day: dt.date
    last_day: dt.date
    days: int
    day_basis: DayBasis
    compound: bool
    interest: Decimal
    segments: tuple[Segment, ...]
    capitalisations: tuple[Capitalisation, ...]
    rounding_difference: Decimal  # interest minus the sum of the shown (rounded) segment amounts
    table_name: str = ""

    @property
    def total(self) -> Decimal:
        return self.principal + self.interest


def _check_period(principal: object, first: dt.date, last: dt.date) -> int:
    amount = money(principal, name="principal")
    if amount <= 0:
        raise CalculationError(f"principal must be positive, got {amount}")
    if not isinstance(first, dt.date) or not isinstance(last, dt.date):
        raise TypeError("first and last interest day must be datetime.date")
    if last < first:
        raise CalculationError(
            f"last interest day {last.isoformat()} is before the first interest day {first.isoformat()}"
        )
    return to_cents(amount)


def statutory_interest(
    principal: Decimal,
    first_day: dt.date,
    last_day: dt.date,
    table: RateTable,
    *,
    day_basis: DayBasis | str = DayBasis.ACT_365,
    compound: bool = True,
    per_segment_rounding: bool = False,
) -> InterestResult:
    """Interest on `principal` from `first_day` to `last_day` (both included) by `table`."""
    cents = _check_period(principal, first_day, last_day)
    engine = Accrual(
        cents,
        first_day,
        table,
        day_basis=DayBasis(day_basis),
        compound=compound,
        per_segment_rounding=per_segment_rounding,
    )
    engine.accrue_through(last_day)
    total = engine.interest_total_cents()
    shown = sum(to_cents(s.amount) for s in engine.segments)
    return InterestResult(
        principal=from_cents(cents),
        first_day=first_day,
        last_day=last_day,
        days=(last_day - first_day).days + 1,
        day_basis=engine.day_basis,
        compound=compound,
        interest=from_cents(total),
        segments=tuple(engine.segments),
        capitalisations=tuple(engine.capitalisations),
        rounding_difference=from_cents(total - shown),
        table_name=table.name,
    )


def contractual_table(percent: Decimal, period: RatePeriod | str = RatePeriod.YEAR) -> RateTable:
    """A one-row table for an agreed rate; a monthly percentage counts twelve times per year."""
    rate = money(percent, name="rate")
    if rate < 0:
        raise CalculationError(f"rate must not be negative, got {rate}")
    yearly = rate * 12 if RatePeriod(period) is RatePeriod.MONTH else rate
    return RateTable.fixed(yearly, name=f"contractual {rate}% per {RatePeriod(period).value}")


def contractual_interest(
    principal: Decimal,
    first_day: dt.date,
    last_day: dt.date,
    *,
    percent: Decimal,
    period: RatePeriod | str = RatePeriod.YEAR,
    compound: bool = False,
    day_basis: DayBasis | str = DayBasis.ACT_365,
) -> InterestResult:
    """Interest at a fixed agreed percentage (art. 6:119 lid 3); compounding is the claim's choice."""
    table = contractual_table(percent, period)
    return statutory_interest(principal, first_day, last_day, table, day_basis=day_basis, compound=compound)


def no_interest(principal: Decimal, first_day: dt.date, last_day: dt.date) -> InterestResult:
    """A claim that carries no interest: the same shape with zero interest."""
    cents = _check_period(principal, first_day, last_day)
    return InterestResult(
        principal=from_cents(cents),
        first_day=first_day,
        last_day=last_day,
        days=(last_day - first_day).days + 1,
        day_basis=DayBasis.ACT_365,
        compound=False,
        interest=from_cents(0),
        segments=(),
        capitalisations=(),
        rounding_difference=from_cents(0),
        table_name="none",
    )
