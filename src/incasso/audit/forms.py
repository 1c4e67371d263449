"""The access log's filter: case number, user, and a period (both days included)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from incasso.core.forms import PeriodForm, date_field


class UserChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        name = obj.get_full_name()
        return f"{obj.get_username()} ({name})" if name else str(obj.get_username())


class AccessLogFilterForm(PeriodForm):
    case = forms.CharField(
        label=_("Case number"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"placeholder": _("case number"), "size": 14, "autocomplete": "off"}),
    )
    user = UserChoiceField(
        label=_("User"),
        required=False,
        empty_label=_("All users"),
        # deactivated accounts too: an investigation often starts after someone left
        queryset=get_user_model().objects.order_by("username"),
    )
    start = date_field(_("From"), required=False)
    end = date_field(_("To"), required=False)
