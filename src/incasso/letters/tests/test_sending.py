"""E-mail through a real local SMTP server (aiosmtpd), SMS through a local HTTP server."""

from __future__ import annotations

import datetime as dt
import email
import io
import json
import re
import socket
import threading
from email import policy
from http.server import BaseHTTPRequestHandler, HTTPServer
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller
from pypdf import PdfReader

from incasso.cases.models import Event, Task, TaskKind
from incasso.debtors.models import ContactPoint
from incasso.letters.models import Delivery, SentLetter
from incasso.letters.sending import messages_process
from incasso.letters.tests.conftest import queue_message
from incasso.strategies.models import MessageStatus

MONDAY_10 = dt.datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))


class Inbox:
    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.refuse: dict[str, str] = {}

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": controller.port, "timeout": 5},
        }
    }
    yield inbox
    controller.stop()


@pytest.fixture
def email_message(zorg_letter_case):
    ContactPoint.objects.create(debtor=zorg_letter_case.debtor, kind="email", value="jan@example.nl")
    return queue_message(zorg_letter_case, channel="email", template_code="fourteen_day_letter")


def test_an_email_arrives_with_text_and_the_letter_as_pdf(smtp, email_message):
    summary = messages_process(now=MONDAY_10)
    assert summary.sent == 1
    [mail] = smtp.messages
    assert mail["To"] == "jan@example.nl"
    assert mail["Subject"] == "Betaal binnen 14 dagen en voorkom extra kosten"
    text = mail.get_body(preferencelist=("plain",)).get_content()
    reference = " ".join(email_message.case.payment_reference[i : i + 4] for i in range(0, 16, 4))
    assert f"Betalingskenmerk: {reference}" in text
    assert "binnen 14 dagen vanaf de dag nadat u deze brief heeft ontvangen" in text
    [attachment] = list(mail.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    pdf_text = " ".join(PdfReader(io.BytesIO(attachment.get_content())).pages[0].extract_text().split())
    assert reference in pdf_text
    email_message.refresh_from_db()
    assert email_message.status == MessageStatus.SENT and email_message.sent_on == MONDAY_10.date()
    archived = SentLetter.objects.get(message=email_message)
    assert bytes(archived.pdf) == attachment.get_content()
    assert Event.objects.filter(
        case=email_message.case, kind="letter", summary__startswith="E-mail verstuurd"
    ).exists()
    assert messages_process(now=MONDAY_10 + dt.timedelta(hours=1)).sent == 0  # never sent twice
    assert len(smtp.messages) == 1
    assert "Liever online regelen?" not in text and "portaal" not in text  # no INCASSO_PORTAL_URL


def test_an_email_names_the_portal_in_its_text_and_its_pdf(smtp, email_message, settings):
    settings.INCASSO_PORTAL_URL = "https://mijn.incassobureau.nl/portaal/"
    assert messages_process(now=MONDAY_10).sent == 1
    [mail] = smtp.messages
    text = " ".join(mail.get_body(preferencelist=("plain",)).get_content().split())
    case = email_message.case
    reference = " ".join(case.payment_reference[i : i + 4] for i in range(0, 16, 4))
    assert (
        "Liever online regelen? Ga naar https://mijn.incassobureau.nl/portaal/ en log in met dossiernummer "
        f"{case.number}, betalingskenmerk {reference} en uw postcode." in text
    )
    [attachment] = list(mail.iter_attachments())
    pdf = " ".join(
        " ".join(
            page.extract_text() for page in PdfReader(io.BytesIO(attachment.get_content())).pages
        ).split()
    )
    assert "https://mijn.incassobureau.nl/portaal/" in pdf


def test_a_refused_address_is_marked_invalid_and_a_find_contact_task_added(smtp, email_message):
    smtp.refuse["jan@example.nl"] = "550 5.1.1 User unknown"
    summary = messages_process(now=MONDAY_10)
    assert summary.failed == 1
    email_message.refresh_from_db()
    assert email_message.status == MessageStatus.FAILED
    assert "550" in email_message.delivery.failure_reason
    contact = ContactPoint.objects.get(value="jan@example.nl")
    assert not contact.is_valid and "550" in contact.invalid_reason
    assert Task.objects.filter(case=email_message.case, kind=TaskKind.FIND_CONTACT).count() == 1
    assert not SentLetter.objects.exists()


def test_a_server_that_is_down_keeps_the_email_queued_with_back_off_then_sends_once(
    smtp, email_message, settings
):
    port = settings.MAILERS["default"]["OPTIONS"]["port"]
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 2},
        }
    }
    assert messages_process(now=MONDAY_10).retry == 1
    assert messages_process(now=MONDAY_10 + dt.timedelta(minutes=4)).retry == 0  # not due yet
    assert messages_process(now=MONDAY_10 + dt.timedelta(minutes=5)).retry == 1
    delivery = Delivery.objects.get(message=email_message)
    assert delivery.attempts == 2
    assert delivery.next_attempt_at == MONDAY_10 + dt.timedelta(minutes=5 + 10)
    email_message.refresh_from_db()
    assert email_message.status == MessageStatus.QUEUED
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }
    later = MONDAY_10 + dt.timedelta(minutes=15)
    assert messages_process(now=later).sent == 1
    assert messages_process(now=later + dt.timedelta(hours=1)).sent == 0
    assert len(smtp.messages) == 1
    assert SentLetter.objects.filter(message=email_message).count() == 1


def test_no_email_is_sent_at_night(smtp, email_message):
    assert messages_process(now=MONDAY_10.replace(hour=21)).skipped == 1
    assert smtp.messages == []


def test_a_narrower_window_of_the_settings_holds_for_the_sender_too(smtp, email_message, settings):
    settings.INCASSO_CONTACT_WINDOW = ("09:00", "17:00")
    assert messages_process(now=MONDAY_10.replace(hour=18)).skipped == 1  # the law allows 18:00
    assert smtp.messages == []
    assert messages_process(now=MONDAY_10).sent == 1


class SmsApi(BaseHTTPRequestHandler):
    requests: list[tuple[dict, dict]] = []
    answer: tuple[int, dict] = (201, {"id": "mb-1"})

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append((dict(self.headers), {"path": self.path, **body}))
        status, payload = type(self).answer
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def sms_api(settings):
    SmsApi.requests = []
    SmsApi.answer = (201, {"id": "mb-1"})
    server = HTTPServer(("127.0.0.1", 0), SmsApi)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.INCASSO_SMS_PROVIDER = "messagebird"
    settings.INCASSO_SMS_BASE_URL = f"http://127.0.0.1:{server.server_port}"
    settings.INCASSO_SMS_ACCESS_KEY = "test-key"
    settings.INCASSO_SMS_ORIGINATOR = "Noordhoek"
    yield SmsApi
    server.shutdown()
    server.server_close()


@pytest.fixture
def sms_message(energie_letter_case):
    ContactPoint.objects.create(debtor=energie_letter_case.debtor, kind="phone", value="06 1234 5678")
    return queue_message(energie_letter_case, channel="sms", template_code="reminder")


def test_an_sms_goes_to_the_messagebird_api(sms_api, sms_message):
    assert messages_process(now=MONDAY_10).sent == 1
    [(headers, body)] = sms_api.requests
    assert body["path"] == "/messages"
    assert headers["Authorization"] == "AccessKey test-key"
    assert body["recipients"] == ["31612345678"] and body["originator"] == "Noordhoek"
    assert "Energie Zuid" in body["body"] and "herinneren" in body["body"]
    sms_message.refresh_from_db()
    assert sms_message.status == MessageStatus.SENT
    assert SentLetter.objects.get(message=sms_message).text == body["body"]


def test_an_sms_refused_by_the_provider_fails_with_its_reason(sms_api, sms_message):
    sms_api.answer = (422, {"errors": [{"code": 9, "description": "no (correct) recipients found"}]})
    assert messages_process(now=MONDAY_10).failed == 1
    sms_message.refresh_from_db()
    assert sms_message.status == MessageStatus.FAILED
    assert sms_message.delivery.failure_reason == "HTTP 422: no (correct) recipients found"


def test_a_progress_report_is_never_emailed_to_the_debtor(smtp, zorg_letter_case):
    ContactPoint.objects.create(debtor=zorg_letter_case.debtor, kind="email", value="jan@example.nl")
    message = queue_message(zorg_letter_case, channel="email", template_code="client_progress_report")
    assert messages_process(now=MONDAY_10).failed == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED
    assert smtp.messages == [] and not SentLetter.objects.exists()


def test_an_emailed_arrangement_reminder_asks_for_what_is_overdue_with_the_instalment_reference(
    smtp, arrangement_case
):
    tuesday_10 = dt.datetime(2026, 4, 21, 10, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))  # 1 and 2 overdue
    ContactPoint.objects.create(debtor=arrangement_case.debtor, kind="email", value="jan@example.nl")
    message = queue_message(
        arrangement_case, channel="email", template_code="arrangement_reminder", on=tuesday_10.date()
    )
    assert messages_process(now=tuesday_10).sent == 1
    [mail] = smtp.messages
    text = mail.get_body(preferencelist=("plain",)).get_content()
    first = arrangement_case.arrangements.get().instalments.get(number=1)
    reference = " ".join(first.payment_reference[i : i + 4] for i in range(0, 16, 4))
    lines = text.splitlines()
    assert "Te betalen: € 625,00" in lines and f"Betalingskenmerk: {reference}" in lines
    assert SentLetter.objects.get(message=message).data["payment_amount"] == {"$decimal": "625.00"}


def test_an_english_speaking_debtor_gets_the_email_and_its_pdf_in_english(smtp, email_message):
    debtor = email_message.case.debtor
    debtor.language = "en"
    debtor.save(update_fields=["language"])
    assert messages_process(now=MONDAY_10).sent == 1
    [mail] = smtp.messages
    text = mail.get_body(preferencelist=("plain",)).get_content()
    assert "Payment reference:" in text and "Betalingskenmerk" not in text
    assert "within 14 days from the day after you received this letter" in text
    [attachment] = list(mail.iter_attachments())
    pdf_text = " ".join(PdfReader(io.BytesIO(attachment.get_content())).pages[0].extract_text().split())
    assert "Betalingskenmerk" not in pdf_text
    assert SentLetter.objects.get(message=email_message).language == "en"


def test_an_email_goes_out_with_a_message_id_we_recognise(smtp, email_message):
    """A bounce quotes it (`letters.bounces`); the pk in it is the message, the rest random."""
    assert messages_process(now=MONDAY_10).sent == 1
    [mail] = smtp.messages
    message_id = Delivery.objects.get(message=email_message).email_message_id
    assert mail["Message-ID"] == message_id
    assert mail["X-Incasso-Message"] == message_id.strip("<>")
    assert re.fullmatch(rf"<incasso\.{email_message.pk}\.[0-9a-f]{{16}}@localhost>", message_id)


def test_an_sms_goes_out_with_its_reference_and_the_providers_id_is_kept(sms_api, sms_message):
    """Its status reports name both (`letters.delivery_reports`)."""
    sms_api.answer = (201, {"id": "f8077d803532c0b5937c639b60216938"})
    assert messages_process(now=MONDAY_10).sent == 1
    [(_headers, body)] = sms_api.requests
    assert body["reference"] == f"{sms_message.case.number}/{sms_message.pk}"
    assert Delivery.objects.get(message=sms_message).provider_message_id == "f8077d803532c0b5937c639b60216938"
