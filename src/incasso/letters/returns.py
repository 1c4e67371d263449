"""Returned post (retourpost): a letter the post brought back, recorded by the officer from the case's
letters panel or the returned-post page (`letter_return_record`), in one transaction, case locked
first, the letter's message and delivery after it.

* Refused by the addressee, or not collected at the post office: a statement that does not reach the
  addressee through his own doing still takes effect (3:37 lid 3 BW). The letter counts as received:
  it stays sent, the address stays valid; the panel and the timeline say it came back and why.
* Moved, unknown at the address, address incomplete, addressee deceased: the letter did not reach the
  debtor. It fails with the reason (the panel shows it), and
  - `not_received` applies the law: a stuitingsbrief interrupted nothing, a 14-day letter started no
    term (each with a task for the officer);
  - the address it went to is marked invalid, unless the addressee died (the estate is still served
    there), and the case gets the find-contact task when the debtor has no valid address left;
  - "deceased" gives a task to check it (BRP) and place the hold, which the officer decides.

A letter is returned once: a second return of the same letter is refused, and so is one for an e-mail
or SMS (those report themselves: `bounces`, `delivery_reports`), for a letter not (yet) sent, a date
in the future or before the letter was sent. A refusal writes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from incasso.cases.debtor_data import debtor_address_mark_invalid
from incasso.cases.models import Case, CaseState, EventKind, TaskKind
from incasso.cases.timeline import event_record, task_create
from incasso.core.exceptions import DomainError
from incasso.core.formatting import format_date, record_text
from incasso.debtors.models import Address
from incasso.debtors.selectors import debtor_current_address
from incasso.letters.delivery_reports import template_text
from incasso.letters.models import RECEIVED_ALL_THE_SAME, Delivery, ReturnReason, SentLetter
from incasso.letters.not_received import not_received
from incasso.letters.sending import message_fail
from incasso.strategies.models import WENT_OUT, Channel, MessageStatus, OutgoingMessage


@dataclass(frozen=True)
class LetterReturn:
    """What recording a returned letter did."""

    message: OutgoingMessage
    counts_as_received: bool  # refused or not collected: the letter still took effect
    address_invalidated: bool
    summary: str  # the timeline's line


def returnable_letters(*, case: Case) -> list[OutgoingMessage]:
    """The case's letters by post that went out and have not been recorded as returned, newest first."""
    return list(
        OutgoingMessage.objects.filter(
            WENT_OUT, case=case, channel=Channel.LETTER, delivery__returned_on__isnull=True
        ).order_by("-sent_on", "-id")
    )


@transaction.atomic
def letter_return_record(
    *,
    case: Case,
    message_id: int,
    reason: str,
    returned_on: dt.date,
    actor: Any,
    note: str = "",
    now: dt.datetime | None = None,
) -> LetterReturn:
    """The post brought letter `message_id` of `case` back on `returned_on`, for `reason` (a
    `ReturnReason`); see the module docstring."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    if reason not in ReturnReason.values:
        raise DomainError(_("Choose why the letter came back"), field="reason")
    note = " ".join(note.split())
    if len(note) > 300:
        raise DomainError(_("The note is too long (at most 300 characters)"), field="note")
    locked = Case.objects.select_for_update().select_related("debtor").get(pk=case.pk)
    message = (
        OutgoingMessage.objects.select_for_update()
        .select_related("case")
        .filter(pk=message_id, case=locked)
        .first()
    )
    if message is None:
        raise DomainError(_("That letter is not one of this case's"), field="message")
    if message.channel != Channel.LETTER:
        raise DomainError(
            _("Only a letter by post comes back; an e-mail or SMS that did not arrive reports itself"),
            field="message",
        )
    delivery = Delivery.objects.select_for_update().filter(message=message).first()
    if delivery is not None and delivery.returned_on is not None:
        raise DomainError(
            _("This letter was already recorded as returned on %(date)s")
            % {"date": format_date(delivery.returned_on)},
            field="message",
        )
    sent = SentLetter.objects.filter(message=message).defer("pdf").first()
    if (
        delivery is None
        or sent is None
        or message.sent_on is None
        or message.status not in (MessageStatus.SENT, MessageStatus.DELIVERED)
    ):
        raise DomainError(_("This letter has not been sent, so it cannot have come back"), field="message")
    if returned_on > today:
        raise DomainError(_("The date it came back cannot be in the future"), field="returned_on")
    if returned_on < message.sent_on:
        raise DomainError(
            _("The letter went out on %(date)s; it cannot have come back before that")
            % {"date": format_date(message.sent_on)},
            field="returned_on",
        )
    label = record_text(ReturnReason(reason).label)
    delivery.returned_on = returned_on
    delivery.return_reason = reason
    delivery.return_note = note
    what = f"{template_text(message.template_code)} van {format_date(message.sent_on)} ({sent.recipient})"
    remark = f" — {note}" if note else ""
    if reason in RECEIVED_ALL_THE_SAME:
        delivery.last_error = (
            f"retour {format_date(returned_on)}: {label}; telt als ontvangen (3:37 lid 3 BW)"
        )
        delivery.save(update_fields=["returned_on", "return_reason", "return_note", "last_error"])
        summary = (
            f"Brief retour ({label}): {what}; telt als ontvangen, de debiteur is zelf de oorzaak "
            f"(3:37 lid 3 BW); het adres blijft geldig{remark}"
        )
        event_record(
            case=locked,
            kind=EventKind.LETTER,
            summary=summary[:300],
            actor=actor,
            details={"message": message.pk, "returned": reason, "returned_on": returned_on.isoformat()},
            occurred_at=now,
        )
        return LetterReturn(message, True, False, summary)
    delivery.save(update_fields=["returned_on", "return_reason", "return_note"])
    invalidated = False
    address = _address_sent_to(locked, sent)
    if reason != ReturnReason.DECEASED and address is not None and address.is_valid:
        debtor_address_mark_invalid(
            case=locked, address_id=address.pk, reason=f"post retour: {label}", actor=actor
        )
        invalidated = True
    law = not_received(message=message, on=today, reason=f"retour: {label}")
    address_part = (
        "; het adres is ongeldig gemaakt"
        if invalidated
        else "; het adres blijft (overleden: de nalatenschap)"
        if reason == ReturnReason.DECEASED
        else ""
    )
    summary = f"Brief retour ({label}): {what}{address_part}{law}{remark}"
    message_fail(
        message,
        delivery,
        f"retour {format_date(returned_on)}: {label}",
        now,
        task=reason != ReturnReason.DECEASED
        and locked.state != CaseState.CLOSED
        and debtor_current_address(debtor=locked.debtor) is None,
        summary=summary[:300],
        actor=actor,
    )
    if reason == ReturnReason.DECEASED and locked.state != CaseState.CLOSED:
        task_create(
            case=locked,
            title="Post retour, debiteur overleden: controleer dit (BRP) en zet het dossier zo nodig "
            "in de wacht (overleden)",
            due_on=today,
            kind=TaskKind.REVIEW,
        )
    return LetterReturn(message, False, invalidated, summary)


def _address_sent_to(case: Case, sent: SentLetter) -> Address | None:
    """The debtor's address row the letter was printed with (street and number, postcode)."""
    addressee = sent.data.get("addressee") or {}
    lines = addressee.get("address_lines") or []
    if not lines:
        return None
    postcode = "".join(str(addressee.get("postcode", "")).split()).upper()
    candidates = Address.objects.filter(debtor_id=case.debtor_id).order_by("-is_valid", "-valid_from", "-id")
    return next(
        (
            a
            for a in candidates
            if f"{a.street} {a.house_number}" == lines[0] and "".join(a.postcode.split()).upper() == postcode
        ),
        None,
    )
