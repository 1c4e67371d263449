"""Screens for settlement offers (finale kwijting, return of goods): the offer form with its live
preview, and one offer's page, where a supervisor decides, the officer records the goods' arrival, a
signed copy or the withdrawal. Cases are found through `case_get_for_user` (404 outside the user's
scope); only agency staff make offers (403); client users of the case's client read the page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from incasso.arrangements import selectors
from incasso.arrangements import settlement_rules as rules
from incasso.arrangements.forms import GoodsReceivedForm, SettlementForm, SignedUploadForm, WithdrawForm
from incasso.arrangements.models import Settlement, SettlementKind, SettlementStatus
from incasso.arrangements.services import policy_for_client
from incasso.arrangements.settlements import (
    goods_received,
    offer_on,
    officer_max_discount,
    settlement_accept_signed,
    settlement_decide,
    settlement_limits,
    settlement_paid,
    settlement_propose,
    settlement_terms,
    settlement_withdraw,
)
from incasso.audit.models import AccessKind
from incasso.audit.services import access_record
from incasso.calculations.errors import CalculationError
from incasso.cases.models import Event
from incasso.cases.position import CasePosition, case_position
from incasso.cases.selectors import case_get_for_user
from incasso.core.access import can_write, staff_required
from incasso.core.exceptions import DomainError

FORM = "arrangements/settlement_form.html"
SETTLEMENT_OPEN = (SettlementStatus.PENDING, SettlementStatus.ACTIVE)


def _field(form: Any, exc: DomainError) -> str | None:
    return exc.field if exc.field in form.fields else None


def _preview(
    form: SettlementForm, position: CasePosition, today: dt.date, user: Any, limits: rules.SettlementLimits
) -> dict[str, Any]:
    data = form.cleaned_data
    offer = offer_on(
        position,
        kind=data["kind"],
        amount=data["amount"],
        deadline=data["deadline"],
        settles_in_full=data["settles_in_full"],
    )
    beyond = rules.authority_exceeded(offer, max_discount_percent=officer_max_discount(user))
    return {
        "offer": offer,
        "problems": rules.offer_problems(offer, today=today, limits=limits),
        "beyond": beyond,
        "needs_approval": bool(beyond),
    }


@staff_required
@require_http_methods(["GET", "POST"])
def settlement_new(request: HttpRequest, number: str) -> HttpResponse:
    case = case_get_for_user(user=request.user, number=number)
    today = timezone.localdate()
    limits = settlement_limits(case.client_id)
    problem = ""
    try:  # what the case owes today, once for the page and its preview
        position: CasePosition | None = case_position(case=case, as_of=today)
    except CalculationError as exc:
        position, problem = None, str(exc)
    data = request.POST if request.method == "POST" else (request.GET if "amount" in request.GET else None)
    form = SettlementForm(data, initial={"deadline": today + dt.timedelta(days=14)})
    preview: dict[str, Any] = {}
    if data is not None and form.is_valid():
        preview = (
            _preview(form, position, today, request.user, limits)
            if position is not None
            else {"problems": [problem]}
        )
    if request.method == "POST" and form.is_valid():
        try:
            settlement = settlement_propose(case=case, officer=request.user, today=today, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(_field(form, exc), exc.message)
        else:
            if settlement.status == SettlementStatus.ACTIVE:
                messages.success(
                    request, _("Settlement offer made; the automated steps wait until its date.")
                )
            else:
                messages.info(request, _("Settlement offer submitted to a supervisor for approval."))
            return redirect("arrangements:settlement", settlement.pk)
    context = {
        "case": case,
        "balance": position.total if position else None,
        "limits": limits,
        "authority": officer_max_discount(request.user),
        "open_settlement": case.settlements.filter(status__in=SETTLEMENT_OPEN).first(),
        "form": form,
        **preview,
    }
    template = f"{FORM}#preview" if getattr(request, "htmx", False) and request.method == "GET" else FORM
    return render(request, template, context)


def _post(request: HttpRequest, settlement: Settlement, forms: dict[str, Any]) -> HttpResponse | None:
    """One action on the offer's page; None when its form shows an error."""
    action = request.POST.get("action", "")
    user = request.user
    if action in ("approve", "reject"):
        if not selectors.is_approver(user):
            raise PermissionDenied(_("Supervisors only"))
        try:
            settlement_decide(
                settlement=settlement,
                supervisor=user,
                approve=action == "approve",
                note=request.POST.get("note", ""),
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("arrangements:settlement", settlement.pk)
    form: Any
    if action == "receive":
        form = forms["receive_form"] = GoodsReceivedForm(request.POST)
    elif action == "withdraw":
        form = forms["withdraw_form"] = WithdrawForm(request.POST)
    elif action == "signed":
        form = forms["upload_form"] = SignedUploadForm(request.POST, request.FILES)
    else:
        raise Http404("Unknown action")
    if not form.is_valid():
        return None
    data = form.cleaned_data
    try:
        if action == "receive":
            goods_received(settlement=settlement, officer=user, **data)
            messages.success(request, _("Goods received and credited."))
        elif action == "withdraw":
            settlement_withdraw(settlement=settlement, officer=user, reason=data["reason"])
            messages.success(request, _("Offer withdrawn; the automated steps run again."))
        else:
            settlement_accept_signed(settlement=settlement, content=data["file"].read(), actor=user)
            messages.success(request, _("Signed copy saved."))
    except DomainError as exc:
        form.add_error(_field(form, exc), exc.message)
        return None
    return redirect("arrangements:settlement", settlement.pk)


@login_required
@require_http_methods(["GET", "POST"])
def settlement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    settlement = selectors.settlement_get_for_user(user=request.user, pk=pk)
    case = settlement.case
    writer = can_write(request.user)
    forms: dict[str, Any] = {
        "receive_form": GoodsReceivedForm(
            initial={
                "received_on": timezone.localdate(),
                "value": f"{settlement.amount:.2f}".replace(".", ","),
            }
        ),
        "withdraw_form": WithdrawForm(),
        "upload_form": SignedUploadForm(),
    }
    if request.method == "POST":
        if not writer:
            raise PermissionDenied(_("Read-only access"))
        response = _post(request, settlement, forms)
        if response is not None:
            return response
    else:
        access_record(user=request.user, case=case, kind=AccessKind.SETTLEMENT)
    running = settlement.status == SettlementStatus.ACTIVE
    paid, _last = settlement_paid(settlement)
    grace = policy_for_client(case.client_id).grace_days
    offer = settlement_terms(settlement)
    pending = settlement.status == SettlementStatus.PENDING
    return render(
        request,
        "arrangements/settlement_detail.html",
        {
            "settlement": settlement,
            "case": case,
            "offer": offer,
            "paid": paid,
            "still_to_pay": max(settlement.amount - paid, Decimal("0.00")),
            "last_day": settlement.deadline + dt.timedelta(days=grace),
            "beyond": rules.authority_exceeded(
                offer, max_discount_percent=officer_max_discount(settlement.proposed_by)
            ),
            "can_write": writer,
            "can_decide": pending
            and selectors.is_approver(request.user)
            and settlement.proposed_by_id != request.user.pk,
            "can_receive": writer and running and settlement.kind == SettlementKind.GOODS_RETURN,
            "can_withdraw": writer
            and settlement.status in (SettlementStatus.PENDING, SettlementStatus.ACTIVE),
            "can_upload": writer
            and settlement.status in (SettlementStatus.ACTIVE, SettlementStatus.COMPLETED)
            and bool(settlement.agreement_sha256),
            "history": Event.objects.filter(case=case, details__settlement=settlement.pk).order_by(
                "occurred_at", "pk"
            ),
            **forms,
        },
    )


@login_required
def settlement_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    settlement = selectors.settlement_get_for_user(user=request.user, pk=pk)
    if not settlement.agreement_pdf:
        raise Http404("No agreement")
    access_record(user=request.user, case=settlement.case, kind=AccessKind.SETTLEMENT_PDF)
    response = HttpResponse(bytes(settlement.agreement_pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="schikking-{settlement.case.number}.pdf"'
    return response
