"""The API's letters: what the case's letters panel shows, and a mail house reporting a letter that
came back by the `letter_id` of the print manifest."""

from __future__ import annotations

import csv
import datetime as dt

import pytest
from django.test import Client as HttpClient

from incasso.api.services import api_token_create
from incasso.audit.models import AccessLogEntry
from incasso.cases.models import Event, Task
from incasso.letters.models import Delivery
from incasso.letters.print_batch import print_batch
from incasso.letters.tests.conftest import LETTER_DAY, letterhead, queue_message, zorg_letter_case  # noqa: F401

pytestmark = pytest.mark.django_db

BACK = (LETTER_DAY + dt.timedelta(days=3)).isoformat()


def _api(user) -> HttpClient:
    _, token = api_token_create(user=user, name="test")
    return HttpClient(headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
def printed(zorg_letter_case, tmp_path):  # noqa: F811
    message = queue_message(zorg_letter_case, channel="letter", template_code="fourteen_day_letter")
    result = print_batch(on=LETTER_DAY, out_dir=tmp_path)
    [row] = list(csv.DictReader(result.manifest_path.open(encoding="utf-8")))
    assert row["letter_id"] == str(message.pk)  # what the mail house reports a return by
    return message


def test_a_client_reads_the_cases_letters(printed, zorg_user, energie_user):
    case = printed.case
    body = _api(zorg_user).get(f"/api/v1/cases/{case.number}/letters").json()
    assert body == [
        {
            "id": printed.pk,
            "template": "fourteen_day_letter",
            "channel": "letter",
            "status": "sent",
            "queued_on": LETTER_DAY.isoformat(),
            "sent_on": LETTER_DAY.isoformat(),
            "delivered_on": None,
            "failure_reason": "",
            "returned_on": None,
            "return_reason": "",
        }
    ]
    assert AccessLogEntry.objects.filter(case=case, kind="api_letters", user=zorg_user).exists()
    assert _api(energie_user).get(f"/api/v1/cases/{case.number}/letters").status_code == 404


def test_a_mail_house_reports_a_returned_letter(printed, officer, zorg_user):
    case = printed.case
    url = f"/api/v1/cases/{case.number}/letters/{printed.pk}/return"
    payload = {"reason": "moved", "returned_on": BACK, "note": "retourbestand PostNL"}
    assert _api(zorg_user).post(url, payload, content_type="application/json").status_code == 403
    response = _api(officer).post(url, payload, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["counts_as_received"] is False and body["address_invalidated"] is True
    assert body["letter"]["status"] == "failed" and body["letter"]["return_reason"] == "moved"
    assert body["letter"]["failure_reason"] == "retour 05-03-2026: verhuisd"
    assert body["summary"].startswith("Brief retour (verhuisd): veertiendagenbrief van 02-03-2026")
    assert Task.objects.filter(case=case, kind="find_contact").exists()
    again = _api(officer).post(url, payload, content_type="application/json")
    assert again.status_code == 422 and "al als retour vastgelegd" in again.json()["detail"]


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({"reason": "lost", "returned_on": BACK}, 422),  # not a reason on the sticker (schema)
        ({"reason": "moved", "returned_on": "2026-03-01"}, 422),  # before it was sent
        ({"reason": "moved", "returned_on": "05-03-2026"}, 422),  # not an ISO date
        ({"reason": "moved", "returned_on": BACK, "note": "x" * 301}, 422),
    ],
)
def test_a_refused_return_names_the_problem_and_writes_nothing(printed, officer, payload, status):
    case = printed.case
    events = Event.objects.count()
    response = _api(officer).post(
        f"/api/v1/cases/{case.number}/letters/{printed.pk}/return", payload, content_type="application/json"
    )
    assert response.status_code == status
    assert response.json()["detail"]
    assert Delivery.objects.get(message=printed).returned_on is None
    assert Event.objects.count() == events and case.debtor.addresses.get().is_valid


def test_another_cases_letter_is_refused(printed, officer, energie_case):
    response = _api(officer).post(
        f"/api/v1/cases/{energie_case.number}/letters/{printed.pk}/return",
        {"reason": "moved", "returned_on": BACK},
        content_type="application/json",
    )
    assert (
        response.status_code == 422 and "niet een van de brieven van dit dossier" in response.json()["detail"]
    )
    assert Delivery.objects.get(message=printed).returned_on is None
