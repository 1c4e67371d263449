"""The supervisors' screens: the queue of arrangements beyond an officer's authority, with why each is
theirs to decide, their decision, and the disputes open too long. Agency staff only; supervisors decide
(403 for others)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from incasso.arrangements import schedule as sched
from incasso.arrangements import selectors
from incasso.arrangements.forms import DecisionForm
from incasso.arrangements.models import Arrangement
from incasso.arrangements.services import (
    arrangement_approve,
    arrangement_reject,
    authority_for,
    supervisor_after_broken,
)
from incasso.core.access import staff_required
from incasso.core.exceptions import DomainError


def _require_approver(request: HttpRequest) -> None:
    if not selectors.is_approver(request.user):
        raise PermissionDenied(_("Supervisors only"))


@staff_required
def approvals(request: HttpRequest) -> HttpResponse:
    _require_approver(request)
    queue = list(selectors.approval_queue(user=request.user))
    for item in queue:
        _describe_proposal(item)
    return render(
        request,
        "arrangements/approvals.html",
        {"queue": queue, "settlements": selectors.settlement_queue(user=request.user)},
    )


def _describe_proposal(item: Arrangement) -> None:
    """For the supervisor: the instalments (prefetched) and why the proposal exceeds its proposer's authority."""
    instalments = sorted(item.instalments.all(), key=lambda i: i.number)
    item.count = len(instalments)  # type: ignore[attr-defined]
    item.last_due = instalments[-1].due_on if instalments else None  # type: ignore[attr-defined]
    authority = authority_for(item.proposed_by) if item.proposed_by is not None else None
    item.beyond = (  # type: ignore[attr-defined]
        sched.authority_exceeded(
            months=sched.months_spanned(instalments[0].due_on, instalments[-1].due_on),
            balance=item.balance,
            authority=authority,
        )
        if authority is not None and instalments
        else []
    )
    if supervisor_after_broken(case=item.case):
        item.beyond.append(_("an earlier arrangement on this case broke: the client wants a supervisor"))  # type: ignore[attr-defined]


@staff_required
@require_POST
def approval_decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    _require_approver(request)
    arrangement = selectors.arrangement_get_for_approver(user=request.user, pk=pk)
    if arrangement is None or decision not in {"approve", "reject"}:
        raise Http404("No such proposal")
    form = DecisionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    error = ""
    try:
        if decision == "approve":
            arrangement = arrangement_approve(arrangement=arrangement, supervisor=request.user, note=note)
        else:
            arrangement = arrangement_reject(arrangement=arrangement, supervisor=request.user, note=note)
    except DomainError as exc:
        error = exc.message
    if getattr(request, "htmx", False):
        _describe_proposal(arrangement)
        return render(
            request,
            "arrangements/approvals.html#row",
            {"item": arrangement, "error": error, "decided": not error},
        )
    if error:
        messages.error(request, error)
    return redirect("arrangements:approvals")


@staff_required
def disputes_overdue(request: HttpRequest) -> HttpResponse:
    _require_approver(request)
    days = int(getattr(settings, "INCASSO_DISPUTE_OVERDUE_DAYS", 30))
    disputes = selectors.disputes_open_too_long(user=request.user, today=timezone.localdate(), days=days)
    return render(request, "arrangements/disputes.html", {"disputes": disputes, "days": days})
