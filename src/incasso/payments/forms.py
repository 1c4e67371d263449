from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from incasso.clients.selectors import client_list_for_user
from incasso.core.forms import Form, date_field


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


class SetAsideForm(forms.Form):
    reason = forms.CharField(label=_("Why"), max_length=300)


class StatementUploadForm(forms.Form):
    file = forms.FileField(label=_("Bank statement (CAMT.053/.054 or MT940)"))


class RemittanceForm(forms.Form):
    """The client to remit to, chosen from the clients the user may see (by code, as the `remit`
    command takes it), and the period as Dutch text dates like the case screens."""

    client = forms.ChoiceField(label=_("Client"))
    period_from = date_field(_("From"))
    period_to = date_field(_("To"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        clients = client_list_for_user(user=user).order_by("name").values_list("code", "name")
        self.fields["client"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (code, f"{name} ({code})") for code, name in clients
        ]


class MandateForm(Form):
    """A signed SEPA mandate as the officer copies it from the form; the service checks the IBAN
    (schwifty), the signature date and the reference."""

    debtor_name = forms.CharField(label=_("Account holder"), max_length=70)
    debtor_iban = forms.CharField(
        label=_("IBAN"),
        max_length=42,  # 34 characters and the spaces of the printed groups
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "class": "mono"}),
    )
    signed_on = date_field(_("Signed on"))
    mandate_id = forms.CharField(
        label=_("Mandate reference (optional)"),
        max_length=35,
        required=False,
        help_text=_("as printed on the signed form; empty: the case number with -M1, -M2, …"),
    )


class MandateRevokeForm(Form):
    reason = forms.CharField(
        label=_("Why"),
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. debtor withdrew the mandate"), "size": 45}),
    )
