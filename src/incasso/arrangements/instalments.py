"""Payments counted on an arrangement's instalments: recording a payment (already booked in the ledger
by the payments app) against the instalments, and undoing it when the payment is returned or reversed.

Split from `arrangements.services`, which proposes, decides and ends arrangements; these are the writes
the payments app calls. Every service is one transaction and locks the case row first (the house
order), then the arrangement, then its instalments. A source is counted once: recording it again
changes nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from incasso.arrangements.models import (
    Arrangement,
    ArrangementStatus,
    Instalment,
    InstalmentPayment,
    InstalmentStatus,
)
from incasso.cases.models import Case, EventKind
from incasso.cases.timeline import event_record
from incasso.core.exceptions import DomainError
from incasso.core.formatting import format_money

ZERO = Decimal("0.00")


def _paid(instalment_id: int) -> Decimal:
    total = InstalmentPayment.objects.filter(instalment_id=instalment_id).aggregate(
        s=Sum("amount", default=ZERO)
    )["s"]
    return Decimal(total).quantize(ZERO)


@transaction.atomic
def instalment_record_payment(
    *,
    instalment: Instalment,
    amount: Decimal,
    value_date: dt.date,
    source: str,
) -> list[InstalmentPayment]:
    """Count a payment (already booked in the ledger by the payments app) towards an arrangement.

    It pays `instalment` first, the excess the earliest unpaid instalments after it, then any
    earlier ones still unpaid; what is left beyond the whole arrangement is not linked (the ledger
    has it). `source` names the payment (e.g. "banktx:123"): recording the same source again
    changes nothing and returns the earlier links, so a payment is never counted twice.
    """
    if not isinstance(amount, Decimal):
        raise TypeError("amount must be a Decimal")
    if amount <= 0:
        raise DomainError(_("A payment on an instalment is more than zero"), field="amount")
    if not source.strip():
        raise DomainError(_("Name the payment's source so it is counted once"), field="source")
    Case.objects.select_for_update().filter(pk=instalment.arrangement.case_id).first()
    arrangement = Arrangement.objects.select_for_update().get(pk=instalment.arrangement_id)
    existing = list(InstalmentPayment.objects.filter(instalment__arrangement=arrangement, source=source))
    if existing:
        return existing
    rows = list(Instalment.objects.select_for_update().filter(arrangement=arrangement).order_by("number"))
    first = next(r for r in rows if r.pk == instalment.pk)
    order = (
        [first] + [r for r in rows if r.number > first.number] + [r for r in rows if r.number < first.number]
    )
    left = amount
    links = []
    for row in order:
        if left <= 0:
            break
        open_amount = row.amount - _paid(row.pk)
        if open_amount <= 0:
            continue
        part = min(open_amount, left)
        links.append(
            InstalmentPayment.objects.create(instalment=row, amount=part, value_on=value_date, source=source)
        )
        left -= part
        if part == open_amount and row.status != InstalmentStatus.PAID:
            row.status = InstalmentStatus.PAID
            row.save(update_fields=["status"])
    event_record(
        case=arrangement.case,
        kind=EventKind.PAYMENT,
        summary=f"Betaling {format_money(amount)} op regeling (termijn {first.number})",
        actor_label="payments",
        details={
            "arrangement": arrangement.pk,
            "source": source,
            "links": [{"instalment": link.instalment_id, "amount": str(link.amount)} for link in links],
            "unlinked": str(left),
        },
    )
    return links


def arrangement_record_case_payment(
    *, case: Case, amount: Decimal, value_date: dt.date, source: str
) -> list[InstalmentPayment]:
    """A payment with the case's own reference while an arrangement is active: it pays the
    earliest unpaid instalment first. No active arrangement: nothing to link, returns []."""
    arrangement = Arrangement.objects.filter(case=case, status=ArrangementStatus.ACTIVE).first()
    if arrangement is None:
        return []
    first_open = arrangement.instalments.exclude(status=InstalmentStatus.PAID).order_by("number").first()
    if first_open is None:
        return []
    return instalment_record_payment(
        instalment=first_open, amount=amount, value_date=value_date, source=source
    )


@transaction.atomic
def instalment_payment_reverse(*, source: str) -> list[InstalmentPayment]:
    """Undo what `instalment_record_payment` counted for `source` (a returned direct debit, a reversed
    payment): its links are removed and an instalment no longer fully paid is unpaid again (missed if it
    had been marked missed, otherwise open). Returns the removed links; nothing recorded: [] (rerunnable)."""
    links = list(InstalmentPayment.objects.filter(source=source).select_related("instalment__arrangement"))
    if not links:
        return []
    arrangement_ids = sorted({link.instalment.arrangement_id for link in links})
    case_ids = sorted({link.instalment.arrangement.case_id for link in links})
    list(Case.objects.select_for_update().filter(pk__in=case_ids).order_by("pk"))
    list(Arrangement.objects.select_for_update().filter(pk__in=arrangement_ids).order_by("pk"))
    rows = {
        row.pk: row
        for row in Instalment.objects.select_for_update()
        .filter(pk__in={link.instalment_id for link in links})
        .order_by("pk")
    }
    InstalmentPayment.objects.filter(pk__in=[link.pk for link in links]).delete()
    for row in rows.values():
        if row.status == InstalmentStatus.PAID and _paid(row.pk) < row.amount:
            row.status = InstalmentStatus.MISSED if row.missed_on else InstalmentStatus.OPEN
            row.save(update_fields=["status"])
    for arrangement_id in arrangement_ids:
        mine = [link for link in links if link.instalment.arrangement_id == arrangement_id]
        event_record(
            case=mine[0].instalment.arrangement.case,
            kind=EventKind.PAYMENT,
            summary=f"Betaling {format_money(sum((link.amount for link in mine), ZERO))} op regeling teruggedraaid",
            actor_label="payments",
            details={
                "arrangement": arrangement_id,
                "source": source,
                "links": [{"instalment": link.instalment_id, "amount": str(link.amount)} for link in mine],
            },
        )
    return links
