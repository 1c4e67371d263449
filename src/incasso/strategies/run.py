"""The daily run: every due strategy step on time, exactly once.

1. Select the due cases (next_action_on ≤ run date, not closed, not on hold) by the partial index on
   `next_action_on`: the cost follows the number of due cases, not the portfolio.
2. Per chunk, one transaction: lock the cases (select_for_update, by id), and for each case evaluate
   its current step's conditions and guards, then execute it or skip it with a logged reason. The
   StepExecution row (unique per case, step and due date) is written in the same transaction as the
   step's effects, so a crash rolls both back and a rerun picks the case up again; a finished case
   has its next_action_on moved past the run date and is not selected again.
3. A DailyRun row keeps the summary: executed, skipped by reason, errors.

At most one step per case per run: the next step is scheduled for the next day at the earliest.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from incasso.calculations.costs import collection_costs
from incasso.cases.models import Bucket, Case, CaseState, EntryKind, LedgerEntry, Task, TaskKind
from incasso.cases.selectors import case_balance
from incasso.cases.services import (
    TaskValues,
    case_transition,
    event_record,
    events_insert_many,
    ledger_book,
    task_create,
    tasks_insert_many,
)
from incasso.core.bulk import id_in, insert_rows, update_rows
from incasso.core.exceptions import DomainError
from incasso.core.formatting import format_date
from incasso.debtors.models import Address, ContactPoint
from incasso.strategies.models import (
    Channel,
    ChannelOptOut,
    DailyRun,
    DebtorCondition,
    Hold,
    MessageStatus,
    OffsetFrom,
    Outcome,
    OutgoingMessage,
    Step,
    StepAction,
    StepExecution,
    StrategyAssignment,
)
from incasso.strategies.rules import (
    FOURTEEN_DAY_LETTER,
    ContactWindow,
    contact_limit_reached,
    contact_limits,
    contact_window,
    costs_allowed_from,
    outside_contact_window,
)
from incasso.strategies.services import STEP_EVENT

log = logging.getLogger(__name__)
ONE_DAY = dt.timedelta(days=1)
DEFAULT_CHUNK_SIZE = 2000
FIND_CONTACT_RETRY_DAYS = 7
VAT_PERCENT = Decimal(21)


@dataclass
class RunSummary:
    run_date: dt.date
    dry_run: bool
    due: int = 0
    executed: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    errors: list[dict[str, str]] = field(default_factory=list)
    run_id: int | None = None
    follow_ups: dict[str, Any] = field(default_factory=dict)  # see `daily_follow_ups`

    def as_dict(self) -> dict[str, Any]:
        return {
            "run_date": self.run_date.isoformat(),
            "dry_run": self.dry_run,
            "run_id": self.run_id,
            "due": self.due,
            "executed": self.executed,
            "skipped": dict(sorted(self.skipped.items())),
            "errors": self.errors,
            **self.follow_ups,
        }


@dataclass(frozen=True)
class RunContext:
    run_date: dt.date
    now: dt.datetime
    window: ContactWindow
    limits: dict[str, int]
    run: DailyRun | None
    routes: dict[int, list[Step]] = field(default_factory=dict)  # version id → its steps, by position


@dataclass(slots=True)
class DueCase:
    """The columns of a locked due case the run needs (plain values: no model instance per case)."""

    pk: int
    number: str
    debtor_id: int
    debtor_role: str
    officer_id: int | None
    next_action_on: dt.date | None  # changed in memory by the plan, written in one UPDATE per chunk


CASE_COLUMNS = ("pk", "number", "debtor_id", "debtor_role", "officer_id", "next_action_on")


@dataclass(slots=True)
class DueAssignment:
    """The case's current StrategyAssignment, as far as the run needs it."""

    pk: int
    version_id: int
    started_on: dt.date
    next_step: Step | None


@dataclass
class ChunkFacts:
    """What the guards need for a chunk of cases, read in a few set-based queries after the lock.

    `recent` grows as the chunk queues messages, so the frequency limit also counts this run's own;
    `finding_contact` grows as the chunk plans find-contact tasks.
    """

    done: set[tuple[int, int, dt.date]]
    opt_outs: set[tuple[int, str]]
    addressed: set[int]
    contactable: set[tuple[int, str]]
    recent: dict[tuple[int, str], list[dt.date]]
    finding_contact: set[int] = field(default_factory=set)  # cases with an open find-contact task
    letters: dict[int, tuple[dt.date, dt.date | None]] = field(
        default_factory=dict
    )  # latest sent 14-day letter
    balances: dict[int, Decimal] = field(default_factory=dict)  # total owed, for min_balance conditions


def _chunk_facts(
    cases: Sequence[DueCase], assignments: dict[int, DueAssignment], ctx: RunContext
) -> ChunkFacts:
    """A constant number of queries per chunk: five always, three more only when a step needs them.
    Ids go in as one array parameter on PostgreSQL (`id_in`)."""
    case_ids = [c.pk for c in cases]
    debtor_ids = sorted({c.debtor_id for c in cases})
    since = ctx.run_date - dt.timedelta(days=6)
    recent: dict[tuple[int, str], list[dt.date]] = {}
    for debtor_id, channel, queued_on in (
        OutgoingMessage.objects.filter(
            id_in("debtor_id", debtor_ids), queued_on__gte=since, queued_on__lte=ctx.run_date
        )
        .exclude(status=MessageStatus.CANCELLED)
        .values_list("debtor_id", "channel", "queued_on")
    ):
        recent.setdefault((debtor_id, channel), []).append(queued_on)
    facts = ChunkFacts(
        done=set(
            StepExecution.objects.filter(id_in("case_id", case_ids)).values_list(
                "case_id", "step_id", "due_on"
            )
        ),
        opt_outs=set(
            ChannelOptOut.objects.filter(id_in("debtor_id", debtor_ids)).values_list("debtor_id", "channel")
        ),
        # Same rule as debtors.selectors.debtor_current_address (a valid address without end date),
        # for the whole chunk at once.
        addressed=set(
            Address.objects.filter(
                id_in("debtor_id", debtor_ids), valid_until__isnull=True, is_valid=True
            ).values_list("debtor_id", flat=True)
        ),
        contactable=set(
            ContactPoint.objects.filter(id_in("debtor_id", debtor_ids), is_valid=True).values_list(
                "debtor_id", "kind"
            )
        ),
        recent=recent,
    )
    steps = {pk: a.next_step for pk, a in assignments.items() if a.next_step is not None}
    messaging = [pk for pk, s in steps.items() if s.action == StepAction.SEND_MESSAGE]
    if messaging:  # only the invalid-contact guard needs it; cheap to read for all messaging cases
        facts.finding_contact = set(
            Task.objects.filter(id_in("case_id", messaging), kind=TaskKind.FIND_CONTACT, done_at__isnull=True)
            .values_list("case_id", flat=True)
            .distinct()
        )
    costs = [
        c.pk
        for c in cases
        if c.debtor_role == "consumer"
        and c.pk in steps
        and steps[c.pk].action == StepAction.ADD_COLLECTION_COSTS
    ]
    if costs:  # the latest sent 14-day letter per case (ordered so the last one written wins)
        for case_id, sent_on, delivered_on in (
            OutgoingMessage.objects.filter(
                id_in("case_id", costs),
                template_code=FOURTEEN_DAY_LETTER,
                channel=Channel.LETTER,
                status__in=[MessageStatus.SENT, MessageStatus.DELIVERED],
                sent_on__isnull=False,
            )
            .order_by("case_id", "sent_on", "id")
            .values_list("case_id", "sent_on", "delivered_on")
        ):
            if sent_on is not None:  # always (filtered); for the type checker
                facts.letters[case_id] = (sent_on, delivered_on)
    conditional = [pk for pk, s in steps.items() if s.min_balance is not None]
    if conditional:  # same sum as cases.selectors.case_balance, for the whole chunk
        for case_id, total in (
            LedgerEntry.objects.filter(id_in("case_id", conditional))
            .values("case_id")
            .annotate(total=Sum("amount"))
            .values_list("case_id", "total")
        ):
            facts.balances[case_id] = Decimal(total).quantize(Decimal("0.01"))
    return facts


class _Deferred(Exception):
    """A guard said "not now": record the skip and try again on `retry_on`."""

    def __init__(self, reason: str, retry_on: dt.date | None, *, advance: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_on = retry_on
        self.advance = advance  # True: the step is passed over for good, the route moves on


def active_holds(run_date: dt.date) -> QuerySet[Hold]:
    return Hold.objects.filter(
        Q(until__isnull=True) | Q(until__gte=run_date), released_at__isnull=True, starts_on__lte=run_date
    )


def _due_base(run_date: dt.date) -> QuerySet[Case]:
    return Case.objects.filter(next_action_on__lte=run_date).exclude(state=CaseState.CLOSED)


def due_case_ids(run_date: dt.date) -> list[int]:
    """Ids of the cases a run for `run_date` must look at, oldest due first (one indexed query)."""
    held = Exists(active_holds(run_date).filter(case_id=OuterRef("pk")))
    qs = _due_base(run_date).exclude(state=CaseState.ON_HOLD).filter(~held)
    return list(qs.order_by("next_action_on", "pk").values_list("pk", flat=True))


def held_due_count(run_date: dt.date) -> int:
    held = Exists(active_holds(run_date).filter(case_id=OuterRef("pk")))
    return _due_base(run_date).filter(held | Q(state=CaseState.ON_HOLD)).count()


def _chunks(ids: Sequence[int], size: int) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _setting_window() -> ContactWindow:
    start, end = getattr(settings, "INCASSO_CONTACT_WINDOW", ("07:00", "20:00"))
    return contact_window(dt.time.fromisoformat(start), dt.time.fromisoformat(end))


def run_date_check(run_date: dt.date, *, today: dt.date) -> None:
    horizon = int(getattr(settings, "INCASSO_RUN_HORIZON_DAYS", 0))
    if run_date > today + dt.timedelta(days=horizon):
        raise DomainError(
            ngettext(
                "Run date %(date)s lies beyond the allowed horizon of %(days)d day after today (%(today)s); steps are never run ahead of time",
                "Run date %(date)s lies beyond the allowed horizon of %(days)d days after today (%(today)s); steps are never run ahead of time",
                horizon,
            )
            % {"date": format_date(run_date), "days": horizon, "today": format_date(today)},
            field="date",
        )


def daily_run(
    *,
    run_date: dt.date,
    now: dt.datetime | None = None,
    dry_run: bool = False,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    actor: Any = None,
    progress: Callable[[int, int], None] | None = None,
) -> RunSummary:
    """Run every due step for `run_date`. Safe to rerun: what was done is not done again."""
    now = timezone.localtime(now or timezone.now())
    run_date_check(run_date, today=now.date())
    ctx_limits = contact_limits(getattr(settings, "INCASSO_CONTACT_LIMITS", None))
    window = _setting_window()
    run = None
    if not dry_run:
        run = DailyRun.objects.create(
            run_date=run_date,
            started_at=timezone.now(),
            started_by=actor if getattr(actor, "pk", None) else None,
        )
    ctx = RunContext(run_date=run_date, now=now, window=window, limits=ctx_limits, run=run, routes=_routes())
    summary = RunSummary(run_date=run_date, dry_run=dry_run, run_id=run.pk if run else None)
    ids = due_case_ids(run_date)
    summary.due = len(ids)
    held = held_due_count(run_date)
    if held:
        summary.skipped["on_hold"] = held
    done = 0
    for chunk in _chunks(ids, chunk_size):
        with transaction.atomic():
            _run_chunk(chunk, ctx, summary)
            if dry_run:
                transaction.set_rollback(True)
        done += len(chunk)
        if progress is not None:
            progress(done, len(ids))
    if run is not None:
        run.finished_at = timezone.now()
        run.counts = summary.as_dict()
        run.save(update_fields=["finished_at", "counts"])
    return summary


def _routes() -> dict[int, list[Step]]:
    """Every version's steps, read once per run (steps of published versions never change)."""
    routes: dict[int, list[Step]] = {}
    for step in Step.objects.order_by("version_id", "position"):
        routes.setdefault(step.version_id, []).append(step)
    return routes


# --- one chunk: lock, read, decide in memory, write in bulk ---------------------------------------


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


def _run_chunk(chunk: Sequence[int], ctx: RunContext, summary: RunSummary) -> None:
    # Lock in id order (the house order: case first), re-checking due-ness under the lock. Only the
    # case rows: what the guards need is read after the lock, for the whole chunk at once.
    # Plain column values, not model instances: the hot path builds none per case.
    cases = [
        DueCase(*row)
        for row in _due_base(ctx.run_date)
        .select_for_update()
        .filter(id_in("pk", chunk))
        .order_by("pk")
        .values_list(*CASE_COLUMNS)
    ]
    assignments = {  # the steps come from the run's routes, not a join per chunk
        case_id: DueAssignment(
            pk, version_id, started_on, _step(version_id, step_id, ctx) if step_id else None
        )
        for pk, case_id, version_id, started_on, step_id in StrategyAssignment.objects.filter(
            id_in("case_id", [c.pk for c in cases]), is_current=True
        ).values_list("pk", "case_id", "version_id", "started_on", "next_step_id")
    }
    facts = _chunk_facts(cases, assignments, ctx)
    plans = [_decide(case, assignments.get(case.pk), ctx, facts) for case in cases]
    fast = [p for p in plans if not p.slow]
    try:
        with transaction.atomic():
            _write(fast, ctx)
    except Exception:  # an unexpected refusal by the database: find the case, case by case
        log.exception("daily run: bulk write of a chunk failed, retrying case by case")
        for plan in fast:
            _guarded(plan.case, summary, partial(_write_one, plan, ctx))
    else:
        for plan in fast:
            _count(plan.outcome, summary)
    for plan in plans:
        if plan.slow:
            _guarded(plan.case, summary, partial(_run_slow, plan, ctx, facts))


def _count(outcome: str, summary: RunSummary) -> None:
    if outcome == Outcome.EXECUTED:
        summary.executed += 1
    elif outcome:
        summary.skipped[outcome] += 1


def _guarded(case: DueCase, summary: RunSummary, work: Callable[[], str]) -> None:
    """One case in a savepoint: a refusal rolls back only this case, which stays due and shows as an error."""
    try:
        with transaction.atomic():
            outcome = work()
    except DomainError as exc:
        summary.errors.append({"case": case.number, "error": exc.message})
        return
    except Exception as exc:
        log.exception("daily run: case %s failed", case.number)
        summary.errors.append({"case": case.number, "error": f"{type(exc).__name__}: {exc}"})
        return
    _count(outcome, summary)


def _step(version_id: int, step_id: int, ctx: RunContext) -> Step:
    steps = ctx.routes.get(version_id)
    found = next((s for s in steps or () if s.pk == step_id), None)
    if found is None:  # a version created during the run: read it from the database
        steps = ctx.routes[version_id] = list(Step.objects.filter(version_id=version_id).order_by("position"))
        found = next(s for s in steps if s.pk == step_id)
    return found


def _decide(case: DueCase, assignment: DueAssignment | None, ctx: RunContext, facts: ChunkFacts) -> CasePlan:
    """Evaluate the case's current step against the chunk's facts; change nothing in the database."""
    if assignment is None or assignment.next_step is None:
        case.next_action_on = None
        return CasePlan(case, "no_step", reschedule=True)
    step = assignment.next_step
    due_on = case.next_action_on
    assert due_on is not None
    if (case.pk, step.pk, due_on) in facts.done:
        return CasePlan(case, "already_done")  # the unique key is the backstop; this keeps the chunk clean
    plan = CasePlan(case, Outcome.EXECUTED, due_on=due_on, step=step, assignment=assignment, record=True)
    try:
        _check_condition(case, step, facts)
        _check_guards(case, step, ctx, facts, plan)
    except _Deferred as deferred:
        plan.outcome = deferred.reason
        if deferred.advance:
            plan.event = (
                f"Stap {step.position} overgeslagen: {step.name} ({deferred.reason})",
                {"step": step.pk, "reason": deferred.reason},
            )
            _advance_plan(plan, ctx)
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
    _advance_plan(plan, ctx)
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
    else:  # pragma: no cover - _decide sends the others down the slow path
        raise AssertionError(f"{action} is not a bulk action")


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


def _run_slow(plan: CasePlan, ctx: RunContext, facts: ChunkFacts) -> str:
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
    _advance_plan(plan, ctx)
    StrategyAssignment.objects.filter(pk=assignment.pk).update(next_step=assignment.next_step)
    # An action may have closed the case (which clears next_action_on): never reopen its schedule.
    Case.objects.filter(pk=case.pk).exclude(state=CaseState.CLOSED).update(
        next_action_on=plan.case.next_action_on
    )
    return Outcome.EXECUTED


def _write(plans: Sequence[CasePlan], ctx: RunContext) -> None:
    """Write the decided plans of a chunk: one statement per kind of row, whatever the chunk size, with
    one array parameter per column on PostgreSQL (`core.bulk`), `bulk_create` elsewhere.

    Runs under the chunk's lock on the case rows. The StepExecution INSERT does not ignore conflicts:
    should a row for (case, step, due date) exist after all, the insert fails and nothing is doubled.
    """
    now = timezone.now()
    recorded = [p for p in plans if p.record]
    # At most one execution per case in a chunk: the case id finds its execution's id.
    execution_of: dict[int, int] = dict(
        (case_id, pk)
        for pk, case_id in insert_rows(
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
            returning=("id", "case_id"),
        )
    )
    messages = [p for p in plans if p.message is not None]
    insert_rows(
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


def _write_one(plan: CasePlan, ctx: RunContext) -> str:
    _write([plan], ctx)
    return plan.outcome


def _check_condition(case: DueCase, step: Step, facts: ChunkFacts) -> None:
    if step.debtor_condition != DebtorCondition.ANY and step.debtor_condition != case.debtor_role:
        raise _Deferred("condition", None, advance=True)
    if step.min_balance is not None and facts.balances.get(case.pk, Decimal(0)) < step.min_balance:
        raise _Deferred("condition", None, advance=True)


def _check_guards(case: DueCase, step: Step, ctx: RunContext, facts: ChunkFacts, plan: CasePlan) -> None:
    tomorrow = ctx.run_date + ONE_DAY
    if step.action == StepAction.ADD_COLLECTION_COSTS and case.debtor_role == "consumer":
        letter = facts.letters.get(case.pk)
        if letter is None:
            raise _Deferred("no_fourteen_day_letter", tomorrow)
        allowed = costs_allowed_from(sent_on=letter[0], delivered_on=letter[1])
        if ctx.run_date < allowed:
            raise _Deferred("fourteen_day_term_running", allowed)
    if step.action != StepAction.SEND_MESSAGE:
        return
    channel = step.channel
    if (case.debtor_id, channel) in facts.opt_outs:
        raise _Deferred("opt_out", None, advance=True)
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
        raise _Deferred("invalid_contact", ctx.run_date + dt.timedelta(days=FIND_CONTACT_RETRY_DAYS))
    if outside_contact_window(ctx.now, channel=channel, window=ctx.window):
        raise _Deferred("contact_window", tomorrow)
    limit = ctx.limits.get(channel)
    if limit is not None:
        previous = facts.recent.get((case.debtor_id, channel), [])
        if contact_limit_reached(previous, on=ctx.run_date, limit=limit):
            raise _Deferred("contact_limit", tomorrow)


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


def _advance_plan(plan: CasePlan, ctx: RunContext) -> None:
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


# --- after the run: the day's other batch work ----------------------------------------------------


def daily_follow_ups(summary: RunSummary) -> RunSummary:
    """After a real run (called by the edges: `incasso run daily` and the "Run today" page): monitor
    the arrangements, evaluate the promises to pay, and enqueue the sending of the queued messages.

    Outside the run's chunk transactions (each hook has its own), and each safe to rerun for the same
    date. A failing hook is logged and reported in the summary; it does not stop the others. The results
    are added to the summary (keys `arrangements`, `promises`, `messages_task`) and the DailyRun row.
    """
    if summary.dry_run:
        return summary
    # Sibling apps of the same layer (import-linter allows it); imported here because arrangements
    # itself imports strategies.services.
    from incasso.arrangements.monitoring import arrangements_monitor
    from incasso.arrangements.promises import promises_evaluate
    from incasso.letters.tasks import process_messages

    hooks: list[tuple[str, Callable[[], Any]]] = [
        ("arrangements", partial(arrangements_monitor, run_date=summary.run_date)),
        ("promises", partial(promises_evaluate, run_date=summary.run_date)),
        ("messages_task", lambda: str(process_messages.enqueue().id)),
    ]
    for key, hook in hooks:
        try:
            summary.follow_ups[key] = hook()
        except Exception as exc:
            log.exception("daily run follow-up %s failed", key)
            summary.follow_ups[key] = {"error": f"{type(exc).__name__}: {exc}"}
    if summary.run_id is not None:
        DailyRun.objects.filter(pk=summary.run_id).update(counts=summary.as_dict())
    return summary
