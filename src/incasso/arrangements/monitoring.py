"""The daily arrangement monitor: reminders for missed instalments, broken and completed plans.

`arrangements_monitor(run_date=...)` looks at every active arrangement, one short transaction each
(case locked first), and applies `monitor_rules.decide`. The reminder for a missed instalment and the
letter when the arrangement breaks are queued by post in that transaction (`letters.queueing`). It is safe to rerun for the same date:
statuses and `reminded_on` remember what was done.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Sum

from incasso.arrangements.models import (
    AfterBroken,
    Arrangement,
    ArrangementStatus,
    Instalment,
    InstalmentPayment,
    InstalmentStatus,
)
from incasso.arrangements.monitor_rules import InstalmentFact, decide
from incasso.arrangements.services import arrangement_end, each_running, policy_for_client
from incasso.cases.models import Case, CaseState, EventKind, TaskKind
from incasso.cases.services import case_transition
from incasso.cases.timeline import event_record, task_create
from incasso.core.formatting import format_money, record_text
from incasso.legal.models import HandoverTo
from incasso.legal.services import handover_request_by_terms
from incasso.letters.models import TemplateCode
from incasso.letters.queueing import message_queue
from incasso.strategies.models import Channel

ZERO = Decimal("0.00")


def arrangements_monitor(*, run_date: dt.date) -> dict[str, int]:
    """Returns counts: looked_at, missed, reminders, broken, completed."""
    counts = {"looked_at": 0, "missed": 0, "reminders": 0, "broken": 0, "completed": 0}
    each_running(
        Arrangement,
        ArrangementStatus.ACTIVE,
        lambda case, arrangement: _monitor_one(case, arrangement, run_date, counts),
    )
    return counts


def _monitor_one(case: Case, arrangement: Arrangement, run_date: dt.date, counts: dict[str, int]) -> None:
    counts["looked_at"] += 1
    policy = policy_for_client(case.client_id)
    rows = {
        i.number: i
        for i in Instalment.objects.select_for_update().filter(arrangement=arrangement).order_by("number")
    }
    paid = dict(
        InstalmentPayment.objects.filter(instalment__arrangement=arrangement)
        .values("instalment__number")
        .annotate(total=Sum("amount"))
        .values_list("instalment__number", "total")
    )
    facts = [
        InstalmentFact(
            number=i.number,
            due_on=i.due_on,
            amount=i.amount,
            paid=Decimal(paid.get(i.number, ZERO)).quantize(ZERO),
            missed=i.status == InstalmentStatus.MISSED,
            reminded=i.reminded_on is not None,
        )
        for i in rows.values()
    ]
    decision = decide(
        facts, run_date=run_date, grace_days=policy.grace_days, misses_to_break=policy.misses_to_break
    )
    for number in decision.newly_paid:
        rows[number].status = InstalmentStatus.PAID
        rows[number].save(update_fields=["status"])
    for number in decision.newly_missed:
        row = rows[number]
        row.status = InstalmentStatus.MISSED
        row.missed_on = run_date
        row.save(update_fields=["status", "missed_on"])
        counts["missed"] += 1
        event_record(
            case=case,
            kind=EventKind.NOTE,
            summary=f"Termijn {row.number} ({format_money(row.amount)}, {row.due_on:%d-%m-%Y}) niet betaald",
            details={"arrangement": arrangement.pk, "instalment": row.pk},
        )
    for number in decision.remind:
        row = rows[number]
        _remind(case, arrangement, row, run_date)
        counts["reminders"] += 1
    if decision.broken:
        _break(case, arrangement, run_date)
        counts["broken"] += 1
    elif decision.completed:
        arrangement_end(
            arrangement=arrangement,
            status=ArrangementStatus.COMPLETED,
            actor=None,
            on=run_date,
            reason="Betalingsregeling volledig nagekomen",
        )
        task_create(
            case=case,
            title="Regeling nagekomen: saldo controleren en dossier afsluiten",
            due_on=run_date,
            kind=TaskKind.REVIEW,
        )
        counts["completed"] += 1


def _remind(case: Case, arrangement: Arrangement, row: Instalment, run_date: dt.date) -> None:
    """The arrangement reminder by post for a missed instalment, once per instalment (`reminded_on`,
    and the message's reason key). Refused by the guards, it is a line on the timeline and a task."""
    row.reminded_on = run_date
    row.save(update_fields=["reminded_on"])
    message_queue(
        case=case,
        template_code=TemplateCode.ARRANGEMENT_REMINDER,
        channel=Channel.LETTER,
        actor=None,
        reason=f"instalment:{row.pk}",
        on=run_date,
    )


def _break(case: Case, arrangement: Arrangement, run_date: dt.date) -> None:
    arrangement_end(
        arrangement=arrangement,
        status=ArrangementStatus.BROKEN,
        actor=None,
        on=run_date,
        reason="Betalingsregeling vervallen: te veel termijnen niet betaald",
    )
    if case.state == CaseState.ARRANGEMENT:
        case_transition(case=case, to=CaseState.AMICABLE, actor=None, reason="regeling vervallen")
    message_queue(
        case=case,
        template_code=TemplateCode.BROKEN_ARRANGEMENT,
        channel=Channel.LETTER,
        actor=None,
        reason=f"arrangement:{arrangement.pk}",
        on=run_date,
    )
    after = policy_for_client(case.client_id).after_broken
    if after == AfterBroken.RESUME:
        title = "Betalingsregeling vervallen: incasso hervat, debiteur benaderen"
    else:
        to = HandoverTo.BAILIFF if after == AfterBroken.BAILIFF else HandoverTo.LAWYER
        handover_request_by_terms(
            case=case, to=to, why="betalingsregeling vervallen (afspraak met de opdrachtgever)"
        )
        title = f"Betalingsregeling vervallen: overdracht aan {record_text(HandoverTo(to).label)} aangevraagd volgens afspraak opdrachtgever; dossier overdragen"
    task_create(case=case, title=title, due_on=run_date, kind=TaskKind.REVIEW)


def monitor_summary_label(counts: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in counts.items())
