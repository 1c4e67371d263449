from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class EraseForm(forms.Form):
    """Erasure on the debtor's request: what the request was, and a deliberate yes."""

    note = forms.CharField(
        label=_("The debtor's request"),
        max_length=200,
        help_text=_("How and when the debtor asked, e.g. 'e-mail of 12-11-2026'"),
    )
    confirm = forms.BooleanField(
        label=_("I understand that the name, addresses, letters and documents are erased for good"),
    )
