"""Letters queued outside the daily run (`letters.queueing.message_queue`): the run's guards, exactly
once per (case, template, reason key), and the existing senders take them."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from incasso.cases.models import Case, Event, Task, TaskKind
from incasso.debtors.models import Address, ContactPoint
from incasso.letters.models import Delivery, SentLetter
from incasso.letters.print_batch import print_batch
from incasso.letters.queueing import MessageRefused, manual_key, message_queue
from incasso.letters.sending import messages_process
from incasso.letters.tests.conftest import LETTER_DAY
from incasso.letters.tests.test_sending import smtp  # noqa: F401 - the local SMTP server fixture
from incasso.strategies.models import ChannelOptOut, Hold, MessageStatus, OutgoingMessage

MONDAY_10 = dt.datetime.combine(LETTER_DAY, dt.time(10), tzinfo=ZoneInfo("Europe/Amsterdam"))


def _queue(case, *, template_code="summons", channel="letter", reason="manual:2026-03-02", **kw):
    return message_queue(
        case=case,
        template_code=template_code,
        channel=channel,
        actor=None,
        reason=reason,
        on=LETTER_DAY,
        now=MONDAY_10,
        **kw,
    )


def _counts():
    return (
        OutgoingMessage.objects.count(),
        Event.objects.count(),
        Task.objects.count(),
        Delivery.objects.count(),
    )


def test_a_letter_queued_by_hand_is_printed_by_the_batch(zorg_letter_case, officer, tmp_path):
    queued = message_queue(
        case=zorg_letter_case,
        template_code="summons",
        channel="letter",
        actor=officer,
        reason=manual_key(LETTER_DAY),
        on=LETTER_DAY,
        now=MONDAY_10,
    )
    message = queued.message
    assert queued.created and message is not None
    assert message.step_execution_id is None and message.reason_key == "manual:2026-03-02"
    assert message.status == MessageStatus.QUEUED and message.queued_on == LETTER_DAY
    assert Delivery.objects.get(message=message).prepared_data["subject"]
    event = Event.objects.get(case=zorg_letter_case, kind="letter", details__message=message.pk)
    assert event.summary == "Brief klaargezet: sommatie" and event.actor == officer
    result = print_batch(on=LETTER_DAY, out_dir=tmp_path)
    assert result.letters == 1 and result.failed == 0
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert SentLetter.objects.get(message=message).template.code == "summons"


def test_an_email_queued_outside_the_run_is_sent_by_the_sender(smtp, zorg_letter_case):  # noqa: F811
    ContactPoint.objects.create(debtor=zorg_letter_case.debtor, kind="email", value="jan@example.nl")
    queued = _queue(zorg_letter_case, template_code="reminder", channel="email")
    assert queued.created
    assert messages_process(now=MONDAY_10).sent == 1
    [mail] = smtp.messages
    assert mail["To"] == "jan@example.nl"
    assert OutgoingMessage.objects.get(pk=queued.message.pk).status == MessageStatus.SENT


def test_the_same_reason_key_queues_a_letter_once(zorg_letter_case):
    first = _queue(zorg_letter_case, reason="dispute:7")
    before = _counts()
    again = _queue(zorg_letter_case, reason="dispute:7")
    assert again.message == first.message and not again.created
    assert _counts() == before  # nothing written the second time


def test_another_reason_key_is_another_letter_but_the_week_limit_holds(zorg_letter_case, settings):
    settings.INCASSO_CONTACT_LIMITS = {"letter": 2}
    assert _queue(zorg_letter_case, reason="arrangement:1").created
    assert _queue(zorg_letter_case, reason="arrangement:2").created
    third = _queue(zorg_letter_case, reason="arrangement:3")
    assert third.message is None and third.refused == "contact_limit"
    assert OutgoingMessage.objects.filter(case=zorg_letter_case).count() == 2
    assert Event.objects.filter(
        case=zorg_letter_case, summary__startswith="Brief niet klaargezet (sommatie)"
    ).exists()
    # the officer is told to send it later
    assert Task.objects.filter(
        case=zorg_letter_case, kind=TaskKind.REVIEW, title__contains="later met de hand"
    ).exists()


def test_a_letter_by_hand_counts_against_the_daily_runs_limit(zorg_letter_case):
    """The default limit for post is 1 in any 7 days: a letter by hand uses it, as a step's would."""
    assert _queue(zorg_letter_case).created
    with pytest.raises(MessageRefused) as refused:
        _queue(zorg_letter_case, template_code="reminder", refuse=True)
    assert refused.value.reason == "contact_limit"


def test_no_valid_address_makes_the_runs_find_contact_task_instead(zorg_letter_case):
    Address.objects.filter(debtor=zorg_letter_case.debtor).update(is_valid=False)
    queued = _queue(zorg_letter_case, reason="arrangement:1")
    assert queued.message is None and queued.refused == "invalid_contact"
    task = Task.objects.get(case=zorg_letter_case, kind=TaskKind.FIND_CONTACT)
    assert task.title == "Contactgegevens zoeken: geen geldig adres"
    _queue(zorg_letter_case, template_code="reminder", reason="arrangement:1")
    assert (
        Task.objects.filter(case=zorg_letter_case, kind=TaskKind.FIND_CONTACT).count() == 1
    )  # one is enough
    assert not OutgoingMessage.objects.exists()


def test_a_refused_channel_is_refused_and_by_hand_nothing_is_written(zorg_letter_case):
    ContactPoint.objects.create(debtor=zorg_letter_case.debtor, kind="email", value="jan@example.nl")
    ChannelOptOut.objects.create(debtor=zorg_letter_case.debtor, channel="email", since=LETTER_DAY)
    before = _counts()
    with pytest.raises(MessageRefused) as refused:
        _queue(zorg_letter_case, channel="email", refuse=True)
    assert refused.value.reason == "opt_out"
    assert refused.value.message == "debiteur wil geen berichten via dit kanaal"  # the active language
    assert _counts() == before
    recorded = _queue(zorg_letter_case, channel="email", reason="dispute:1")
    assert recorded.refused == "opt_out" and recorded.message is None
    assert Event.objects.filter(case=zorg_letter_case, summary__startswith="E-mail niet klaargezet").exists()


def test_a_hold_for_debt_counselling_stops_the_letter(zorg_letter_case):
    Hold.objects.create(case=zorg_letter_case, reason="debt_counselling", starts_on=LETTER_DAY)
    assert _queue(zorg_letter_case, reason="arrangement:1").refused == "on_hold"
    # the holds of the events themselves do not
    Hold.objects.all().delete()
    Hold.objects.create(case=zorg_letter_case, reason="dispute", starts_on=LETTER_DAY)
    assert _queue(zorg_letter_case, reason="dispute:1").created


def test_a_closed_case_gets_no_letter(zorg_letter_case):
    Case.objects.filter(pk=zorg_letter_case.pk).update(
        state="closed", closed_on=LETTER_DAY, closing_reason="paid"
    )
    with pytest.raises(MessageRefused) as refused:
        _queue(zorg_letter_case, refuse=True)
    assert refused.value.reason == "closed"


def test_an_sms_needs_the_templates_sms_text(zorg_letter_case):
    ContactPoint.objects.create(debtor=zorg_letter_case.debtor, kind="phone", value="+31612345678")
    assert _queue(zorg_letter_case, template_code="reminder", channel="sms").created
    from incasso.letters.models import LetterTemplate

    LetterTemplate.objects.filter(code="final_notice").update(short_text="")
    with pytest.raises(MessageRefused) as refused:
        _queue(zorg_letter_case, template_code="final_notice", channel="sms", refuse=True)
    assert refused.value.reason == "not_composed"


def test_the_client_report_is_not_a_letter_for_the_debtor(zorg_letter_case):
    from incasso.core.exceptions import DomainError

    with pytest.raises(DomainError):
        _queue(zorg_letter_case, template_code="client_progress_report")
