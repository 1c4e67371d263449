"""Champion vs challenger: the measures, as pure functions over per-case facts (no Django, no clock).

For each arm (the cases a strategy got at intake) we compare:
* the share of cases paid in full,
* the amount collected per case (payments received, in euro),
* the median number of days from the start in the strategy to the first payment (cases that paid),
* the cost of the messages sent: count per channel × a unit cost per channel.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
# Defaults per message; settings.INCASSO_MESSAGE_UNIT_COSTS overrides them (strings or Decimals).
DEFAULT_UNIT_COSTS: Mapping[str, Decimal] = {
    "letter": Decimal("0.85"),
    "email": Decimal("0.01"),
    "sms": Decimal("0.07"),
    "phone": Decimal("0.00"),
}


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """What one case contributes to its arm."""

    paid_in_full: bool
    collected: Decimal  # payments received, ≥ 0
    days_to_first_payment: int | None  # None: nothing paid yet
    messages: Mapping[str, int] = field(default_factory=dict)  # channel → messages sent


@dataclass(frozen=True, slots=True)
class ArmMeasures:
    cases: int
    paid_in_full: int
    paid_in_full_share: Decimal | None  # percentage, 1 decimal; None without cases
    collected: Decimal
    collected_per_case: Decimal | None
    median_days_to_payment: float | None
    messages: Mapping[str, int]
    message_cost: Decimal
    message_cost_per_case: Decimal | None


def unit_costs(overrides: Mapping[str, object] | None = None) -> dict[str, Decimal]:
    """Defaults merged with overrides; floats and negative costs are refused."""
    costs = dict(DEFAULT_UNIT_COSTS)
    for channel, value in (overrides or {}).items():
        if isinstance(value, float) or not isinstance(value, (str, int, Decimal)):
            raise ValueError(f"Unit cost for {channel} must be a Decimal or a string, got {value!r}")
        cost = Decimal(value)
        if cost < 0:
            raise ValueError(f"Unit cost for {channel} cannot be negative, got {cost}")
        costs[channel] = cost
    return costs


def message_cost(messages: Mapping[str, int], costs: Mapping[str, Decimal]) -> Decimal:
    """Count × unit cost per channel; a channel without a known cost counts as free."""
    return sum((costs.get(ch, Decimal(0)) * n for ch, n in messages.items()), Decimal(0)).quantize(CENT)


def arm_measures(
    facts: Iterable[CaseFacts], *, costs: Mapping[str, Decimal] = DEFAULT_UNIT_COSTS
) -> ArmMeasures:
    rows = list(facts)
    n = len(rows)
    paid = sum(1 for f in rows if f.paid_in_full)
    collected = sum((f.collected for f in rows), Decimal(0))
    days = [f.days_to_first_payment for f in rows if f.days_to_first_payment is not None]
    messages: dict[str, int] = {}
    for f in rows:
        for channel, count in f.messages.items():
            messages[channel] = messages.get(channel, 0) + count
    cost = message_cost(messages, costs)
    return ArmMeasures(
        cases=n,
        paid_in_full=paid,
        paid_in_full_share=(Decimal(paid * 100) / n).quantize(Decimal("0.1"), ROUND_HALF_UP) if n else None,
        collected=collected.quantize(CENT),
        collected_per_case=(collected / n).quantize(CENT, ROUND_HALF_UP) if n else None,
        median_days_to_payment=float(statistics.median(days)) if days else None,
        messages=dict(sorted(messages.items())),
        message_cost=cost,
        message_cost_per_case=(cost / n).quantize(CENT, ROUND_HALF_UP) if n else None,
    )
