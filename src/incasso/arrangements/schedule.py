"""Payment schedules for arrangements (betalingsregelingen): pure Python, no Django, no clock.

* `build_schedule()` splits a balance over instalments with `calculations.money.split` (equal weights),
  so the parts add up to the balance exactly and the last instalment takes the remainder. An optional
  down payment is the first instalment, due on the start date; the regular instalments follow one
  period later.
* `propose_schedules()` gives the officer three starting points (3, 6 and 12 months by default).
* `schedule_problems()` lists every reason a schedule is refused under a client's limits (sum, start
  date in the past, minimum instalment, maximum duration, down payment); `validate_schedule()` raises
  them as one `ScheduleError`.
* `within_authority()` answers whether an officer may agree the schedule alone.

Monthly due dates are counted from the start date each time (31 Jan → 28 Feb → 31 Mar), never
cumulatively, so a short month does not pull every later date forward.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from incasso.calculations.errors import CalculationError
from incasso.calculations.money import ZERO, money, split
from incasso.calculations.sheet import format_date, format_money
from incasso.core.puretext import gettext as _


class Frequency(StrEnum):
    MONTHLY = "monthly"
    FOUR_WEEKLY = "four_weekly"
    WEEKLY = "weekly"


class ScheduleError(CalculationError):
    """A schedule the rules refuse; `reasons` holds every problem, in Dutch, for the officer."""

    def __init__(self, reasons: Sequence[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = tuple(reasons)


@dataclass(frozen=True)
class Limits:
    """A client's limits for arrangements."""

    max_months: int = 12
    min_instalment: Decimal = Decimal("25.00")
    down_payment_percent: Decimal = Decimal("0")


@dataclass(frozen=True)
class Authority:
    """What an officer may agree alone; beyond it a supervisor approves."""

    max_months: int = 6
    max_balance: Decimal = Decimal("2500.00")


@dataclass(frozen=True)
class PlannedInstalment:
    number: int
    due_on: dt.date
    amount: Decimal


@dataclass(frozen=True)
class Schedule:
    balance: Decimal
    frequency: Frequency
    start_on: dt.date
    instalments: tuple[PlannedInstalment, ...]
    down_payment: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return sum((i.amount for i in self.instalments), ZERO)

    @property
    def count(self) -> int:
        return len(self.instalments)

    @property
    def end_on(self) -> dt.date:
        return self.instalments[-1].due_on

    @property
    def regular_amount(self) -> Decimal:
        """The usual instalment (the first regular one; the last may differ by the remainder)."""
        regular = self.instalments[1:] if self.down_payment else self.instalments
        return regular[0].amount if regular else ZERO

    @property
    def duration_months(self) -> int:
        return months_spanned(self.start_on, self.end_on)


def add_months(start: dt.date, months: int) -> dt.date:
    """The same day `months` later, clamped to the end of a shorter month."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def months_spanned(start: dt.date, end: dt.date) -> int:
    """Calendar months touched from start to end, both included (1 Feb → 1 Jan next year: 12)."""
    return (end.year - start.year) * 12 + end.month - start.month + (1 if end.day >= start.day else 0)


def due_dates(start: dt.date, frequency: Frequency, count: int) -> list[dt.date]:
    if count < 1:
        raise ScheduleError([_("An arrangement has at least one instalment")])
    if frequency == Frequency.MONTHLY:
        return [add_months(start, i) for i in range(count)]
    step = 7 if frequency == Frequency.WEEKLY else 28
    return [start + dt.timedelta(days=step * i) for i in range(count)]


def next_due(start: dt.date, frequency: Frequency) -> dt.date:
    return due_dates(start, frequency, 2)[1]


def build_schedule(
    *,
    balance: Decimal,
    count: int,
    start_on: dt.date,
    frequency: Frequency = Frequency.MONTHLY,
    down_payment: Decimal = ZERO,
) -> Schedule:
    """`count` regular instalments (plus a down payment when given) that add up to `balance`."""
    balance = money(balance, name="balance")
    down_payment = money(down_payment, name="down_payment")
    if balance <= 0:
        raise ScheduleError([_("Nothing is open to arrange")])
    if down_payment < 0 or down_payment >= balance:
        raise ScheduleError([_("The down payment must be more than zero and less than the balance")])
    frequency = Frequency(frequency)
    planned: list[tuple[dt.date, Decimal]] = []
    first_regular = start_on
    if down_payment:
        planned.append((start_on, down_payment))
        first_regular = next_due(start_on, frequency)
    parts = split(balance - down_payment, [Decimal(1)] * count)
    planned.extend(zip(due_dates(first_regular, frequency, count), parts, strict=True))
    return Schedule(
        balance=balance,
        frequency=frequency,
        start_on=start_on,
        down_payment=down_payment,
        instalments=tuple(
            PlannedInstalment(number=n, due_on=d, amount=a) for n, (d, a) in enumerate(planned, start=1)
        ),
    )


def schedule_from_rows(
    *,
    balance: Decimal,
    frequency: Frequency,
    rows: Sequence[tuple[dt.date, Decimal]],
    down_payment: Decimal = ZERO,
) -> Schedule:
    """A schedule the officer adjusted by hand; `schedule_problems` checks it like any other."""
    if not rows:
        raise ScheduleError([_("An arrangement has at least one instalment")])
    return Schedule(
        balance=money(balance, name="balance"),
        frequency=Frequency(frequency),
        start_on=rows[0][0],
        down_payment=money(down_payment, name="down_payment"),
        instalments=tuple(
            PlannedInstalment(number=n, due_on=d, amount=money(a)) for n, (d, a) in enumerate(rows, start=1)
        ),
    )


def instalments_for_months(months: int, frequency: Frequency) -> int:
    if frequency == Frequency.MONTHLY:
        return months
    per_year = 52 if frequency == Frequency.WEEKLY else 13
    return max(1, months * per_year // 12)


def propose_schedules(
    *,
    balance: Decimal,
    start_on: dt.date,
    frequency: Frequency = Frequency.MONTHLY,
    months: Sequence[int] = (3, 6, 12),
    limits: Limits | None = None,
) -> list[Schedule]:
    """Starting points for the officer: one schedule per duration, with the client's down payment."""
    limits = limits or Limits()
    down = _required_down_payment(balance, limits)
    proposals = []
    for m in months:
        count = instalments_for_months(m, frequency)
        proposals.append(
            build_schedule(
                balance=balance, count=count, start_on=start_on, frequency=frequency, down_payment=down
            )
        )
    return proposals


def _required_down_payment(balance: Decimal, limits: Limits) -> Decimal:
    if limits.down_payment_percent <= 0:
        return ZERO
    cents = (balance * limits.down_payment_percent).to_integral_value(rounding="ROUND_CEILING")
    return (cents / 100).quantize(Decimal("0.01"))


def schedule_problems(schedule: Schedule, *, today: dt.date, limits: Limits) -> list[str]:
    """Every reason the schedule is refused under `limits`; empty when it may be agreed."""
    problems: list[str] = []
    amounts = [i.amount for i in schedule.instalments]
    dates = [i.due_on for i in schedule.instalments]
    if not amounts:
        return [_("An arrangement has at least one instalment")]
    if schedule.total != schedule.balance:
        problems.append(
            _("The instalments add up to %(total)s, the balance is %(balance)s: they must be equal")
            % {"total": format_money(schedule.total), "balance": format_money(schedule.balance)}
        )
    if any(a <= 0 for a in amounts):
        problems.append(_("Every instalment must be more than zero"))
    if any(a != a.quantize(Decimal("0.01")) for a in amounts):
        problems.append(_("Instalments are in whole cents"))
    if schedule.start_on < today:
        problems.append(
            _("The first instalment (%(date)s) lies in the past") % {"date": format_date(schedule.start_on)}
        )
    if dates != sorted(dates) or len(set(dates)) != len(dates):
        problems.append(_("The due dates must go up"))
    if len(amounts) > 1 and min(amounts) < limits.min_instalment:
        problems.append(
            _("An instalment of %(amount)s is below the client's minimum of %(minimum)s")
            % {"amount": format_money(min(amounts)), "minimum": format_money(limits.min_instalment)}
        )
    if schedule.duration_months > limits.max_months:
        problems.append(
            _("The arrangement runs %(months)s months; the client allows at most %(max)s months")
            % {"months": schedule.duration_months, "max": limits.max_months}
        )
    required = _required_down_payment(schedule.balance, limits)
    if required and amounts[0] < required:
        problems.append(
            _(
                "The client asks for a down payment of at least %(percent)s %% (%(required)s); "
                "the first instalment is %(first)s"
            )
            % {
                "percent": limits.down_payment_percent,
                "required": format_money(required),
                "first": format_money(amounts[0]),
            }
        )
    return problems


def validate_schedule(schedule: Schedule, *, today: dt.date, limits: Limits) -> Schedule:
    problems = schedule_problems(schedule, today=today, limits=limits)
    if problems:
        raise ScheduleError(problems)
    return schedule


def authority_exceeded(*, months: int, balance: Decimal, authority: Authority) -> list[str]:
    """Why an arrangement of `months` over `balance` needs a supervisor: one line per limit it passes
    (none: the officer may agree it alone). Shown to the supervisor who decides."""
    beyond = []
    if months > authority.max_months:
        beyond.append(
            _("%(months)s months (officer: up to %(max)s)") % {"months": months, "max": authority.max_months}
        )
    if balance > authority.max_balance:
        beyond.append(
            _("%(balance)s (officer: up to %(max)s)")
            % {"balance": format_money(balance), "max": format_money(authority.max_balance)}
        )
    return beyond


def within_authority(schedule: Schedule, authority: Authority) -> bool:
    return not authority_exceeded(
        months=schedule.duration_months, balance=schedule.balance, authority=authority
    )
