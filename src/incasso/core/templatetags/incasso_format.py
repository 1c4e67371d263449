"""The template filters for money and dates: `€ 1.234,56` (or `SEK 30.000,00`) and `22-11-2026`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import template

from incasso.core.formatting import format_amount, format_date, format_money

register = template.Library()


@register.filter(name="money")
def money(value: Decimal | int | str | None, currency: str = "EUR") -> str:
    """An amount in its own currency: `€ 1.234,56`, but `SEK 30.000,00` for a foreign bank line."""
    if value is None or value == "":
        return ""
    if not currency or currency == "EUR":
        return format_money(Decimal(value))
    return f"{currency} {format_amount(Decimal(value))}"


@register.filter(name="euro")
def euro(value: Decimal | int | str | None) -> str:
    return money(value)


@register.filter(name="nldate")
def nldate(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    return format_date(value)
