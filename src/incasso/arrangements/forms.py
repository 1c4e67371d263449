"""Forms for the arrangement wizard, approvals, promises, disputes and settlement offers. Parsing only: the rules are in
`schedule.py` and the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from incasso.arrangements.affordability import Household
from incasso.arrangements.models import DisputeReason, DisputeResolution, Frequency, SettlementKind
from incasso.cases.forms import AmountField
from incasso.cases.models import DocumentKind, QuestionTopic
from incasso.core.forms import Form, date_field

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from incasso.cases.models import Case, Document

HOUSEHOLDS = [
    ("", "—"),
    (Household.SINGLE, _("single")),
    (Household.SINGLE_PARENT, _("single parent")),
    (Household.COUPLE, _("couple without children")),
    (Household.COUPLE_WITH_CHILDREN, _("couple with children")),
]


class ScheduleForm(forms.Form):
    frequency = forms.ChoiceField(label=_("Frequency"), choices=Frequency.choices, initial=Frequency.MONTHLY)
    count = forms.IntegerField(label=_("Number of instalments"), min_value=1, max_value=120, initial=6)
    # Dates and amounts as text in Dutch notation (22-11-2026, 1.234,56), as on the case screens: a
    # browser's date or number input follows the browser's language (11/22/2026, and a typed comma is
    # dropped in an English Chrome). The proposals' "Choose" links fill them in the same notation.
    start_on = date_field(_("First instalment on"))
    down_payment = AmountField(
        label=_("Down payment"), min_value=Decimal(0), decimal_places=2, required=False, initial=Decimal(0)
    )
    net_income = AmountField(
        label=_("Net income per month"), min_value=Decimal(0), decimal_places=2, required=False
    )
    fixed_costs = AmountField(
        label=_("Fixed costs per month"), min_value=Decimal(0), decimal_places=2, required=False
    )
    household = forms.ChoiceField(label=_("Household"), choices=HOUSEHOLDS, required=False)
    motivation = forms.CharField(
        label=_("Motivation"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class PromiseForm(forms.Form):
    amount = AmountField(label=_("Amount"), min_value=Decimal("0.01"), decimal_places=2)
    due_on = date_field(_("Promised for"))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class DisputeForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=DisputeReason.choices)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}))
    documents: forms.ModelMultipleChoiceField[Document] = forms.ModelMultipleChoiceField(
        label=_("Documents"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Documents of this case that support or answer the dispute."),
    )

    def __init__(self, *args: Any, case: Case | None = None, **kwargs: Any) -> None:
        from incasso.cases.models import Document

        super().__init__(*args, **kwargs)
        queryset = (
            Document.objects.filter(case=case).order_by("-pk")
            if case is not None
            else Document.objects.none()
        )
        cast("forms.ModelMultipleChoiceField[Document]", self.fields["documents"]).queryset = queryset
        if not queryset.exists():
            del self.fields["documents"]


MAX_UPLOAD = 10 * 1024 * 1024


class SignedUploadForm(forms.Form):
    file = forms.FileField(label=_("Signed agreement (scan or PDF)"))

    def clean_file(self) -> UploadedFile[bytes]:
        upload: UploadedFile[bytes] = self.cleaned_data["file"]
        size = upload.size
        assert size is not None  # FileField.to_python has already rejected a file without a size
        if size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        if size == 0:
            raise forms.ValidationError(_("The file is empty."))
        return upload


class OnlineAcceptanceForm(forms.Form):
    ip = forms.GenericIPAddressField(label=_("IP address of the debtor"))
    accepted_at = forms.DateTimeField(
        label=_("Accepted at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Empty: now."),
    )
    document_sha256 = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def clean_accepted_at(self) -> dt.datetime | None:
        from django.utils import timezone

        value = self.cleaned_data.get("accepted_at")
        if value is not None and value > timezone.now():
            raise forms.ValidationError(_("This moment lies in the future."))
        return value


class DisputeAskForm(forms.Form):
    question = forms.CharField(
        label=_("Question for the client"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class DisputeResolveForm(forms.Form):
    resolution = forms.ChoiceField(label=_("Resolution"), choices=DisputeResolution.choices)
    amount = AmountField(
        label=_("Amount"),
        min_value=Decimal("0.01"),
        decimal_places=2,
        required=False,
        help_text=_("Only for a partial write-off or a credit note."),
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    NEEDS_AMOUNT = (DisputeResolution.PARTIAL_WRITE_OFF, DisputeResolution.CREDIT_NOTE)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        resolution = data.get("resolution")
        amount = data.get("amount")
        if resolution in self.NEEDS_AMOUNT and amount is None and "amount" not in self.errors:
            self.add_error("amount", _("Give the amount for this resolution."))
        if resolution and resolution not in self.NEEDS_AMOUNT and amount is not None:
            self.add_error("amount", _("Only a write-off or a credit note takes an amount."))
        return data


class SettlementForm(Form):
    kind = forms.ChoiceField(
        label=_("Kind of settlement"),
        choices=SettlementKind.choices,
        initial=SettlementKind.LUMP_SUM,
        widget=forms.RadioSelect,
    )
    amount = AmountField(
        label=_("Amount"),
        min_value=Decimal("0.01"),
        decimal_places=2,
        help_text=_("To pay at once, or the agreed value of the goods."),
    )
    deadline = date_field(_("Pay or return by"))
    goods_description = forms.CharField(
        label=_("Goods"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=1000
    )
    return_instructions = forms.CharField(
        label=_("How the goods come back"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=1000,
    )
    settles_in_full = forms.BooleanField(
        label=_("With the goods back, the rest is written off too (finale kwijting)"), required=False
    )
    motivation = forms.CharField(
        label=_("Motivation"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class GoodsReceivedForm(Form):
    received_on = date_field(_("Received on"))
    value = AmountField(label=_("Value credited"), min_value=Decimal("0.01"), decimal_places=2)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class WithdrawForm(Form):
    reason = forms.CharField(label=_("Why"), max_length=300)


class QuestionAskForm(Form):
    topic = forms.ChoiceField(label=_("Topic"), choices=QuestionTopic.choices, initial=QuestionTopic.OTHER)
    question = forms.CharField(
        label=_("Question for the client"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    answer_by = date_field(_("Answer wanted by"), required=False)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern); each is checked by the service."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class QuestionAnswerForm(Form):
    answer = forms.CharField(label=_("Answer"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    attachments = MultipleFileField(label=_("Documents (optional)"), required=False)
    document_kind = forms.ChoiceField(
        label=_("Kind of document"), choices=DocumentKind.choices, initial=DocumentKind.CORRESPONDENCE
    )
    via = forms.CharField(
        label=_("Received via"),
        max_length=200,
        required=False,
        help_text=_("Staff recording the client's answer: how it came in, e.g. by telephone with whom."),
    )
