"""Betalingen: the manual queue, matching a transaction to a case by hand, uploading a statement,
remittances to clients (afdracht) with their downloads; the case screen's panel of direct-debit
mandates (record one, revoke one).

Agency staff only (`staff_required`: anonymous → login, client users → 403). Reads go through
selectors, writes through services; a DomainError goes back onto the form. Staff restricted to some
clients see every bank line but only their clients' cases (booking elsewhere: "case not found"),
remittances and clients; they cannot import a statement, which books on every client's cases (403).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from incasso.bankfiles import StatementFileError
from incasso.cases.models import Case
from incasso.cases.selectors import case_get_for_user
from incasso.core.access import require_agency_wide, require_write, staff_required
from incasso.core.exceptions import DomainError
from incasso.core.formatting import format_money
from incasso.core.htmx import is_fragment_request, reload_page
from incasso.debtors.selectors import debtor_iban_latest
from incasso.payments import selectors, services
from incasso.payments.direct_debit import mandate_record, mandate_revoke
from incasso.payments.forms import (
    MandateForm,
    MandateRevokeForm,
    MatchForm,
    QueueSearchForm,
    RemittanceForm,
    SetAsideForm,
    StatementUploadForm,
)
from incasso.payments.models import BankTransaction
from incasso.payments.remittance import (
    remittance_prepare,
    remittance_statement,
    statement_csv,
    statement_xlsx,
)
from incasso.payments.set_aside import transaction_back_to_queue, transaction_set_aside

PER_PAGE = 50
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


@staff_required
@require_http_methods(["GET"])
def queue(request: HttpRequest) -> HttpResponse:
    form = QueueSearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    queue = selectors.transaction_queue(user=request.user, query=query)
    page = Paginator(queue, PER_PAGE).get_page(request.GET.get("page"))
    selectors.transaction_reasons_for_user(user=request.user, transactions=page)
    context = {"form": form, "page": page, "match_form": MatchForm()}
    return render(request, "payments/queue.html", context | _set_aside_context(request))


def _set_aside_context(request: HttpRequest) -> dict[str, object]:
    """What only agency-wide staff get: the payments set aside, and the form to set one aside."""
    if getattr(request.user, "is_restricted", True):
        return {}
    return {"set_aside": selectors.transactions_set_aside(), "set_aside_form": SetAsideForm()}


def _transaction(transaction_id: int) -> BankTransaction:
    txn = selectors.transaction_get(transaction_id=transaction_id)
    if txn is None:
        raise Http404("No such transaction")
    return txn


def _payment_words(txn: BankTransaction) -> dict[str, str]:
    """The payment as a flash message names it: its amount and who paid."""
    return {"amount": format_money(txn.amount), "name": txn.counterparty_name or "?"}


@staff_required
@require_POST
def match(request: HttpRequest, transaction_id: int) -> HttpResponse:
    txn = _transaction(transaction_id)
    form = MatchForm(request.POST)
    if form.is_valid():
        try:
            booked = services.transaction_match_manual(
                transaction_id=txn.pk, case_number=form.cleaned_data["case_number"], actor=request.user
            )
        except DomainError as error:
            form.add_error("case_number", error.message)
        else:
            assert booked.case is not None
            messages.success(request, _("Payment booked on case %(number)s") % {"number": booked.case.number})
            return redirect("payments:queue")
    return _queue_with_error(request, txn.pk, match_form=form)


def _queue_with_error(
    request: HttpRequest,
    failed_id: int,
    *,
    match_form: MatchForm | None = None,
    set_aside_form: SetAsideForm | None = None,
) -> HttpResponse:
    page = Paginator(selectors.transaction_queue(user=request.user), PER_PAGE).get_page(1)
    selectors.transaction_reasons_for_user(user=request.user, transactions=page)
    context = {"form": QueueSearchForm(), "page": page, "match_form": match_form or MatchForm()}
    context |= _set_aside_context(request) | {"failed_id": failed_id}
    if set_aside_form is not None:
        context["set_aside_form"] = set_aside_form
    return render(request, "payments/queue.html", context, status=400)


@staff_required
@require_POST
def set_aside(request: HttpRequest, transaction_id: int) -> HttpResponse:
    """A payment that pays no case leaves the queue with a reason (agency-wide staff only)."""
    require_agency_wide(request.user)
    txn = _transaction(transaction_id)
    form = SetAsideForm(request.POST)
    if form.is_valid():
        try:
            transaction_set_aside(
                transaction_id=txn.pk, reason=form.cleaned_data["reason"], actor=request.user
            )
        except DomainError as error:
            form.add_error("reason" if error.field == "reason" else None, error.message)
        else:
            messages.success(
                request,
                _("Payment of %(amount)s from %(name)s set aside") % _payment_words(txn),
            )
            return redirect("payments:queue")
    return _queue_with_error(request, txn.pk, set_aside_form=form)


@staff_required
@require_POST
def back_to_queue(request: HttpRequest, transaction_id: int) -> HttpResponse:
    require_agency_wide(request.user)
    txn = _transaction(transaction_id)
    try:
        transaction_back_to_queue(transaction_id=txn.pk, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Payment of %(amount)s from %(name)s is back in the queue") % _payment_words(txn),
        )
    return redirect("payments:queue")


@staff_required
@require_http_methods(["GET", "POST"])
def statement_upload(request: HttpRequest) -> HttpResponse:
    require_agency_wide(request.user)  # a statement books on every client's cases
    summary = error = None
    form = StatementUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            error = _("The file is larger than 20 MB")
        else:
            try:
                summary = services.statement_import(data=upload.read(), name=upload.name, actor=request.user)
            except StatementFileError as exc:
                error = str(exc)
    status = 400 if error or (request.method == "POST" and not form.is_valid()) else 200
    return render(
        request, "payments/import.html", {"form": form, "summary": summary, "error": error}, status=status
    )


@staff_required
@require_http_methods(["GET", "POST"])
def remittances(request: HttpRequest) -> HttpResponse:
    form = RemittanceForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        client = selectors.client_by_code(code=form.cleaned_data["client"], user=request.user)
        if client is None:
            form.add_error("client", _("No such client"))
        else:
            try:
                made = remittance_prepare(
                    client=client,
                    period_from=form.cleaned_data["period_from"],
                    period_to=form.cleaned_data["period_to"],
                    actor=request.user,
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Remittance %(id)s prepared") % {"id": made.pk})
                return redirect("payments:remittances")
    page = Paginator(selectors.remittance_list(user=request.user), PER_PAGE).get_page(request.GET.get("page"))
    status = 400 if request.method == "POST" else 200
    return render(request, "payments/remittances.html", {"form": form, "page": page}, status=status)


DOWNLOADS = {
    "csv": ("statement.csv", "text/csv; charset=utf-8"),
    "xlsx": ("statement.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pain001": ("pain001.xml", "application/xml"),
}


@staff_required
@require_http_methods(["GET"])
def remittance_download(request: HttpRequest, remittance_id: int, kind: str) -> HttpResponse:
    remittance = selectors.remittance_get(remittance_id=remittance_id, user=request.user)
    if remittance is None or kind not in DOWNLOADS:
        raise Http404("No such remittance")
    name, content_type = DOWNLOADS[kind]
    if kind == "pain001":
        if not remittance.pain001:
            raise Http404("Nothing to transfer")
        data = bytes(remittance.pain001)
    else:
        statement = remittance_statement(remittance=remittance)
        data = (
            statement_csv(statement)
            if kind == "csv"
            else statement_xlsx(statement, title=remittance.client.code)
        )
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="{remittance.client.code}-{remittance.pk}-{name}"'
    )
    return response


# --- Direct-debit mandates on the case screen --------------------------------------------------------

MANDATES_PANEL = "payments/_case_mandates.html"


def _mandates_context(
    case: Case, *, form: MandateForm | None = None, revoke: tuple[int, MandateRevokeForm] | None = None
) -> dict[str, object]:
    """The panel: the case's mandates and, for an open case, the form to record one (filled with the
    debtor's name and last known IBAN). `revoke` is a revoke form with its errors, for one mandate."""
    initial = {
        "debtor_name": case.debtor.display_name,
        "debtor_iban": debtor_iban_latest(debtor_id=case.debtor_id),
        "signed_on": timezone.localdate(),
    }
    return {
        "case": case,
        "mandates": selectors.mandates_for_case(case=case),
        "mandate_form": form or MandateForm(initial=initial, prefix="mandate"),
        "revoke_form": revoke[1] if revoke else MandateRevokeForm(prefix="revoke"),
        "revoke_failed": revoke,
    }


def _mandates_response(request: HttpRequest, case: Case, context: dict[str, object]) -> HttpResponse:
    """A refused form: htmx gets the panel with the errors in place; a plain post the panel on a page
    of its own (400), as the case screen loads the panel with htmx."""
    if is_fragment_request(request):
        return render(request, MANDATES_PANEL, context)
    return render(request, "payments/case_mandates.html", context, status=400)


@login_required
@require_http_methods(["GET"])
def case_mandates(request: HttpRequest, number: str) -> HttpResponse:
    """The case's mandates: a panel the case screen loads (htmx) for agency staff. A case outside the
    user's scope is 404 (as every case URL), a client user on its own client's case 403."""
    case = case_get_for_user(user=request.user, number=number)
    require_write(request.user)
    return render(request, MANDATES_PANEL, _mandates_context(case))


@login_required
@require_POST
def mandate_add(request: HttpRequest, number: str) -> HttpResponse:
    case = case_get_for_user(user=request.user, number=number)  # 404 outside the scope, then 403
    require_write(request.user)
    form = MandateForm(request.POST, prefix="mandate")
    if form.is_valid():
        try:
            mandate = mandate_record(
                case=case, actor=request.user, today=timezone.localdate(), **form.cleaned_data
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    if form.errors:
        return _mandates_response(request, case, _mandates_context(case, form=form))
    messages.success(request, _("Mandate %(id)s recorded.") % {"id": mandate.mandate_id})
    return reload_page(request, f"{reverse('cases:detail', args=[case.number])}#mandates")


@login_required
@require_POST
def mandate_revoke_view(request: HttpRequest, number: str, mandate_pk: int) -> HttpResponse:
    case = case_get_for_user(user=request.user, number=number)
    require_write(request.user)
    mandate = selectors.mandate_get_for_case(case=case, mandate_pk=mandate_pk)
    if mandate is None:
        raise Http404("No such mandate on this case")
    form = MandateRevokeForm(request.POST, prefix="revoke")
    if form.is_valid():
        try:
            mandate_revoke(mandate=mandate, reason=form.cleaned_data["reason"], actor=request.user)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    if form.errors:
        return _mandates_response(request, case, _mandates_context(case, revoke=(mandate.pk, form)))
    messages.success(request, _("Mandate %(id)s revoked.") % {"id": mandate.mandate_id})
    return reload_page(request, f"{reverse('cases:detail', args=[case.number])}#mandates")
