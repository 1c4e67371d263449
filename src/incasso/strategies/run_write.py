"""The daily run's writes: a chunk's decided plans in bulk, and the slow actions one by one.

`write` stores the plans of a chunk (step executions, messages, tasks, events, the moved routes and
schedules) with one statement per kind of row; `run_slow` executes an action that goes through other
apps' services (collection costs, a state change, a hand-over) in the caller's savepoint. Both run
under the chunk's lock taken in `run.py`.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from incasso.calculations.costs import collection_costs
from incasso.cases.ledger import ledger_book
from incasso.cases.models import Bucket, Case, CaseState, EntryKind, TaskKind
from incasso.cases.selectors import case_balance
from incasso.cases.services import case_transition
from incasso.cases.timeline import event_record, events_insert_many, task_create, tasks_insert_many
from incasso.core.bulk import copy_rows, update_rows
from incasso.core.exceptions import DomainError
from incasso.strategies.models import (
    Outcome,
    OutgoingMessage,
    Step,
    StepAction,
    StepExecution,
    StrategyAssignment,
)
from incasso.strategies.run_facts import ChunkFacts, RunContext
from incasso.strategies.run_plan import CasePlan, advance_plan
from incasso.strategies.services import STEP_EVENT

VAT_PERCENT = Decimal(21)


def write(plans: Sequence[CasePlan], ctx: RunContext) -> None:
    """Write the decided plans of a chunk: one statement per kind of row, whatever the chunk size (on
    PostgreSQL one COPY per table and one array parameter per column for the updates, `core.bulk`;
    `bulk_create` elsewhere).

    Runs under the chunk's lock on the case rows. The StepExecution INSERT does not ignore conflicts:
    should a row for (case, step, due date) exist after all, the insert fails and nothing is doubled.
    """
    now = timezone.now()
    recorded = [p for p in plans if p.record]
    # At most one execution per case in a chunk: the case id finds its execution's id.
    recorded_ids = copy_rows(
        StepExecution,
        {
            "case_id": [p.case.pk for p in recorded],
            "step_id": [p.step.pk if p.step else None for p in recorded],
            "due_on": [p.due_on for p in recorded],
            "outcome": [
                Outcome.EXECUTED if p.outcome == Outcome.EXECUTED else Outcome.SKIPPED for p in recorded
            ],
            "reason": ["" if p.outcome == Outcome.EXECUTED else p.outcome for p in recorded],
        },
        constants={"run_id": ctx.run.pk if ctx.run else None, "executed_at": now},
        ids=True,
    )
    execution_of = {p.case.pk: pk for p, pk in zip(recorded, recorded_ids, strict=True)}
    messages = [p for p in plans if p.message is not None]
    copy_rows(
        OutgoingMessage,
        {
            "case_id": [p.case.pk for p in messages],
            "debtor_id": [p.case.debtor_id for p in messages],
            "channel": [p.message[0] for p in messages if p.message],
            "template_code": [p.message[1] for p in messages if p.message],
            "step_execution_id": [execution_of[p.case.pk] for p in messages],
        },
        constants={"queued_on": ctx.run_date},
    )
    tasks_insert_many([p.task for p in plans if p.task is not None])
    events = [(p, p.event) for p in plans if p.event is not None]
    events_insert_many(
        case_ids=[p.case.pk for p, _ in events],
        kind=STEP_EVENT,
        summaries=[event[0] for _, event in events],
        details=[{"step_execution": execution_of[p.case.pk], **event[1]} for p, event in events],
        occurred_at=now,
    )
    advanced = [p.assignment for p in plans if p.advance and p.assignment is not None]
    update_rows(
        StrategyAssignment,
        "next_step",
        [a.pk for a in advanced],
        [a.next_step.pk if a.next_step else None for a in advanced],
    )
    rescheduled = [p.case for p in plans if p.reschedule]
    update_rows(Case, "next_action_on", [c.pk for c in rescheduled], [c.next_action_on for c in rescheduled])


def write_one(plan: CasePlan, ctx: RunContext) -> str:
    write([plan], ctx)
    return plan.outcome


def _execute_slow(case: Case, step: Step, execution: StepExecution, ctx: RunContext) -> None:
    """A slow action, at once through its services, with the saved StepExecution."""
    action = step.action
    if action == StepAction.ADD_COLLECTION_COSTS:
        principal = case_balance(case=case).principal
        if principal <= 0:
            raise DomainError(_("No principal is open: no collection costs to add"), field="principal")
        vat = Decimal(0) if case.client.vat_deductible else VAT_PERCENT
        costs = collection_costs(principal, vat_percent=vat)
        ledger_book(
            case=case,
            bucket=Bucket.COSTS,
            kind=EntryKind.COSTS_CHARGED,
            amount=costs.total,
            value_on=ctx.run_date,
            source=f"step-execution:{execution.pk}",
            reason=f"WIK-staffel over {costs.principal}",
        )
    elif action == StepAction.CHANGE_STATE:
        case_transition(case=case, to=step.target_state, actor=None, reason=step.name)
    elif action == StepAction.HAND_OVER:
        case_transition(case=case, to=step.target_state or CaseState.LEGAL, actor=None, reason=step.name)
        task_create(case=case, title=f"Overdracht: {step.name}", due_on=ctx.run_date, kind=TaskKind.REVIEW)
    else:  # pragma: no cover
        raise AssertionError(f"{action} is not a slow action")


def run_slow(plan: CasePlan, ctx: RunContext, facts: ChunkFacts) -> str:
    """A slow action, in the caller's savepoint: the execution row first (the services refer to it)."""
    step, assignment = plan.step, plan.assignment
    assert step is not None and assignment is not None
    due_on = plan.due_on
    assert due_on is not None
    case = Case.objects.select_related("client").get(pk=plan.case.pk)  # locked by the chunk already
    execution = StepExecution.objects.create(
        case=case,
        step=step,
        due_on=due_on,
        run=ctx.run,
        executed_at=timezone.now(),
        outcome=Outcome.EXECUTED,
        reason="",
    )
    _execute_slow(case, step, execution, ctx)
    event_record(
        case=case,
        kind=STEP_EVENT,
        summary=f"Stap {step.position}: {step.name}",
        details={
            "step_execution": execution.pk,
            "step": step.pk,
            "version": assignment.version_id,
            "action": step.action,
            "due_on": due_on.isoformat(),
        },
    )
    advance_plan(plan, ctx)
    StrategyAssignment.objects.filter(pk=assignment.pk).update(next_step=assignment.next_step)
    # An action may have closed the case (which clears next_action_on): never reopen its schedule.
    Case.objects.filter(pk=case.pk).exclude(state=CaseState.CLOSED).update(
        next_action_on=plan.case.next_action_on
    )
    return Outcome.EXECUTED
