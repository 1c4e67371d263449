"""Amounts and dates as printed on letters: '€ 1.234,56' (nl) or '€1,234.56' (en), '22-11-2026'.

Dutch notation is the calculation core's (``incasso.calculations.sheet``), shared with the screens
and the calculation sheets; English notation is added here. Both round half-up to cents.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from incasso.calculations.sheet import format_money as dutch_money
from incasso.letters.rendering.data import Language


def format_money(value: Decimal, language: Language) -> str:
    """Decimal('-1234.5') -> '€ -1.234,50' (nl) or '-€1,234.50' (en)."""
    if isinstance(value, bool) or not isinstance(value, Decimal):
        raise TypeError(f"amount must be a Decimal, got {type(value).__name__}")
    if language == "nl":
        return dutch_money(value)
    q = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    whole, _, cents = f"{abs(q):.2f}".partition(".")
    groups: list[str] = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    sign = "-" if q < 0 else ""
    return f"{sign}€{','.join(groups)}.{cents}"


def format_date(value: dt.date) -> str:
    """date(2026, 11, 22) -> '22-11-2026' (the same in both languages: no month names to misread)."""
    return value.strftime("%d-%m-%Y")
