"""The Questions page, the case screen's questions panel and the questions in the JSON API."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as HttpClient

from incasso.api.services import api_token_create
from incasso.cases.models import ClientQuestion, Document, Event, Task
from incasso.cases.questions import question_ask
from incasso.legal.services import handover_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def question(zorg_case, officer):
    return question_ask(
        case=zorg_case, question="Is de zorg op 3 maart geleverd?", officer=officer, topic="dispute"
    )


def test_a_client_user_sees_its_questions_and_approvals_with_a_count_in_the_menu(
    client, zorg_user, question, energie_case, officer, zorg_case
):
    question_ask(case=energie_case, question="Vraag voor Energie Zuid", officer=officer)
    handover_request(case=zorg_case, to="bailiff", actor=officer)
    client.force_login(zorg_user)
    page = client.get("/questions/").content.decode()
    assert "Vragen voor u" in page
    assert "Is de zorg op 3 maart geleverd?" in page and "Vraag voor Energie Zuid" not in page
    assert '<span class="nav-count"' in page and ">1</span>" in page
    assert "Overdrachten die op uw akkoord wachten" in page and f"/legal/handover/{zorg_case.number}/" in page
    assert "Ontvangen via" not in page  # the staff's field


def test_the_client_answers_with_a_document_and_the_officer_gets_a_task(
    client, zorg_user, question, officer, tmp_path, settings
):
    settings.MEDIA_ROOT = str(tmp_path)
    client.force_login(zorg_user)
    pdf = SimpleUploadedFile("leveringsbon.pdf", b"%PDF-1.4 bon", "application/pdf")
    r = client.post(
        f"/questions/{question.pk}/answer/",
        {
            f"q{question.pk}-answer": "Ja, zie bon.",
            f"q{question.pk}-attachments": [pdf],
            f"q{question.pk}-document_kind": "proof_of_delivery",
            "next": "/questions/",
        },
    )
    assert r.status_code == 302 and r["Location"] == "/questions/"
    question.refresh_from_db()
    assert question.answer == "Ja, zie bon." and question.answered_by == zorg_user
    assert question.documents.get().kind == "proof_of_delivery"
    assert Task.objects.filter(assignee=officer, done_at__isnull=True, title__contains="verwerken").exists()
    page = client.get("/questions/").content.decode()
    assert (
        "Er wachten geen vragen op antwoord." in page
        and "Ja, zie bon." in page
        and "leveringsbon.pdf" in page
    )


def test_an_answer_to_an_outside_next_goes_to_the_questions_page(client, zorg_user, question):
    client.force_login(zorg_user)
    r = client.post(
        f"/questions/{question.pk}/answer/",
        {
            f"q{question.pk}-answer": "Ja",
            f"q{question.pk}-document_kind": "other",
            "next": "https://evil.example/",
        },
    )
    assert r.status_code == 302 and r["Location"] == "/questions/"


def test_another_clients_user_gets_404_and_changes_nothing(client, energie_user, question):
    client.force_login(energie_user)
    r = client.post(f"/questions/{question.pk}/answer/", {f"q{question.pk}-answer": "Ja"})
    assert r.status_code == 404
    assert ClientQuestion.objects.get(pk=question.pk).is_open
    assert "Is de zorg" not in client.get("/questions/").content.decode()


def test_staff_without_saying_how_the_answer_came_in_get_the_error_in_the_form(client, officer, question):
    client.force_login(officer)
    before = (Event.objects.count(), Task.objects.count())
    r = client.post(
        f"/questions/{question.pk}/answer/",
        {f"q{question.pk}-answer": "Ja", f"q{question.pk}-document_kind": "other"},
        headers={"HX-Request": "true"},
    )
    assert r.status_code == 200
    assert "Geef aan hoe het antwoord van de opdrachtgever binnenkwam" in r.content.decode()
    assert (Event.objects.count(), Task.objects.count()) == before
    assert ClientQuestion.objects.get(pk=question.pk).is_open
    r = client.post(
        f"/questions/{question.pk}/answer/",
        {
            f"q{question.pk}-answer": "Ja",
            f"q{question.pk}-document_kind": "other",
            f"q{question.pk}-via": "telefoon",
        },
        headers={"HX-Request": "true"},
    )
    assert "namens de opdrachtgever, ontvangen via telefoon" in r.content.decode()


def test_a_bad_file_is_named_and_nothing_is_stored(client, zorg_user, question, tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path)
    client.force_login(zorg_user)
    exe = SimpleUploadedFile("factuur.exe", b"MZ", "application/x-msdownload")
    r = client.post(
        f"/questions/{question.pk}/answer/",
        {
            f"q{question.pk}-answer": "Zie bijlage",
            f"q{question.pk}-attachments": [exe],
            f"q{question.pk}-document_kind": "invoice",
        },
        headers={"HX-Request": "true"},
    )
    assert "application/x-msdownload" in r.content.decode()
    assert Document.objects.count() == 0 and ClientQuestion.objects.get(pk=question.pk).is_open


def test_the_officer_asks_from_the_case_panel_and_a_client_user_may_not(
    client, officer, zorg_user, zorg_case
):
    client.force_login(officer)
    panel = client.get(f"/questions/case/{zorg_case.number}/").content.decode()
    assert "Stel de opdrachtgever een vraag" in panel
    r = client.post(
        f"/questions/case/{zorg_case.number}/ask/",
        {"topic": "details", "question": "Klopt het adres Dorpsstraat 1?", "answer_by": ""},
        headers={"HX-Request": "true"},
    )
    assert r.status_code == 200 and "Klopt het adres Dorpsstraat 1?" in r.content.decode()
    assert ClientQuestion.objects.get(case=zorg_case).topic == "details"
    r = client.post(
        f"/questions/case/{zorg_case.number}/ask/",
        {"topic": "details", "question": ""},
        headers={"HX-Request": "true"},
    )
    assert "Dit veld is verplicht" in r.content.decode() and ClientQuestion.objects.count() == 1
    client.force_login(zorg_user)
    panel = client.get(f"/questions/case/{zorg_case.number}/").content.decode()
    assert "Klopt het adres" in panel and "Stel de opdrachtgever een vraag" not in panel
    assert client.post(f"/questions/case/{zorg_case.number}/ask/", {"question": "x"}).status_code == 403
    assert ClientQuestion.objects.count() == 1


def test_the_officer_withdraws_a_question(client, officer, question):
    client.force_login(officer)
    r = client.post(
        f"/questions/{question.pk}/withdraw/",
        {f"w{question.pk}-reason": "debiteur heeft betaald"},
        headers={"HX-Request": "true"},
    )
    assert "Ingetrokken op" in r.content.decode()
    assert ClientQuestion.objects.get(pk=question.pk).withdrawn_reason == "debiteur heeft betaald"


def _api(user) -> HttpClient:
    _, token = api_token_create(user=user, name="test")
    return HttpClient(headers={"Authorization": f"Bearer {token}"})


def test_the_api_lists_and_answers_a_clients_questions(
    zorg_user, energie_user, officer, question, energie_case
):
    question_ask(case=energie_case, question="Vraag voor Energie Zuid", officer=officer)
    body = _api(zorg_user).get("/api/v1/questions").json()
    assert [(q["id"], q["status"], q["topic"]) for q in body] == [(question.pk, "open", "dispute")]
    assert (
        _api(energie_user)
        .post(f"/api/v1/questions/{question.pk}/answer", {"answer": "Ja"}, content_type="application/json")
        .status_code
        == 404
    )
    r = _api(zorg_user).post(
        f"/api/v1/questions/{question.pk}/answer",
        {"answer": "Ja, geleverd."},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["status"] == "answered" and r.json()["answered_by"] == "zoe"
    again = _api(zorg_user).post(
        f"/api/v1/questions/{question.pk}/answer", {"answer": "Nog eens"}, content_type="application/json"
    )
    assert again.status_code == 422 and "al beantwoord" in again.json()["detail"]
    assert _api(zorg_user).get("/api/v1/questions").json() == []
    assert [q["answer"] for q in _api(zorg_user).get("/api/v1/questions?status=answered").json()] == [
        "Ja, geleverd."
    ]
    assert _api(zorg_user).get("/api/v1/questions?status=soon").status_code == 422


def test_the_api_asks_for_staff_only(zorg_user, officer, zorg_case):
    data = {"question": "Klopt factuur ZN-1001?", "topic": "details"}
    assert (
        _api(zorg_user)
        .post(f"/api/v1/cases/{zorg_case.number}/questions", data, content_type="application/json")
        .status_code
        == 403
    )
    r = _api(officer).post(
        f"/api/v1/cases/{zorg_case.number}/questions", data, content_type="application/json"
    )
    assert r.status_code == 201 and r.json()["status"] == "open"
    bad = _api(officer).post(
        f"/api/v1/cases/{zorg_case.number}/questions",
        {"question": "x", "topic": "weer"},
        content_type="application/json",
    )
    assert bad.status_code == 422 and ClientQuestion.objects.count() == 1
    listed = _api(zorg_user).get(f"/api/v1/cases/{zorg_case.number}/questions").json()
    assert [q["question"] for q in listed] == ["Klopt factuur ZN-1001?"]
