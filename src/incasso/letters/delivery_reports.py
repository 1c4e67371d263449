"""What happened to a message after it was sent: SMS status reports here, e-mail bounces in
`bounces`, both through the helpers at the end of this module.

An SMS the provider accepted, an e-mail our mail server accepted, counts as sent. What comes back
later is applied in one transaction per report, the message row locked first:

* proven delivery (SMS "delivered"): message `delivered` with `delivered_on`, and an event.
* the address does not work (SMS: number not in use; e-mail: bounced, see `bounces`): the
  message `failed` with the reason, the e-mail address or phone number it went to marked invalid
  (when it is still the debtor's and still valid) and the find-contact task, exactly as a refusal at
  send time (`sending.message_fail`, `debtors.services.contact_point_mark_invalid`).
* it did not arrive, but the address is not to blame (e-mail refused as spam, mailbox full): the
  message `failed` with the reason; the address stays valid, no task.
* not (yet) delivered, being retried, expired (SMS expired or failed for a passing reason; e-mail
  delayed): an event only; the message stays `sent` and its panel shows the reason.

Exactly once: a report is applied only when it is news (`report_is_news`): a later stage in the
message's life than the last one applied (`Delivery.report_status`), or the same stage reported
later in time (`Delivery.report_at`); and a delivered or failed message stays so. The same report
twice, or an old one arriving late, changes nothing the second time.

The 14-day letter counts for the collection costs only when sent by post (`strategies.run_facts`):
nothing here, bounced or delivered, touches that term. A message that failed after it was sent also
goes through `not_received`: a stuitingsbrief that did not arrive interrupted nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from incasso.cases.models import EventKind
from incasso.cases.timeline import event_record
from incasso.core.formatting import format_date, record_text
from incasso.debtors.models import ContactKind, ContactPoint
from incasso.debtors.services import contact_point_mark_invalid
from incasso.letters.models import Delivery, SentLetter, TemplateCode
from incasso.letters.not_received import not_received
from incasso.letters.sending import contact_kind, contact_label, message_fail, sms_reference
from incasso.letters.sms import STATUS_RANK, SmsMeaning, SmsReport, msisdn
from incasso.strategies.models import Channel, MessageStatus, OutgoingMessage

log = logging.getLogger(__name__)

APPLIED = "applied"
UNCHANGED = "unchanged"  # a repeated, older or superseded report
IGNORED = "ignored"  # not about a message of ours that was sent


# SMS status reports ------------------------------------------------------------------------------


@transaction.atomic
def sms_report_apply(*, report: SmsReport, now: dt.datetime) -> str:
    """Apply one MessageBird status report; returns APPLIED, UNCHANGED or IGNORED (never raises for a
    report that is not ours: a provider retries an error answer forever)."""
    message = _sms_message(report)
    if message is None:
        log.warning(
            "SMS status report for an unknown message ignored: %s (id %s)",
            report.reference,
            report.provider_id,
        )
        return IGNORED
    sent = SentLetter.objects.filter(message=message).defer("pdf").first()
    if sent is None:  # queued (a report of an attempt whose commit failed) or cancelled
        log.warning("SMS status report for message %s, which is %s: ignored", message.pk, message.status)
        return IGNORED
    delivery = Delivery.objects.select_for_update().get(message=message)
    if delivery.provider_message_id and delivery.provider_message_id != report.provider_id:
        log.warning(
            "SMS status report %s names id %s, we sent %s: ignored",
            report.reference,
            report.provider_id,
            delivery.provider_message_id,
        )
        return IGNORED
    if report.recipient and msisdn(report.recipient) != msisdn(sent.recipient):
        log.warning(
            "SMS status report %s is for %s, we sent to another number: ignored",
            report.reference,
            report.recipient,
        )
        return IGNORED
    if message.status != MessageStatus.SENT or not report_is_news(
        delivery, report.status, report.at, STATUS_RANK
    ):
        return UNCHANGED
    report_keep(delivery, report.status, report.at)
    meaning = report.meaning
    template = template_text(message.template_code)
    if meaning == SmsMeaning.DELIVERED:
        delivered_on = timezone.localdate(report.at)
        OutgoingMessage.objects.filter(pk=message.pk).update(
            status=MessageStatus.DELIVERED, delivered_on=delivered_on
        )
        event_record(
            case=message.case,
            kind=EventKind.LETTER,
            summary=f"Sms afgeleverd: {template} ({sent.recipient}) op {format_date(delivered_on)} "
            f"{timezone.localtime(report.at):%H:%M}",
            details={"message": message.pk, "report": report.status, "provider_id": report.provider_id},
            occurred_at=report.at,
        )
    elif meaning == SmsMeaning.NUMBER_NOT_IN_USE:
        law = not_received(message=message, on=timezone.localdate(now), reason="sms-nummer niet in gebruik")
        fail_and_invalidate(
            message,
            delivery,
            sent,
            reason=f"nummer niet in gebruik: {report.reason_text}",
            now=now,
            extra=law,
        )
    elif meaning == SmsMeaning.NOT_DELIVERED:
        not_delivered(
            message,
            delivery,
            reason=f"niet afgeleverd: {report.reason_text}",
            summary=f"Sms niet afgeleverd: {template} ({sent.recipient}); het nummer blijft geldig — "
            f"{report.reason_text}",
            at=report.at,
        )
    return APPLIED


def _sms_message(report: SmsReport) -> OutgoingMessage | None:
    """The SMS message a report's reference names (the case number must match too), locked."""
    _number, sep, pk = report.reference.rpartition("/")
    if not sep or not pk.isdigit():
        return None
    message = (
        OutgoingMessage.objects.select_for_update()
        .select_related("case")
        .filter(pk=int(pk), channel=Channel.SMS)
        .first()
    )
    if message is None or sms_reference(message) != report.reference:
        return None
    return message


# Shared with `bounces` ---------------------------------------------------------------------------


def report_is_news(delivery: Delivery, status: str, at: dt.datetime, rank: dict[str, int]) -> bool:
    """A later stage in a message's life than the last report applied (whenever it is stamped: a
    failure after a delay notice, delivered after sent), or the same or an earlier stage reported
    later in time. The same report again, or an older one of an earlier stage, is no news."""
    if delivery.report_at is None:
        return True
    if rank.get(status, 0) > rank.get(delivery.report_status, 0):
        return True
    return at > delivery.report_at


def report_keep(delivery: Delivery, status: str, at: dt.datetime) -> None:
    delivery.report_status = status[:20]
    delivery.report_at = at
    delivery.save(update_fields=["report_status", "report_at"])


def fail_and_invalidate(
    message: OutgoingMessage,
    delivery: Delivery,
    sent: SentLetter,
    *,
    reason: str,
    now: dt.datetime,
    extra: str = "",
) -> bool:
    """The address it went to does not work: as for a refusal at send time (SMTP 5xx), the contact
    point is marked invalid with the reason, the message fails and the case gets the find-contact
    task. An address no longer the debtor's, or already marked invalid, is left as it is; the task
    then comes only when the debtor has no valid one of its kind left. Returns whether it marked one."""
    point = _contact_point(message, sent.recipient)
    if point is not None:
        contact_point_mark_invalid(contact_point=point, reason=reason)
    none_left = not ContactPoint.objects.filter(
        debtor_id=message.debtor_id, kind=contact_kind(message.channel), is_valid=True
    ).exists()
    kind = "E-mail" if message.channel == Channel.EMAIL else "Sms"
    noun = contact_label(message.channel)
    what = (
        f"{noun} {sent.recipient} ongeldig gemaakt"
        if point is not None
        else f"{noun} was al ongeldig of vervangen"
    )
    message_fail(
        message,
        delivery,
        reason,
        now,
        task=point is not None or none_left,
        summary=f"{kind} kwam niet aan: {template_text(message.template_code)} ({sent.recipient}); "
        f"{what}{extra} — {reason}",
    )
    return point is not None


def _contact_point(message: OutgoingMessage, recipient: str) -> ContactPoint | None:
    """The debtor's still-valid contact point the message went to."""
    if message.channel == Channel.EMAIL:
        return (
            ContactPoint.objects.filter(
                debtor_id=message.debtor_id, kind=ContactKind.EMAIL, value__iexact=recipient, is_valid=True
            )
            .order_by("id")
            .first()
        )
    number = msisdn(recipient)
    phones = ContactPoint.objects.filter(debtor_id=message.debtor_id, kind=ContactKind.PHONE, is_valid=True)
    return next((p for p in phones.order_by("id") if msisdn(p.value) == number), None)


def not_delivered(
    message: OutgoingMessage, delivery: Delivery, *, reason: str, summary: str, at: dt.datetime
) -> None:
    """Not (yet) arrived, the address kept: the reason under the message in the panel, an event."""
    delivery.last_error = reason[:500]
    delivery.save(update_fields=["last_error"])
    details: dict[str, Any] = {"message": message.pk, "reason": reason}
    event_record(case=message.case, kind=EventKind.LETTER, summary=summary, details=details, occurred_at=at)


def template_text(code: str) -> str:
    return record_text(TemplateCode(code).label) if code in TemplateCode.values else code
