"""A browser's date picker (<input type="date">) reads only ISO dates: a Dutch "24-11-2026" shows empty."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.utils import translation

from incasso.arrangements.forms import PromiseForm
from incasso.legal.forms import DATE
from incasso.payments.forms import RemittanceForm


@pytest.mark.parametrize("language", ["nl", "en"])
def test_date_pickers_get_their_value_in_iso_whatever_the_language(language):
    class Form(forms.Form):
        on = forms.DateField(widget=DATE)

    with translation.override(language):
        html = str(Form(initial={"on": dt.date(2026, 11, 24)})["on"])
        promise = str(PromiseForm(initial={"due_on": dt.date(2026, 12, 1)})["due_on"])
    assert 'type="date"' in html and 'value="2026-11-24"' in html
    # the promise form takes a Dutch date as text, as the case screens do (no picker: an English
    # browser's picker reads a typed 04-12 as April 12)
    assert 'type="text"' in promise and 'value="01-12-2026"' in promise
    # the remittance period too: Dutch text dates, as on the case screens
    with translation.override(language):
        period = RemittanceForm.base_fields["period_from"].widget.render("period_from", dt.date(2026, 11, 24))
    assert 'type="text"' in period and 'value="24-11-2026"' in period
