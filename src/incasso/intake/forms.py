"""The claim-file upload form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from incasso.clients.models import Client
from incasso.clients.selectors import client_list_for_user

MAX_UPLOAD_BYTES = 10 * 1024 * 1024


class ClaimFileForm(forms.Form):
    client = forms.ModelChoiceField(label=_("Client"), queryset=Client.objects.none())
    file = forms.FileField(label=_("Claim file (CSV or XLSX)"))
    dry_run = forms.BooleanField(label=_("Only check, import nothing"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = client_list_for_user(user=user)  # type: ignore[attr-defined]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        return upload
