"""The report's filter: which client (of the user's) and which period."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from incasso.clients.models import Client
from incasso.core.forms import PeriodForm, date_field


class ReportForm(PeriodForm):
    """Dates as a Dutch officer types them (24-11-2026) or as the links carry them (2026-11-24)."""

    client = forms.ChoiceField(label=_("Client"), required=False)
    start = date_field(_("From"))
    end = date_field(_("To"))

    def __init__(self, *args: Any, clients: QuerySet[Client], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: list[tuple[str, Any]] = [(c.code, c.name) for c in clients]
        self.several_clients = len(choices) > 1
        field = self.fields["client"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = ([("", _("All clients"))] if self.several_clients else []) + choices

    def clean(self) -> dict[str, Any]:
        data = super().clean()  # PeriodForm: the end not before the start
        end: dt.date | None = data.get("end")
        if end and end > timezone.localdate():
            self.add_error("end", _("A report cannot look past today."))
        return data
