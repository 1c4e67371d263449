"""Letters outside the daily run: sent by hand from the case screen, and queued on an event (an
arrangement made, an instalment missed, an arrangement broken, a dispute opened).

`message_queue` queues one `OutgoingMessage` without a step execution; the existing senders take it
like any other (the print batch for post, `messages_process` for e-mail and SMS), with the contact
window, the fresh calculation on the send date and the archive. Before queueing it applies the daily
run's guards (`strategies.message_guards`) and composes the letter once, so a letter that cannot be
made is refused now rather than failing at the mail house.

Exactly once per (case, template, reason key): an event passes its own key ("arrangement:12",
"instalment:81", "dispute:5"), the case screen "manual:<date>", so a rerun, a second click or a second
officer finds the message already queued and adds nothing.

A refusal either raises `MessageRefused` and writes nothing (`refuse=True`: the case screen, where the
officer reads the reason), or is recorded (an event's letter, inside the event's transaction, which must
not fail because a letter cannot go): a timeline line with the reason and, when no valid address or
number is known, the run's find-contact task; when the week's contact limit was reached or the letter
could not be made, a task to send it by hand later.
"""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from incasso.cases.models import Case, CaseState, EventKind, TaskKind
from incasso.cases.timeline import TaskValues, event_record, task_create, tasks_insert_many
from incasso.core.exceptions import DomainError
from incasso.core.formatting import choice_label, record_text
from incasso.letters.compose import letter_data_to_json
from incasso.letters.models import Delivery, LetterTemplate, TemplateCode
from incasso.letters.rendering import LetterData, render_letter_png
from incasso.letters.services import letter_compose
from incasso.strategies.message_guards import message_check
from incasso.strategies.models import Channel, OutgoingMessage, SkipReason

# Letters for the debtor: every kind but the progress report, which goes to the client.
DEBTOR_TEMPLATES = tuple(code for code in TemplateCode.values if code != TemplateCode.CLIENT_PROGRESS_REPORT)
CHANNELS = (Channel.LETTER, Channel.EMAIL, Channel.SMS)

# Refusals of this service's own, beside the run's skip reasons.
CLOSED = "closed"
NOT_COMPOSED = "not_composed"
OWN_REASONS = {
    CLOSED: _("the case is closed"),
    NOT_COMPOSED: _("the letter cannot be made"),
}


# An event's letter refused for these reasons may still be wanted later: the officer gets a task.
LATER = frozenset({SkipReason.CONTACT_LIMIT, NOT_COMPOSED})


class MessageRefused(DomainError):
    """The guards refuse the message (`reason`: a `SkipReason` or one of `OWN_REASONS`)."""

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message, field="template")
        self.reason = reason


@dataclass(frozen=True)
class Queued:
    message: OutgoingMessage | None  # None: refused
    created: bool = False  # False: queued before under the same key (or refused)
    refused: str = ""  # the reason's code
    refusal: str = ""  # the reason in words, in the active language


def reason_text(reason: str, detail: str = "") -> str:
    """A refusal in the active language: the run's words for its skip reasons."""
    text = str(OWN_REASONS[reason]) if reason in OWN_REASONS else choice_label(SkipReason, reason)
    return f"{text}: {detail}" if detail else text


def manual_key(on: dt.date) -> str:
    """The case screen's key: one letter of a kind per case per day by hand."""
    return f"manual:{on.isoformat()}"


def message_queue(
    *,
    case: Case,
    template_code: str,
    channel: str,
    actor: Any,
    reason: str,
    refuse: bool = False,
    on: dt.date | None = None,
    now: dt.datetime | None = None,
) -> Queued:
    """Queue `template_code` through `channel` for the case's debtor, once per `reason` key.

    Called inside an event's transaction (the event's service locked the case first) or on its own."""
    if template_code not in DEBTOR_TEMPLATES:
        raise DomainError(
            gettext("Unknown kind of letter '%(code)s'") % {"code": template_code}, field="template"
        )
    if channel not in CHANNELS:
        raise DomainError(gettext("Unknown channel '%(channel)s'") % {"channel": channel}, field="channel")
    if not reason:
        raise DomainError(gettext("A letter outside the daily run needs a reason key"), field="reason")
    now = now or timezone.now()
    on = on or timezone.localdate(now)
    with transaction.atomic():
        locked = Case.objects.select_for_update().select_related("client", "debtor").get(pk=case.pk)
        existing = OutgoingMessage.objects.filter(
            case=locked, template_code=template_code, reason_key=reason, step_execution__isnull=True
        ).first()
        if existing is not None:
            return Queued(existing)
        check = _check(locked, template_code=template_code, channel=channel, on=on, now=now)
        if check.refused:
            if refuse:
                raise MessageRefused(reason_text(check.refused, check.detail), reason=check.refused)
            if check.task is not None:
                tasks_insert_many([check.task])
            elif check.refused in LATER:
                task_create(
                    case=locked,
                    title=f"{_channel_word(channel)} niet verstuurd: {_label(template_code)}; later met de hand sturen",
                    due_on=on,
                    kind=TaskKind.REVIEW,
                )
            with translation.override(settings.LANGUAGE_CODE):
                words = reason_text(check.refused, check.detail)
            event_record(
                case=locked,
                kind=EventKind.LETTER,
                summary=f"{_channel_word(channel)} niet klaargezet ({_label(template_code)}): {words}",
                actor=actor,
                details={
                    "template": template_code,
                    "channel": channel,
                    "reason_key": reason,
                    "reason": check.refused,
                },
            )
            return Queued(None, refused=check.refused, refusal=reason_text(check.refused, check.detail))
        message = OutgoingMessage.objects.create(
            case=locked,
            debtor_id=locked.debtor_id,
            channel=channel,
            template_code=template_code,
            reason_key=reason,
            queued_on=on,
        )
        if check.data is not None and check.template is not None:
            # The letter as composed (and previewed) now: the sender sends it if its amounts still hold
            # on the send date, else a fresh one, and says so on the timeline.
            Delivery.objects.create(
                message=message,
                prepared_data=letter_data_to_json(check.data),
                prepared_on=on,
                template=check.template,
            )
        event_record(
            case=locked,
            kind=EventKind.LETTER,
            summary=f"{_channel_word(channel)} klaargezet: {_label(template_code)}",
            actor=actor,
            details={
                "message": message.pk,
                "template": template_code,
                "channel": channel,
                "reason_key": reason,
            },
        )
        return Queued(message, created=True)


@dataclass
class _Check:
    refused: str = ""
    detail: str = ""
    task: TaskValues | None = None
    data: LetterData | None = None
    template: LetterTemplate | None = None
    sms: str = ""


def _check(case: Case, *, template_code: str, channel: str, on: dt.date, now: dt.datetime) -> _Check:
    """The guards, then the letter composed once (a letter that cannot be made is refused now)."""
    if case.state == CaseState.CLOSED:
        return _Check(CLOSED)
    skip, task = message_check(case=case, channel=channel, template_code=template_code, on=on, now=now)
    if skip:
        return _Check(skip, task=task)
    try:
        data, template, sms, _costs = letter_compose(
            case=case, template_code=template_code, language=case.debtor.language, on=on
        )
    except (DomainError, ValueError) as exc:
        return _Check(NOT_COMPOSED, getattr(exc, "message", str(exc)))
    if channel == Channel.SMS and not sms:
        return _Check(NOT_COMPOSED, gettext("the template has no SMS text"))
    return _Check(data=data, template=template, sms=sms)


@dataclass(frozen=True)
class Preview:
    """The case screen's preview of a letter by hand: page 1 as a PNG (base64), or the SMS text; or,
    when the guards would refuse it, only their reason."""

    refusal: str = ""
    subject: str = ""
    png: str = ""
    sms: str = ""


def letter_preview(*, case: Case, template_code: str, channel: str, on: dt.date, now: dt.datetime) -> Preview:
    """What `message_queue` would queue now, and whether it may: reads, renders, writes nothing."""
    check = _check(case, template_code=template_code, channel=channel, on=on, now=now)
    if check.refused or check.data is None:
        return Preview(refusal=reason_text(check.refused, check.detail))
    if channel == Channel.SMS:
        return Preview(subject=check.data.subject, sms=check.sms)
    png = base64.b64encode(render_letter_png(check.data, ppi=80)).decode("ascii")
    return Preview(subject=check.data.subject, png=png)


def _label(code: str) -> str:
    return record_text(choice_label(TemplateCode, code))


def _channel_word(channel: str) -> str:
    return {"letter": "Brief", "email": "E-mail", "sms": "Sms"}.get(channel, channel)
