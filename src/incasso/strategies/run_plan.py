"""The daily run's decision per case: which step, executed or skipped and why, in memory.

`decide` evaluates a case's current step against the chunk's facts (`run_facts.ChunkFacts`): its
conditions (debtor role, minimum balance), then the guards (the 14-day letter before consumer collection
costs, opt-out, a valid contact, the contact window, the frequency limit). It returns a `CasePlan` and
writes nothing. The common actions only fill in the plan; the slow ones are marked for
`run_write.run_slow`. The only database read is the steps of a strategy version created during the run.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import translation

from incasso.cases.models import TaskKind
from incasso.cases.timeline import TaskValues
from incasso.core.contact import contact_limit_reached, outside_contact_window
from incasso.core.formatting import choice_label
from incasso.strategies.models import (
    Channel,
    DebtorCondition,
    OffsetFrom,
    Outcome,
    SkipReason,
    Step,
    StepAction,
)
from incasso.strategies.rules import costs_allowed_from
from incasso.strategies.run_facts import ChunkFacts, DueAssignment, DueCase, RunContext, contact_channel

ONE_DAY = dt.timedelta(days=1)
FIND_CONTACT_RETRY_DAYS = 7


@dataclass
class CasePlan:
    """What the run decided for one case, not yet written.

    `slow` cases (costs, state change, hand-over: actions that go through services with their own
    checks and side effects) are executed one by one in a savepoint after the bulk writes.
    """

    case: DueCase
    outcome: str  # Outcome.EXECUTED or the skip reason
    due_on: dt.date | None = None
    step: Step | None = None
    assignment: DueAssignment | None = None
    record: bool = False  # write a StepExecution (executed or skipped with the reason)
    message: tuple[str, str] | None = None  # (channel, template code)
    task: TaskValues | None = None
    event: tuple[str, dict[str, Any]] | None = None  # (summary, details); the execution id is added on write
    advance: bool = False  # the assignment's next_step changed
    reschedule: bool = False  # the case's next_action_on changed
    slow: bool = False


class _Deferred(Exception):
    """A guard said "not now": record the skip and try again on `retry_on`."""

    def __init__(self, reason: str, retry_on: dt.date | None, *, advance: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_on = retry_on
        self.advance = advance  # True: the step is passed over for good, the route moves on


def _dutch_label(reason: str) -> str:
    """The timeline's summaries are stored in Dutch, as every event's ("Stap 2 overgeslagen: ... (debiteur
    wil geen berichten via dit kanaal)"); the code stays in the event's details."""
    with translation.override("nl"):
        return choice_label(SkipReason, reason)


def decide(case: DueCase, assignment: DueAssignment | None, ctx: RunContext, facts: ChunkFacts) -> CasePlan:
    """Evaluate the case's current step against the chunk's facts; change nothing in the database."""
    if assignment is None or assignment.next_step is None:
        case.next_action_on = None
        return CasePlan(case, SkipReason.NO_STEP, reschedule=True)
    step = assignment.next_step
    due_on = case.next_action_on
    assert due_on is not None
    if (case.pk, step.pk, due_on) in facts.done:
        return CasePlan(
            case, SkipReason.ALREADY_DONE
        )  # the unique key is the backstop; this keeps the chunk clean
    plan = CasePlan(case, Outcome.EXECUTED, due_on=due_on, step=step, assignment=assignment, record=True)
    try:
        _check_condition(case, step, facts)
        _check_guards(case, step, ctx, facts, plan)
    except _Deferred as deferred:
        plan.outcome = deferred.reason
        if deferred.advance:
            plan.event = (
                f"Stap {step.position} overgeslagen: {step.name} ({_dutch_label(deferred.reason)})",
                {"step": step.pk, "reason": deferred.reason},
            )
            advance_plan(plan, ctx)
        else:
            case.next_action_on = deferred.retry_on
            plan.reschedule = True
        return plan
    if step.action in SLOW_ACTIONS:
        plan.slow = True
        return plan
    _execute(case, step, plan, ctx, facts)
    plan.event = (
        f"Stap {step.position}: {step.name}",
        {
            "step": step.pk,
            "version": assignment.version_id,
            "action": step.action,
            "due_on": due_on.isoformat(),
        },
    )
    advance_plan(plan, ctx)
    return plan


SLOW_ACTIONS = frozenset({StepAction.ADD_COLLECTION_COSTS, StepAction.CHANGE_STATE, StepAction.HAND_OVER})


def _execute(case: DueCase, step: Step, plan: CasePlan, ctx: RunContext, facts: ChunkFacts) -> None:
    """A common action: only fills in the plan (written in bulk with the chunk)."""
    action = step.action
    if action == StepAction.SEND_MESSAGE:
        plan.message = (step.channel, step.template_code)
        # Counted at once, so the frequency limit also counts this chunk's own messages.
        facts.recent.setdefault((case.debtor_id, step.channel), []).append(ctx.run_date)
    elif action == StepAction.CREATE_TASK:
        plan.task = TaskValues(
            case.pk, step.name, ctx.run_date, step.task_kind or TaskKind.OTHER, case.officer_id
        )
    elif action == StepAction.ASK_CLIENT_APPROVAL:
        plan.task = TaskValues(
            case.pk, f"Akkoord opdrachtgever: {step.name}", ctx.run_date, TaskKind.APPROVAL, case.officer_id
        )
    else:  # pragma: no cover - decide sends the others down the slow path
        raise AssertionError(f"{action} is not a bulk action")


def _check_condition(case: DueCase, step: Step, facts: ChunkFacts) -> None:
    if step.debtor_condition != DebtorCondition.ANY and step.debtor_condition != case.debtor_role:
        raise _Deferred(SkipReason.CONDITION, None, advance=True)
    if step.min_balance is not None and facts.balances.get(case.pk, Decimal(0)) < step.min_balance:
        raise _Deferred(SkipReason.CONDITION, None, advance=True)


def _check_guards(
    case: DueCase, step: Step, ctx: RunContext, facts: ChunkFacts, plan: CasePlan, *, window: bool = True
) -> None:
    tomorrow = ctx.run_date + ONE_DAY
    if step.action == StepAction.ADD_COLLECTION_COSTS and case.pk in facts.costs_charged:
        # Extrajudicial costs are owed once (6:96 BW): charged by hand, at intake or by an earlier
        # strategy, they are never charged again; the route moves on.
        raise _Deferred(SkipReason.COSTS_ALREADY_CHARGED, None, advance=True)
    if step.action == StepAction.ADD_COLLECTION_COSTS and case.pk in facts.no_principal:
        # The WIK scale runs over open principal: none open, no costs (and no error every day).
        raise _Deferred(SkipReason.NO_PRINCIPAL, None, advance=True)
    if step.action == StepAction.ADD_COLLECTION_COSTS and case.debtor_role == "consumer":
        letter = facts.letters.get(case.pk)
        if letter is None:
            raise _Deferred(SkipReason.NO_FOURTEEN_DAY_LETTER, tomorrow)
        allowed = costs_allowed_from(sent_on=letter[0], delivered_on=letter[1])
        if ctx.run_date < allowed:
            raise _Deferred(SkipReason.FOURTEEN_DAY_TERM_RUNNING, allowed)
    channel = contact_channel(step)
    if not channel:
        return
    if (case.debtor_id, channel) in facts.opt_outs:
        raise _Deferred(SkipReason.OPT_OUT, None, advance=True)
    if not _has_valid_contact(case, channel, facts):
        if case.pk not in facts.finding_contact:  # one open find-contact task per case is enough
            facts.finding_contact.add(case.pk)
            plan.task = TaskValues(
                case.pk,
                f"Contactgegevens zoeken: geen geldig {CONTACT_LABEL[channel]}",
                ctx.run_date,
                TaskKind.FIND_CONTACT,
                case.officer_id,
            )
        raise _Deferred(SkipReason.INVALID_CONTACT, ctx.run_date + dt.timedelta(days=FIND_CONTACT_RETRY_DAYS))
    # A message goes out now; a call task is the day's work, and the officer's screens show the window.
    if (
        window
        and step.action == StepAction.SEND_MESSAGE
        and outside_contact_window(ctx.now, channel=channel, window=ctx.window)
    ):
        raise _Deferred(SkipReason.CONTACT_WINDOW, tomorrow)
    limit = ctx.limits.get(channel)
    if limit is not None:
        previous = facts.recent.get((case.debtor_id, channel), [])
        if contact_limit_reached(previous, on=ctx.run_date, limit=limit):
            raise _Deferred(SkipReason.CONTACT_LIMIT, tomorrow)


def message_guard(
    case: DueCase, step: Step, ctx: RunContext, facts: ChunkFacts
) -> tuple[str, TaskValues | None]:
    """The run's guards for a message queued outside the run (`strategies.message_guards`): the same
    opt-out, valid-contact (with the find-contact task the run would plan) and frequency checks as a
    message step, except the contact window: the message is queued, and the sender keeps the window.
    Returns ("", None) when the message may be queued, else (the skip reason, the task to make or None)."""
    plan = CasePlan(case, Outcome.EXECUTED)
    try:
        _check_guards(case, step, ctx, facts, plan, window=False)
    except _Deferred as deferred:
        return deferred.reason, plan.task
    return "", None


CONTACT_LABEL = {
    "letter": "adres",
    "email": "e-mailadres",
    "sms": "telefoonnummer",
    "phone": "telefoonnummer",
}


def _has_valid_contact(case: DueCase, channel: str, facts: ChunkFacts) -> bool:
    if channel == Channel.LETTER:
        return case.debtor_id in facts.addressed
    kind = "email" if channel == Channel.EMAIL else "phone"
    return (case.debtor_id, kind) in facts.contactable


def _following(step: Step, ctx: RunContext) -> Step | None:
    steps = ctx.routes.get(step.version_id)
    if steps is None:  # a version created during the run: read it from the database
        steps = ctx.routes[step.version_id] = list(
            Step.objects.filter(version_id=step.version_id).order_by("position")
        )
    if step.next_position is not None:
        return next((s for s in steps if s.position == step.next_position), None)
    return next((s for s in steps if s.position > step.position), None)


def advance_plan(plan: CasePlan, ctx: RunContext) -> None:
    """Move the route past the plan's step and schedule the following one (in memory)."""
    assert plan.step is not None and plan.assignment is not None
    run_date = ctx.run_date
    nxt = _following(plan.step, ctx)
    plan.assignment.next_step = nxt
    plan.advance = plan.reschedule = True
    if nxt is None:
        plan.case.next_action_on = None
        return
    base = plan.assignment.started_on if nxt.offset_from == OffsetFrom.CASE_START else run_date
    plan.case.next_action_on = max(base + dt.timedelta(days=nxt.offset_days), run_date + ONE_DAY)
