"""A debtor's arrangement proposal as a schedule: the rule, with no database and no clock.

The debtor gives either a number of monthly instalments (split by `arrangements.schedule`, the last
instalment takes the remainder) or a monthly amount (that amount each month, the last instalment the
rest). Either way it is a proposal for the officer, not an arrangement: the officer decides in the
arrangement wizard, under the client's own limits.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_CEILING, Decimal

from django.utils.translation import gettext as _

from incasso.arrangements import schedule as sched
from incasso.core.exceptions import DomainError
from incasso.core.formatting import format_money

MIN_INSTALMENTS = 2
MAX_INSTALMENTS = 36
START_WITHIN_DAYS = 62  # the first instalment within about two months


def proposal_schedule(
    *,
    balance: Decimal,
    start_on: dt.date,
    today: dt.date,
    count: int | None = None,
    monthly_amount: Decimal | None = None,
) -> sched.Schedule:
    """The monthly schedule the debtor proposes; DomainError (naming the field) when it cannot be."""
    if balance <= 0:
        raise DomainError(_("There is nothing left to pay on this case"))
    if start_on < today:
        raise DomainError(_("The first payment date lies in the past"), field="start_on")
    if start_on > today + dt.timedelta(days=START_WITHIN_DAYS):
        raise DomainError(_("Choose a first payment date within two months"), field="start_on")
    if (count is None) == (monthly_amount is None):
        raise DomainError(_("Fill in either the number of months or the amount per month"), field="count")
    if monthly_amount is not None:
        if monthly_amount <= 0:
            raise DomainError(_("The amount per month must be more than zero"), field="monthly_amount")
        months = int((balance / monthly_amount).to_integral_value(rounding=ROUND_CEILING))
        if months < MIN_INSTALMENTS:
            raise DomainError(
                _("With this amount you would pay everything at once. Choose a lower amount per month."),
                field="monthly_amount",
            )
        if months > MAX_INSTALMENTS:
            raise DomainError(
                _(
                    "With %(amount)s per month it would take %(months)s months; at most %(max)s months "
                    "is possible. Choose a higher amount."
                )
                % {"amount": format_money(monthly_amount), "months": months, "max": MAX_INSTALMENTS},
                field="monthly_amount",
            )
        dates = sched.due_dates(start_on, sched.Frequency.MONTHLY, months)
        amounts = [monthly_amount] * (months - 1) + [balance - monthly_amount * (months - 1)]
        return sched.schedule_from_rows(
            balance=balance, frequency=sched.Frequency.MONTHLY, rows=list(zip(dates, amounts, strict=True))
        )
    assert count is not None
    if not MIN_INSTALMENTS <= count <= MAX_INSTALMENTS:
        raise DomainError(
            _("Choose between %(min)s and %(max)s months") % {"min": MIN_INSTALMENTS, "max": MAX_INSTALMENTS},
            field="count",
        )
    return sched.build_schedule(balance=balance, count=count, start_on=start_on)
