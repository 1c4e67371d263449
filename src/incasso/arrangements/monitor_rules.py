"""What the daily monitor decides for one arrangement: pure, no Django, no clock.

* An instalment is paid when the payments linked to it reach its amount.
* An unpaid instalment whose due date plus the grace period lies before the run date is missed;
  the debtor gets one reminder for it.
* The arrangement is broken when `misses_to_break` instalments are missed and still unpaid at the
  same time (arrears, not history: a debtor who catches up repairs the plan).
* It is completed when every instalment is paid.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class InstalmentFact:
    number: int
    due_on: dt.date
    amount: Decimal
    paid: Decimal
    missed: bool
    reminded: bool

    @property
    def is_paid(self) -> bool:
        return self.paid >= self.amount


@dataclass(frozen=True)
class Decision:
    newly_paid: tuple[int, ...]
    newly_missed: tuple[int, ...]
    remind: tuple[int, ...]
    broken: bool
    completed: bool


def decide(
    facts: list[InstalmentFact], *, run_date: dt.date, grace_days: int, misses_to_break: int
) -> Decision:
    grace = dt.timedelta(days=grace_days)
    newly_paid = tuple(f.number for f in facts if f.is_paid and f.missed)
    overdue = [f for f in facts if not f.is_paid and f.due_on + grace < run_date]
    newly_missed = tuple(f.number for f in overdue if not f.missed)
    broken = len(overdue) >= misses_to_break
    completed = bool(facts) and all(f.is_paid for f in facts)
    remind = () if broken else tuple(f.number for f in overdue if not f.reminded)
    return Decision(
        newly_paid=newly_paid, newly_missed=newly_missed, remind=remind, broken=broken, completed=completed
    )
