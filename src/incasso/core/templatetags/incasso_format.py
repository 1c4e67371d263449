"""The one pair of template filters for money and dates: `€ 1.234,56` and `22-11-2026`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import template

from incasso.core.formatting import format_date, format_money

register = template.Library()


@register.filter(name="euro")
def euro(value: Decimal | int | str | None) -> str:
    if value is None or value == "":
        return ""
    return format_money(Decimal(value))


@register.filter(name="nldate")
def nldate(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    return format_date(value)
