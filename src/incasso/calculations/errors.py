"""Errors raised by the calculation core.

All are `ValueError`s so callers that only know "bad input" can catch one thing; the edges (CLI, forms)
turn them into a one-line message.
"""

from __future__ import annotations


class CalculationError(ValueError):
    """Input the rules cannot be applied to (negative principal, reversed period, ...)."""


class RateTableError(CalculationError):
    """A rate table is malformed: empty, unsorted, duplicate dates, gaps or overlaps."""


class DateOutOfRangeError(CalculationError):
    """A date lies before the first row of a rate table."""


class PaymentReferenceError(CalculationError):
    """A payment reference (betalingskenmerk) is malformed."""
