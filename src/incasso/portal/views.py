"""The debtor portal's screens: log in, the overview, four requests to the officer, and accepting the
payment arrangement online.

Every page but the login takes its case from the session (`portal_required`); no URL carries a case
number or id. Requests are POSTs with CSRF, checked by a form, written by a service (one task, one
event, nothing half-written), then redirected to the overview with a confirmation.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from incasso.arrangements.models import ArrangementStatus
from incasso.arrangements.selectors import arrangement_for_case
from incasso.cases.forms import add_domain_error
from incasso.cases.models import Case, CaseState
from incasso.core.exceptions import DomainError
from incasso.portal import forms, selectors, services
from incasso.portal.proposal import proposal_schedule
from incasso.portal.session import CASE_KEY, portal_required, portal_session_end, portal_session_start


def _client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


@require_http_methods(["GET", "POST"])
def login(request: HttpRequest) -> HttpResponse:
    if request.method == "GET" and request.session.get(CASE_KEY) and not request.user.is_authenticated:
        return redirect("portal:overview")
    form = forms.LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.portal_login(**form.cleaned_data, ip=_client_ip(request))
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            portal_session_start(request, case)
            response = redirect("portal:overview")
            if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
                # Nobody chose a language on this browser: the one the debtor's letters are written in.
                response.set_cookie(
                    settings.LANGUAGE_COOKIE_NAME,
                    case.debtor.language,
                    samesite="Lax",
                    secure=request.is_secure(),
                )
            return response
    return render(request, "portal/login.html", {"form": form})


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    portal_session_end(request)
    messages.info(request, _("You are logged out. Thank you for your visit."))
    return redirect("portal:login")


@portal_required
def overview(request: HttpRequest, case: Case) -> HttpResponse:
    today = timezone.localdate()
    data = selectors.portal_overview(case=case, today=today)
    return render(request, "portal/overview.html", {"overview": data, "today": today})


def _closed(request: HttpRequest, case: Case) -> HttpResponse | None:
    if case.state == CaseState.CLOSED:
        messages.info(request, _("This case is closed. There is nothing left to arrange."))
        return redirect("portal:overview")
    return None


def _request_page(
    request: HttpRequest,
    case: Case,
    *,
    form: Form,
    template: str,
    submit: Callable[[dict[str, Any]], object],
    done: str,
) -> HttpResponse:
    """The shared flow of the requests: a valid form goes to `submit`; a refusal shows on its field."""
    if response := _closed(request, case):
        return response
    if request.method == "POST" and form.is_valid():
        try:
            submit(form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, done)
            return redirect("portal:overview")
    return render(request, template, {"form": form})


@portal_required
@require_http_methods(["GET", "POST"])
def proposal(request: HttpRequest, case: Case) -> HttpResponse:
    """Fill in, see the resulting schedule (step "preview"), then send it (step "send")."""
    if response := _closed(request, case):
        return response
    today = timezone.localdate()
    form = forms.ProposalForm(request.POST or None)
    owed = selectors.case_owed_today(case=case, today=today)
    plan = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        terms = {
            "count": data["count"],
            "monthly_amount": data["monthly_amount"],
            "start_on": data["start_on"],
        }
        try:
            if request.POST.get("step") == "send":
                services.proposal_submit(case=case, today=today, explanation=data["explanation"], **terms)
                messages.success(
                    request,
                    _(
                        "Thank you. We have received your proposal. We will let you know our answer within five working days."
                    ),
                )
                return redirect("portal:overview")
            plan = proposal_schedule(balance=owed.total if owed else selectors.ZERO, today=today, **terms)
        except DomainError as exc:
            add_domain_error(form, exc)
    return render(request, "portal/proposal.html", {"form": form, "owed": owed, "plan": plan})


@portal_required
@require_http_methods(["GET", "POST"])
def promise(request: HttpRequest, case: Case) -> HttpResponse:
    today = timezone.localdate()
    return _request_page(
        request,
        case,
        form=forms.PromiseForm(request.POST or None),
        template="portal/promise.html",
        submit=lambda data: services.promise_submit(case=case, today=today, **data),
        done=_(
            "Thank you. We have noted that you will pay. Until that date we will not send you reminders. "
            "Please use the payment reference when you pay."
        ),
    )


@portal_required
@require_http_methods(["GET", "POST"])
def dispute(request: HttpRequest, case: Case) -> HttpResponse:
    today = timezone.localdate()
    return _request_page(
        request,
        case,
        form=forms.DisputeForm(request.POST or None),
        template="portal/dispute.html",
        submit=lambda data: services.dispute_submit(case=case, today=today, **data),
        done=_(
            "Thank you. We have received your objection. While we look into it, we will not send "
            "reminders or charge costs. We will contact you within 14 days."
        ),
    )


@portal_required
@require_http_methods(["GET", "POST"])
def contact(request: HttpRequest, case: Case) -> HttpResponse:
    today = timezone.localdate()
    return _request_page(
        request,
        case,
        form=forms.ContactForm(request.POST or None),
        template="portal/contact.html",
        submit=lambda data: services.contact_submit(case=case, today=today, **data),
        done=_("Thank you. We will check your new contact details and then use them."),
    )


@portal_required
@require_GET
def agreement_pdf(request: HttpRequest, case: Case) -> HttpResponse:
    """The running arrangement's agreement, as stored (the document the debtor accepts here)."""
    arrangement = arrangement_for_case(case=case)
    if arrangement is None or arrangement.status != ArrangementStatus.ACTIVE or not arrangement.agreement_pdf:
        raise Http404("No agreement")
    response = HttpResponse(bytes(arrangement.agreement_pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="betalingsregeling-{case.number}.pdf"'
    return response


@portal_required
@require_GET
def settlement_pdf(request: HttpRequest, case: Case) -> HttpResponse:
    """The running settlement offer's agreement, as stored (the document the debtor accepts here)."""
    settlement = selectors.running_settlement_for_case(case)
    if settlement is None or not settlement.agreement_pdf:
        raise Http404("No agreement")
    response = HttpResponse(bytes(settlement.agreement_pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="schikking-{case.number}.pdf"'
    return response


def _accept(request: HttpRequest, case: Case, accept: Callable[..., object], done: str) -> HttpResponse:
    """Agreeing online (an arrangement or a settlement offer): the tick and the document's hash, then
    back to the overview with the outcome."""
    form = forms.AcceptForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("portal:overview")
    try:
        accept(case=case, document_sha256=form.cleaned_data["document_sha256"], ip=_client_ip(request))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("portal:overview")


@portal_required
@require_POST
def settlement_accept(request: HttpRequest, case: Case) -> HttpResponse:
    return _accept(
        request,
        case,
        services.settlement_accept_online,
        _("Thank you. You have agreed to the offer. Keep to the date in it."),
    )


@portal_required
@require_POST
def accept(request: HttpRequest, case: Case) -> HttpResponse:
    return _accept(
        request,
        case,
        services.arrangement_accept_online,
        _("Thank you. You have agreed to the payment arrangement. Pay every instalment on time."),
    )
