"""Dutch notation for amounts and dates in the UI: `€ 1.234,56` and `22-11-2026`.

The rule itself lives in the pure calculation core (`calculations.sheet`), so the screens, the
calculation sheets and the letters print amounts the same way; this module adds local time for
datetimes.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from incasso.calculations.sheet import format_amount, format_money
from incasso.calculations.sheet import format_date as _format_day

__all__ = ["format_amount", "format_date", "format_money"]


def format_date(value: dt.date | dt.datetime) -> str:
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%d-%m-%Y %H:%M")
    return _format_day(value)
