"""Is the challenger really better, or is it chance? Pure functions over the two arms' counts and amounts
(no Django, no clock), for the champion/challenger report.

* Share paid in full: the difference challenger − champion in percentage points, its 95 % interval by
  Newcombe's hybrid score method (Wilson intervals per arm; sound for small arms and for shares near 0
  or 100 %, where the textbook Wald interval fails), and the two-sided p-value of the pooled
  two-proportion z-test.
* Amount collected per case: the difference of the means in euro, its 95 % interval and p-value by
  Welch's unequal-variance statistic with the normal approximation (arms of 30 cases or more; below
  that the report says the arm is too small to tell).
* How many cases per arm it takes to see a difference of 5 percentage points in the share paid in full
  (95 % confidence, 80 % power), from the champion's share.

Counts, shares and amounts stay `Decimal`; only the normal distribution's tail (`math.erfc`) is taken
in binary floating point, for the p-value, which is a probability and not an amount.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

Z95 = Decimal("1.959963984540054")  # the standard normal's 97.5th percentile
Z80 = Decimal("0.8416212335729143")  # its 80th percentile (80 % power)
MIN_CASES_FOR_MEANS = 30
ALPHA = Decimal("0.05")
ONE = Decimal(1)


@dataclass(frozen=True, slots=True)
class Difference:
    """Challenger minus champion, with its 95 % interval and p-value."""

    difference: Decimal
    low: Decimal
    high: Decimal
    p_value: Decimal  # two-sided, 3 decimals

    @property
    def significant(self) -> bool:
        """At the 5 % level: the interval leaves out 0 (and p < 0.05)."""
        return self.p_value < ALPHA and (self.low > 0 or self.high < 0)


def _p_two_sided(z: Decimal) -> Decimal:
    tail = math.erfc(abs(float(z)) / math.sqrt(2))
    return Decimal(repr(tail)).quantize(Decimal("0.001"), ROUND_HALF_UP)


def _wilson(successes: int, n: int) -> tuple[Decimal, Decimal]:
    p = Decimal(successes) / n
    z2 = Z95 * Z95
    denominator = ONE + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = Z95 * (p * (ONE - p) / n + z2 / (4 * n * n)).sqrt() / denominator
    return centre - half, centre + half


def share_difference(champion: tuple[int, int], challenger: tuple[int, int]) -> Difference | None:
    """(paid in full, cases) per arm → the difference in percentage points; None if an arm is empty."""
    (x1, n1), (x2, n2) = champion, challenger
    if n1 < 1 or n2 < 1:
        return None
    if not (0 <= x1 <= n1 and 0 <= x2 <= n2):
        raise ValueError("paid in full must lie between 0 and the number of cases")
    p1, p2 = Decimal(x1) / n1, Decimal(x2) / n2
    l1, u1 = _wilson(x1, n1)
    l2, u2 = _wilson(x2, n2)
    d = p2 - p1
    low = d - ((p2 - l2) ** 2 + (u1 - p1) ** 2).sqrt()
    high = d + ((u2 - p2) ** 2 + (p1 - l1) ** 2).sqrt()
    pooled = Decimal(x1 + x2) / (n1 + n2)
    se = (pooled * (ONE - pooled) * (ONE / n1 + ONE / n2)).sqrt()
    p_value = Decimal(1) if se == 0 else _p_two_sided(d / se)
    points = Decimal(100)
    tenth = Decimal("0.1")
    return Difference(
        (d * points).quantize(tenth, ROUND_HALF_UP),
        (low * points).quantize(tenth, ROUND_HALF_UP),
        (high * points).quantize(tenth, ROUND_HALF_UP),
        p_value,
    )


def _mean_and_variance(values: Sequence[Decimal]) -> tuple[Decimal, Decimal]:
    n = len(values)
    mean = sum(values, Decimal(0)) / n
    variance = sum(((v - mean) ** 2 for v in values), Decimal(0)) / (n - 1)
    return mean, variance


def mean_difference(champion: Sequence[Decimal], challenger: Sequence[Decimal]) -> Difference | None:
    """Amounts per case per arm → the difference of the means in euro; None below 30 cases in an arm."""
    if len(champion) < MIN_CASES_FOR_MEANS or len(challenger) < MIN_CASES_FOR_MEANS:
        return None
    m1, v1 = _mean_and_variance(champion)
    m2, v2 = _mean_and_variance(challenger)
    d = m2 - m1
    se = (v1 / len(champion) + v2 / len(challenger)).sqrt()
    cent = Decimal("0.01")
    if se == 0:
        return Difference(d.quantize(cent, ROUND_HALF_UP), d.quantize(cent), d.quantize(cent), Decimal(1))
    return Difference(
        d.quantize(cent, ROUND_HALF_UP),
        (d - Z95 * se).quantize(cent, ROUND_HALF_UP),
        (d + Z95 * se).quantize(cent, ROUND_HALF_UP),
        _p_two_sided(d / se),
    )


def cases_needed(champion_share: Decimal, *, points: Decimal = Decimal(5)) -> int | None:
    """Cases per arm to see the share paid in full move by `points` percentage points (95 %, 80 % power):
    n = (z₀.₉₇₅ + z₀.₈)² · (p₁(1 − p₁) + p₂(1 − p₂)) / d², with p₂ = p₁ + d (or p₁ − d near 100 %)."""
    p1 = champion_share / 100
    d = points / 100
    if not (0 <= p1 <= 1) or d <= 0:
        return None
    p2 = p1 + d if p1 + d <= 1 else p1 - d
    if not (0 <= p2 <= 1):
        return None
    n = (Z95 + Z80) ** 2 * (p1 * (ONE - p1) + p2 * (ONE - p2)) / (d * d)
    return int(n.to_integral_value(ROUND_CEILING))
