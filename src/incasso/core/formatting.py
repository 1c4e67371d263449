"""Dutch notation for amounts and dates in the UI: `€ 1.234,56` and `22-11-2026`.

The rule itself lives in the pure calculation core (`calculations.sheet`), so the screens, the
calculation sheets and the letters print amounts the same way; this module adds local time for
datetimes.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import TextChoices
from django.utils import timezone, translation

from incasso.calculations.sheet import format_amount, format_money
from incasso.calculations.sheet import format_date as _format_day

__all__ = ["choice_label", "format_amount", "format_date", "format_money", "record_text"]


def format_date(value: dt.date | dt.datetime) -> str:
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%d-%m-%Y %H:%M")
    return _format_day(value)


def record_text(text: object) -> str:
    """A label for text stored in the case record (timeline summaries), in the record's language
    (LANGUAGE_CODE, Dutch) whatever the language of the user whose action writes it: the summaries
    themselves are Dutch, and an English officer's action must not leave "Betwisting geopend: wrong
    amount" behind."""
    if translation.get_language() in (None, settings.LANGUAGE_CODE):
        return str(text)
    with translation.override(settings.LANGUAGE_CODE):
        return str(text)


def choice_label(choices: type[TextChoices], code: str) -> str:
    """The label of a stored code in the current language (`reminder` → "herinnering"); a code the
    choices do not (or no longer) know, as it is: history may hold values from older versions."""
    return str(choices(code).label) if code in choices.values else code
