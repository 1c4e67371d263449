"""Questions to the client (opdrachtgever) about one case, and the client's answers.

An officer asks (a dispute needs the delivery note, the debtor says the goods went back, an invoice
looks wrong); the client's users see the question in Incasso (the Questions page, the case screen,
the API) and answer it there, with documents if they like. Staff may record an answer that came in
by telephone or e-mail on the client's behalf, saying how it came in.

- Asking makes a timeline line and a task for the asking officer to chase the answer by the date
  asked for; the client's contacts get an e-mail that a question waits (after the commit, in the
  background: `cases.tasks.notify_client_question`; it names the case number and the client's own
  reference, never the debtor or the question).
- Answering ends that chase task and gives the asking officer a task to process the answer today.
- A question can be withdrawn (with a reason); a resolved dispute withdraws the questions it raised.

Refusals raise `DomainError` and change nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, cast

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import EmailMessage, mailers
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from incasso.cases.models import (
    QUESTION_OPEN,
    Case,
    CaseState,
    ClientQuestion,
    DocumentKind,
    EventKind,
    QuestionTopic,
    TaskKind,
)
from incasso.cases.timeline import document_add, document_check, event_record, task_complete, task_create
from incasso.core.access import STAFF_ROLES, scope_to_clients
from incasso.core.exceptions import DomainError
from incasso.core.formatting import record_text

MAX_QUESTION = 2000
MAX_ANSWER = 4000


def answer_days() -> int:
    """Days the client is given to answer, from the settings (default 5)."""
    return max(1, int(getattr(settings, "INCASSO_CLIENT_QUESTION_DAYS", 5)))


def _is_staff(user: Any) -> bool:
    return getattr(user, "role", None) in STAFF_ROLES


def _short(text: str, room: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= room else text[: room - 1] + "…"


@transaction.atomic
def question_ask(
    *,
    case: Case,
    question: str,
    officer: Any,
    topic: str = QuestionTopic.OTHER,
    source: str = "",
    answer_by: dt.date | None = None,
    today: dt.date | None = None,
) -> ClientQuestion:
    """Put a question to the case's client; see the module's docstring for what follows."""
    if not _is_staff(officer):
        raise DomainError(_("Only agency staff put questions to the client"), field="officer")
    text = question.strip()
    if not text:
        raise DomainError(_("Ask a question"), field="question")
    if len(text) > MAX_QUESTION:
        raise DomainError(
            _("A question is at most %(max)d characters") % {"max": MAX_QUESTION}, field="question"
        )
    if topic not in QuestionTopic.values:
        raise DomainError(_("Unknown topic %(topic)r") % {"topic": topic}, field="topic")
    today = today or timezone.localdate()
    answer_by = answer_by or today + dt.timedelta(days=answer_days())
    if answer_by < today:
        raise DomainError(_("The answer cannot be asked for by a date in the past"), field="answer_by")
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.state == CaseState.CLOSED:
        raise DomainError(_("A closed case gets no new questions"), field="case")
    chase = task_create(
        case=locked,
        title=f"Antwoord opdrachtgever nagaan: {_short(text)}",
        due_on=answer_by,
        kind=TaskKind.OTHER,
        assignee=officer,
        created_by=officer,
    )
    row = ClientQuestion.objects.create(
        case=locked,
        topic=topic,
        source=source[:40],
        question=text,
        asked_by=officer,
        asked_at=timezone.now(),
        answer_by=answer_by,
        chase_task=chase,
    )
    event_record(
        case=locked,
        kind=EventKind.CLIENT_QUESTION,
        summary=f"Vraag aan opdrachtgever ({record_text(QuestionTopic(topic).label)}): {text}",
        actor=officer,
        details={"question": row.pk, "task": chase.pk, **({"source": source} if source else {})},
    )
    from incasso.cases.tasks import notify_client_question

    transaction.on_commit(lambda: notify_client_question.enqueue(row.pk))
    return row


@transaction.atomic
def question_answer(
    *,
    question: ClientQuestion,
    answer: str,
    user: Any,
    via: str = "",
    uploads: Sequence[UploadedFile[Any]] = (),
    document_kind: str = DocumentKind.CORRESPONDENCE,
    today: dt.date | None = None,
) -> ClientQuestion:
    """The client's answer: by a user of the case's client, or by staff on its behalf (`via` says how
    it came in, e.g. "telefoon met M. de Wit"). Documents are added to the case and linked."""
    locked = ClientQuestion.objects.select_for_update().select_related("case").get(pk=question.pk)
    case = locked.case
    is_client = (
        getattr(user, "role", None) == "client_user" and getattr(user, "client_id", None) == case.client_id
    )
    if not is_client and not _is_staff(user):
        raise DomainError(_("Only the client or agency staff on its behalf can answer"), field="user")
    via = via.strip()
    if not is_client and not via:
        raise DomainError(_("Say how the client's answer came in (e.g. by telephone with whom)"), field="via")
    text = answer.strip()
    if not text:
        raise DomainError(_("Write an answer"), field="answer")
    if len(text) > MAX_ANSWER:
        raise DomainError(_("An answer is at most %(max)d characters") % {"max": MAX_ANSWER}, field="answer")
    if locked.withdrawn_at is not None:
        raise DomainError(_("This question was withdrawn: it needs no answer any more"), field="question")
    if locked.answered_at is not None:
        raise DomainError(_("This question has already been answered"), field="question")
    if document_kind not in DocumentKind.values:
        raise DomainError(
            _("Unknown document kind %(kind)r") % {"kind": document_kind}, field="document_kind"
        )
    for upload in uploads:  # every file checked before any is stored: all or none
        document_check(upload)
    today = today or timezone.localdate()
    documents = [document_add(case=case, upload=u, kind=document_kind, uploaded_by=user) for u in uploads]
    locked.answer = text
    locked.answered_by = user
    locked.answered_at = timezone.now()
    locked.answer_via = "" if is_client else via[:200]
    locked.save(update_fields=["answer", "answered_by", "answered_at", "answer_via"])
    locked.documents.add(*documents)
    if locked.chase_task is not None:
        task_complete(task=locked.chase_task, by=user)
    who = user.get_username() if is_client else f"{user.get_username()} namens de opdrachtgever ({via})"
    files = f" [{len(documents)} document(en)]" if documents else ""
    event_record(
        case=case,
        kind=EventKind.CLIENT_QUESTION,
        summary=f"Antwoord opdrachtgever ({who}): {text}"[: 300 - len(files)] + files,
        actor=user,
        details={"question": locked.pk, "documents": [d.pk for d in documents]},
    )
    task_create(
        case=case,
        title=f"Antwoord opdrachtgever verwerken: {_short(locked.question)}",
        due_on=today,
        kind=TaskKind.REVIEW,
        assignee=locked.asked_by,
        created_by=user,
    )
    return locked


@transaction.atomic
def question_withdraw(*, question: ClientQuestion, actor: Any, reason: str) -> ClientQuestion:
    """No answer is needed any more (the debtor paid, the dispute was settled)."""
    if not _is_staff(actor):
        raise DomainError(_("Only agency staff withdraw a question"), field="actor")
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Say why the question is withdrawn"), field="reason")
    locked = ClientQuestion.objects.select_for_update().select_related("case").get(pk=question.pk)
    if not locked.is_open:
        raise DomainError(_("Only an open question can be withdrawn"), field="question")
    locked.withdrawn_at = timezone.now()
    locked.withdrawn_reason = reason[:200]
    locked.save(update_fields=["withdrawn_at", "withdrawn_reason"])
    if locked.chase_task is not None:
        task_complete(task=locked.chase_task, by=actor)
    event_record(
        case=locked.case,
        kind=EventKind.CLIENT_QUESTION,
        summary=f"Vraag aan opdrachtgever ingetrokken: {reason}",
        actor=actor,
        details={"question": locked.pk},
    )
    return locked


def questions_withdraw_for(*, case: Case, source: str, actor: Any, reason: str) -> int:
    """Withdraw the open questions `source` raised (a resolved dispute's); returns how many."""
    open_ones = ClientQuestion.objects.filter(QUESTION_OPEN, case=case, source=source)
    count = 0
    for question in open_ones:
        question_withdraw(question=question, actor=actor, reason=reason)
        count += 1
    return count


def question_notify(*, question_id: int) -> int:
    """E-mail the client's contacts that a question waits; once per question (also when the task is
    delivered twice). Returns the number of addressees (0: none with an e-mail address, or already done,
    or no longer open). The e-mail names the case number and the client's reference only."""
    with transaction.atomic():
        question = (
            ClientQuestion.objects.select_for_update(of=("self",))
            .select_related("case__client")
            .filter(pk=question_id)
            .first()
        )
        if question is None or question.notified_at is not None or not question.is_open:
            return 0
        client = question.case.client
        to = sorted({c.email for c in client.contacts.exclude(email="")})
        if not to:
            return 0
        site = str(getattr(settings, "INCASSO_SITE_URL", "") or "").rstrip("/")
        link = site + reverse("questions:index") if site else ""
        reference = question.case.client_reference or "-"
        lines = [
            f"Beste {client.name},",
            "",
            f"Wij hebben een vraag over dossier {question.case.number} (uw kenmerk: {reference}).",
            f"Wilt u de vraag uiterlijk {question.answer_by:%d-%m-%Y} beantwoorden in Incasso"
            + (f": {link}" if link else " (menu Vragen)."),
            "",
            "Om privacyredenen staat de vraag zelf niet in deze e-mail.",
            "",
            "Met vriendelijke groet,",
            str(settings.INCASSO_AGENCY.get("name") or "Incasso"),
        ]
        message = EmailMessage(
            subject=f"Vraag over dossier {question.case.number}",
            body="\n".join(lines),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=to,
        )
        mailers.default.send_messages([message])  # an error rolls back: the next try sends it
        question.notified_at = timezone.now()
        question.save(update_fields=["notified_at"])
        return len(to)


def questions_notify_pending() -> dict[str, int]:
    """The daily run's follow-up: e-mail what was not announced yet (no mail server at the time, or a
    contact's address added since). Safe to rerun: each question is announced once."""
    ids = list(
        ClientQuestion.objects.filter(QUESTION_OPEN, notified_at__isnull=True).values_list("pk", flat=True)
    )
    notified = 0
    for question_id in ids:
        if question_notify(question_id=question_id):
            notified += 1
    return {"open_not_notified": len(ids), "notified": notified}


# --- reading -------------------------------------------------------------------------------------


def _questions_for_user(user: Any) -> Any:
    return scope_to_clients(
        ClientQuestion.objects.select_related("case__client", "case__debtor", "asked_by", "answered_by"),
        user=user,
        field="case__client_id",
    )


def question_get_for_user(*, user: Any, pk: int) -> ClientQuestion:
    """One question of a case the user may see; 404 otherwise (as for a case)."""
    question = _questions_for_user(user).filter(pk=pk).first()
    if question is None:
        raise Http404("No such question")
    return cast(ClientQuestion, question)


def questions_open_for_user(*, user: Any) -> list[ClientQuestion]:
    """What waits for an answer, the earliest answer date first."""
    return list(
        _questions_for_user(user)
        .filter(QUESTION_OPEN)
        .prefetch_related("documents")
        .order_by("answer_by", "asked_at", "pk")
    )


def questions_answered_for_user(*, user: Any, since: dt.datetime) -> list[ClientQuestion]:
    """Answered since `since`, the latest first."""
    return list(
        _questions_for_user(user)
        .filter(answered_at__gte=since)
        .prefetch_related("documents")
        .order_by("-answered_at", "-pk")
    )


def questions_open_count(*, user: Any) -> int:
    return int(_questions_for_user(user).filter(QUESTION_OPEN).count())


def questions_for_case(*, case: Case, source: str | None = None) -> list[ClientQuestion]:
    rows = ClientQuestion.objects.filter(case=case)
    if source is not None:
        rows = rows.filter(source=source)
    return list(
        rows.select_related("asked_by", "answered_by")
        .prefetch_related("documents")
        .order_by("asked_at", "pk")
    )
