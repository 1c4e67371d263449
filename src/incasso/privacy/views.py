"""Privacy (AVG): the retention list, a debtor's data, the copy for an access request, erasure.

Agency-wide work (a debtor's cases may belong to several clients): only supervisors and
administrators without a client restriction (`agency_supervisor_required`).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from incasso.cases.models import Case
from incasso.core.access import agency_supervisor_required
from incasso.core.exceptions import DomainError
from incasso.debtors.models import Debtor
from incasso.privacy import retention, selectors, services
from incasso.privacy.forms import EraseForm

SHOWN_DUE = 100


@agency_supervisor_required
def index(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    years = selectors.retention_years()
    due = selectors.debtors_due(today=today, years=years)
    query = request.GET.get("q", "").strip()
    return render(
        request,
        "privacy/index.html",
        {
            "years": years,
            "minimum_years": retention.MINIMUM_YEARS,
            "cutoff": retention.cutoff(today=today, years=years),
            "due": due[:SHOWN_DUE],
            "due_count": due.count(),
            "query": query,
            "found": selectors.debtor_search(query) if query else None,
        },
    )


@agency_supervisor_required
@require_POST
def erase_due_view(request: HttpRequest) -> HttpResponse:
    result = services.erase_due(by=request.user)
    messages.success(
        request,
        _("Personal data of %(n)s debtor(s) erased; %(files)s old direct-debit file(s) cleared.")
        % {"n": result.erased, "files": result.collection_files_cleared},
    )
    return redirect("privacy:index")


def _debtor_page(request: HttpRequest, debtor: Debtor, form: EraseForm, status: int = 200) -> HttpResponse:
    today = timezone.localdate()
    years = selectors.retention_years()
    cases = Case.objects.filter(debtor=debtor).select_related("client").order_by("opened_on", "pk")
    return render(
        request,
        "privacy/debtor.html",
        {
            "debtor": debtor,
            "cases": cases,
            "years": years,
            "minimum_years": retention.MINIMUM_YEARS,
            "term": selectors.debtor_retention(debtor, today=today, years=years),
            "on_request": selectors.debtor_retention(debtor, today=today, years=retention.MINIMUM_YEARS),
            "held": selectors.debtor_holdings(debtor),
            "form": form,
        },
        status=status,
    )


@agency_supervisor_required
def debtor(request: HttpRequest, pk: int) -> HttpResponse:
    return _debtor_page(request, get_object_or_404(Debtor, pk=pk), EraseForm())


@agency_supervisor_required
@require_POST
def export(request: HttpRequest, pk: int) -> HttpResponse:
    """The ZIP for an access request (POST: handing it out is recorded on every case)."""
    found = get_object_or_404(Debtor, pk=pk)
    copy = services.debtor_access_copy(debtor=found, by=request.user, agency=settings.INCASSO_AGENCY["name"])
    response = HttpResponse(copy.content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{copy.filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@agency_supervisor_required
@require_POST
def erase(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(Debtor, pk=pk)
    form = EraseForm(request.POST)
    if not form.is_valid():
        return _debtor_page(request, found, form, status=422)
    try:
        services.debtor_anonymise(
            debtor=found, by=request.user, reason=services.Reason.REQUEST, note=form.cleaned_data["note"]
        )
    except DomainError as exc:
        form.add_error(None, exc.message)
        return _debtor_page(request, found, form, status=422)
    messages.success(request, _("The debtor's personal data was erased."))
    return redirect("privacy:debtor", pk=found.pk)
