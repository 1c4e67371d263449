"""Screens: the arrangement wizard and detail, the promise and dispute forms, the running arrangements
(the supervisors' approval queue and overdue disputes are in `approval_views`). Cases are found through `case_get_for_user` (404 outside the user's
scope); only agency staff reach these pages (403), only supervisors decide (403)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from incasso.arrangements import schedule as sched
from incasso.arrangements import selectors
from incasso.arrangements.affordability import affordability
from incasso.arrangements.disputes import dispute_ask_client, dispute_open, dispute_resolve, dispute_source
from incasso.arrangements.forms import (
    DisputeAskForm,
    DisputeForm,
    DisputeResolveForm,
    OnlineAcceptanceForm,
    PromiseForm,
    ScheduleForm,
    SignedUploadForm,
)
from incasso.arrangements.models import (
    OPEN_STATUSES,
    AcceptanceMethod,
    Arrangement,
    ArrangementStatus,
    Dispute,
    InstalmentStatus,
)
from incasso.arrangements.promises import promise_record
from incasso.arrangements.question_views import question_item
from incasso.arrangements.services import (
    arrangement_accept,
    arrangement_propose,
    authority_for,
    policy_for_client,
)
from incasso.audit.models import AccessKind
from incasso.audit.services import access_record
from incasso.calculations.errors import CalculationError
from incasso.cases.models import Event
from incasso.cases.questions import questions_for_case
from incasso.cases.selectors import case_balance, case_get_for_user
from incasso.core.access import can_write, staff_required
from incasso.core.exceptions import DomainError

if TYPE_CHECKING:
    from incasso.arrangements.selectors import InstalmentWithPaid

WIZARD = "arrangements/wizard.html"


def _preview(form: ScheduleForm, balance: Decimal, today: dt.date, policy: Any, user: Any) -> dict[str, Any]:
    """The adjusted schedule, its problems and whether it needs approval; the affordability aid."""
    out: dict[str, Any] = {}
    if not form.is_valid():
        return out
    data = form.cleaned_data
    try:
        plan = sched.build_schedule(
            balance=balance,
            count=data["count"],
            start_on=data["start_on"],
            frequency=sched.Frequency(data["frequency"]),
            down_payment=data["down_payment"] or Decimal("0.00"),
        )
    except CalculationError as exc:
        return {"problems": [str(exc)]}
    authority = authority_for(user)
    out["plan"] = plan
    out["problems"] = sched.schedule_problems(plan, today=today, limits=policy.limits)
    out["needs_approval"] = authority is not None and not sched.within_authority(plan, authority)
    if data.get("net_income") is not None and data.get("household"):
        out["aid"] = affordability(
            net_income=data["net_income"],
            fixed_costs=data.get("fixed_costs") or Decimal("0.00"),
            household=data["household"],
            as_of=today,
        )
    return out


@staff_required
@require_http_methods(["GET", "POST"])
def arrangement_new(request: HttpRequest, number: str) -> HttpResponse:
    case = case_get_for_user(user=request.user, number=number)
    today = timezone.localdate()
    balance = case_balance(case=case).total
    policy = policy_for_client(case.client_id)
    start = today + dt.timedelta(days=7)
    proposals = []
    if balance > 0:
        proposals = sched.propose_schedules(balance=balance, start_on=start, limits=policy.limits)
    data = request.POST if request.method == "POST" else (request.GET if "count" in request.GET else None)
    form = ScheduleForm(data, initial={"start_on": start, "count": 6})
    preview = _preview(form, balance, today, policy, request.user) if data is not None else {}
    if request.method == "POST" and preview.get("plan") is not None:
        aid = preview.get("aid")
        basis = {}
        if aid is not None:
            basis = {
                "net_income": str(aid.net_income),
                "fixed_costs": str(aid.fixed_costs),
                "household": str(aid.household),
                "protected_estimate": str(aid.protected_estimate),
                "capacity": str(aid.capacity),
                "norm_valid_from": aid.norm.valid_from.isoformat(),
                "norm_source": aid.norm.source,
            }
        try:
            arrangement = arrangement_propose(
                case=case,
                schedule=preview["plan"],
                officer=request.user,
                motivation=form.cleaned_data["motivation"],
                affordability=basis,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            if arrangement.status == "active":
                messages.success(request, _("Payment arrangement made."))
            else:
                messages.info(request, _("Payment arrangement submitted to a supervisor for approval."))
            return redirect("arrangements:detail", arrangement.pk)
    authority = authority_for(request.user)  # None: a supervisor, who decides alone
    context = {
        "case": case,
        "balance": balance,
        "policy": policy,
        "authority": authority,
        "proposals": [
            (p, authority is not None and not sched.within_authority(p, authority)) for p in proposals
        ],
        "form": form,
        **preview,
    }
    template = f"{WIZARD}#preview" if getattr(request, "htmx", False) and request.method == "GET" else WIZARD
    return render(request, template, context)


@login_required
def agreement_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    arrangement = selectors.arrangement_get_for_user(user=request.user, pk=pk)
    if not arrangement.agreement_pdf:
        raise Http404("No agreement")
    access_record(user=request.user, case=arrangement.case, kind=AccessKind.AGREEMENT_PDF)
    response = HttpResponse(bytes(arrangement.agreement_pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="regeling-{arrangement.case.number}.pdf"'
    return response


@staff_required
@require_http_methods(["GET", "POST"])
def promise_new(request: HttpRequest, number: str) -> HttpResponse:
    case = case_get_for_user(user=request.user, number=number)
    form = PromiseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            promise_record(case=case, officer=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Promise to pay recorded."))
            return redirect("cases:detail", case.number)
    return render(
        request, "arrangements/case_form.html", {"case": case, "form": form, "title": _("Promise to pay")}
    )


@staff_required
@require_http_methods(["GET", "POST"])
def dispute_new(request: HttpRequest, number: str) -> HttpResponse:
    case = case_get_for_user(user=request.user, number=number)
    form = DisputeForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["documents"] = list(data.get("documents") or ())
        try:
            dispute = dispute_open(case=case, officer=request.user, **data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Dispute registered; automatic steps are on hold."))
            return redirect("arrangements:dispute_detail", dispute.pk)
    return render(request, "arrangements/case_form.html", {"case": case, "form": form, "title": _("Dispute")})


def _instalment_rows(arrangement: Arrangement) -> list[InstalmentWithPaid]:
    return list(selectors.instalments_with_paid(arrangement=arrangement))


def _field(form: Any, exc: DomainError) -> str | None:
    return exc.field if exc.field in form.fields else None


@login_required
@require_http_methods(["GET", "POST"])
def arrangement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One arrangement: status, schedule, agreement and its acceptance. Staff record the acceptance;
    client users of the case's client read; anyone else gets 404 (the case's scope)."""
    arrangement = selectors.arrangement_get_for_user(user=request.user, pk=pk)
    case = case_get_for_user(user=request.user, number=arrangement.case.number)
    if request.method == "GET":
        access_record(user=request.user, case=case, kind=AccessKind.ARRANGEMENT)
    writer = can_write(request.user)
    upload_form = SignedUploadForm()
    online_form = OnlineAcceptanceForm(initial={"document_sha256": arrangement.agreement_sha256})
    if request.method == "POST":
        if not writer:
            raise PermissionDenied(_("Read-only access"))
        method = request.POST.get("method", "")
        form: Any
        if method == AcceptanceMethod.SIGNED_UPLOAD:
            form = upload_form = SignedUploadForm(request.POST, request.FILES)
        elif method == AcceptanceMethod.ONLINE:
            form = online_form = OnlineAcceptanceForm(request.POST)
        else:
            raise Http404("Unknown acceptance method")
        if form.is_valid():
            data = form.cleaned_data
            if method == AcceptanceMethod.SIGNED_UPLOAD:
                evidence: dict[str, Any] = {"file": data["file"].read()}
            else:
                evidence = {"document_sha256": data["document_sha256"], "ip": data["ip"]}
                if data.get("accepted_at"):
                    evidence["accepted_at"] = data["accepted_at"]
            try:
                arrangement_accept(
                    arrangement=arrangement, method=method, evidence=evidence, actor=request.user
                )
            except DomainError as exc:
                form.add_error(_field(form, exc), exc.message)
            else:
                messages.success(request, _("Acceptance of the arrangement recorded."))
                return redirect("arrangements:detail", arrangement.pk)
    instalments = _instalment_rows(arrangement)
    total_paid = sum((i.paid for i in instalments), Decimal("0.00"))
    can_accept = (
        writer
        and arrangement.status == ArrangementStatus.ACTIVE
        and bool(arrangement.agreement_sha256)
        and arrangement.accepted_at is None
    )
    return render(
        request,
        "arrangements/detail.html",
        {
            "arrangement": arrangement,
            "case": case,
            "instalments": instalments,
            "total_paid": total_paid,
            "remaining": max(
                sum((i.amount for i in instalments), Decimal("0.00")) - total_paid, Decimal("0.00")
            ),
            "can_write": writer,
            "can_accept": can_accept,
            "upload_form": upload_form,
            "online_form": online_form,
            "is_approver": selectors.is_approver(request.user),
            "history": Event.objects.filter(case=case, details__arrangement=arrangement.pk).order_by(
                "occurred_at", "pk"
            ),
        },
    )


@dataclass(frozen=True)
class _DisputeRow:
    """An open dispute on the arrangements home, with the days since it was opened."""

    dispute: Dispute
    age_days: int


@staff_required
def index(request: HttpRequest) -> HttpResponse:
    """Arrangements home: the approval queue and open disputes, and the arrangements that run."""
    arrangements = selectors.arrangements_running(user=request.user, statuses=OPEN_STATUSES)
    rows = []
    for arrangement in arrangements:
        # prefetched through `paid` above, so each instalment carries the annotation
        instalments = cast("list[InstalmentWithPaid]", list(arrangement.instalments.all()))
        outstanding = sum((max(i.amount - i.paid, Decimal("0")) for i in instalments), Decimal("0.00"))
        upcoming = next(
            (i for i in instalments if i.status != InstalmentStatus.PAID and i.paid < i.amount), None
        )
        rows.append({"arrangement": arrangement, "outstanding": outstanding, "next": upcoming})
    today = timezone.localdate()
    disputes = [
        _DisputeRow(dispute, (today - timezone.localtime(dispute.opened_at).date()).days)
        for dispute in selectors.disputes_open(user=request.user)
    ]
    return render(
        request,
        "arrangements/index.html",
        {
            "rows": rows,
            "disputes": disputes,
            "pending_count": selectors.approval_queue(user=request.user).count(),
            "settlements": selectors.settlements_running(user=request.user),
            "is_approver": selectors.is_approver(request.user),
            "overdue_days": int(getattr(settings, "INCASSO_DISPUTE_OVERDUE_DAYS", 30)),
            "today": today,
        },
    )


@staff_required
@require_http_methods(["GET", "POST"])
def dispute_detail(request: HttpRequest, pk: int) -> HttpResponse:
    dispute = selectors.dispute_get_for_user(user=request.user, pk=pk)
    case = case_get_for_user(user=request.user, number=dispute.case.number)
    if request.method == "GET":
        access_record(user=request.user, case=case, kind=AccessKind.DISPUTE)
    ask_form = DisputeAskForm()
    resolve_form = DisputeResolveForm()
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "ask":
            ask_form = DisputeAskForm(request.POST)
            if ask_form.is_valid():
                try:
                    dispute_ask_client(
                        dispute=dispute, question=ask_form.cleaned_data["question"], officer=request.user
                    )
                except DomainError as exc:
                    ask_form.add_error(_field(ask_form, exc), exc.message)
                else:
                    messages.success(request, _("Question sent to the client."))
                    return redirect("arrangements:dispute_detail", dispute.pk)
        elif action == "resolve":
            resolve_form = DisputeResolveForm(request.POST)
            if resolve_form.is_valid():
                data = resolve_form.cleaned_data
                try:
                    dispute_resolve(
                        dispute=dispute,
                        resolution=data["resolution"],
                        amount=data["amount"],
                        note=data["note"],
                        officer=request.user,
                    )
                except DomainError as exc:
                    resolve_form.add_error(_field(resolve_form, exc), exc.message)
                else:
                    messages.success(request, _("Dispute resolved; the automatic steps run again."))
                    return redirect("arrangements:dispute_detail", dispute.pk)
        else:
            raise Http404("Unknown action")
    questions = questions_for_case(case=case, source=dispute_source(dispute))
    history = Event.objects.filter(
        Q(details__dispute=dispute.pk) | Q(details__question__in=[q.pk for q in questions]), case=case
    ).order_by("occurred_at", "pk")
    return render(
        request,
        "arrangements/dispute_detail.html",
        {
            "dispute": dispute,
            "case": case,
            "documents": dispute.documents.order_by("pk"),
            "history": history,
            "question_items": [question_item(request, q) for q in questions],
            "balance": case_balance(case=case),
            "ask_form": ask_form,
            "resolve_form": resolve_form,
        },
    )


@login_required
def case_panel(request: HttpRequest, number: str) -> HttpResponse:
    """The case's arrangements, promises and disputes with links: a panel the case screen loads (htmx)."""
    case = case_get_for_user(user=request.user, number=number)
    context = {
        "case": case,
        "arrangements": case.arrangements.order_by("-id")[:5],
        "promises": case.payment_promises.order_by("-due_on", "-id")[:5],
        "disputes": case.disputes.order_by("-opened_at", "-id")[:5],
        "settlements": case.settlements.order_by("-proposed_at", "-id")[:5],
    }
    return render(request, "arrangements/_case_panel.html", context)
