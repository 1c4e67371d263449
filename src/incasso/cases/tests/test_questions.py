"""Questions to the client: asking, answering (by the client or by staff on its behalf), withdrawing,
and the e-mail that tells the client a question waits. Real database, real SMTP server (aiosmtpd)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from incasso.cases.models import CaseState, ClientQuestion, Document, Event, Task, TaskKind
from incasso.cases.questions import (
    question_answer,
    question_ask,
    question_notify,
    question_withdraw,
    questions_notify_pending,
)
from incasso.cases.tests.factories import UserFactory
from incasso.clients.models import ClientContact
from incasso.core.exceptions import DomainError
from incasso.letters.tests.test_sending import smtp  # noqa: F401  the real SMTP server fixture

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 25)


def _counts() -> tuple[int, int, int, int]:
    return (
        ClientQuestion.objects.count(),
        Task.objects.count(),
        Event.objects.count(),
        Document.objects.count(),
    )


def _pdf(name: str = "leveringsbon.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 leveringsbon", "application/pdf")


def test_asking_makes_the_question_a_chase_task_for_the_officer_and_a_timeline_line(zorg_case, officer):
    q = question_ask(
        case=zorg_case,
        question="Is de zorg op 3 maart geleverd?",
        officer=officer,
        topic="dispute",
        today=TODAY,
    )
    assert q.is_open and q.answer_by == TODAY + dt.timedelta(days=5)
    assert q.chase_task.assignee == officer and q.chase_task.due_on == q.answer_by
    assert "Is de zorg op 3 maart geleverd?" in q.chase_task.title
    event = Event.objects.get(case=zorg_case, kind="client_question")
    assert event.summary == "Vraag aan opdrachtgever (betwisting): Is de zorg op 3 maart geleverd?"
    assert event.details["question"] == q.pk


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"question": "   "}, "question"),
        ({"question": "x" * 2001}, "question"),
        ({"topic": "weather"}, "topic"),
        ({"answer_by": TODAY - dt.timedelta(days=1)}, "answer_by"),
    ],
)
def test_a_wrong_question_is_refused_and_nothing_is_written(zorg_case, officer, kwargs, field):
    before = _counts()
    args = {"case": zorg_case, "question": "Klopt de factuur?", "officer": officer, "today": TODAY} | kwargs
    with pytest.raises(DomainError) as caught:
        question_ask(**args)
    assert caught.value.field == field
    assert _counts() == before


def test_a_client_user_does_not_ask_and_a_closed_case_gets_no_question(zorg_case, zorg_user, officer):
    before = _counts()
    with pytest.raises(DomainError, match="medewerkers"):
        question_ask(case=zorg_case, question="?", officer=zorg_user)
    zorg_case.state, zorg_case.closed_on, zorg_case.closing_reason = CaseState.CLOSED, TODAY, "paid"
    zorg_case.save(update_fields=["state", "closed_on", "closing_reason"])
    with pytest.raises(DomainError, match="gesloten"):
        question_ask(case=zorg_case, question="Klopt de factuur?", officer=officer)
    assert _counts() == before


def test_the_clients_answer_ends_the_chase_task_and_gives_the_officer_a_task_to_process_it(
    zorg_case, officer, zorg_user, tmp_path, settings
):
    settings.MEDIA_ROOT = str(tmp_path)
    q = question_ask(case=zorg_case, question="Is de zorg geleverd?", officer=officer, today=TODAY)
    answered = question_answer(
        question=q, answer="Ja, zie de leveringsbon.", user=zorg_user, uploads=[_pdf()], today=TODAY
    )
    assert answered.answered_by == zorg_user and answered.answer_via == ""
    assert Task.objects.get(pk=q.chase_task_id).done_by == zorg_user
    process = Task.objects.get(
        case=zorg_case, done_at__isnull=True, title__startswith="Antwoord opdrachtgever verwerken"
    )
    assert (process.assignee, process.due_on, process.kind) == (officer, TODAY, TaskKind.REVIEW)
    [document] = answered.documents.all()
    assert (document.case, document.original_name, document.kind) == (
        zorg_case,
        "leveringsbon.pdf",
        "correspondence",
    )
    event = Event.objects.filter(case=zorg_case, kind="client_question").first()  # the latest
    assert event.summary == "Antwoord opdrachtgever (zoe): Ja, zie de leveringsbon. [1 document(en)]"
    with pytest.raises(DomainError, match="al beantwoord"):
        question_answer(question=q, answer="Nog iets", user=zorg_user)


def test_staff_record_an_answer_only_saying_how_it_came_in(zorg_case, officer):
    q = question_ask(case=zorg_case, question="Klopt het adres?", officer=officer)
    before = _counts()
    with pytest.raises(DomainError) as caught:
        question_answer(question=q, answer="Ja", user=officer)
    assert caught.value.field == "via" and _counts() == before
    answered = question_answer(question=q, answer="Ja", user=officer, via="telefoon met M. de Wit")
    assert answered.answer_via == "telefoon met M. de Wit"
    assert Event.objects.filter(summary__contains="namens de opdrachtgever (telefoon met M. de Wit)").exists()


def test_another_clients_user_and_bad_answers_are_refused_without_a_trace(
    zorg_case, officer, energie_user, zorg_user, tmp_path, settings
):
    settings.MEDIA_ROOT = str(tmp_path)
    q = question_ask(case=zorg_case, question="Klopt het?", officer=officer)
    before = _counts()
    with pytest.raises(DomainError) as caught:
        question_answer(question=q, answer="Ja", user=energie_user)
    assert caught.value.field == "user"
    with pytest.raises(DomainError) as caught:
        question_answer(question=q, answer="  ", user=zorg_user)
    assert caught.value.field == "answer"
    # The second file is not accepted: neither is stored, the question stays open.
    bad = SimpleUploadedFile("virus.exe", b"MZ...", "application/x-msdownload")
    with pytest.raises(DomainError, match="application/x-msdownload"):
        question_answer(question=q, answer="Zie bijlagen", user=zorg_user, uploads=[_pdf(), bad])
    assert _counts() == before
    assert ClientQuestion.objects.get(pk=q.pk).is_open
    assert not list(tmp_path.rglob("*"))  # nothing written to disk either


def test_a_withdrawn_question_needs_no_answer(zorg_case, officer, zorg_user):
    q = question_ask(case=zorg_case, question="Klopt het?", officer=officer)
    with pytest.raises(DomainError):
        question_withdraw(question=q, actor=zorg_user, reason="betaald")
    with pytest.raises(DomainError) as caught:
        question_withdraw(question=q, actor=officer, reason=" ")
    assert caught.value.field == "reason"
    withdrawn = question_withdraw(question=q, actor=officer, reason="debiteur heeft betaald")
    assert withdrawn.withdrawn_reason == "debiteur heeft betaald"
    assert Task.objects.get(pk=q.chase_task_id).done_at is not None
    with pytest.raises(DomainError, match="ingetrokken"):
        question_answer(question=q, answer="Ja", user=zorg_user)
    with pytest.raises(DomainError):
        question_withdraw(question=q, actor=officer, reason="nog eens")


def test_the_client_is_told_by_email_once_without_the_question_or_the_debtor(
    zorg_case,
    officer,
    smtp,  # noqa: F811
    settings,
    django_capture_on_commit_callbacks,
    worker,
):
    settings.INCASSO_SITE_URL = "https://incasso.example.nl"
    ClientContact.objects.create(client=zorg_case.client, name="M. de Wit", email="debiteuren@zorg.example")
    ClientContact.objects.create(client=zorg_case.client, name="Zonder mail")
    with django_capture_on_commit_callbacks(execute=True):
        q = question_ask(case=zorg_case, question="Is mevrouw behandeld?", officer=officer)
    worker()  # the background task the commit enqueued
    [mail] = smtp.messages
    body = mail.get_body().get_content()
    assert mail["To"] == "debiteuren@zorg.example"
    assert mail["Subject"] == f"Vraag over dossier {zorg_case.number}"
    assert "https://incasso.example.nl/questions/" in body
    assert "behandeld" not in body and zorg_case.debtor.display_name not in body
    assert ClientQuestion.objects.get(pk=q.pk).notified_at is not None
    assert question_notify(question_id=q.pk) == 0  # once
    assert questions_notify_pending() == {"open_not_notified": 0, "notified": 0}
    assert len(smtp.messages) == 1


def test_a_question_the_mail_could_not_announce_is_announced_by_the_daily_follow_up(
    zorg_case,
    officer,
    smtp,  # noqa: F811
):
    q = question_ask(case=zorg_case, question="Klopt het?", officer=officer)
    assert question_notify(question_id=q.pk) == 0  # the client has no contact with an e-mail address yet
    assert ClientQuestion.objects.get(pk=q.pk).notified_at is None
    ClientContact.objects.create(client=zorg_case.client, name="M. de Wit", email="debiteuren@zorg.example")
    assert questions_notify_pending() == {"open_not_notified": 1, "notified": 1}
    assert len(smtp.messages) == 1


def test_an_answered_question_is_no_longer_announced(zorg_case, officer, smtp):  # noqa: F811
    ClientContact.objects.create(client=zorg_case.client, name="M. de Wit", email="debiteuren@zorg.example")
    q = question_ask(case=zorg_case, question="Klopt het?", officer=officer)
    question_answer(question=q, answer="Ja", user=UserFactory(role="client_user", client=zorg_case.client))
    assert question_notify(question_id=q.pk) == 0 and smtp.messages == []
    assert ClientQuestion.objects.get(pk=q.pk).notified_at is None
