"""Extrajudicial collection costs (buitengerechtelijke incassokosten, BIK): the WIK scale.

* Art. 6:96 lid 2 sub c, lid 4-7 BW; Besluit vergoeding voor buitengerechtelijke incassokosten
  (Stb. 2012, 141), art. 2: 15% of the first 2,500, 10% of the next 2,500, 5% of the next 5,000, 1% of
  the next 190,000, 0.5% above 200,000; at least 40, at most 6,775; rounded half-up to cents.
* VAT (art. 2 lid 3 Besluit): the fee is raised by the VAT percentage only when the creditor cannot
  deduct VAT (and declared so); a creditor that can deduct it adds nothing.
* One 14-day letter for several claims (6:96 lid 7): the scale applies to the sum of the principals.
* After capitalised interest has raised the principal (6:119 lid 2) the costs may be recomputed over the
  new principal (Nota van Toelichting point 5).
* Partial payment within the 14-day term (HR 25-11-2016, ECLI:NL:HR:2016:2704, as summarised): the
  costs are computed over the principal still unpaid.
* Business-to-business (6:96 lid 4): at least 40 without any reminder; agreed costs are allowed but
  flagged when above the scale (the court may moderate them, HR 10-07-2015, ECLI:NL:HR:2015:1868).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from incasso.calculations.errors import CalculationError
from incasso.calculations.money import ZERO, money, round_cents

MINIMUM = Decimal("40.00")
MAXIMUM = Decimal("6775.00")
# (band width or None for "the rest", rate)
BANDS: tuple[tuple[Decimal | None, Decimal], ...] = (
    (Decimal(2500), Decimal("0.15")),
    (Decimal(2500), Decimal("0.10")),
    (Decimal(5000), Decimal("0.05")),
    (Decimal(190000), Decimal("0.01")),
    (None, Decimal("0.005")),
)


@dataclass(frozen=True, slots=True)
class CollectionCosts:
    principal: Decimal  # the principal the scale was applied to
    scale_amount: Decimal  # the scale before minimum and maximum, rounded
    costs: Decimal  # excluding VAT
    vat_percent: Decimal
    vat: Decimal
    breakdown: tuple[Decimal, ...]  # per band, unrounded band amounts
    minimum_applied: bool = False
    maximum_applied: bool = False
    above_scale: bool = False  # B2B agreed costs above the scale: the court may moderate them
    note: str = ""

    @property
    def total(self) -> Decimal:
        return self.costs + self.vat


def _bands(principal: Decimal) -> tuple[Decimal, ...]:
    rest = principal
    parts: list[Decimal] = []
    for width, rate in BANDS:
        portion = rest if width is None else min(rest, width)
        if portion <= 0:
            break
        parts.append(portion * rate)
        rest -= portion
    return tuple(parts)


def collection_costs(principal: Decimal, *, vat_percent: Decimal | int = 0) -> CollectionCosts:
    """The WIK amount for `principal`; `vat_percent` > 0 only when the creditor cannot deduct VAT."""
    amount = money(principal, name="principal")
    vat_rate = money(vat_percent, name="vat_percent")
    if amount <= 0:
        raise CalculationError(f"principal must be positive, got {amount}")
    if not 0 <= vat_rate <= 100:
        raise CalculationError(f"VAT percentage must be between 0 and 100, got {vat_rate}")
    breakdown = _bands(amount)
    scale = round_cents(sum(breakdown, ZERO))
    costs = min(max(scale, MINIMUM), MAXIMUM)
    return CollectionCosts(
        principal=amount,
        scale_amount=scale,
        costs=costs,
        vat_percent=vat_rate,
        vat=round_cents(costs * vat_rate / 100),
        breakdown=breakdown,
        minimum_applied=scale < MINIMUM,
        maximum_applied=scale > MAXIMUM,
    )


def collection_costs_for_letter(
    principals: Sequence[Decimal], *, vat_percent: Decimal | int = 0
) -> CollectionCosts:
    """Several claims in one 14-day letter (6:96 lid 7): the scale applies to their sum."""
    if not principals:
        raise CalculationError("at least one principal is needed")
    total = sum((money(p, name="principal") for p in principals), ZERO)
    return collection_costs(total, vat_percent=vat_percent)


def collection_costs_after_partial_payment(
    principal: Decimal, paid_within_term: Decimal, *, vat_percent: Decimal | int = 0
) -> CollectionCosts:
    """Costs over the principal still unpaid after a payment within the 14-day term (HR 2016:2704)."""
    paid = money(paid_within_term, name="paid_within_term")
    if paid < 0:
        raise CalculationError("a payment cannot be negative")
    remainder = money(principal, name="principal") - paid
    if remainder <= 0:
        raise CalculationError("the principal was paid within the term: no collection costs are owed")
    return collection_costs(remainder, vat_percent=vat_percent)


def collection_costs_after_capitalisation(
    principal: Decimal, capitalised_interest: Decimal, *, vat_percent: Decimal | int = 0
) -> CollectionCosts:
    """Recompute after a year's interest was added to the principal (6:119 lid 2; NvT point 5)."""
    extra = money(capitalised_interest, name="capitalised_interest")
    if extra < 0:
        raise CalculationError("capitalised interest cannot be negative")
    return collection_costs(money(principal, name="principal") + extra, vat_percent=vat_percent)


def b2b_collection_costs(
    principal: Decimal, *, agreed_costs: Decimal | None = None, vat_percent: Decimal | int = 0
) -> CollectionCosts:
    """Business debtor (6:96 lid 4): at least 40 without reminder; agreed costs flagged above the scale."""
    scale = collection_costs(principal, vat_percent=vat_percent)
    if agreed_costs is None:
        return scale
    agreed = money(agreed_costs, name="agreed_costs")
    if agreed < 0:
        raise CalculationError("agreed costs cannot be negative")
    costs = max(round_cents(agreed), MINIMUM)
    above = costs > scale.costs
    note = "agreed costs above the WIK scale: the court may moderate them (HR 2015:1868)" if above else ""
    return CollectionCosts(
        principal=scale.principal,
        scale_amount=scale.scale_amount,
        costs=costs,
        vat_percent=scale.vat_percent,
        vat=round_cents(costs * scale.vat_percent / 100),
        breakdown=scale.breakdown,
        minimum_applied=round_cents(agreed) < MINIMUM,
        above_scale=above,
        note=note,
    )
