"""Money: `Decimal` amounts in euros, integer cents inside the engines, never `float`.

* `money()` turns `Decimal`, `int` or a decimal string into a `Decimal`; a `float` raises `TypeError`
  (binary floating point cannot hold 0.10 exactly).
* `round_cents()` is the one rounding function: half-up to cents (`ROUND_HALF_UP`). It is applied only
  where the convention in `incasso.calculations.interest` says so.
* `split()` divides an amount over weights so the parts always add up to the amount: every part but the
  last is rounded down to cents, the last part takes the remainder.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction

from incasso.calculations.errors import CalculationError

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

type MoneyInput = Decimal | int | str


def money(value: object, *, name: str = "amount") -> Decimal:
    """Return `value` as a `Decimal`; refuse `float` (TypeError) and malformed input."""
    if isinstance(value, float):
        raise TypeError(f"{name}: float {value!r} refused for money; pass Decimal or a string like '12.34'")
    if isinstance(value, bool):
        raise TypeError(f"{name}: bool refused for money")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except InvalidOperation:
            raise CalculationError(f"{name}: {value!r} is not a decimal amount") from None
    else:
        raise TypeError(f"{name}: {type(value).__name__} refused for money; pass Decimal")
    if not result.is_finite():
        raise CalculationError(f"{name}: {value!r} is not a finite amount")
    return result


def round_cents(value: Decimal | Fraction) -> Decimal:
    """Round half-up to cents: ties away from zero (0.005 -> 0.01, -0.005 -> -0.01)."""
    if isinstance(value, Fraction):
        return from_cents(round_half_up(value * 100))
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def round_half_up(value: Fraction) -> int:
    """Round a rational number half-up (ties away from zero) to an integer."""
    if value < 0:
        return -round_half_up(-value)
    return int((2 * value.numerator + value.denominator) // (2 * value.denominator))


def to_cents(value: Decimal) -> int:
    """Exact conversion of a cent amount to integer cents; refuses sub-cent precision."""
    cents = value * 100
    if cents != cents.to_integral_value():
        raise CalculationError(f"amount {value} has more than two decimals")
    return int(cents)


def from_cents(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


def split(amount: Decimal, weights: Sequence[Decimal]) -> tuple[Decimal, ...]:
    """Split `amount` in proportion to `weights`; the last part takes the remainder.

    Parts always add up to `amount` exactly. All weights zero: equal parts.
    """
    if not weights:
        raise CalculationError("split needs at least one weight")
    amount = money(amount)
    weights = [money(w, name="weight") for w in weights]
    if any(w < 0 for w in weights):
        raise CalculationError("split weights must not be negative")
    total_cents = to_cents(round_cents(amount))
    cents = split_cents(total_cents, [to_cents(round_cents(w)) for w in weights])
    return tuple(from_cents(c) for c in cents)


def split_cents(total: int, weights: Sequence[int]) -> list[int]:
    """Integer-cent version of `split`: floor shares, the last part takes the remainder."""
    weight_sum = sum(weights)
    if weight_sum == 0:
        weights = [1] * len(weights)
        weight_sum = len(weights)
    parts = [total * w // weight_sum for w in weights[:-1]]
    parts.append(total - sum(parts))
    return parts
