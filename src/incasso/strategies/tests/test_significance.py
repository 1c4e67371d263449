"""The champion/challenger tests against published and independently computed values."""

from __future__ import annotations

import math
import random
import statistics
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from incasso.strategies.significance import cases_needed, mean_difference, share_difference


def test_newcombes_published_example():
    """Newcombe (1998), Statistics in Medicine 17:873, example (a): 56/70 against 48/80, method 10
    (hybrid score): difference 0.2000, 95 % interval 0.0524 to 0.3339."""
    d = share_difference((48, 80), (56, 70))
    assert d is not None
    assert (d.difference, d.low, d.high) == (D("20.0"), D("5.2"), D("33.4"))
    # pooled two-proportion z-test: z = 0.2 / sqrt(104/150 · 46/150 · (1/70 + 1/80)) = 2.650, p = 0.008
    assert d.p_value == D("0.008") and d.significant


def test_a_small_difference_on_the_demos_numbers_is_not_significant():
    d = share_difference((40, 216), (10, 52))
    assert d is not None and d.difference == D("0.7") and d.low < 0 < d.high and not d.significant
    assert d.p_value == D("0.906")


def test_shares_at_the_edges_keep_a_sound_interval():
    """All paid in one arm, none in the other: Wald would give a zero-width interval; Wilson does not."""
    d = share_difference((0, 10), (10, 10))
    assert d is not None and d.difference == D("100.0") and D("0") < d.low < d.high <= D("100.0")
    same = share_difference((0, 5), (0, 7))
    assert same is not None and same.difference == 0 and same.p_value == 1 and not same.significant


def test_an_empty_arm_has_no_test_and_bad_counts_are_refused():
    assert share_difference((0, 0), (3, 10)) is None
    with pytest.raises(ValueError, match="between 0 and the number of cases"):
        share_difference((11, 10), (3, 10))


def test_welch_agrees_with_an_independent_float_computation():
    rng = random.Random(7)
    a = [D(rng.randint(0, 100_000)) / 100 for _ in range(216)]
    b = [D(rng.randint(0, 120_000)) / 100 for _ in range(52)]
    d = mean_difference(a, b)
    fa, fb = [float(x) for x in a], [float(x) for x in b]
    diff = statistics.fmean(fb) - statistics.fmean(fa)
    se = math.sqrt(statistics.variance(fa) / len(fa) + statistics.variance(fb) / len(fb))
    p = math.erfc(abs(diff / se) / math.sqrt(2))
    assert d is not None
    assert abs(float(d.difference) - diff) < 0.006
    assert abs(float(d.low) - (diff - 1.959963984540054 * se)) < 0.006
    assert abs(float(d.p_value) - p) < 0.0006


def test_means_need_thirty_cases_per_arm():
    assert mean_difference([D(1)] * 29, [D(2)] * 40) is None
    flat = mean_difference([D(5)] * 30, [D(5)] * 30)
    assert flat is not None and flat.difference == 0 and flat.p_value == 1 and not flat.significant


def test_cases_needed_matches_the_textbook_formula():
    # 50 % against 55 %: (1.96 + 0.8416)² × (0.25 + 0.2475) / 0.05² = 1,561.9 → 1,562 per arm
    assert cases_needed(D("50")) == 1562
    assert cases_needed(D("100")) is not None  # near 100 % the other direction is tried
    assert cases_needed(D("0"), points=D("0")) is None


@given(
    n1=st.integers(1, 400),
    n2=st.integers(1, 400),
    f1=st.fractions(0, 1),
    f2=st.fractions(0, 1),
)
def test_the_interval_always_holds_the_difference(n1, n2, f1, f2):
    x1, x2 = int(n1 * f1), int(n2 * f2)
    d = share_difference((x1, n1), (x2, n2))
    assert d is not None
    assert D("-100") <= d.low <= d.difference <= d.high <= D("100")
    assert D(0) <= d.p_value <= D(1)
