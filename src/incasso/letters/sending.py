"""Sending queued e-mail and SMS messages, exactly once, with back-off on transient failures.

`messages_process(now=...)` picks the queued e-mail/SMS messages that are due and sends each in its
own transaction: the message row is locked, its status checked (a sent message is never sent
again), the letter rendered and checked against a fresh calculation, sent, and then archived and
marked sent in that same transaction. Outcomes:

* sent: `SentLetter` archived, message `sent`, a `letter` event on the case timeline. An e-mail goes
  out with a Message-ID of ours (kept on `Delivery`), an SMS's provider id is kept: what comes back
  later (a bounce, a status report) is matched by them in `delivery_reports`.
* permanent failure (SMTP 5xx recipient refused; SMS 4xx): message `failed` with the reason; a refused
  e-mail address is marked invalid and a find-contact task is added.
* transient failure (no connection, SMTP 4xx, SMS 5xx): message stays `queued`; `Delivery.attempts`
  goes up and `next_attempt_at` = now + 5 min × 2^(attempts−1), until `MAX_ATTEMPTS`, then `failed`.

The one window for a double send: the SMTP server accepted the mail and the database commit then
failed. The message is then still queued and will be sent again; we accept that over losing one.
Letters by post go through `print_batch` instead.
"""

from __future__ import annotations

import datetime as dt
import smtplib
from dataclasses import dataclass, field
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, mailers
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from incasso.calculations.sheet import group_by_four
from incasso.cases.models import Case, EventKind, TaskKind
from incasso.cases.timeline import event_record, task_create
from incasso.core.contact import configured_contact_window, outside_contact_window
from incasso.core.exceptions import DomainError
from incasso.core.formatting import record_text
from incasso.debtors.models import ContactKind, ContactPoint
from incasso.debtors.services import contact_point_mark_invalid
from incasso.letters.bounce_parse import outgoing_message_id
from incasso.letters.compose import letter_data_from_json, letter_data_to_json, plain_text
from incasso.letters.models import Delivery, LetterTemplate, TemplateCode
from incasso.letters.rendering import LetterData, render_letter_pdf
from incasso.letters.rendering.formatting import format_date, format_money
from incasso.letters.selectors import NoAddress
from incasso.letters.services import LetterAmountsChanged, letter_archive, letter_compose, letter_send_check
from incasso.letters.sms import SmsError, sms_provider
from incasso.strategies.models import Channel, MessageStatus, OutgoingMessage

BACKOFF = dt.timedelta(minutes=5)
MAX_ATTEMPTS = 8  # 5 min … 10 h 40 min: about 21 hours in all


@dataclass
class ProcessSummary:
    sent: int = 0
    failed: int = 0
    retry: int = 0
    skipped: int = 0
    reasons: dict[str, int] = field(default_factory=dict)


class _Failure(Exception):
    def __init__(self, reason: str, *, permanent: bool, invalid_contact: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent
        self.invalid_contact = invalid_contact


CLIENT_REPORT_BY_POST = (
    "de voortgangsrapportage is voor de opdrachtgever: alleen per post, "
    "niet per e-mail of sms aan de schuldenaar"
)


def due_message_ids(*, now: dt.datetime) -> list[int]:
    return list(
        OutgoingMessage.objects.filter(status=MessageStatus.QUEUED, channel__in=[Channel.EMAIL, Channel.SMS])
        .filter(
            Q(delivery__isnull=True)
            | Q(delivery__next_attempt_at__isnull=True)
            | Q(delivery__next_attempt_at__lte=now)
        )
        .order_by("queued_on", "id")
        .values_list("id", flat=True)
    )


def messages_process(*, now: dt.datetime) -> ProcessSummary:
    """Send every due queued e-mail and SMS; safe to run again at any time."""
    summary = ProcessSummary()
    for message_id in due_message_ids(now=now):
        outcome = message_send(message_id=message_id, now=now)
        setattr(summary, outcome, getattr(summary, outcome) + 1)
    return summary


def message_send(*, message_id: int, now: dt.datetime) -> str:
    """Try one message; returns 'sent', 'failed', 'retry' or 'skipped'."""
    with transaction.atomic():
        message = (
            OutgoingMessage.objects.select_for_update()
            .select_related("case__client", "case__debtor")
            .get(pk=message_id)
        )
        if message.status != MessageStatus.QUEUED:
            return "skipped"
        delivery, _ = Delivery.objects.select_for_update().get_or_create(message=message)
        if delivery.next_attempt_at is not None and delivery.next_attempt_at > now:
            return "skipped"
        if outside_contact_window(
            timezone.localtime(now), channel=message.channel, window=configured_contact_window()
        ):
            return "skipped"  # Wki (and a narrower window of the settings): the next run sends it
        if message.template_code == TemplateCode.CLIENT_PROGRESS_REPORT:
            # The report is for the client; the contact points here are the debtor's.
            return message_fail(message, delivery, CLIENT_REPORT_BY_POST, now)
        contact = _contact(message)
        if contact is None:
            return message_fail(
                message, delivery, "geen geldig " + contact_label(message.channel), now, task=True
            )
        on = timezone.localdate(now)
        try:
            data, template = _prepared(message, delivery, on)
        except NoAddress as exc:
            return message_fail(message, delivery, exc.message, now, task=True)
        except DomainError as exc:
            return message_fail(message, delivery, exc.message, now)
        try:
            if message.channel == Channel.EMAIL:
                pdf: bytes | None = render_letter_pdf(data)
                text = plain_text(data, summary=_summary(data))
                _send_email(
                    data,
                    text,
                    pdf,
                    to=contact.value,
                    name=f"{message.case.number}-{template.code}.pdf",
                    message_id=_email_message_id(message, delivery),
                )
            else:
                pdf = None
                text = _sms_text(message, data, template)
                delivery.provider_message_id = _send_sms(
                    to=contact.value, text=text, reference=sms_reference(message)
                )[:100]
        except _Failure as exc:
            if not exc.permanent:
                return _retry(message, delivery, exc.reason, now)
            if exc.invalid_contact:
                contact_point_mark_invalid(contact_point=contact, reason=exc.reason)
            return message_fail(message, delivery, exc.reason, now, task=exc.invalid_contact)
        letter_archive(
            message=message,
            data=data,
            template=template,
            pdf=pdf,
            text=text,
            recipient=contact.value,
            sent_at=now,
        )
        OutgoingMessage.objects.filter(pk=message.pk).update(status=MessageStatus.SENT, sent_on=on)
        delivery.attempts += 1
        delivery.next_attempt_at = None
        delivery.last_error = ""
        delivery.save(update_fields=["attempts", "next_attempt_at", "last_error", "provider_message_id"])
        return "sent"


def sms_reference(message: OutgoingMessage) -> str:
    """What an SMS is sent with and its status reports come back with: '2026-000123/4711'."""
    return f"{message.case.number}/{message.pk}"


def _email_message_id(message: OutgoingMessage, delivery: Delivery) -> str:
    """The e-mail's Message-ID, made once and kept (a retry goes out with the same one), so that a
    bounce that quotes it leads back to this message."""
    if not delivery.email_message_id:
        domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2]
        delivery.email_message_id = outgoing_message_id(message.pk, domain)
        delivery.save(update_fields=["email_message_id"])
    return delivery.email_message_id


def _prepared(message: OutgoingMessage, delivery: Delivery, on: dt.date) -> tuple[LetterData, LetterTemplate]:
    """The data prepared earlier if its amounts still hold on `on`, else freshly composed."""
    if delivery.prepared_data and delivery.template is not None:
        data = letter_data_from_json(delivery.prepared_data)
        try:
            letter_send_check(case=message.case, data=data, template=delivery.template, on=on)
            return data, delivery.template
        except LetterAmountsChanged as exc:
            event_record(
                case=message.case,
                kind=EventKind.LETTER,
                summary=f"Brief opnieuw opgemaakt: bedragen gewijzigd ({exc.field})",
                details={"message": message.pk, "reason": exc.message},
            )
    data, template, _sms, _costs = letter_compose(
        case=message.case, template_code=message.template_code, language=message.case.debtor.language, on=on
    )
    letter_send_check(case=message.case, data=data, template=template, on=on)
    delivery.prepared_data = letter_data_to_json(data)
    delivery.prepared_on = on
    delivery.template = template
    delivery.save(update_fields=["prepared_data", "prepared_on", "template"])
    return data, template


def contact_kind(channel: str) -> str:
    """The kind of contact point an e-mail or SMS goes to."""
    return ContactKind.EMAIL if channel == Channel.EMAIL else ContactKind.PHONE


def contact_label(channel: str) -> str:
    """That contact point in the timeline's Dutch."""
    return "e-mailadres" if channel == Channel.EMAIL else "telefoonnummer"


def _contact(message: OutgoingMessage) -> ContactPoint | None:
    return (
        ContactPoint.objects.filter(
            debtor_id=message.debtor_id, kind=contact_kind(message.channel), is_valid=True
        )
        .order_by("-id")
        .first()
    )


def _summary(data: LetterData) -> str:
    lang = data.language
    money = format_money(data.amount_to_pay, lang)
    iban = group_by_four(data.payment_iban)
    ref = group_by_four(data.payment_reference)
    if lang == "nl":
        return (
            f"Te betalen: {money}\nNaar rekening: {iban} t.n.v. {data.letterhead.account_holder}\n"
            f"Betalingskenmerk: {ref}\nUiterlijk betalen op: {format_date(data.pay_by)}\n"
            "In de bijlage (pdf) ziet u per factuur wat u moet betalen."
        )
    return (
        f"To pay: {money}\nTo account: {iban} in the name of {data.letterhead.account_holder}\n"
        f"Payment reference: {ref}\nPay no later than: {format_date(data.pay_by)}\n"
        "The attachment (PDF) shows what you have to pay for each invoice."
    )


def _send_email(
    data: LetterData, text: str, pdf: bytes | None, *, to: str, name: str, message_id: str
) -> None:
    email = EmailMessage(
        subject=data.subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        reply_to=[data.letterhead.email],
        # The same id twice: a relay that rewrites Message-ID (some do) leaves our own header.
        headers={"Message-ID": message_id, "X-Incasso-Message": message_id.strip("<>")},
    )
    if pdf is not None:
        email.attach(name, pdf, "application/pdf")
    try:
        mailers.default.send_messages([email])
    except smtplib.SMTPRecipientsRefused as exc:
        code, reply = next(iter(exc.recipients.values()))
        reason = f"SMTP {code}: {reply.decode('utf-8', 'replace') if isinstance(reply, bytes) else reply}"
        raise _Failure(reason, permanent=code >= 500, invalid_contact=code >= 500) from exc
    except smtplib.SMTPResponseException as exc:
        error: bytes | str = exc.smtp_error
        text = error.decode("utf-8", "replace") if isinstance(error, bytes) else str(error)
        raise _Failure(f"SMTP {exc.smtp_code}: {text}", permanent=exc.smtp_code >= 500) from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise _Failure(f"mailserver niet bereikbaar: {exc}", permanent=False) from exc


def _sms_text(message: OutgoingMessage, data: LetterData, template: LetterTemplate) -> str:
    from incasso.letters.sandbox import template_render
    from incasso.letters.selectors import case_letter_facts

    short = getattr(template, "short_text", "")
    if not short:
        raise _Failure(f"sjabloon {message.template_code} heeft geen sms-tekst", permanent=True)
    facts = case_letter_facts(
        case=message.case,
        code=message.template_code,
        language=data.language,
        on=data.letter_date,
        head=data.letterhead,
    )
    return " ".join(template_render(short, facts.fields, label="sms-tekst").split())


def _send_sms(*, to: str, text: str, reference: str) -> str:
    """Send; return the provider's id for the message (its status reports name it)."""
    provider = sms_provider()
    if provider is None:
        raise _Failure("er is geen sms-dienst ingesteld (INCASSO_SMS_PROVIDER)", permanent=True)
    try:
        return provider.send(to=to, text=text, reference=reference)
    except SmsError as exc:
        raise _Failure(exc.reason, permanent=exc.permanent) from exc


def _retry(message: OutgoingMessage, delivery: Delivery, reason: str, now: dt.datetime) -> str:
    delivery.attempts += 1
    delivery.last_error = reason[:500]
    if delivery.attempts >= MAX_ATTEMPTS:
        delivery.save(update_fields=["attempts", "last_error"])
        return message_fail(message, delivery, f"na {delivery.attempts} pogingen: {reason}", now)
    delivery.next_attempt_at = now + BACKOFF * 2 ** (delivery.attempts - 1)
    delivery.save(update_fields=["attempts", "last_error", "next_attempt_at"])
    return "retry"


def message_fail(
    message: OutgoingMessage,
    delivery: Delivery,
    reason: str,
    now: dt.datetime,
    *,
    task: bool = False,
    summary: str = "",
    actor: Any = None,
) -> str:
    """The message failed for good: the reason on its delivery (the case's letters panel shows it), its
    status failed, a timeline event (`summary`, default "… niet verstuurd …"), and with `task` a
    find-contact task. Also the end of a sent message that bounced or that the network could not
    deliver (`letters.delivery_reports`). The caller holds the transaction and the message's lock."""
    delivery.failure_reason = reason[:500]
    delivery.next_attempt_at = None
    delivery.save(update_fields=["failure_reason", "next_attempt_at"])
    OutgoingMessage.objects.filter(pk=message.pk).update(status=MessageStatus.FAILED)
    event_record(
        case=message.case,
        kind=EventKind.LETTER,
        summary=summary
        or f"{record_text(message.get_channel_display())} niet verstuurd ({message.template_code}): {reason}",
        details={"message": message.pk, "reason": reason},
        occurred_at=now,
        actor=actor,
    )
    if task:
        contact_find_task(case=message.case, channel=message.channel, on=timezone.localdate(now))
    return "failed"


def contact_find_task(*, case: Case, channel: str, on: dt.date) -> None:
    """One open find-contact task per case is enough."""
    if case.tasks.filter(kind=TaskKind.FIND_CONTACT, done_at__isnull=True).exists():
        return
    label = {"letter": "adres", "email": "e-mailadres", "sms": "telefoonnummer"}.get(
        channel, "contactgegevens"
    )
    task_create(
        case=case, title=f"Contactgegevens zoeken: geen geldig {label}", due_on=on, kind=TaskKind.FIND_CONTACT
    )
