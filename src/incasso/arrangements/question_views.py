"""Questions to the client: the Questions page, the case screen's panel, asking, answering, withdrawing.

A client user sees its own client's questions (and the hand-overs waiting for its approval) and answers
them; agency staff see the questions of the clients in their scope, ask them, record an answer that
came in by telephone or e-mail, and withdraw them. The rules are in `cases.questions`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from incasso.arrangements.forms import QuestionAnswerForm, QuestionAskForm, WithdrawForm
from incasso.cases.models import CaseState, ClientQuestion
from incasso.cases.questions import (
    answer_days,
    question_answer,
    question_ask,
    question_get_for_user,
    question_withdraw,
    questions_answered_for_user,
    questions_for_case,
    questions_open_for_user,
)
from incasso.cases.selectors import case_get_for_user
from incasso.core.access import can_write, scope_to_clients, staff_required
from incasso.core.exceptions import DomainError
from incasso.core.htmx import timeline_changed
from incasso.legal.models import Handover, HandoverStatus

ANSWERED_DAYS = 30  # the Questions page shows the answers of the last month


def may_answer(user: Any, question: ClientQuestion) -> bool:
    """Open, and the user is the case's client or agency staff (who then say how the answer came in)."""
    if not question.is_open:
        return False
    if getattr(user, "role", None) == "client_user":
        return bool(user.client_id == question.case.client_id)
    return can_write(user)


def question_item(request: HttpRequest, question: ClientQuestion, **forms: Any) -> dict[str, Any]:
    user = request.user
    return {
        "q": question,
        "may_answer": may_answer(user, question),
        "is_staff": can_write(user),
        "answer_form": forms.get("answer_form") or QuestionAnswerForm(prefix=f"q{question.pk}"),
        "withdraw_form": forms.get("withdraw_form") or WithdrawForm(prefix=f"w{question.pk}"),
        "overdue": question.is_open and question.answer_by < timezone.localdate(),
        "next": request.get_full_path() if request.method == "GET" else request.POST.get("next", ""),
    }


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """Client users: the questions waiting for their answer and the hand-overs waiting for their approval.
    Staff: the questions waiting for a client, the longest overdue first."""
    user = request.user
    open_questions = questions_open_for_user(user=user)
    answered = questions_answered_for_user(user=user, since=timezone.now() - dt.timedelta(days=ANSWERED_DAYS))
    approvals = (
        scope_to_clients(
            Handover.objects.filter(~Q(case__state=CaseState.CLOSED), status=HandoverStatus.REQUESTED)
            .select_related("case__debtor", "case__client")
            .order_by("created_at", "pk"),
            user=user,
            field="case__client_id",
        )
        if getattr(user, "role", None) == "client_user"
        else Handover.objects.none()
    )
    return render(
        request,
        "questions/index.html",
        {
            "open_items": [question_item(request, q) for q in open_questions],
            "answered_items": [question_item(request, q) for q in answered],
            "approvals": list(approvals),
            "answered_days": ANSWERED_DAYS,
            "is_staff": can_write(user),
        },
    )


@login_required
@require_GET
def case_panel(request: HttpRequest, number: str) -> HttpResponse:
    """The case's questions to the client and their answers, with the form to ask one (staff)."""
    case = case_get_for_user(user=request.user, number=number)
    return _panel(request, case, QuestionAskForm(initial={"answer_by": _default_answer_by()}))


def _default_answer_by() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=answer_days())


def _panel(request: HttpRequest, case: Any, ask_form: QuestionAskForm, status: int = 200) -> HttpResponse:
    return render(
        request,
        "questions/_case_panel.html",
        {
            "case": case,
            "items": [question_item(request, q) for q in questions_for_case(case=case)],
            "ask_form": ask_form,
            "may_ask": can_write(request.user) and case.state != CaseState.CLOSED,
        },
        status=status,
    )


@staff_required
@require_POST
def ask(request: HttpRequest, number: str) -> HttpResponse:
    case = case_get_for_user(user=request.user, number=number)
    form = QuestionAskForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            question_ask(
                case=case,
                question=data["question"],
                topic=data["topic"],
                answer_by=data["answer_by"],
                officer=request.user,
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            if request.headers.get("HX-Request"):  # the panel shows it: no message for the next page
                fresh = QuestionAskForm(initial={"answer_by": _default_answer_by()})
                return timeline_changed(_panel(request, case, fresh))
            messages.success(request, _("Question sent to the client."))
            return redirect("cases:detail", number=case.number)
    if request.headers.get("HX-Request"):
        return _panel(request, case, form)  # htmx swaps only 2xx: the form with its errors
    messages.error(request, "; ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("cases:detail", number=case.number)


def _reply(request: HttpRequest, question: ClientQuestion, *, done: str = "", **forms: Any) -> HttpResponse:
    """After an answer or a withdrawal: htmx gets the question re-rendered (with the form and its errors
    when it failed); a plain post a message and a redirect back to `next` (only to this site)."""
    if request.headers.get("HX-Request"):
        response = render(request, "questions/_question.html", question_item(request, question, **forms))
        return timeline_changed(response) if done else response
    if done:
        messages.success(request, done)
    else:
        messages.error(
            request, "; ".join(str(e) for f in forms.values() for es in f.errors.values() for e in es)
        )
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("questions:index")


@login_required
@require_POST
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    question = question_get_for_user(user=request.user, pk=pk)
    if getattr(request.user, "role", None) != "client_user" and not can_write(request.user):
        raise PermissionDenied
    form = QuestionAnswerForm(request.POST, request.FILES, prefix=f"q{question.pk}")
    if form.is_valid():
        data = form.cleaned_data
        try:
            question = question_answer(
                question=question,
                answer=data["answer"],
                user=request.user,
                via=data["via"],
                uploads=data["attachments"],
                document_kind=data["document_kind"],
            )
        except DomainError as exc:
            field = {"answer": "answer", "via": "via", "file": "attachments"}.get(exc.field or "")
            form.add_error(field, exc.message)
        else:
            return _reply(
                request, question, done=_("Answer recorded; the officer has been given a task to process it.")
            )
    return _reply(request, question, answer_form=form)


@staff_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    question = question_get_for_user(user=request.user, pk=pk)
    form = WithdrawForm(request.POST, prefix=f"w{question.pk}")
    if form.is_valid():
        try:
            question = question_withdraw(
                question=question, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            form.add_error("reason" if exc.field == "reason" else None, exc.message)
        else:
            return _reply(request, question, done=_("Question withdrawn."))
    return _reply(request, question, withdraw_form=form)
