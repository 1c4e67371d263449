"""Letters queued by events, in the event's transaction: the arrangement confirmation, the reminder for
a missed instalment, the broken-arrangement letter and the dispute acknowledgement."""

from __future__ import annotations

import datetime as dt

from incasso.arrangements.disputes import dispute_open
from incasso.arrangements.models import Arrangement, ArrangementStatus
from incasso.arrangements.monitoring import arrangements_monitor
from incasso.cases.models import Event, Task, TaskKind
from incasso.debtors.models import Address
from incasso.letters.models import SentLetter
from incasso.letters.print_batch import print_batch
from incasso.letters.tests.conftest import LETTER_DAY
from incasso.strategies.models import MessageStatus, OutgoingMessage


def _messages(case, code):
    return OutgoingMessage.objects.filter(case=case, template_code=code, step_execution__isnull=True)


def test_an_arrangement_made_queues_its_confirmation_by_post(arrangement_case, tmp_path):
    arrangement = Arrangement.objects.get(case=arrangement_case)
    [message] = _messages(arrangement_case, "arrangement_confirmation")
    assert message.channel == "letter" and message.reason_key == f"arrangement:{arrangement.pk}"
    assert message.queued_on == LETTER_DAY
    assert Event.objects.filter(
        case=arrangement_case, summary="Brief klaargezet: bevestiging betalingsregeling"
    ).exists()
    assert print_batch(on=LETTER_DAY, out_dir=tmp_path).letters == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert SentLetter.objects.get(message=message).template.code == "arrangement_confirmation"


def test_a_missed_instalment_queues_the_reminder_once_and_breaking_queues_the_broken_letter(
    arrangement_case, time_machine
):
    arrangement = Arrangement.objects.get(case=arrangement_case)
    first = arrangement.instalments.get(number=1)
    missed_on = dt.date(2026, 3, 30)  # past the grace days of the first instalment (16-03)
    time_machine.move_to(dt.datetime(2026, 3, 30, 6, 0), tick=False)
    counts = arrangements_monitor(run_date=missed_on)
    assert counts["reminders"] == 1
    [reminder] = _messages(arrangement_case, "arrangement_reminder")
    assert reminder.reason_key == f"instalment:{first.pk}" and reminder.queued_on == missed_on
    assert not Task.objects.filter(case=arrangement_case, title__contains="Herinnering regeling").exists()
    arrangements_monitor(run_date=missed_on + dt.timedelta(days=1))  # a rerun
    assert _messages(arrangement_case, "arrangement_reminder").count() == 1
    time_machine.move_to(dt.datetime(2026, 5, 1, 6, 0), tick=False)
    for day in (dt.date(2026, 4, 30), dt.date(2026, 5, 1)):
        arrangements_monitor(run_date=day)
    arrangement.refresh_from_db()
    assert arrangement.status == ArrangementStatus.BROKEN
    [broken] = _messages(arrangement_case, "broken_arrangement")
    assert broken.reason_key == f"arrangement:{arrangement.pk}"


def test_a_dispute_opened_queues_the_acknowledgement(zorg_letter_case, officer):
    dispute = dispute_open(
        case=zorg_letter_case,
        reason="wrong_amount",
        description="Bedrag klopt niet",
        officer=officer,
        today=LETTER_DAY,
    )
    [message] = _messages(zorg_letter_case, "dispute_acknowledgement")
    assert message.reason_key == f"dispute:{dispute.pk}" and message.channel == "letter"
    event = Event.objects.get(case=zorg_letter_case, details__message=message.pk)
    assert event.actor == officer


def test_an_event_letter_without_an_address_is_a_task_and_the_event_still_happens(zorg_letter_case, officer):
    Address.objects.filter(debtor=zorg_letter_case.debtor).update(is_valid=False)
    dispute = dispute_open(
        case=zorg_letter_case,
        reason="wrong_amount",
        description="Bedrag klopt niet",
        officer=officer,
        today=LETTER_DAY,
    )
    assert dispute.pk is not None and dispute.hold is not None
    assert not OutgoingMessage.objects.exists()
    assert Task.objects.filter(case=zorg_letter_case, kind=TaskKind.FIND_CONTACT).exists()
    assert Event.objects.filter(
        case=zorg_letter_case, summary__startswith="Brief niet klaargezet (ontvangstbevestiging betwisting)"
    ).exists()
