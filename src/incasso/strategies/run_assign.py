"""The daily run's first step for new cases: put a chunk's cases without a strategy on theirs, in bulk.

A case opened on a screen, by the API or a claims import is due on its opening day and on no strategy.
Every new case passes the run, whichever way it came in, so the assignment happens here, for the whole
locked chunk at once: two reads (the cases' client and debt type, their principal), the choice in memory
(`matching.choose_version`, the rule `assignment.strategy_for_case` applies to one case), then one
statement each for the assignments, their timeline events and the schedules of the cases whose first
step lies ahead. The rows are those `assignment.case_assign_strategy` writes for one case.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from incasso.cases.models import Bucket, Case, LedgerEntry
from incasso.cases.timeline import events_insert_many
from incasso.core.bulk import copy_rows, id_in, update_rows
from incasso.strategies.assignment import ASSIGNED_AT_INTAKE, assigned_summary
from incasso.strategies.matching import choose_version
from incasso.strategies.models import StrategyAssignment
from incasso.strategies.run_facts import DueAssignment, DueCase, RunContext, route_of
from incasso.strategies.services import STEP_EVENT


@dataclass
class NewCases:
    carry_on: list[DueCase]  # the chunk's cases the run goes on with (new ones only if due today)
    assigned: int = 0
    unmatched: list[DueCase] = field(default_factory=list)  # no published strategy matches: stay due


def assign_new(cases: list[DueCase], assignments: dict[int, DueAssignment], ctx: RunContext) -> NewCases:
    """Assign the cases of `cases` missing from `assignments` (adding them there when their first step
    is due on the run date). The caller holds the chunk's lock and owns the transaction."""
    new = [c for c in cases if c.pk not in assignments]
    result = NewCases(carry_on=[c for c in cases if c.pk in assignments])
    if not new:
        return result
    ids = [c.pk for c in new]
    facts = {
        pk: (client_id, debt_type_id)
        for pk, client_id, debt_type_id in Case.objects.filter(id_in("pk", ids)).values_list(
            "pk", "client_id", "debt_type_id"
        )
    }
    principal: dict[int, Decimal] = {
        case_id: Decimal(total).quantize(Decimal("0.01"))  # SQLite sums decimals as floats
        for case_id, total in LedgerEntry.objects.filter(id_in("case_id", ids), bucket=Bucket.PRINCIPAL)
        .values("case_id")
        .annotate(total=Sum("amount"))
        .values_list("case_id", "total")
    }
    chosen = []
    for case in new:
        client_id, debt_type_id = facts[case.pk]
        version = choose_version(
            ctx.candidates,
            number=case.number,
            client_id=client_id,
            debtor_role=case.debtor_role,
            debt_type_id=debt_type_id,
            principal=principal.get(case.pk, Decimal("0.00")),
        )
        if version is None:
            result.unmatched.append(case)
        else:
            chosen.append((case, version, route_of(version.pk, ctx)[0]))  # a published version has steps
    if not chosen:
        return result
    now = timezone.now()
    assignment_ids = copy_rows(
        StrategyAssignment,
        {
            "case_id": [case.pk for case, _v, _s in chosen],
            "version_id": [version.pk for _c, version, _s in chosen],
            "next_step_id": [first.pk for _c, _v, first in chosen],
        },
        constants={
            "since": now,
            "started_on": ctx.run_date,
            "reason": ASSIGNED_AT_INTAKE,
            "is_current": True,
            "actor_id": None,
        },
        ids=True,
    )
    events_insert_many(
        case_ids=[case.pk for case, _v, _s in chosen],
        kind=STEP_EVENT,
        summaries=[assigned_summary(version) for _c, version, _s in chosen],
        details=[
            {"version": version.pk, "assignment": pk}
            for (_c, version, _s), pk in zip(chosen, assignment_ids, strict=True)
        ],
        occurred_at=now,
    )
    later = []
    for (case, version, first), pk in zip(chosen, assignment_ids, strict=True):
        case.next_action_on = ctx.run_date + dt.timedelta(days=first.offset_days)
        if first.offset_days == 0:  # due today: this run takes its first step
            assignments[case.pk] = DueAssignment(pk, version.pk, ctx.run_date, first)
            result.carry_on.append(case)
        else:
            later.append(case)
    update_rows(Case, "next_action_on", [c.pk for c in later], [c.next_action_on for c in later])
    result.assigned = len(chosen)
    result.carry_on.sort(key=lambda c: c.pk)  # the chunk's order (by id), as locked
    return result
