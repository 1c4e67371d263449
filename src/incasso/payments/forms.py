from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class QueueSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(
            attrs={"placeholder": _("name, amount, reference or case number"), "type": "search"}
        ),
    )


class MatchForm(forms.Form):
    case_number = forms.CharField(label=_("Case number"), max_length=20)


class StatementUploadForm(forms.Form):
    file = forms.FileField(label=_("Bank statement (CAMT.053/.054 or MT940)"))


class RemittanceForm(forms.Form):
    client = forms.CharField(label=_("Client code"), max_length=20)
    period_from = forms.DateField(
        label=_("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    period_to = forms.DateField(
        label=_("To"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
