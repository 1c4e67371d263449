"""SMS status reports: MessageBird calls our URL (GET or a POSTed form) for every message sent with a
reference. The SMS goes out through the local HTTP server of `test_sending`; the reports come in
through the test client, as the provider sends them."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.test import Client

from incasso.cases.models import Event, Task, TaskKind
from incasso.debtors.models import ContactPoint
from incasso.letters.sending import messages_process
from incasso.letters.tests.conftest import delivery_state
from incasso.letters.tests.test_sending import MONDAY_10, sms_api, sms_message  # noqa: F401  fixtures
from incasso.strategies.models import MessageStatus

TOKEN = "k9Xr2-sms-reports-4FqLw7Zp0Vb"
URL = f"/letters/sms/status/{TOKEN}/"


@pytest.fixture
def sent_sms(sms_api, sms_message, settings):  # noqa: F811
    settings.INCASSO_SMS_WEBHOOK_TOKEN = TOKEN
    sms_api.answer = (201, {"id": "f8077d803532c0b5937c639b60216938"})
    assert messages_process(now=MONDAY_10).sent == 1
    sms_message.refresh_from_db()
    return sms_message


def params(message, **fields):
    return {
        "id": "f8077d803532c0b5937c639b60216938",
        "reference": f"{message.case.number}/{message.pk}",
        "recipient": "31612345678",
        "status": "delivered",
        "statusDatetime": "2026-03-02T09:01:00+00:00",
        **fields,
    }


def test_a_delivered_report_marks_the_message_delivered_on_its_date(client, sent_sms):
    response = client.get(URL, params(sent_sms))
    assert response.status_code == 200 and response.content == b"applied"
    sent_sms.refresh_from_db()
    assert sent_sms.status == MessageStatus.DELIVERED
    assert sent_sms.delivered_on == dt.date(2026, 3, 2)
    event = Event.objects.filter(case=sent_sms.case, summary__startswith="Sms afgeleverd").get()
    assert "herinnering" in event.summary and "+31612345678" not in event.summary  # as sent: 06 1234 5678
    assert "06 1234 5678" in event.summary and "10:01" in event.summary  # Amsterdam time


def test_the_same_report_twice_changes_nothing_the_second_time(client, sent_sms):
    assert client.get(URL, params(sent_sms)).content == b"applied"
    before = delivery_state()
    response = client.get(URL, params(sent_sms))
    assert response.status_code == 200 and response.content == b"unchanged"
    assert delivery_state() == before


def test_an_older_report_arriving_late_does_not_undo_delivered(client, sent_sms):
    assert client.post(URL, params(sent_sms)).content == b"applied"  # a form POST works as well
    before = delivery_state()
    for status, at in (("sent", "2026-03-02T09:00:05Z"), ("buffered", "2026-03-02T09:00:30Z")):
        assert client.get(URL, params(sent_sms, status=status, statusDatetime=at)).content == b"unchanged"
    assert delivery_state() == before
    sent_sms.refresh_from_db()
    assert sent_sms.status == MessageStatus.DELIVERED


def test_reports_on_the_way_change_nothing_visible_but_order_what_follows(client, sent_sms):
    assert client.get(
        URL, params(sent_sms, status="buffered", statusDatetime="2026-03-02T09:00:30Z")
    ).content == (b"applied")
    sent_sms.refresh_from_db()
    assert sent_sms.status == MessageStatus.SENT
    assert not Event.objects.filter(summary__startswith="Sms afgeleverd").exists()
    older = params(sent_sms, status="sent", statusDatetime="2026-03-02T09:00:10Z")
    assert client.get(URL, older).content == b"unchanged"
    # A final status counts whenever it is stamped: it is a later stage than "buffered".
    expired = params(sent_sms, status="expired", statusDatetime="2026-03-02T09:00:20Z")
    assert client.get(URL, expired).content == b"applied"


@pytest.mark.parametrize(
    "fields",
    [
        {"status": "delivery_failed", "statusReason": "unknown subscriber", "statusErrorCode": "1"},
        {"status": "delivery_failed", "statusReason": "unknown subscriber"},  # no code: the reason says it
        {"status": "delivery_failed", "statusReason": "generic delivery failure", "statusErrorCode": "11"},
    ],
)
def test_a_number_not_in_use_fails_the_message_marks_it_invalid_and_adds_the_task(client, sent_sms, fields):
    assert client.get(URL, params(sent_sms, **fields)).content == b"applied"
    sent_sms.refresh_from_db()
    assert sent_sms.status == MessageStatus.FAILED
    reason = sent_sms.delivery.failure_reason
    assert reason.startswith("nummer niet in gebruik: ")
    phone = ContactPoint.objects.get(debtor=sent_sms.debtor, kind="phone")
    assert not phone.is_valid and phone.invalid_reason == reason
    [task] = Task.objects.filter(case=sent_sms.case, kind=TaskKind.FIND_CONTACT)
    assert task.title == "Contactgegevens zoeken: geen geldig telefoonnummer"
    event = Event.objects.get(case=sent_sms.case, summary__startswith="Sms kwam niet aan")
    assert "telefoonnummer 06 1234 5678 ongeldig gemaakt" in event.summary
    before = delivery_state()
    assert client.get(URL, params(sent_sms, **fields)).content == b"unchanged"
    assert delivery_state() == before


@pytest.mark.parametrize(
    "fields, why",
    [
        ({"status": "expired", "statusReason": "unavailable subscriber"}, "unavailable subscriber"),
        ({"status": "expired"}, "verlopen"),
        (
            {"status": "delivery_failed", "statusReason": "unavailable subscriber", "statusErrorCode": "27"},
            "unavailable subscriber (code 27)",
        ),
        (
            {"status": "delivery_failed", "statusReason": "unknown subscriber", "statusErrorCode": "12"},
            "(code 12)",  # call barred: the code decides, and a barred line is not a dead one
        ),
    ],
)
def test_an_sms_that_did_not_arrive_for_a_passing_reason_is_an_event_only(client, sent_sms, fields, why):
    assert client.get(URL, params(sent_sms, **fields)).content == b"applied"
    sent_sms.refresh_from_db()
    assert sent_sms.status == MessageStatus.SENT
    assert why in sent_sms.delivery.last_error  # shown under the message in the panel
    assert ContactPoint.objects.get(debtor=sent_sms.debtor, kind="phone").is_valid
    assert not Task.objects.filter(kind=TaskKind.FIND_CONTACT).exists()
    event = Event.objects.get(case=sent_sms.case, summary__startswith="Sms niet afgeleverd")
    assert why in event.summary and "het nummer blijft geldig" in event.summary
    before = delivery_state()
    assert client.get(URL, params(sent_sms, **fields)).content == b"unchanged"
    assert delivery_state() == before


def test_delivered_after_an_expiry_still_counts(client, sent_sms):
    client.get(URL, params(sent_sms, status="expired", statusDatetime="2026-03-04T09:00:00Z"))
    later = params(sent_sms, status="delivered", statusDatetime="2026-03-04T10:00:00Z")
    assert client.get(URL, later).content == b"applied"
    sent_sms.refresh_from_db()
    assert sent_sms.status == MessageStatus.DELIVERED and sent_sms.delivered_on == dt.date(2026, 3, 4)


@pytest.mark.parametrize(
    "change",
    [
        {"reference": "2026-999999/999999"},  # no such message
        {"reference": "ORDER-778812"},  # another application on the same account
        {"id": "0000000000000000000000000000000"},  # not the id we were given
        {"recipient": "31687654321"},  # not the number we sent to
    ],
)
def test_a_report_that_is_not_ours_is_answered_ignored_and_logged(client, sent_sms, change, caplog):
    before = delivery_state()
    with caplog.at_level(logging.WARNING, logger="incasso.letters.delivery_reports"):
        response = client.get(URL, params(sent_sms, **change))
    assert response.status_code == 200 and response.content == b"ignored"
    assert "ignored" in caplog.text
    assert delivery_state() == before


def test_a_report_for_another_case_number_is_not_applied(client, sent_sms, energie_letter_case):
    before = delivery_state()
    wrong = params(sent_sms, reference=f"2026-000001/{sent_sms.pk}")
    assert client.get(URL, wrong).content == b"ignored"
    assert delivery_state() == before


@pytest.mark.parametrize(
    "change, field",
    [
        ({"status": ""}, "status"),
        ({"status": "read"}, "status"),
        ({"reference": ""}, "reference"),
        ({"id": ""}, "id"),
        ({"statusDatetime": "02-03-2026 10:01"}, "statusDatetime"),
        ({"statusDatetime": "2026-03-02T09:01:00"}, "statusDatetime"),  # no time zone
        ({"statusErrorCode": "abc"}, "statusErrorCode"),
    ],
)
def test_a_malformed_report_is_refused_naming_the_field(client, sent_sms, change, field):
    before = delivery_state()
    response = client.get(URL, params(sent_sms, **change))
    assert response.status_code == 400
    assert response.content.decode().startswith(f"{field}: ")
    assert delivery_state() == before


def test_a_plus_sent_unencoded_in_the_query_string_is_read_as_the_time_zone(client, sent_sms):
    url = f"{URL}?" + "&".join(f"{k}={v}" for k, v in params(sent_sms).items() if k != "statusDatetime")
    response = client.get(url + "&statusDatetime=2026-03-02T09:01:00+00:00")  # '+' arrives as ' '
    assert response.content == b"applied"


def test_without_the_right_token_the_url_does_not_exist(client, sent_sms, settings):
    before = delivery_state()
    assert client.get(f"/letters/sms/status/{TOKEN[:-1]}x/", params(sent_sms)).status_code == 404
    settings.INCASSO_SMS_WEBHOOK_TOKEN = ""
    assert client.get(URL, params(sent_sms)).status_code == 404
    assert client.get("/letters/sms/status/x/", params(sent_sms)).status_code == 404
    assert delivery_state() == before


def test_the_provider_needs_no_login_and_no_csrf_token(sent_sms):
    response = Client(enforce_csrf_checks=True).post(URL, params(sent_sms))
    assert response.status_code == 200 and response.content == b"applied"


def test_a_report_before_the_message_was_sent_is_ignored(client, sms_message, settings):  # noqa: F811
    settings.INCASSO_SMS_WEBHOOK_TOKEN = TOKEN
    before = delivery_state()
    assert client.get(URL, params(sms_message)).content == b"ignored"
    assert delivery_state() == before


def test_a_report_that_fails_half_way_leaves_nothing_half_written(sent_sms, tasks_refused):
    before = delivery_state()
    response = Client(raise_request_exception=False).get(
        URL, params(sent_sms, status="delivery_failed", statusReason="unknown subscriber")
    )
    assert response.status_code == 500  # the provider tries again later
    assert delivery_state() == before  # the number is not marked invalid without its task


def test_the_panel_shows_a_delivered_sms_as_delivered(client, officer, sent_sms):
    client.get(URL, params(sent_sms, statusDatetime="2026-03-03T08:15:00Z"))
    client.force_login(officer)
    html = client.get(f"/letters/case/{sent_sms.case.number}/").content.decode()
    assert '<span class="ok">afgeleverd</span> · 03-03-2026' in html
    assert "verzonden 02-03-2026" in html


# MessageBird's signature (INCASSO_SMS_SIGNING_KEY) ----------------------------------------------

SIGNING_KEY = "c0ffee5e11e7d1e1b2d94f0a7d3e8b1a6f2c4e9d8b7a6c5d4e3f2a1b0c9d8e7f"


def signed(url: str, body: bytes = b"", *, key: str = SIGNING_KEY, at: dt.datetime | None = None) -> str:
    """The MessageBird-Signature-JWT MessageBird sends with a call to `url` with `body`."""
    import hashlib
    import uuid

    import jwt
    from django.utils import timezone

    now = int((at or timezone.now()).timestamp())
    claims = {
        "iss": "MessageBird",
        "nbf": now,
        "exp": now + 60,
        "jti": str(uuid.uuid4()),
        "url_hash": hashlib.sha256(url.encode()).hexdigest(),
    }
    if body:
        claims["payload_hash"] = hashlib.sha256(body).hexdigest()
    return jwt.encode(claims, key.encode(), algorithm="HS256")


def test_with_a_signing_key_a_signed_report_is_applied_and_an_unsigned_one_refused(
    client, sent_sms, settings
):
    from urllib.parse import urlencode

    settings.INCASSO_SMS_SIGNING_KEY = SIGNING_KEY
    path = f"{URL}?{urlencode(params(sent_sms))}"
    before = delivery_state()
    assert client.get(path).status_code == 403  # no signature
    other = f"{URL}?{urlencode(params(sent_sms, status='delivery_failed', statusErrorCode='1'))}"
    forged = client.get(other, headers={"MessageBird-Signature-JWT": signed(f"http://testserver{path}")})
    assert forged.status_code == 403  # a signature for another call
    stale = signed(f"http://testserver{path}", at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    assert client.get(path, headers={"MessageBird-Signature-JWT": stale}).status_code == 403  # expired
    wrong_key = signed(f"http://testserver{path}", key="f" * 64)
    assert client.get(path, headers={"MessageBird-Signature-JWT": wrong_key}).status_code == 403
    assert delivery_state() == before
    response = client.get(path, headers={"MessageBird-Signature-JWT": signed(f"http://testserver{path}")})
    assert response.status_code == 200 and response.content == b"applied"
    sent_sms.refresh_from_db()
    assert sent_sms.status == MessageStatus.DELIVERED


def test_a_signed_form_post_binds_its_body_and_the_site_url_names_the_host(client, sent_sms, settings):
    from urllib.parse import urlencode

    settings.INCASSO_SMS_SIGNING_KEY = SIGNING_KEY
    settings.INCASSO_SITE_URL = "https://incasso.example.nl"  # behind a proxy: the URL MessageBird called
    body = urlencode(params(sent_sms)).encode()
    token = signed(f"https://incasso.example.nl{URL}", body)
    form = "application/x-www-form-urlencoded"
    tampered = body.replace(b"delivered", b"expired")
    before = delivery_state()
    refused = client.post(URL, tampered, content_type=form, headers={"MessageBird-Signature-JWT": token})
    assert refused.status_code == 403 and delivery_state() == before
    response = client.post(URL, body, content_type=form, headers={"MessageBird-Signature-JWT": token})
    assert response.status_code == 200 and response.content == b"applied"
