"""Deadlines: the 14-day letter term and the commercial default date.

* 14-day letter (veertiendagenbrief), art. 6:96 lid 6 BW: the debtor gets 14 days to pay, starting the
  day after the letter was received (HR 25-11-2016, ECLI:NL:HR:2016:2704; receipt theory, art. 3:37
  lid 3). Receipt is the proven delivery date, or else presumed: the sending date plus a configurable
  number of postal working days (default 2). Postal working days skip Sundays and Dutch public holidays
  (the `holidays` package); Saturday counts unless configured otherwise. Costs are owed from the day
  after the last day of the term. Whether the Algemene termijnenwet extends a term ending on a weekend
  or holiday was not verified; `extend_to_working_day=True` applies it as a safety margin.
* Commercial default without an agreed payment date, art. 6:119a lid 2: interest runs by operation of
  law after 30 days starting the day after receipt of the invoice (sub a), or of the goods or services
  when the invoice date is uncertain or the invoice came earlier (sub b), or after acceptance when an
  acceptance procedure applies and the invoice came no later than acceptance (sub c).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

import holidays

from incasso.calculations.errors import CalculationError
from incasso.calculations.rate_table import ONE_DAY

SUNDAY = 6
SATURDAY = 5


@cache
def _dutch_holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("NL", years=year).keys())


def is_dutch_public_holiday(day: dt.date) -> bool:
    return day in _dutch_holidays(day.year)


def is_postal_day(day: dt.date, *, saturday_delivery: bool = True) -> bool:
    if day.weekday() == SUNDAY or (day.weekday() == SATURDAY and not saturday_delivery):
        return False
    return not is_dutch_public_holiday(day)


def add_postal_days(day: dt.date, count: int, *, saturday_delivery: bool = True) -> dt.date:
    """The date `count` postal working days after `day`."""
    if count < 0:
        raise CalculationError("the number of postal days cannot be negative")
    while count:
        day += ONE_DAY
        if is_postal_day(day, saturday_delivery=saturday_delivery):
            count -= 1
    return day


def next_working_day(day: dt.date) -> dt.date:
    """`day` itself if it is a working day (Monday-Friday, no public holiday), else the next one."""
    while day.weekday() >= SATURDAY or is_dutch_public_holiday(day):
        day += ONE_DAY
    return day


@dataclass(frozen=True, slots=True)
class FourteenDayTerm:
    sent_on: dt.date | None
    delivered_on: dt.date
    delivery_proven: bool
    first_day: dt.date
    last_day: dt.date  # paid in time when paid on or before this day

    @property
    def costs_owed_from(self) -> dt.date:
        return self.last_day + ONE_DAY


def fourteen_day_term(
    *,
    sent_on: dt.date | None = None,
    delivered_on: dt.date | None = None,
    postal_days: int = 2,
    saturday_delivery: bool = True,
    extend_to_working_day: bool = False,
) -> FourteenDayTerm:
    """The term of a 14-day letter from proven delivery, or from sending plus presumed postal days."""
    if delivered_on is None:
        if sent_on is None:
            raise CalculationError("give the sending date or the proven delivery date")
        received = add_postal_days(sent_on, postal_days, saturday_delivery=saturday_delivery)
    else:
        if sent_on is not None and delivered_on < sent_on:
            raise CalculationError("a letter cannot be delivered before it was sent")
        received = delivered_on
    last = received + dt.timedelta(days=14)
    if extend_to_working_day:
        last = next_working_day(last)
    return FourteenDayTerm(sent_on, received, delivered_on is not None, received + ONE_DAY, last)


@dataclass(frozen=True, slots=True)
class CommercialDefault:
    last_payment_day: dt.date
    first_interest_day: dt.date
    rule: str


def commercial_default(
    *,
    invoice_received: dt.date | None = None,
    goods_received: dt.date | None = None,
    accepted_on: dt.date | None = None,
    term_days: int = 30,
) -> CommercialDefault:
    """6:119a lid 2: the first interest day when no payment date was agreed."""
    if invoice_received is None and goods_received is None:
        raise CalculationError("give the invoice receipt date or the goods/services receipt date")
    if accepted_on is not None and (invoice_received is None or invoice_received <= accepted_on):
        start, rule = accepted_on, "art. 6:119a lid 2 sub c (acceptance)"
    elif invoice_received is None or (goods_received is not None and invoice_received < goods_received):
        assert goods_received is not None
        start, rule = goods_received, "art. 6:119a lid 2 sub b (receipt of goods or services)"
    else:
        start, rule = invoice_received, "art. 6:119a lid 2 sub a (receipt of the invoice)"
    last = start + dt.timedelta(days=term_days)
    return CommercialDefault(last, last + ONE_DAY, rule)
