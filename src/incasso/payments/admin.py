"""A client's contract (commission, interest, remittance IBAN), edited by an administrator.
`config/admin.py` shows it inline on the client's page too. The remittance IBAN is checked with
schwifty when saved, as `remittance_prepare` checks it again before paying out."""

from typing import Any

from django import forms
from django.contrib import admin

from incasso.core.exceptions import DomainError
from incasso.payments.models import ClientContract
from incasso.payments.sepa import iban_check


class ClientContractForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = ClientContract
        fields = "__all__"

    def clean_remittance_iban(self) -> str:
        value: str = self.cleaned_data.get("remittance_iban", "")
        if not value.strip():
            return ""
        try:
            return iban_check(value).iban
        except DomainError as exc:
            raise forms.ValidationError(exc.message) from None


class ClientContractInline(admin.StackedInline):  # type: ignore[type-arg]
    """On the client's page; no row means no commission, interest to the client, the client's IBAN."""

    model = ClientContract
    form = ClientContractForm
    extra = 0
    max_num = 1


@admin.register(ClientContract)
class ClientContractAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = ClientContractForm
    list_display = ["client", "commission_percent", "interest_to_client", "remittance_iban"]
    search_fields = ["client__name", "client__code"]
    autocomplete_fields = ["client"]

    def get_queryset(self, request: Any) -> Any:
        return super().get_queryset(request).select_related("client")
