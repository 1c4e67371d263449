"""The officer's screens: case list, case screen and its actions, document download, new case.

Views read only through selectors (which answer 404 outside the user's scope) and write only
through services (whose DomainError goes back onto the form field it names). Every write first
finds the case in the user's scope (404), then checks the user may write (403): a client user
cannot learn that another client's case exists, and cannot change their own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from incasso.audit.models import AccessKind
from incasso.audit.selectors import access_log_for_case
from incasso.audit.services import access_record
from incasso.calculations import CalculationError
from incasso.calculations.sheet import group_by_four, render_statement
from incasso.cases import debtor_data, selectors, services, timeline
from incasso.cases.contact import contact_check, refused_channels
from incasso.cases.forms import (
    AddressForm,
    CalculationDateForm,
    CaseOpenForm,
    CaseSearchForm,
    ClaimFormSet,
    ContactForm,
    ContactPointForm,
    DebtorForm,
    DocumentForm,
    InterestFreezeEndForm,
    InterestFreezeForm,
    LanguageForm,
    MarkInvalidForm,
    NoteForm,
    TaskForm,
    TransitionForm,
    add_domain_error,
)
from incasso.cases.freezes import freeze_current, interest_freeze_end_by_hand, interest_freeze_place
from incasso.cases.models import Case
from incasso.cases.statement import case_statement, statement_for_reading
from incasso.cases.states import allowed_targets
from incasso.core.access import can_write, is_supervisor, require_write, staff_required
from incasso.core.exceptions import DomainError
from incasso.core.formatting import format_date
from incasso.core.htmx import is_fragment_request, reload_page
from incasso.debtors.services import debtor_create, debtor_validate

LIST_TEMPLATE = "cases/case_list.html"
DETAIL_TEMPLATE = "cases/case_detail.html"
CASES_PER_PAGE = 50


@login_required
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    form = CaseSearchForm(request.GET, user=request.user)
    filters = form.filters() if form.is_valid() else {}
    cases = selectors.case_list_for_user(user=request.user, **filters)
    page = Paginator(cases, CASES_PER_PAGE).get_page(request.GET.get("page"))
    template = f"{LIST_TEMPLATE}#results" if is_fragment_request(request) else LIST_TEMPLATE
    response = render(request, template, {"form": form, "page": page, "can_write": can_write(request.user)})
    patch_vary_headers(response, ["HX-Request"])
    return response


def _detail_context(request: HttpRequest, number: str, **forms: forms.Form) -> dict[str, Any]:
    case_file = selectors.case_file_for_user(user=request.user, number=number)
    writable = can_write(request.user)
    today = timezone.localdate()
    refused = refused_channels(case_file.case.debtor_id)  # the debtor panel and the call panel
    context: dict[str, Any] = {
        "refused_channels": refused,
        "file": case_file,
        "case": case_file.case,
        "payment_reference": group_by_four(case_file.case.payment_reference),
        "can_write": writable,
        "today": today,
        "current_freeze": freeze_current(list(case_file.interest_freezes), today=today),
    }
    if writable:
        context |= {
            "freeze_form": InterestFreezeForm(initial={"starts_on": today}),
            "freeze_end_form": InterestFreezeEndForm(prefix="end", initial={"ends_on": today}),
            "note_form": NoteForm(),
            "task_form": TaskForm(initial={"due_on": timezone.localdate()}),
            "contact_form": ContactForm(open_tasks=[t for t in case_file.tasks if not t.is_done]),
            "contact_check": contact_check(debtor_id=case_file.case.debtor_id, refused=refused),
            "document_form": DocumentForm(),
            "address_form": AddressForm(initial={"moved_on": today, "country": "NL"}),
            "contact_point_form": ContactPointForm(),
            "invalid_form": MarkInvalidForm(),
            "language_form": LanguageForm(initial={"language": case_file.case.debtor.language}),
            "transition_form": TransitionForm(),
            "allowed_targets": [
                (s, Case(state=s).get_state_display()) for s in allowed_targets(case_file.case.state)
            ],
        } | forms
    return context


@login_required
@require_GET
def case_detail(request: HttpRequest, number: str) -> HttpResponse:
    """The case screen. Its full load is recorded in the access log; the fragments it loads with htmx
    and the re-renders after an action on it are not (the user already has the page)."""
    context = _detail_context(request, number)
    case = context["case"]
    access_record(user=request.user, case=case, kind=AccessKind.CASE_SCREEN)
    if is_supervisor(request.user):  # "Seen by": after recording, so this visit is the first line
        context["access_log"] = access_log_for_case(case=case)
    return render(request, DETAIL_TEMPLATE, context)


def case_action(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A POST on one case: login, find the case in the user's scope (404), then may they write (403)."""

    @wraps(view)
    def wrapper(request: HttpRequest, number: str, **kwargs: Any) -> HttpResponse:
        case = selectors.case_get_for_user(user=request.user, number=number)
        require_write(request.user)
        return view(request, case, **kwargs)

    return login_required(require_POST(wrapper))


def _section_response(
    request: HttpRequest, case: Case, section: str, form_name: str, form: forms.Form
) -> HttpResponse:
    """After an action: htmx gets the section and the timeline (out of band); a plain POST gets the
    page again when the form has errors, else a redirect (post/redirect/get)."""
    if not form.errors and not is_fragment_request(request):
        return redirect(f"{reverse('cases:detail', args=[case.number])}#{section}")
    context = _detail_context(request, case.number, **({form_name: form} if form.errors else {}))
    if not is_fragment_request(request):
        return render(request, DETAIL_TEMPLATE, context, status=400)
    html = render_to_string(f"{DETAIL_TEMPLATE}#{section}", context, request)
    html += render_to_string(f"{DETAIL_TEMPLATE}#timeline", {**context, "oob": True}, request)
    return HttpResponse(html)


@case_action
def note_add(request: HttpRequest, case: Case) -> HttpResponse:
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            timeline.note_add(case=case, author=request.user, text=form.cleaned_data["text"])
        except DomainError as exc:
            add_domain_error(form, exc)
    return _section_response(request, case, "notes", "note_form", form)


def _debtor_response(request: HttpRequest, case: Case, form_name: str, form: forms.Form) -> HttpResponse:
    """Like `_section_response`, but a change that worked reloads the whole page: the header shows the
    current address and the contact panel what may be used, not only this section."""
    if form.errors:
        return _section_response(request, case, "debtor", form_name, form)
    return reload_page(request, f"{reverse('cases:detail', args=[case.number])}#debtor")


@case_action
def debtor_address_add(request: HttpRequest, case: Case) -> HttpResponse:
    form = AddressForm(request.POST)
    if form.is_valid():
        try:
            debtor_data.debtor_address_add(
                case=case,
                address=form.address_input(),
                moved_on=form.cleaned_data["moved_on"],
                actor=request.user,
            )
        except DomainError as exc:
            add_domain_error(form, exc)
    return _debtor_response(request, case, "address_form", form)


@case_action
def debtor_contact_add(request: HttpRequest, case: Case) -> HttpResponse:
    form = ContactPointForm(request.POST)
    if form.is_valid():
        try:
            debtor_data.debtor_contact_add(case=case, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
    return _debtor_response(request, case, "contact_point_form", form)


@case_action
def debtor_language(request: HttpRequest, case: Case) -> HttpResponse:
    form = LanguageForm(request.POST)
    if form.is_valid():
        try:
            debtor_data.debtor_language_set(
                case=case, language=form.cleaned_data["language"], actor=request.user
            )
        except DomainError as exc:
            add_domain_error(form, exc)
    return _debtor_response(request, case, "language_form", form)


@case_action
def debtor_mark_invalid(request: HttpRequest, case: Case, what: str) -> HttpResponse:
    """`what`: "address" or "contact" (the URL says which)."""
    if what not in ("address", "contact"):
        raise Http404("Nothing of that kind to mark")
    form = MarkInvalidForm(request.POST)
    if form.is_valid():
        target, reason = form.cleaned_data["target"], form.cleaned_data["reason"]
        try:
            if what == "address":
                debtor_data.debtor_address_mark_invalid(
                    case=case, address_id=target, reason=reason, actor=request.user
                )
            else:
                debtor_data.debtor_contact_mark_invalid(
                    case=case, contact_point_id=target, reason=reason, actor=request.user
                )
        except DomainError as exc:
            form.add_error(None, exc.message)
    return _debtor_response(request, case, "invalid_form", form)


@case_action
def task_add(request: HttpRequest, case: Case) -> HttpResponse:
    form = TaskForm(request.POST)
    if form.is_valid():
        try:
            timeline.task_create(case=case, created_by=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
    return _section_response(request, case, "tasks", "task_form", form)


@case_action
def contact_log(request: HttpRequest, case: Case) -> HttpResponse:
    open_tasks = list(case.tasks.filter(done_at__isnull=True).order_by("due_on", "pk"))
    form = ContactForm(request.POST, open_tasks=open_tasks)
    if form.is_valid():
        try:
            timeline.contact_log(case=case, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
    return _section_response(request, case, "tasks", "contact_form", form)


@case_action
def task_done(request: HttpRequest, case: Case, task_id: int) -> HttpResponse:
    task = selectors.task_get_for_user(user=request.user, case_number=case.number, task_id=task_id)
    timeline.task_complete(task=task, by=request.user)
    return _section_response(request, case, "tasks", "task_form", forms.Form())


@case_action
def document_add(request: HttpRequest, case: Case) -> HttpResponse:
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            timeline.document_add(
                case=case,
                upload=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
                uploaded_by=request.user,
            )
        except DomainError as exc:
            add_domain_error(form, exc)
    return _section_response(request, case, "documents", "document_form", form)


@case_action
def case_transition(request: HttpRequest, case: Case) -> HttpResponse:
    form = TransitionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.case_transition(
                case=case,
                to=data["state"],
                actor=request.user,
                reason=data["reason"],
                closing_reason=data["closing_reason"] or None,
            )
        except DomainError as exc:
            add_domain_error(form, exc)
    if form.errors:
        return render(
            request, DETAIL_TEMPLATE, _detail_context(request, case.number, transition_form=form), status=400
        )
    return redirect("cases:detail", case.number)


@case_action
def interest_freeze_add(request: HttpRequest, case: Case) -> HttpResponse:
    """Freeze the interest by hand (plain POST: the header, balance and sheet all change)."""
    form = InterestFreezeForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            interest_freeze_place(
                case=case,
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                reason=data["reason"],
                actor=request.user,
                today=timezone.localdate(),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
    if form.errors:
        context = _detail_context(request, case.number, freeze_form=form)
        return render(request, DETAIL_TEMPLATE, context, status=400)
    messages.success(request, _("Interest frozen from %(date)s.") % {"date": format_date(data["starts_on"])})
    return redirect(f"{reverse('cases:detail', args=[case.number])}#interest-freezes")


@case_action
def interest_freeze_end(request: HttpRequest, case: Case) -> HttpResponse:
    form = InterestFreezeEndForm(request.POST, prefix="end")
    if form.is_valid():
        try:
            interest_freeze_end_by_hand(
                case=case,
                ends_on=form.cleaned_data["ends_on"],
                actor=request.user,
                today=timezone.localdate(),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
    if form.errors:
        context = _detail_context(request, case.number, freeze_end_form=form)
        return render(request, DETAIL_TEMPLATE, context, status=400)
    ends_on = form.cleaned_data["ends_on"]
    messages.success(
        request,
        _("Interest freeze ended on %(date)s; interest runs again from %(next)s.")
        % {"date": format_date(ends_on), "next": format_date(ends_on + dt.timedelta(days=1))},
    )
    return redirect(f"{reverse('cases:detail', args=[case.number])}#interest-freezes")


@login_required
@require_GET
def document_download(request: HttpRequest, number: str, document_id: int) -> FileResponse:
    document = selectors.document_get_for_user(user=request.user, case_number=number, document_id=document_id)
    file = document.file.open("rb")  # a missing file is an error page, not a recorded download
    access_record(
        user=request.user, case=document.case, kind=AccessKind.DOCUMENT, detail=document.original_name
    )
    response = FileResponse(
        file,
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _open_case(
    request: HttpRequest, case_form: CaseOpenForm, debtor_form: DebtorForm, claims: Any
) -> Case | None:
    """Check the rows and the debtor first (pure checks: every bad field shows at once), then write
    debtor and case in one transaction; a refusal lands on the field it names and writes nothing."""
    debt_type = case_form.debt_types[case_form.cleaned_data["debt_type"]]
    claim_inputs = []
    for claim_form in claims.forms:  # each row checked first, so an error lands on its own row
        claim_inputs.append(claim_form.claim_input())
        try:
            services.claim_validate(claim_inputs[-1], debt_type=debt_type)
        except DomainError as exc:
            add_domain_error(claim_form, exc)
    try:  # the debtor too, so one submit shows every bad field at once
        debtor_validate(debtor_form.debtor_input())
    except DomainError as exc:
        add_domain_error(debtor_form, exc)
    if debtor_form.errors or any(f.errors for f in claims.forms):
        return None
    today = timezone.localdate()
    try:
        with transaction.atomic():
            debtor = debtor_create(data=debtor_form.debtor_input(), today=today)
            return services.case_open(
                client=case_form.clients[case_form.cleaned_data["client"]],
                debtor=debtor,
                debtor_role=case_form.cleaned_data["debtor_role"],
                debt_type=debt_type,
                claims=claim_inputs,
                opened_on=today,
                actor=request.user,
                client_reference=case_form.cleaned_data["client_reference"],
                officer=request.user if request.user.role == "officer" else None,  # type: ignore[union-attr]
            )
    except DomainError as exc:
        target: forms.BaseForm = debtor_form if exc.field in debtor_form.fields else case_form
        if exc.field in ClaimFormSet.form.base_fields:  # e.g. an invoice number already in a case
            rows = [f for f in claims.forms if f.cleaned_data["invoice_number"] in exc.message]
            target = (rows or claims.forms)[0]
        add_domain_error(target, exc)
        return None


@staff_required
@require_http_methods(["GET", "POST"])
def case_create(request: HttpRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    case_form = CaseOpenForm(data, user=request.user)
    debtor_form = DebtorForm(data, prefix="debtor")
    claims = ClaimFormSet(data, prefix="claims")
    if data is not None and case_form.is_valid() and debtor_form.is_valid() and claims.is_valid():
        case = _open_case(request, case_form, debtor_form, claims)
        if case is not None:
            return redirect("cases:detail", case.number)
    context = {"case_form": case_form, "debtor_form": debtor_form, "claims": claims}
    return render(request, "cases/case_create.html", context, status=400 if data is not None else 200)


@login_required
@require_GET
def case_calculation(request: HttpRequest, number: str) -> HttpResponse:
    """The calculation sheet (renteberekening) as of a date, as a judge could check it."""
    case = selectors.case_get_for_user(user=request.user, number=number)
    form = CalculationDateForm(request.GET or None)
    as_of = (
        form.cleaned_data["as_of"] if form.is_valid() and form.cleaned_data["as_of"] else timezone.localdate()
    )
    try:
        statement = case_statement(case=case, as_of=as_of)
        error = ""
    except CalculationError as exc:
        statement, error = None, str(exc)
    sheet = (
        render_statement(statement_for_reading(statement), title=f"Renteberekening dossier {case.number}")
        if statement
        else ""
    )
    text = request.GET.get("format") == "txt"
    access_record(
        user=request.user,
        case=case,
        kind=AccessKind.CALCULATION_DOWNLOAD if text else AccessKind.CALCULATION,
        detail=f"{as_of:%d-%m-%Y}",
    )
    if text:
        response = HttpResponse(sheet, content_type="text/plain; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="berekening-{case.number}-{as_of:%Y%m%d}.txt"'
        )
        return response
    context = {
        "case": case,
        "statement": statement,
        "sheet": sheet,
        "charged_total": (
            statement.principal.charged + statement.interest.charged + statement.costs.charged
            if statement
            else None
        ),
        "as_of": as_of,
        "form": form,
        "error": error,
    }
    return render(request, "cases/case_calculation.html", context)


@login_required
@require_GET
def case_owed_today(request: HttpRequest, number: str) -> HttpResponse:
    """What the debtor owes today including running interest (the ledger holds interest only up to its
    last booking): a fragment the case header loads."""
    case = selectors.case_get_for_user(user=request.user, number=number)
    today = timezone.localdate()
    try:
        statement = case_statement(case=case, as_of=today)
    except CalculationError as exc:
        return HttpResponse(f'<span class="warning">{escape(str(exc))}</span>')
    return render(request, "cases/_owed_today.html", {"case": case, "statement": statement, "today": today})


@login_required
@require_GET
def case_timeline(request: HttpRequest, number: str) -> HttpResponse:
    """The case screen's timeline alone: it reloads itself when a panel's action wrote to it
    (`core.htmx.timeline_changed`)."""
    case = selectors.case_get_for_user(user=request.user, number=number)
    context = {"case": case, "file": {"events": selectors.case_timeline(case=case)}}
    return render(request, f"{DETAIL_TEMPLATE}#timeline", context)
