"""Forms for the legal case page: a limitation event and a bailiff's update. Parsing and the
obvious checks (no future dates, amounts above zero); the rules are in `services.py`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from incasso.cases.models import Case, Claim, Document
from incasso.legal.models import BailiffUpdateKind, LimitationEventKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _not_future(value: dt.date | None) -> dt.date | None:
    if value is not None and value > timezone.localdate():
        raise forms.ValidationError(_("This date lies in the future."))
    return value


if TYPE_CHECKING:
    _ClaimField = forms.ModelChoiceField[Claim]
    _DocumentField = forms.ModelChoiceField[Document]
else:  # Django's form fields are not subscriptable at runtime
    _ClaimField = _DocumentField = forms.ModelChoiceField


class _ClaimChoiceField(_ClaimField):
    def label_from_instance(self, obj: Claim) -> str:
        return f"{obj.invoice_number} (vervaldatum {obj.due_date:%d-%m-%Y})"


class _DocumentChoiceField(_DocumentField):
    def label_from_instance(self, obj: Document) -> str:
        return f"{obj.original_name} ({obj.get_kind_display()})"


class _CaseForm(forms.Form):
    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.case = case


class LimitationEventForm(_CaseForm):
    claim = _ClaimChoiceField(label=_("Claim"), queryset=Claim.objects.none(), empty_label=None)
    kind = forms.ChoiceField(label=_("Kind"), choices=LimitationEventKind.choices)
    occurred_on = forms.DateField(
        label=_("Received by the debtor on"),
        widget=DATE,
        help_text=_("The day the statement reached the debtor (3:37 lid 3 BW); for a judgment its date."),
    )
    sent_on = forms.DateField(label=_("Sent on"), widget=DATE, required=False)
    proof = _DocumentChoiceField(
        label=_("Proof"), queryset=Document.objects.none(), required=False, empty_label="—"
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, case=case, **kwargs)
        claim = cast(_ClaimChoiceField, self.fields["claim"])
        claim.queryset = Claim.objects.filter(case=case).order_by("due_date", "pk")
        proof = cast(_DocumentChoiceField, self.fields["proof"])
        proof.queryset = Document.objects.filter(case=case).order_by("-pk")

    def clean_occurred_on(self) -> dt.date | None:
        return _not_future(self.cleaned_data.get("occurred_on"))

    def clean_sent_on(self) -> dt.date | None:
        return _not_future(self.cleaned_data.get("sent_on"))


class BailiffUpdateForm(_CaseForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=BailiffUpdateKind.choices)
    amount = forms.DecimalField(
        label=_("Amount"),
        min_value=Decimal("0.01"),
        max_digits=12,
        decimal_places=2,
        required=False,
        help_text=_("For costs and payments received."),
    )
    on = forms.DateField(label=_("Date"), widget=DATE)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    MONEY = (BailiffUpdateKind.COSTS, BailiffUpdateKind.PAYMENT_RECEIVED)

    def clean_on(self) -> dt.date | None:
        return _not_future(self.cleaned_data.get("on"))

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        kind, amount = data.get("kind"), data.get("amount")
        if kind in self.MONEY and amount is None and "amount" not in self.errors:
            self.add_error("amount", _("Costs and payments need an amount."))
        if kind and kind not in self.MONEY and amount is not None:
            self.add_error("amount", _("Only costs and payments take an amount."))
        return data
