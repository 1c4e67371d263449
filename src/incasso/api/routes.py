"""The JSON API, version 1. Every route goes through the same selectors and services as the screens,
so scope (404 outside it), roles (403 on writes for client users) and validation cannot drift."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import NinjaAPI, Query, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from incasso.api import schemas as s
from incasso.api.auth import TokenAuth
from incasso.arrangements.promises import promise_record
from incasso.arrangements.selectors import instalments_with_paid
from incasso.arrangements.settlements import settlement_terms
from incasso.audit.models import AccessKind
from incasso.audit.services import access_record
from incasso.cases.contact import OUTSIDE_WINDOW, OVER_CALL_LIMIT, contact_check
from incasso.cases.freezes import interest_freeze_end_by_hand, interest_freeze_place
from incasso.cases.questions import (
    question_answer,
    question_ask,
    question_get_for_user,
    questions_answered_for_user,
    questions_for_case,
    questions_open_for_user,
)
from incasso.cases.selectors import case_balance, case_get_for_user, case_list_for_user
from incasso.cases.statement import case_statement
from incasso.cases.timeline import contact_log, note_add
from incasso.clients.selectors import client_list_for_user
from incasso.core.access import can_write
from incasso.core.exceptions import DomainError
from incasso.intake.claims import RowError
from incasso.intake.services import ImportReport, claims_import_table
from incasso.intake.tables import Table
from incasso.letters.returns import letter_return_record
from incasso.letters.selectors import messages_for_case
from incasso.reports.selectors import BUCKETS, Figures, portfolio_report, report_clients

api = NinjaAPI(
    title="Incasso API",
    version="1",
    description=(
        "Cases, claims, amounts and the timeline of the Incasso collection system. Amounts are decimal "
        "strings in euros. A token sees exactly what its user sees in the screens: a client user only "
        "its own client's cases (anything else is a 404), and only agency staff write."
    ),
    urls_namespace="api-v1",
    auth=TokenAuth(),
)

MAX_LIMIT = 200
CENT = Decimal("0.01")


def _user(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


def _require_write(request: HttpRequest) -> None:
    if not can_write(_user(request)):
        raise HttpError(403, "Read-only access: only agency staff write through the API")


def _summary(case: Any, balance: Any) -> dict[str, Any]:
    return {
        "number": case.number,
        "client": case.client.code,
        "debtor": case.debtor.display_name,
        "debtor_role": case.debtor_role,
        "state": case.state,
        "opened_on": case.opened_on,
        "closed_on": case.closed_on,
        "next_action_on": case.next_action_on,
        "client_reference": case.client_reference,
        "payment_reference": case.payment_reference,
        # SQLite sums decimals as floats (3503.24000000000, -1.1e-13): back to cents
        "balance": Decimal(balance).quantize(CENT),
    }


class CaseFilters(Schema):
    q: str = ""
    state: str = ""
    client: str = ""
    limit: int = 50
    offset: int = 0


@api.get("/cases", tags=["cases"], response=s.CaseList, summary="List and search cases")
def cases_list(request: HttpRequest, filters: Query[CaseFilters]) -> dict[str, Any]:
    """Search by case number, debtor name, postcode, e-mail, IBAN, invoice number or your reference;
    newest first. `client` is a client code."""
    if not 1 <= filters.limit <= MAX_LIMIT or filters.offset < 0:
        raise HttpError(422, f"limit must be 1..{MAX_LIMIT} and offset 0 or more")
    client_id = None
    if filters.client:
        client = client_list_for_user(user=_user(request)).filter(code=filters.client).first()
        if client is None:
            raise HttpError(404, f"No client with code {filters.client}")
        client_id = client.pk
    qs = case_list_for_user(user=_user(request), query=filters.q, state=filters.state, client_id=client_id)
    page = list(qs[filters.offset : filters.offset + filters.limit])
    return {
        "count": qs.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "items": [_summary(c, c.balance) for c in page],  # type: ignore[attr-defined]  # annotated
    }


@api.get(
    "/cases/{number}", tags=["cases"], response=s.CaseDetail, summary="One case with its claims and balance"
)
def case_detail(request: HttpRequest, number: str) -> dict[str, Any]:
    case = case_get_for_user(user=_user(request), number=number)
    access_record(user=_user(request), case=case, kind=AccessKind.API_CASE)
    balance = case_balance(case=case)
    return {
        **_summary(case, balance.total),
        "debt_type": case.debt_type.code,
        "officer": case.officer.get_username() if case.officer else None,
        "balance_by_bucket": {
            "principal": balance.principal,
            "interest": balance.interest,
            "costs": balance.costs,
            "total": balance.total,
        },
        "claims": list(case.claims.order_by("due_date", "id")),
    }


@api.get(
    "/cases/{number}/statement",
    tags=["cases"],
    response=s.StatementOut,
    summary="What is owed on a date, with every calculation line",
)
def case_statement_detail(request: HttpRequest, number: str, as_of: dt.date | None = None) -> dict[str, Any]:
    """The same calculation as the case's calculation sheet: statutory or contractual interest with
    yearly capitalisation, collection costs, payments allocated costs → interest → principal.
    `as_of` defaults to today."""
    case = case_get_for_user(user=_user(request), number=number)
    on = as_of or timezone.localdate()
    statement = case_statement(case=case, as_of=on)
    if statement is None:
        raise HttpError(409, f"Case {case.number} has no claims to calculate")
    access_record(user=_user(request), case=case, kind=AccessKind.API_STATEMENT, detail=f"{on:%d-%m-%Y}")

    def bucket(totals: Any) -> dict[str, Any]:
        return {"charged": totals.charged, "paid": totals.paid, "outstanding": totals.outstanding}

    return {
        "case": case.number,
        "as_of": statement.as_of,
        "day_basis": str(statement.day_basis.value),
        "principal": bucket(statement.principal),
        "interest": bucket(statement.interest),
        "costs": bucket(statement.costs),
        "payments": statement.payments,
        "unallocated": statement.unallocated,
        "outstanding": statement.outstanding,
        "unverified_rates": list(statement.unverified_rates),
        "lines": [
            {
                "on": line.on,
                "kind": str(line.kind.value),
                "claim": line.claim_id,
                "amount": line.amount,
                "bucket": str(line.bucket.value) if line.bucket is not None else None,
                "description": line.description,
            }
            for line in statement.lines
        ],
    }


@api.get(
    "/cases/{number}/events",
    tags=["cases"],
    response=list[s.EventOut],
    summary="The case's timeline, newest first",
)
def case_events(request: HttpRequest, number: str, limit: int = 100) -> list[dict[str, Any]]:
    if not 1 <= limit <= 1000:
        raise HttpError(422, "limit must be 1..1000")
    case = case_get_for_user(user=_user(request), number=number)
    access_record(user=_user(request), case=case, kind=AccessKind.API_TIMELINE)
    return [
        {"occurred_at": e.occurred_at, "kind": e.kind, "by": e.actor_label, "summary": e.summary}
        for e in case.events.order_by("-occurred_at", "-id")[:limit]
    ]


@api.post(
    "/cases/{number}/notes",
    tags=["cases"],
    response={201: s.NoteOut, 403: s.Error, 422: s.Error},
    summary="Add a note to a case (agency staff)",
)
def case_note_add(request: HttpRequest, number: str, payload: s.NoteIn) -> Status[dict[str, Any]]:
    case = case_get_for_user(user=_user(request), number=number)
    _require_write(request)
    try:
        note = note_add(case=case, author=_user(request), text=payload.text)
    except DomainError as exc:
        raise HttpError(422, str(exc.message)) from exc
    return Status(
        201,
        {
            "id": note.pk,
            "case": case.number,
            "author": note.author.get_username(),
            "text": note.text,
            "created_at": note.created_at,
        },
    )


def _question(q: Any) -> dict[str, Any]:
    return {
        "id": q.pk,
        "case": q.case.number,
        "client_reference": q.case.client_reference,
        "topic": q.topic,
        "question": q.question,
        "asked_by": q.asked_by.get_username(),
        "asked_at": q.asked_at,
        "answer_by": q.answer_by,
        "status": "answered" if q.answered_at else "withdrawn" if q.withdrawn_at else "open",
        "answer": q.answer,
        "answered_by": q.answered_by.get_username() if q.answered_by else None,
        "answered_at": q.answered_at,
        "answer_via": q.answer_via,
        "documents": [d.original_name for d in q.documents.all()],
    }


@api.get(
    "/questions",
    tags=["questions"],
    response=list[s.QuestionOut],
    summary="Questions to the client: open ones, or answered in the last `days` days",
)
def questions_list(request: HttpRequest, status: str = "open", days: int = 30) -> list[dict[str, Any]]:
    """A client user's token: its own client's questions. `status`: `open` (default) or `answered`."""
    user = _user(request)
    if status == "open":
        rows = questions_open_for_user(user=user)
    elif status == "answered":
        since = timezone.now() - dt.timedelta(days=max(1, min(days, 366)))
        rows = questions_answered_for_user(user=user, since=since)
    else:
        raise HttpError(422, "status is 'open' or 'answered'")
    return [_question(q) for q in rows]


@api.get(
    "/cases/{number}/questions",
    tags=["questions"],
    response=list[s.QuestionOut],
    summary="A case's questions",
)
def case_questions(request: HttpRequest, number: str) -> list[dict[str, Any]]:
    case = case_get_for_user(user=_user(request), number=number)
    return [_question(q) for q in questions_for_case(case=case)]


@api.post(
    "/cases/{number}/questions",
    tags=["questions"],
    response={201: s.QuestionOut, 403: s.Error, 422: s.Error},
    summary="Put a question to the case's client (agency staff)",
)
def case_question_ask(request: HttpRequest, number: str, payload: s.QuestionIn) -> Status[dict[str, Any]]:
    case = case_get_for_user(user=_user(request), number=number)
    _require_write(request)
    try:
        question = question_ask(
            case=case,
            question=payload.question,
            topic=payload.topic,
            answer_by=payload.answer_by,
            officer=_user(request),
        )
    except DomainError as exc:
        raise HttpError(422, str(exc.message)) from exc
    return Status(201, _question(question))


@api.post(
    "/questions/{question_id}/answer",
    tags=["questions"],
    response={200: s.QuestionOut, 403: s.Error, 422: s.Error},
    summary="Answer a question: a user of the case's client, or agency staff with `via`",
)
def question_answer_post(request: HttpRequest, question_id: int, payload: s.AnswerIn) -> dict[str, Any]:
    question = question_get_for_user(user=_user(request), pk=question_id)
    try:
        answered = question_answer(
            question=question, answer=payload.answer, via=payload.via, user=_user(request)
        )
    except DomainError as exc:
        raise HttpError(403 if exc.field == "user" else 422, str(exc.message)) from exc
    return _question(answered)


@api.get(
    "/cases/{number}/solutions",
    tags=["solutions"],
    response=s.SolutionsOut,
    summary="The case's payment arrangements, promises to pay, disputes and settlement offers",
)
def case_solutions(request: HttpRequest, number: str) -> dict[str, Any]:
    """Newest first; an arrangement with its instalments and what was paid on each."""
    case = case_get_for_user(user=_user(request), number=number)
    access_record(user=_user(request), case=case, kind=AccessKind.API_SOLUTIONS)
    arrangements = [
        {
            "id": a.pk,
            "status": a.status,
            "frequency": a.frequency,
            "balance": a.balance,
            "interest_frozen": a.interest_frozen,
            "proposed_at": a.proposed_at,
            "accepted_at": a.accepted_at,
            "acceptance_method": a.acceptance_method,
            "ended_on": a.ended_on,
            "instalments": [
                {
                    "number": i.number,
                    "due_on": i.due_on,
                    "amount": i.amount,
                    "paid": Decimal(i.paid).quantize(CENT),
                    "status": i.status,
                    "payment_reference": i.payment_reference,
                }
                for i in instalments_with_paid(arrangement=a)
            ],
        }
        for a in case.arrangements.order_by("-proposed_at", "-pk")
    ]
    settlements = []
    for offer in case.settlements.order_by("-proposed_at", "-pk"):
        terms = settlement_terms(offer)
        settlements.append(
            {
                "id": offer.pk,
                "kind": offer.kind,
                "status": offer.status,
                "amount": offer.amount,
                "deadline": offer.deadline,
                "balance": offer.balance,
                "let_go": terms.forgiven,
                "settles_in_full": offer.settles_in_full,
                "proposed_at": offer.proposed_at,
                "ended_on": offer.ended_on,
            }
        )
    return {
        "arrangements": arrangements,
        "promises": list(case.payment_promises.order_by("-made_on", "-pk").values()),
        "disputes": list(case.disputes.order_by("-opened_at", "-pk").values()),
        "settlements": settlements,
    }


@api.post(
    "/cases/{number}/promises",
    tags=["solutions"],
    response={201: s.PromiseOut, 403: s.Error, 422: s.Error},
    summary="Record a promise to pay (agency staff), e.g. from a dialler after the call",
)
def case_promise_add(request: HttpRequest, number: str, payload: s.PromiseIn) -> Status[Any]:
    """The same as the case screen: the case is held until the day after the promised date; the daily
    run then decides kept or broken."""
    case = case_get_for_user(user=_user(request), number=number)
    _require_write(request)
    try:
        promise = promise_record(
            case=case, amount=payload.amount, due_on=payload.due_on, note=payload.note, officer=_user(request)
        )
    except DomainError as exc:
        raise HttpError(422, str(exc.message)) from exc
    return Status(201, promise)  # PromiseOut reads the row's own fields


def _letter(message: Any) -> dict[str, Any]:
    delivery = getattr(message, "delivery", None)
    return {
        "id": message.pk,
        "template": message.template_code,
        "channel": message.channel,
        "status": message.status,
        "queued_on": message.queued_on,
        "sent_on": message.sent_on,
        "delivered_on": message.delivered_on,
        "failure_reason": delivery.failure_reason if delivery else "",
        "returned_on": delivery.returned_on if delivery else None,
        "return_reason": delivery.return_reason if delivery else "",
    }


@api.get(
    "/cases/{number}/letters",
    tags=["letters"],
    response=list[s.LetterOut],
    summary="The case's letters, e-mails and SMS with their status, newest first",
)
def case_letters(request: HttpRequest, number: str) -> list[dict[str, Any]]:
    """What the case screen's letters panel shows: queued, sent, delivered (an SMS report), failed
    (refused at send time, bounced, returned by the post) with the reason."""
    case = case_get_for_user(user=_user(request), number=number)
    access_record(user=_user(request), case=case, kind=AccessKind.API_LETTERS)
    return [_letter(m) for m in messages_for_case(case=case)]


@api.post(
    "/cases/{number}/letters/{letter_id}/return",
    tags=["letters"],
    response={201: s.LetterReturnOut, 403: s.Error, 404: s.Error, 422: s.Error},
    summary="Record a letter by post that came back (agency staff; a mail house's return data)",
)
def case_letter_return(
    request: HttpRequest, number: str, letter_id: int, payload: s.LetterReturnIn
) -> Status[dict[str, Any]]:
    """The same as the case screen's "a letter came back": refused or not collected counts as
    received; otherwise the letter failed, its address is marked invalid (not for a deceased
    addressee), a 14-day letter or stuitingsbrief no longer counts, and the officer gets the tasks
    that follow. A letter is returned once; a refusal (422) names the problem and writes nothing."""
    case = case_get_for_user(user=_user(request), number=number)
    _require_write(request)
    try:
        done = letter_return_record(
            case=case,
            message_id=letter_id,
            reason=payload.reason,
            returned_on=payload.returned_on,
            note=payload.note,
            actor=_user(request),
        )
    except DomainError as exc:
        raise HttpError(422, str(exc.message)) from exc
    message = messages_for_case(case=case).get(pk=done.message.pk)
    return Status(
        201,
        {
            "letter": _letter(message),
            "counts_as_received": done.counts_as_received,
            "address_invalidated": done.address_invalidated,
            "summary": done.summary,
        },
    )


@api.get(
    "/cases/{number}/contact-check",
    tags=["contact"],
    response=s.ContactCheckOut,
    summary="May the debtor be called or visited now? (Wki contact window and the week's call attempts)",
)
def case_contact_check(request: HttpRequest, number: str) -> dict[str, Any]:
    """For a dialler: ask before each call. Calls and visits share the window; the call limit counts
    the attempts logged on any of the debtor's cases; a debtor who refused calls is never called."""
    case = case_get_for_user(user=_user(request), number=number)
    check = contact_check(debtor_id=case.debtor_id)
    return {
        "allowed_now": not check.why_not_now,
        "why_not_now": check.why_not_now or None,
        "window_start": f"{check.window.start:%H:%M}",
        "window_end": f"{check.window.end:%H:%M}",
        "calls_this_week": check.calls,
        "call_limit": check.call_limit,
        "call_limit_reached": check.call_limit_reached,
        "phone_refused": check.phone_refused,
    }


@api.post(
    "/cases/{number}/contacts",
    tags=["contact"],
    response={201: s.ContactOut, 403: s.Error, 422: s.Error},
    summary="Log a telephone call or home visit with its outcome (agency staff)",
)
def case_contact_log(request: HttpRequest, number: str, payload: s.ContactIn) -> Status[dict[str, Any]]:
    """A contact against the rules (outside the window, above the week's call limit) is logged all the
    same, as the screen does, and says so in `outside_contact_window` / `over_call_limit`."""
    case = case_get_for_user(user=_user(request), number=number)
    _require_write(request)
    try:
        event = contact_log(
            case=case,
            kind=payload.kind,
            outcome=payload.outcome.value,
            note=payload.note,
            actor=_user(request),
        )
    except DomainError as exc:
        raise HttpError(422, str(exc.message)) from exc
    return Status(
        201,
        {
            "id": event.pk,
            "case": case.number,
            "kind": event.kind,
            "outcome": event.details["outcome"],
            "occurred_at": event.occurred_at,
            "summary": event.summary,
            "outside_contact_window": event.details.get(OUTSIDE_WINDOW),
            "over_call_limit": event.details.get(OVER_CALL_LIMIT),
        },
    )


def _freeze(case: Any, freeze: Any) -> dict[str, Any]:
    return {
        "id": freeze.pk,
        "case": case.number,
        "starts_on": freeze.starts_on,
        "ends_on": freeze.ends_on,
        "reason": freeze.reason,
        "source": freeze.source,
        "created_by": freeze.created_by.get_username() if freeze.created_by else None,
    }


@api.post(
    "/cases/{number}/interest-freezes",
    tags=["cases"],
    response={201: s.InterestFreezeOut, 403: s.Error, 422: s.Error},
    summary="Freeze the case's interest by hand (agency staff)",
)
def case_interest_freeze(
    request: HttpRequest, number: str, payload: s.InterestFreezeIn
) -> Status[dict[str, Any]]:
    case = case_get_for_user(user=_user(request), number=number)
    _require_write(request)
    try:
        freeze = interest_freeze_place(
            case=case,
            starts_on=payload.starts_on,
            ends_on=payload.ends_on,
            reason=payload.reason,
            actor=_user(request),
            today=timezone.localdate(),
        )
    except DomainError as exc:
        raise HttpError(422, str(exc)) from exc
    return Status(201, _freeze(case, freeze))


@api.post(
    "/cases/{number}/interest-freezes/end",
    tags=["cases"],
    response={200: s.InterestFreezeOut, 403: s.Error, 422: s.Error},
    summary="End the case's current interest freeze, whoever started it (agency staff)",
)
def case_interest_freeze_end(
    request: HttpRequest, number: str, payload: s.InterestFreezeEndIn
) -> Status[dict[str, Any]]:
    case = case_get_for_user(user=_user(request), number=number)
    _require_write(request)
    try:
        freeze = interest_freeze_end_by_hand(
            case=case, ends_on=payload.ends_on, actor=_user(request), today=timezone.localdate()
        )
    except DomainError as exc:
        raise HttpError(422, str(exc)) from exc
    return Status(200, _freeze(case, freeze))


def _report(report: ImportReport) -> dict[str, Any]:
    def line(c: Any) -> dict[str, Any]:
        return {
            "case": c.case_number,
            "debtor": c.debtor_name,
            "rows": list(c.rows),
            "invoice_numbers": list(c.invoice_numbers),
            "principal": c.principal,
            "existing": c.existing,
        }

    return {
        "dry_run": report.dry_run,
        "ok": report.ok,
        "claims_created": report.claims_created if report.ok else 0,
        "principal": report.principal if report.ok else 0,
        "opened": [line(c) for c in report.opened],
        "extended": [line(c) for c in report.extended],
        "skipped": [
            {"row": r.row, "invoice_number": r.invoice_number, "case": r.case_number} for r in report.skipped
        ],
        "errors": [
            {"row": e.row, "column": e.column, "message": e.message}
            if isinstance(e, RowError)
            else {"row": None, "column": "", "message": str(e)}
            for e in report.errors
        ],
        "warnings": list(report.warnings),
    }


@api.post(
    "/claims",
    tags=["claims"],
    response={200: s.ClaimsReport, 403: s.Error, 404: s.Error, 422: s.ClaimsReport},
    summary="Hand over claims (agency staff): all rows or none",
)
def claims_hand_over(request: HttpRequest, payload: s.ClaimsIn) -> Status[dict[str, Any]]:
    """The claims import of the upload screen, as JSON: the same columns (docs/claims-import.md), the
    same checks, all-or-nothing, idempotent (an invoice already handed over is skipped and reported).
    Rows of one debtor become one case. With any error nothing is written and the answer is 422 with
    every error by row (1-based index into `rows`) and column."""
    _require_write(request)
    client = client_list_for_user(user=_user(request)).filter(code=payload.client).first()  # active, in scope
    if client is None:
        raise HttpError(404, f"No active client with code {payload.client}")
    headers: list[str] = []
    for row in payload.rows:
        headers.extend(k for k in row if k not in headers)
    table = Table(
        file_name=f"api {payload.reference}".strip(),
        kind="json",
        delimiter=",",  # amounts with a decimal point
        headers=tuple(headers),
        rows=tuple((n, tuple(row.get(h) for h in headers)) for n, row in enumerate(payload.rows, start=1)),
    )
    report = claims_import_table(client=client, table=table, actor=_user(request), dry_run=payload.dry_run)
    return Status(200 if report.ok else 422, _report(report))


def _buckets(values: dict[str, Decimal]) -> dict[str, Decimal]:
    return {**{b: values[b] for b in BUCKETS}, "total": sum(values.values(), Decimal("0.00"))}


def _figures(f: Figures) -> dict[str, Any]:
    return {
        "received": f.received,
        "received_principal": f.received_principal,
        "recovered_principal": f.recovered_principal,
        "recovery_rate": f.recovery_rate,
        "collected": _buckets(f.collected),
        "paying_cases": f.paying_cases,
        "closed": f.closed,
        "success_rate": f.success_rate,
        "days_to_payment_mean": f.days_to_payment_mean,
        "days_to_payment_median": f.days_to_payment_median,
        "open_cases": f.open_cases,
        "open_balance": _buckets(f.open_balance),
        "arrangements_active": f.arrangements_active,
        "arrangements_completed": f.arrangements_completed,
        "arrangements_broken": f.arrangements_broken,
        "promises_made": f.promises_made,
        "promises_kept": f.promises_kept,
        "promises_broken": f.promises_broken,
        "promise_keep_rate": f.promise_keep_rate,
    }


@api.get(
    "/reports/portfolio",
    tags=["reports"],
    response=s.PortfolioReportOut,
    summary="The portfolio report over a period, per client and in total",
)
def reports_portfolio(request: HttpRequest, start: dt.date, end: dt.date, client: str = "") -> dict[str, Any]:
    """The figures of the Rapportages screen, for the token's clients (or the one `client` code):
    received, collected, recovery rate, closed, open on `end`, arrangements, and twelve months."""
    if start > end:
        raise HttpError(422, "end: the period ends before it starts")
    if end > timezone.localdate():
        raise HttpError(422, "end: a report cannot look past today")
    clients = report_clients(_user(request))
    if client:
        clients = clients.filter(code=client)
        if not clients.exists():
            raise HttpError(404, f"No client with code {client}")
    report = portfolio_report(clients=clients, start=start, end=end)
    return {
        "start": report.start,
        "end": report.end,
        "clients": [
            {"client": r.client.code, "name": r.client.name, **_figures(r.figures)} for r in report.rows
        ],
        "total": _figures(report.total),
        "months": [
            {"month": m.first_day, "received": m.received, "collected": _buckets(m.collected)}
            for m in report.months
        ],
    }
