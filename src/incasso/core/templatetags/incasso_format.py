"""The template filters for money, dates and counts: `€ 1.234,56` (or `SEK 30.000,00`), `22-11-2026`, `50.000`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import template
from django.utils.formats import number_format

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


@register.filter(name="count")
def count(value: int | str | None) -> str:
    """`50.000` (Dutch) or `50,000` (English); empty for nothing, the value itself if it is no number."""
    if value is None or value == "":
        return ""
    try:
        return number_format(int(value), force_grouping=True)  # the language's thousands mark
    except (TypeError, ValueError):
        return str(value)


MINUS = "\u2212"  # a real minus sign, as wide as the plus


@register.filter(name="signed")
def signed(value: Decimal | None, places: int = 1) -> str:
    """A difference with its sign: `+0,7`, `−9,5`, `0,0` (localised decimals)."""
    if value is None:
        return ""
    text = number_format(abs(Decimal(value)), decimal_pos=places)
    return ("+" if value > 0 else MINUS if value < 0 else "") + text


@register.filter(name="signed_euro")
def signed_euro(value: Decimal | None) -> str:
    """An amount of difference with its sign: `+€ 79,50`, `−€ 118,56`."""
    if value is None:
        return ""
    amount = Decimal(value)
    return ("+" if amount > 0 else MINUS if amount < 0 else "") + format_money(abs(amount))
