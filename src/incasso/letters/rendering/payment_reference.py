"""The betalingskenmerk as letters use it: 16 digits, checked (printed with `calculations.sheet.group_by_four`).

The rule itself (modulus-11 check digit, Betaalvereniging Nederland; rules-nl.md §8) lives in the
calculations core; this module only adds what a letter needs on top of it.
"""

from __future__ import annotations

from incasso.calculations.payment_reference import is_valid_payment_reference as _is_valid


def normalize_payment_reference(value: str) -> str:
    """Strip the spaces and dots people and banks put in: '5000 0567.8901 2345' -> '5000056789012345'."""
    return value.replace(" ", "").replace(".", "")


def is_valid_payment_reference(value: str) -> bool:
    """True for a 16-digit betalingskenmerk whose check digit is right (the only length letters print)."""
    return len(normalize_payment_reference(value)) == 16 and _is_valid(value)
