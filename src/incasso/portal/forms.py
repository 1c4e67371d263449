"""The portal's forms: parsing and field checks only; the rules are in `proposal.py` and the services."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from incasso.arrangements.models import DisputeReason
from incasso.cases.forms import AmountField
from incasso.core.forms import Form, date_field
from incasso.portal.proposal import MAX_INSTALMENTS, MIN_INSTALMENTS


class LoginForm(Form):
    number = forms.CharField(
        label=_("Case number"),
        max_length=40,
        help_text=_("For example 2026-000123. It is at the top of our letter."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none", "autofocus": True}),
    )
    payment_reference = forms.CharField(
        label=_("Payment reference"),
        max_length=40,
        help_text=_("The 16 digits under 'Betalingskenmerk' on our letter."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    postcode = forms.CharField(
        label=_("Your postcode"),
        max_length=12,
        help_text=_("The postcode of the address where you live now, for example 1234 AB."),
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "autocapitalize": "characters"}),
    )


class ProposalForm(Form):
    count = forms.IntegerField(
        label=_("Number of months"),
        min_value=MIN_INSTALMENTS,
        max_value=MAX_INSTALMENTS,
        required=False,
        help_text=_("Between 2 and 36."),
    )
    monthly_amount = AmountField(
        label=_("Or: amount per month"), min_value=Decimal("0.01"), decimal_places=2, required=False
    )
    start_on = date_field(_("First payment on"))
    explanation = forms.CharField(
        label=_("Explanation (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example why you cannot pay everything at once."),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        count, amount = data.get("count"), data.get("monthly_amount")
        if (
            count is None
            and amount is None
            and not self.has_error("count")
            and not self.has_error("monthly_amount")
        ):
            self.add_error("count", _("Fill in either the number of months or the amount per month."))
        elif count is not None and amount is not None:
            self.add_error(
                "monthly_amount", _("Fill in the number of months or the amount per month, not both.")
            )
        return data


class PromiseForm(Form):
    amount = AmountField(label=_("Amount"), min_value=Decimal("0.01"), decimal_places=2)
    due_on = date_field(_("I will pay on"))


# The reasons of `arrangements.models.DisputeReason` (the same codes, so the officer's dispute form can
# take them over), in the debtor's words.
DISPUTE_REASONS = {
    DisputeReason.NOT_RECEIVED: _("I did not receive the product or service"),
    DisputeReason.WRONG_AMOUNT: _("The amount is wrong"),
    DisputeReason.ALREADY_PAID: _("I have already paid"),
    DisputeReason.QUALITY: _("The product or service was not good"),
    DisputeReason.NOT_MINE: _("This is not my debt"),
    DisputeReason.FRAUD: _("Someone else used my name (fraud)"),
}


class DisputeForm(Form):
    reason = forms.ChoiceField(
        label=_("Why do you not agree?"),
        choices=[
            ("", _("— choose a reason —")),
            *((str(code), label) for code, label in DISPUTE_REASONS.items()),
        ],
    )
    description = forms.CharField(
        label=_("Explain what is wrong"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("The more you tell us, the faster we can look into it."),
    )


PHONE = re.compile(r"^\+?[0-9 ()\-]{8,20}$")


class ContactForm(Form):
    email = forms.EmailField(label=_("E-mail address"), required=False, max_length=254)
    phone = forms.CharField(
        label=_("Phone number"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )

    def clean_phone(self) -> str:
        phone = str(self.cleaned_data.get("phone") or "").strip()
        digits = sum(ch.isdigit() for ch in phone)
        if phone and (not PHONE.match(phone) or not 9 <= digits <= 15):
            raise ValidationError(_("Enter a phone number, for example 06 12345678."))
        return phone

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not data.get("email") and not data.get("phone") and not self.errors:
            self.add_error("email", _("Fill in an e-mail address or a phone number."))
        return data


class AcceptForm(Form):
    document_sha256 = forms.CharField(widget=forms.HiddenInput, max_length=64)
    agree = forms.BooleanField(
        label=_("I have read the agreement and I agree to it"),
        error_messages={"required": _("Tick the box to say you agree.")},
    )
