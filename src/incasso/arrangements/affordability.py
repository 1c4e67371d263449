"""Affordability aid for payment plans: pure Python, no Django.

AN AID, NOT LAW. The real beslagvrije voet (art. 475b–475e Rv) is computed by a bailiff with
corrections for housing costs, health-insurance premium and partner income (rules-nl.md §6). This
module gives a rough estimate: 95 % of the bijstandsnorm for the household type, from the parameter
table `data/bijstandsnorm.csv` (each row with its valid-from date, source and whether the amount was
checked against the published norm; the amounts change every 1 January and 1 July and must be kept up
to date). Capacity is what is left of the stated net income
above both the estimate and the stated fixed costs; the higher of the two floors counts, not the sum,
because the norm already covers ordinary living costs.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from enum import StrEnum
from functools import cache
from pathlib import Path

from incasso.calculations.errors import CalculationError
from incasso.calculations.money import ZERO, money
from incasso.calculations.sheet import format_date
from incasso.core.puretext import gettext as _

DATA = Path(__file__).resolve().parent / "data" / "bijstandsnorm.csv"
BVV_PERCENT = Decimal("0.95")


class Household(StrEnum):
    SINGLE = "single"
    SINGLE_PARENT = "single_parent"
    COUPLE = "couple"
    COUPLE_WITH_CHILDREN = "couple_with_children"


@dataclass(frozen=True)
class NormRow:
    household: Household
    monthly_norm: Decimal
    valid_from: dt.date
    source: str
    verified: bool = True  # False: an approximate figure, to be checked against the published norm


@dataclass(frozen=True)
class Affordability:
    net_income: Decimal
    fixed_costs: Decimal
    household: Household
    norm: NormRow
    protected_estimate: Decimal  # rough beslagvrije voet: 95 % of the norm
    capacity: Decimal  # what could go to creditors per month, never negative

    @property
    def label(self) -> str:
        """The note shown with the aid, in the user's language (looked up when shown)."""
        text = _("An aid, not a legal calculation: the protected income is a rough estimate.")
        if not self.norm.verified:
            text += " " + _("The norm amounts are approximate; verify them before use.")
        return text


@cache
def norm_table() -> tuple[NormRow, ...]:
    lines = [line for line in DATA.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    return tuple(
        NormRow(
            household=Household(row["household"]),
            monthly_norm=money(row["monthly_norm"]),
            valid_from=dt.date.fromisoformat(row["valid_from"]),
            source=row["source"],
            verified=row.get("verified", "true").strip().lower() != "false",
        )
        for row in csv.DictReader(lines)
    )


def norm_for(household: Household, as_of: dt.date) -> NormRow:
    rows = [r for r in norm_table() if r.household == household and r.valid_from <= as_of]
    if not rows:
        raise CalculationError(
            _("No bijstandsnorm for %(household)s on %(date)s")
            % {"household": household, "date": format_date(as_of)}
        )
    return max(rows, key=lambda r: r.valid_from)


def affordability(
    *, net_income: Decimal, fixed_costs: Decimal, household: Household | str, as_of: dt.date
) -> Affordability:
    net_income = money(net_income, name="net_income")
    fixed_costs = money(fixed_costs, name="fixed_costs")
    if net_income < 0 or fixed_costs < 0:
        raise CalculationError(_("Income and costs cannot be negative"))
    norm = norm_for(Household(household), as_of)
    protected = (norm.monthly_norm * BVV_PERCENT).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    floor = max(protected, fixed_costs)
    capacity = max(ZERO, net_income - floor)
    return Affordability(
        net_income=net_income,
        fixed_costs=fixed_costs,
        household=Household(household),
        norm=norm,
        protected_estimate=protected,
        capacity=capacity,
    )
