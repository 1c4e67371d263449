"""Form plumbing every screen shares: labels without a colon, and a date as a Dutch user types it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

DATE_FORMATS = ["%d-%m-%Y", "%d-%m-%y", "%d/%m/%Y", "%Y-%m-%d"]


class Form(forms.Form):
    """Labels without the trailing colon: calmer in dense screens."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class DateInput(forms.DateInput):
    """A Dutch date as text (22-11-2026) in every browser and language; a native date picker
    would show the browser's own format (11/22/2026 in an English browser)."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        attrs = {
            "placeholder": _("dd-mm-yyyy"),
            "inputmode": "numeric",
            "size": 10,
            "autocomplete": "off",
            **(attrs or {}),
        }
        super().__init__(attrs=attrs, format="%d-%m-%Y")


def date_field(label: Any, *, required: bool = True) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DateInput(), input_formats=DATE_FORMATS)


class PeriodForm(Form):
    """A form with a `start` and an `end` date (each declared by the subclass, required or not): an end
    before the start is named on the end."""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start: dt.date | None = data.get("start")
        end: dt.date | None = data.get("end")
        if start and end and start > end:
            self.add_error("end", _("The period ends before it starts."))
        return data
