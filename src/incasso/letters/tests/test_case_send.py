"""The case screen's "send a letter": preview, send, refusal, and who may."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from incasso.cases.models import Event, Task
from incasso.debtors.models import ContactPoint
from incasso.letters.models import Delivery, LetterTemplate
from incasso.letters.tests.conftest import LETTER_DAY
from incasso.strategies.models import ChannelOptOut, OutgoingMessage

MONDAY_10 = dt.datetime.combine(LETTER_DAY, dt.time(10), tzinfo=ZoneInfo("Europe/Amsterdam"))


@pytest.fixture
def at_ten(time_machine):
    time_machine.move_to(MONDAY_10, tick=False)


def _url(case) -> str:
    return f"/letters/case/{case.number}/send/"


def _written():
    return (
        OutgoingMessage.objects.count(),
        Event.objects.count(),
        Task.objects.count(),
        Delivery.objects.count(),
    )


def test_the_panel_offers_staff_the_debtors_letters(client, officer, zorg_letter_case):
    client.force_login(officer)
    page = client.get(f"/letters/case/{zorg_letter_case.number}/").content.decode()
    assert "Brief versturen" in page
    assert 'value="summons"' in page and 'value="client_progress_report"' not in page


def test_preview_shows_the_letter_and_writes_nothing(client, officer, zorg_letter_case, at_ten):
    client.force_login(officer)
    before = _written()
    response = client.post(_url(zorg_letter_case), {"template_code": "summons", "channel": "letter"})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'src="data:image/png;base64,' in page and 'value="send"' in page
    assert _written() == before


def test_send_queues_the_letter_once_with_a_timeline_line(client, officer, zorg_letter_case, at_ten):
    client.force_login(officer)
    form = {"template_code": "summons", "channel": "letter", "action": "send"}
    response = client.post(_url(zorg_letter_case), form)
    assert response.status_code == 200
    assert "klaargezet" in response.content.decode()
    message = OutgoingMessage.objects.get(case=zorg_letter_case)
    assert message.step_execution_id is None and message.reason_key == "manual:2026-03-02"
    assert Event.objects.get(case=zorg_letter_case, details__message=message.pk).actor == officer
    again = client.post(_url(zorg_letter_case), form)  # a double click
    assert "al klaargezet" in again.content.decode()
    assert OutgoingMessage.objects.filter(case=zorg_letter_case).count() == 1


def test_a_refusal_names_the_reason_in_dutch_and_writes_nothing(client, officer, zorg_letter_case, at_ten):
    ContactPoint.objects.create(debtor=zorg_letter_case.debtor, kind="email", value="jan@example.nl")
    ChannelOptOut.objects.create(debtor=zorg_letter_case.debtor, channel="email", since=LETTER_DAY)
    client.force_login(officer)
    before = _written()
    form = {"template_code": "reminder", "channel": "email"}
    preview = client.post(_url(zorg_letter_case), form).content.decode()
    assert "Deze brief kan niet worden verstuurd: debiteur wil geen berichten via dit kanaal" in preview
    assert 'value="send"' not in preview
    response = client.post(_url(zorg_letter_case), {**form, "action": "send"})
    assert response.status_code == 422
    assert "debiteur wil geen berichten via dit kanaal" in response.content.decode()
    assert _written() == before


def test_a_refusal_in_english_for_an_english_officer(client, officer, zorg_letter_case, at_ten):
    ChannelOptOut.objects.create(debtor=zorg_letter_case.debtor, channel="sms", since=LETTER_DAY)
    client.force_login(officer)
    client.cookies["django_language"] = "en"
    response = client.post(
        _url(zorg_letter_case), {"template_code": "reminder", "channel": "sms", "action": "send"}
    )
    assert response.status_code == 422
    assert "debtor opted out of the channel" in response.content.decode()


def test_sms_only_where_the_template_has_an_sms_text(client, officer, zorg_letter_case, at_ten):
    LetterTemplate.objects.filter(code="summons").update(short_text="")
    client.force_login(officer)
    response = client.post(
        _url(zorg_letter_case), {"template_code": "summons", "channel": "sms", "action": "send"}
    )
    assert response.status_code == 422
    assert "Deze brief heeft geen sms-tekst" in response.content.decode()
    assert not OutgoingMessage.objects.exists()


def test_a_client_user_may_not_send(client, zorg_user, zorg_letter_case):
    client.force_login(zorg_user)
    assert (
        client.post(_url(zorg_letter_case), {"template_code": "summons", "channel": "letter"}).status_code
        == 403
    )
    assert "Brief versturen" not in client.get(f"/letters/case/{zorg_letter_case.number}/").content.decode()


def test_another_clients_user_gets_404(client, energie_user, zorg_letter_case):
    client.force_login(energie_user)
    assert (
        client.post(_url(zorg_letter_case), {"template_code": "summons", "channel": "letter"}).status_code
        == 404
    )


def test_staff_restricted_to_another_client_gets_404(client, officer, energie, zorg_letter_case):
    officer.clients.set([energie])
    client.force_login(officer)
    response = client.post(
        _url(zorg_letter_case), {"template_code": "summons", "channel": "letter", "action": "send"}
    )
    assert response.status_code == 404
    assert not OutgoingMessage.objects.exists()
