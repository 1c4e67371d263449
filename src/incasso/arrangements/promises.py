"""Promises to pay (betaalbeloftes): recorded from a call, decided automatically from the ledger.

A promise puts the case on hold (reason promise) until the promised date plus one day of grace.
`promises_evaluate(run_date=...)` decides each open promise: kept as soon as the payments booked on
the case since the promise was made (value date up to the due date + 1 day, bounced payments
subtracted) reach the promised amount; broken when the grace day has passed without that.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from incasso.arrangements.models import PaymentPromise, PromiseStatus
from incasso.cases.models import Case, CaseState, EntryKind, EventKind, LedgerEntry, TaskKind
from incasso.cases.timeline import event_record, task_create
from incasso.core.access import STAFF_ROLES
from incasso.core.exceptions import DomainError
from incasso.core.formatting import format_money
from incasso.strategies.holds import hold_place, hold_release
from incasso.strategies.models import HoldReason

ZERO = Decimal("0.00")
GRACE = dt.timedelta(days=1)


@transaction.atomic
def promise_record(
    *,
    case: Case,
    amount: Decimal,
    due_on: dt.date,
    officer: Any,
    note: str = "",
    today: dt.date | None = None,
) -> PaymentPromise:
    if getattr(officer, "role", None) not in STAFF_ROLES:
        raise DomainError(_("Only agency staff record promises"), field="officer")
    if not isinstance(amount, Decimal) or amount <= 0:
        raise DomainError(_("The promised amount must be more than zero"), field="amount")
    today = today or timezone.localdate()
    if due_on < today:
        raise DomainError(_("The promised date lies in the past"), field="due_on")
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.state == CaseState.CLOSED:
        raise DomainError(_("A closed case takes no promise"), field="case")
    hold = hold_place(
        case=locked,
        reason=HoldReason.PROMISE,
        starts_on=today,
        until=due_on + GRACE,
        actor=officer,
        note=f"Betaalbelofte {format_money(amount)} uiterlijk {due_on:%d-%m-%Y}",
    )
    promise = PaymentPromise.objects.create(
        case=locked,
        amount=amount,
        due_on=due_on,
        made_on=today,
        note=note.strip()[:300],
        officer=officer,
        hold=hold,
    )
    event_record(
        case=locked,
        kind=EventKind.CALL,
        summary=f"Betaalbelofte: {format_money(amount)} uiterlijk {due_on:%d-%m-%Y}",
        actor=officer,
        details={"promise": promise.pk, "note": promise.note},
    )
    return promise


def paid_towards(promise: PaymentPromise) -> Decimal:
    """Payments on the case from the day the promise was made to its due date plus grace."""
    window = Q(value_on__gte=promise.made_on, value_on__lte=promise.due_on + GRACE)
    kinds = Q(kind=EntryKind.PAYMENT) | Q(kind=EntryKind.REVERSAL, reverses__kind=EntryKind.PAYMENT)
    total = LedgerEntry.objects.filter(window & kinds, case_id=promise.case_id).aggregate(
        s=Sum("amount", default=ZERO)
    )["s"]
    return -Decimal(total).quantize(ZERO)


def promises_evaluate(*, run_date: dt.date) -> dict[str, int]:
    counts = {"kept": 0, "broken": 0}
    ids = list(
        PaymentPromise.objects.filter(status=PromiseStatus.OPEN, made_on__lte=run_date)
        .order_by("case_id", "pk")
        .values_list("pk", flat=True)
    )
    for pk in ids:
        with transaction.atomic():
            outcome = _evaluate_one(pk, run_date)
            if outcome:
                counts[outcome] += 1
    return counts


def _evaluate_one(pk: int, run_date: dt.date) -> str | None:
    case_id = PaymentPromise.objects.values_list("case_id", flat=True).get(pk=pk)
    case = Case.objects.select_for_update().get(pk=case_id)
    promise = PaymentPromise.objects.select_for_update(of=("self",)).select_related("hold").get(pk=pk)
    if promise.status != PromiseStatus.OPEN:
        return None
    paid = paid_towards(promise)
    if paid >= promise.amount:
        status = PromiseStatus.KEPT
    elif run_date > promise.due_on + GRACE:
        status = PromiseStatus.BROKEN
    else:
        return None
    promise.status = status
    promise.paid_amount = paid
    promise.evaluated_on = run_date
    promise.save(update_fields=["status", "paid_amount", "evaluated_on"])
    if promise.hold is not None:
        hold_release(hold=promise.hold)
    label = "nagekomen" if status == PromiseStatus.KEPT else "niet nagekomen"
    event_record(
        case=case,
        kind=EventKind.NOTE,
        summary=f"Betaalbelofte {label}: {format_money(paid)} van {format_money(promise.amount)} betaald",
        details={"promise": promise.pk, "status": status, "paid": str(paid)},
    )
    if status == PromiseStatus.BROKEN:
        task_create(
            case=case,
            title=f"Betaalbelofte van {promise.due_on:%d-%m-%Y} niet nagekomen: debiteur bellen",
            due_on=run_date,
            kind=TaskKind.CALL,
            assignee=promise.officer,
        )
    return str(status)


@dataclass(frozen=True)
class PromiseStats:
    open: int
    kept: int
    broken: int

    @property
    def kept_rate(self) -> Decimal | None:
        decided = self.kept + self.broken
        return None if decided == 0 else (Decimal(self.kept) * 100 / decided).quantize(Decimal("0.1"))


def promise_stats(*, officer: Any = None, client: Any = None) -> PromiseStats:
    qs = PaymentPromise.objects.all()
    if officer is not None:
        qs = qs.filter(officer=officer)
    if client is not None:
        qs = qs.filter(case__client=client)
    sums = qs.aggregate(
        open=Count("pk", filter=Q(status=PromiseStatus.OPEN)),
        kept=Count("pk", filter=Q(status=PromiseStatus.KEPT)),
        broken=Count("pk", filter=Q(status=PromiseStatus.BROKEN)),
    )
    return PromiseStats(open=sums["open"], kept=sums["kept"], broken=sums["broken"])
