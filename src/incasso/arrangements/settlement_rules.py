"""Settlement offers: pure Python, no Django, no clock.

Two kinds of settlement end a case with less than the whole balance paid in money:

* **Finale kwijting** (a lump-sum settlement): the debtor pays `amount` by `deadline`; once it is in,
  the rest of the balance is written off and the case is settled.
* **Return of goods** (teruggave): the debtor returns goods by `deadline`; once the client has them
  back, their agreed value is credited against the principal (a credit note). Either the rest stays
  owed (the case goes on), or, when agreed, the rest is written off too (`settles_in_full`).

What the creditor lets go (`forgiven`) is what a client limits and an officer's authority are about:
the discount of a lump sum, or the rest written off after a return. A credited return in itself is a
credit note for goods the client has back, not a discount.

`offer_problems()` lists every reason an offer is refused under a client's limits; `authority_exceeded()`
names what makes it a supervisor's decision.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, ROUND_UP, Decimal
from enum import StrEnum

from incasso.calculations.money import ZERO
from incasso.calculations.sheet import format_date, format_money, format_percent
from incasso.core.puretext import gettext as _

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


class Kind(StrEnum):
    LUMP_SUM = "lump_sum"
    GOODS_RETURN = "goods_return"


@dataclass(frozen=True)
class SettlementLimits:
    """A client's limits: the most it lets go, as a share of the balance, and the longest term."""

    max_discount_percent: Decimal = Decimal("20.00")
    max_days: int = 30
    goods_return_allowed: bool = True


@dataclass(frozen=True)
class Offer:
    kind: Kind
    balance: Decimal  # owed on the day of the offer, running interest included
    principal: Decimal  # open principal that day
    amount: Decimal  # the lump sum to pay, or the goods' agreed value
    deadline: dt.date  # pay by, or return by
    settles_in_full: bool = True  # always for a lump sum; for goods: the rest is written off too

    @property
    def forgiven(self) -> Decimal:
        """What the creditor lets go if the offer is kept (never below zero)."""
        if self.kind == Kind.GOODS_RETURN and not self.settles_in_full:
            return ZERO
        return max(self.balance - self.amount, ZERO)

    @property
    def forgiven_percent(self) -> Decimal:
        if self.balance <= 0:
            return ZERO
        return (self.forgiven * HUNDRED / self.balance).quantize(CENT, rounding=ROUND_HALF_UP)

    @property
    def forgiven_percent_up(self) -> Decimal:
        """Rounded up, for saying a limit is passed: 100.01 of 1,000.00 is 10.01 %, not 10.00 %."""
        if self.balance <= 0:
            return ZERO
        return (self.forgiven * HUNDRED / self.balance).quantize(CENT, rounding=ROUND_UP)

    def lets_go_more_than(self, percent: Decimal) -> bool:
        """Exactly, not on the rounded percentage: 100.01 of 1,000.00 is more than 10 %."""
        return self.forgiven * HUNDRED > percent * self.balance

    @property
    def rest_owed(self) -> Decimal:
        """What the debtor still owes after a kept offer (only a partial goods return leaves any)."""
        if self.kind == Kind.GOODS_RETURN and not self.settles_in_full:
            return max(self.balance - self.amount, ZERO)
        return ZERO


def offer_problems(offer: Offer, *, today: dt.date, limits: SettlementLimits) -> list[str]:
    """Every reason the offer is refused under `limits`; empty when it may be made."""
    problems: list[str] = []
    if offer.balance <= 0:
        return [_("Nothing is owed on this case, so there is nothing to settle")]
    if offer.amount <= 0:
        problems.append(_("The amount must be more than zero"))
    elif offer.amount != offer.amount.quantize(CENT):
        problems.append(_("The amount has more than two decimals"))
    if offer.kind == Kind.LUMP_SUM:
        if offer.amount >= offer.balance:
            problems.append(
                _(
                    "A settlement asks less than the balance (%(balance)s); for the whole balance no settlement is needed"
                )
                % {"balance": format_money(offer.balance)}
            )
    else:
        if not limits.goods_return_allowed:
            problems.append(_("This client does not take goods back"))
        if offer.amount > offer.principal:
            problems.append(
                _("Returned goods are credited against the principal: at most %(principal)s")
                % {"principal": format_money(offer.principal)}
            )
    if offer.deadline < today:
        problems.append(_("The date (%(date)s) lies in the past") % {"date": format_date(offer.deadline)})
    elif (offer.deadline - today).days > limits.max_days:
        problems.append(
            _("The date lies %(days)s days ahead; the client allows at most %(max)s days")
            % {"days": (offer.deadline - today).days, "max": limits.max_days}
        )
    if offer.lets_go_more_than(limits.max_discount_percent):
        problems.append(
            _("%(amount)s (%(percent)s) would be written off; the client allows at most %(max)s")
            % {
                "amount": format_money(offer.forgiven),
                "percent": format_percent(offer.forgiven_percent_up),
                "max": format_percent(limits.max_discount_percent),
            }
        )
    return problems


def authority_exceeded(offer: Offer, *, max_discount_percent: Decimal | None) -> list[str]:
    """Why the offer is a supervisor's decision (none: the officer may make it alone). `None`: no limit."""
    if max_discount_percent is None or not offer.lets_go_more_than(max_discount_percent):
        return []
    return [
        _("%(percent)s written off (officer: up to %(max)s)")
        % {"percent": format_percent(offer.forgiven_percent_up), "max": format_percent(max_discount_percent)}
    ]
