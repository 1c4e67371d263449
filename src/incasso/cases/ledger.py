"""Writes to the case ledger: booking a money fact and reversing one.

Ledger entries are append-only: a correction is a reversal entry pointing back at the original. Each
booking locks the case row first and, unless the caller records its own, logs an event on the timeline.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from incasso.cases.models import Bucket, Case, Claim, EntryKind, EventKind, LedgerEntry
from incasso.cases.timeline import _actor_label, event_record
from incasso.core.exceptions import DomainError
from incasso.core.formatting import format_money, record_text


@transaction.atomic
def ledger_book(
    *,
    case: Case,
    bucket: str,
    kind: str,
    amount: Decimal,
    value_on: dt.date,
    source: str,
    actor: Any = None,
    reason: str = "",
    claim: Claim | None = None,
    record_event: bool = True,
) -> LedgerEntry:
    """Book one money fact. Positive raises what is owed, negative lowers it.

    `record_event=False` leaves the timeline to the caller: a bank payment books several entries and
    records one `payment` event with the whole split (`payments.booking`)."""
    if not isinstance(amount, Decimal):
        raise TypeError(f"amount must be a Decimal, got {type(amount).__name__}")
    if amount == 0:
        raise DomainError(_("A booking of zero changes nothing"), field="amount")
    if kind == EntryKind.REVERSAL:
        raise DomainError(_("Use ledger_reverse to reverse an entry"), field="kind")
    if claim is not None and claim.case_id != case.pk:
        raise DomainError(_("That claim belongs to another case"), field="claim")
    Case.objects.select_for_update().filter(pk=case.pk).first()
    entry = LedgerEntry.objects.create(
        case=case,
        claim=claim,
        bucket=bucket,
        kind=kind,
        amount=amount,
        value_on=value_on,
        booked_at=timezone.now(),
        source=source,
        actor=actor if getattr(actor, "pk", None) else None,
        reason=reason,
    )
    if record_event:
        event_record(
            case=case,
            kind=EventKind.LEDGER,
            summary=f"{record_text(EntryKind(kind).label)}: {record_text(Bucket(bucket).label)} {format_money(amount)}",
            actor=actor,
            actor_label=source,
            details={"entry": entry.pk, "bucket": bucket, "amount": str(amount), "reason": reason},
        )
    return entry


def reversal_of(
    entry: LedgerEntry, *, actor: Any, reason: str, booked_at: dt.datetime, source: str = ""
) -> LedgerEntry:
    """The (unsaved) entry that cancels `entry`: same case, claim, bucket and value date, the opposite
    amount; its `source` what made it (default: the actor). `ledger_reverse` saves one with its checks;
    the bulk returns create many at once."""
    return LedgerEntry(
        case_id=entry.case_id,
        claim_id=entry.claim_id,
        bucket=entry.bucket,
        kind=EntryKind.REVERSAL,
        amount=-entry.amount,
        value_on=entry.value_on,
        booked_at=booked_at,
        source=source or _actor_label(actor, "system"),
        actor=actor if getattr(actor, "pk", None) else None,
        reason=reason,
        reverses=entry,
    )


@transaction.atomic
def ledger_reverse(
    *, entry: LedgerEntry, actor: Any, reason: str, record_event: bool = True, source: str = ""
) -> LedgerEntry:
    """Cancel an entry by booking its opposite. An entry can be reversed once; a reversal never.
    `record_event=False`: as for `ledger_book` (a returned payment records one event itself)."""
    Case.objects.select_for_update().filter(pk=entry.case_id).first()
    if entry.kind == EntryKind.REVERSAL:
        raise DomainError(_("A reversal cannot itself be reversed; book a new entry"), field="entry")
    if LedgerEntry.objects.filter(reverses=entry).exists():
        raise DomainError(_("This entry has already been reversed"), field="entry")
    if not reason.strip():
        raise DomainError(_("A reversal needs a reason"), field="reason")
    reversal = reversal_of(entry, actor=actor, reason=reason, booked_at=timezone.now(), source=source)
    reversal.save()
    if record_event:
        event_record(
            case=entry.case,
            kind=EventKind.LEDGER,
            summary=f"Boeking teruggedraaid: {record_text(Bucket(entry.bucket).label)} {format_money(entry.amount)}",
            actor=actor,
            details={"entry": entry.pk, "reversal": reversal.pk, "reason": reason},
        )
    return reversal
