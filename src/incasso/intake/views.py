"""Claim-file upload for agency staff: the same import as `incasso import claims`."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from incasso.core.access import staff_required
from incasso.intake.forms import ClaimFileForm
from incasso.intake.services import claims_import_file


@staff_required
def claims_upload(request: HttpRequest) -> HttpResponse:
    report = None
    if request.method == "POST":
        form = ClaimFileForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            report = claims_import_file(
                client=form.cleaned_data["client"],
                data=upload.read(),
                file_name=upload.name or "upload",
                actor=request.user,
                dry_run=form.cleaned_data["dry_run"],
            )
    else:
        form = ClaimFileForm(user=request.user)
    return render(request, "intake/claims_upload.html", {"form": form, "report": report})
