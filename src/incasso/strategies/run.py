"""The daily run: every due strategy step on time, exactly once.

1. Select the due cases (next_action_on ≤ run date, not closed, not on hold, not with a lawyer or bailiff) by the partial index on
   `next_action_on`: the cost follows the number of due cases, not the portfolio.
2. Per chunk, one transaction: lock the cases (select_for_update, by id); put the new ones (no current
   assignment) on their strategy (`run_assign`); and for each case evaluate
   its current step's conditions and guards, then execute it or skip it with a logged reason. The
   StepExecution row (unique per case, step and due date) is written in the same transaction as the
   step's effects, so a crash rolls both back and a rerun picks the case up again; a finished case
   has its next_action_on moved past the run date and is not selected again.
3. A DailyRun row keeps the summary: executed, skipped by reason, errors.

At most one step per case per run: the next step is scheduled for the next day at the earliest.

A run can be split in parts that run side by side (`run_part`; `run_processes` for `--parts N`,
`tasks.daily_run_start` for the screen): part k of n takes the due cases of the debtors whose id is
k modulo n, so everything counted per debtor (the contact limits) stays within one part.

This module holds the orchestration (`daily_run`, the chunk loop with its transactions and savepoints,
the summary) and the follow-ups after a run (`daily_follow_ups`). The steps of a chunk live in three
modules beside it: `run_facts` (what the run reads: the due cases and the chunk's facts),
`run_plan` (the decision per case, in memory) and `run_write` (the bulk writes and the slow actions).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from incasso.audit.services import access_log_prune
from incasso.cases.contact import call_dates_by_debtor
from incasso.cases.questions import questions_notify_pending
from incasso.core.bulk import id_in
from incasso.core.contact import (
    ContactWindow,
    RuleError,
    configured_contact_limits,
    configured_contact_window,
)
from incasso.core.exceptions import DomainError
from incasso.core.formatting import format_date
from incasso.strategies.matching import match_candidates
from incasso.strategies.models import (
    DailyRun,
    Outcome,
    RunStatus,
    SkipReason,
    Step,
    StrategyAssignment,
)
from incasso.strategies.run_assign import assign_new
from incasso.strategies.run_facts import (
    CASE_COLUMNS,
    DueAssignment,
    DueCase,
    RunContext,
    chunk_facts,
    due_base,
    due_case_ids,
    route_of,
    set_aside_counts,
)
from incasso.strategies.run_plan import decide
from incasso.strategies.run_summary import RunSummary
from incasso.strategies.run_write import run_slow, write, write_one

log = logging.getLogger(__name__)
DEFAULT_CHUNK_SIZE = 2000


def _chunks(ids: Sequence[int], size: int) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


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
    run: DailyRun | None = None,
    part: tuple[int, int] = (0, 1),
) -> RunSummary:
    """Run every due step for `run_date`. Safe to rerun: what was done is not done again.

    `run`: the DailyRun row of a run queued from the page or split over processes (see `run_part`);
    without it a real run makes its own row and a dry run none. The row's progress (`done` of `due`,
    `heartbeat_at`) is written after every chunk, and its status ends as finished, or failed with
    the error. `part` = (k, n): only the due cases of the debtors whose id is k modulo n (one part of
    a run split over n processes; their summaries add up to the run's).
    """
    now = timezone.localtime(now or timezone.now())
    try:
        rules = run_rules(run_date, now=now)
    except (DomainError, RuleError) as exc:
        if run is not None:
            _run_failed(run, exc.message if isinstance(exc, DomainError) else str(exc), part)
        raise
    if run is not None:  # the first part to start starts the run
        DailyRun.objects.filter(pk=run.pk, status=RunStatus.QUEUED).update(
            status=RunStatus.RUNNING, started_at=timezone.now(), heartbeat_at=timezone.now()
        )
    elif not dry_run:
        run = new_run(run_date=run_date, dry_run=False, actor=actor, status=RunStatus.RUNNING)
    try:
        summary = _run_all(run_date, now, rules, dry_run, chunk_size, run, progress, part)
    except BaseException as exc:  # Ctrl-C too: the run shows as failed, not as running for ever
        if run is not None:
            _run_failed(run, f"{type(exc).__name__}: {exc}".rstrip(": "), part)
        raise
    if run is not None:
        summary.run_complete = _part_finished(run, part, summary)
    return summary


def run_rules(run_date: dt.date, *, now: dt.datetime) -> tuple[dict[str, int], ContactWindow]:
    """The contact rules a run goes by; refused (DomainError, RuleError) before anything is done when
    the run date lies beyond the horizon or the settings' contact rules are wider than the law."""
    run_date_check(run_date, today=timezone.localtime(now).date())
    return configured_contact_limits(), configured_contact_window()


def new_run(
    *,
    run_date: dt.date,
    dry_run: bool,
    actor: Any = None,
    parts: int = 1,
    status: str = RunStatus.QUEUED,
    now: dt.datetime | None = None,
) -> DailyRun:
    """The DailyRun row of a run about to start: queued for workers or processes, or running here."""
    now = now or timezone.now()
    return DailyRun.objects.create(
        run_date=run_date,
        dry_run=dry_run,
        status=status,
        started_at=now,
        heartbeat_at=now,
        parts=parts,
        started_by=actor if getattr(actor, "pk", None) else None,
    )


def _run_failed(run: DailyRun, error: str, part: tuple[int, int] = (0, 1)) -> None:
    if part[1] > 1:
        where = _("part %(part)d of %(parts)d") % {"part": part[0] + 1, "parts": part[1]}
        error = f"{where}: {error}"
    DailyRun.objects.filter(pk=run.pk).update(
        status=RunStatus.FAILED, error=error, finished_at=timezone.now()
    )


def _part_finished(run: DailyRun, part: tuple[int, int], summary: RunSummary) -> bool:
    """Record a part's summary; the run's summary is the sum of its parts'. True when this part was
    the run's last (a failed part leaves the run failed)."""
    if part[1] == 1:  # the whole run in one: nobody else writes the row's summary
        DailyRun.objects.filter(pk=run.pk).update(
            counts=summary.as_dict(), status=RunStatus.FINISHED, finished_at=timezone.now()
        )
        return True
    with transaction.atomic():  # the parts finish in any order: one at a time adds its summary
        row = DailyRun.objects.select_for_update().get(pk=run.pk)
        row.part_counts[str(part[0])] = summary.as_dict()
        row.counts = RunSummary.merged(row.part_counts.values()).as_dict()
        fields = ["part_counts", "counts"]
        last = len(row.part_counts) >= row.parts
        if last:
            row.finished_at = timezone.now()
            fields.append("finished_at")
            if row.status != RunStatus.FAILED:
                row.status = RunStatus.FINISHED
                fields.append("status")
        row.save(update_fields=fields)
    return last


def _run_all(
    run_date: dt.date,
    now: dt.datetime,
    rules: tuple[dict[str, int], ContactWindow],
    dry_run: bool,
    chunk_size: int,
    run: DailyRun | None,
    progress: Callable[[int, int], None] | None,
    part: tuple[int, int],
) -> RunSummary:
    limits, window = rules
    ctx = RunContext(
        run_date=run_date,
        now=now,
        window=window,
        limits=limits,
        run=run,
        routes=_routes(),
        candidates=match_candidates(),
        calls=call_dates_by_debtor(run_date),
    )
    summary = RunSummary(run_date=run_date, dry_run=dry_run, run_id=run.pk if run else None)
    ids = due_case_ids(run_date, part)
    summary.due = len(ids)
    if run is not None:  # the parts of a split run add theirs up
        DailyRun.objects.filter(pk=run.pk).update(
            due=Coalesce(F("due"), 0) + len(ids), heartbeat_at=timezone.now()
        )
    held, handed_over = set_aside_counts(run_date, part)
    if held:
        summary.skipped[SkipReason.ON_HOLD] = held
    if handed_over:
        summary.skipped[SkipReason.HANDED_OVER] = handed_over
    done = 0
    for chunk in _chunks(ids, chunk_size):
        with transaction.atomic():
            _run_chunk(chunk, ctx, summary)
            if dry_run:
                transaction.set_rollback(True)
        done += len(chunk)
        if run is not None:  # outside the chunk's transaction: a dry run's progress shows too
            DailyRun.objects.filter(pk=run.pk).update(
                done=F("done") + len(chunk), heartbeat_at=timezone.now()
            )
        if progress is not None:
            progress(done, len(ids))
    return summary


def run_part(
    *, run_id: int, part: int = 0, now: dt.datetime | None = None, chunk_size: int = DEFAULT_CHUNK_SIZE
) -> dict[str, Any]:
    """Carry out (part `part` of) a run queued from the page or split over processes: the background
    task `strategies.tasks.daily_run_task` and the processes of `incasso run daily --parts N`.

    The part that completes the run does the follow-ups (`daily_follow_ups`) on the whole run's
    summary. A part that is already done (a task delivered twice, a run already finished) is left
    alone: the stored summary is returned.
    """
    run = DailyRun.objects.select_related("started_by").filter(pk=run_id).first()
    if run is None:
        return {"error": f"daily run {run_id} does not exist"}
    if not 0 <= part < run.parts:
        return {"error": f"daily run {run_id} has {run.parts} part(s), not a part {part}"}
    done = run.status == RunStatus.FINISHED or str(part) in run.part_counts
    if done or (run.parts == 1 and run.status != RunStatus.QUEUED):
        return dict(run.counts)
    summary = daily_run(
        run_date=run.run_date,
        now=now,
        dry_run=run.dry_run,
        chunk_size=chunk_size,
        actor=run.started_by,
        run=run,
        part=(part, run.parts),
    )
    if not summary.run_complete:
        return summary.as_dict()
    whole = RunSummary.from_dict(DailyRun.objects.get(pk=run_id).counts)
    return daily_follow_ups(whole).as_dict()


def _routes() -> dict[int, list[Step]]:
    """Every version's steps, read once per run (steps of published versions never change)."""
    routes: dict[int, list[Step]] = {}
    for step in Step.objects.order_by("version_id", "position"):
        routes.setdefault(step.version_id, []).append(step)
    return routes


# --- one chunk: lock, read, decide in memory, write in bulk ---------------------------------------


def _run_chunk(chunk: Sequence[int], ctx: RunContext, summary: RunSummary) -> None:
    # Lock in id order (the house order: case first), re-checking due-ness under the lock. Only the
    # case rows: what the guards need is read after the lock, for the whole chunk at once.
    # Plain column values, not model instances: the hot path builds none per case.
    cases = [
        DueCase(*row)
        for row in due_base(ctx.run_date)
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
    if len(assignments) < len(cases):  # new cases: put them on their strategy first
        new = assign_new(cases, assignments, ctx)
        summary.assigned += new.assigned
        if new.unmatched:  # they stay due
            summary.skipped[SkipReason.NO_STRATEGY] += len(new.unmatched)
        cases = new.carry_on
    facts = chunk_facts(cases, assignments, ctx)
    plans = [decide(case, assignments.get(case.pk), ctx, facts) for case in cases]
    fast = [p for p in plans if not p.slow]
    try:
        with transaction.atomic():
            write(fast, ctx)
    except Exception:  # an unexpected refusal by the database: find the case, case by case
        log.exception("daily run: bulk write of a chunk failed, retrying case by case")
        for plan in fast:
            _guarded(plan.case, summary, partial(write_one, plan, ctx), plan.step)
    else:
        for plan in fast:
            _count(plan.outcome, summary, plan.step)
    for plan in plans:
        if plan.slow:
            _guarded(plan.case, summary, partial(run_slow, plan, ctx, facts), plan.step)


def _count(outcome: str, summary: RunSummary, step: Step | None) -> None:
    if outcome == Outcome.EXECUTED:
        summary.executed += 1
        if step is not None:
            summary.by_action[step.action] += 1
    elif outcome:
        summary.skipped[outcome] += 1


def _guarded(case: DueCase, summary: RunSummary, work: Callable[[], str], step: Step | None = None) -> None:
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
    _count(outcome, summary, step)


def _step(version_id: int, step_id: int, ctx: RunContext) -> Step:
    found = next((s for s in route_of(version_id, ctx) if s.pk == step_id), None)
    if found is None:  # a step the run's copy of the version does not have: read it again
        found = next(s for s in route_of(version_id, ctx, reread=True) if s.pk == step_id)
    return found


# --- after the run: the day's other batch work ----------------------------------------------------


def daily_follow_ups(summary: RunSummary) -> RunSummary:
    """After a real run (called by the edges: `incasso run daily` and the "Run today" page): monitor
    the arrangements, evaluate the promises to pay, enqueue the sending of the queued messages, announce
    the questions to clients not announced yet, and prune the access log past its retention (counted
    from the clock, not the run date, so a run for another date neither keeps nor removes more).

    Outside the run's chunk transactions (each hook has its own), and each safe to rerun for the same
    date. A failing hook is logged and reported in the summary; it does not stop the others. The results
    are added to the summary (keys `arrangements`, `promises`, `settlements`, `messages_task`, `client_questions`,
    `access_log`) and the
    DailyRun row.
    """
    if summary.dry_run:
        return summary
    # Sibling apps of the same layer (import-linter allows it); imported here because arrangements
    # itself imports strategies.services.
    from incasso.arrangements.monitoring import arrangements_monitor
    from incasso.arrangements.promises import promises_evaluate
    from incasso.arrangements.settlements import settlements_monitor
    from incasso.letters.tasks import process_messages

    hooks: list[tuple[str, Callable[[], Any]]] = [
        ("arrangements", partial(arrangements_monitor, run_date=summary.run_date)),
        ("promises", partial(promises_evaluate, run_date=summary.run_date)),
        ("settlements", partial(settlements_monitor, run_date=summary.run_date)),
        ("messages_task", lambda: str(process_messages.enqueue().id)),
        ("client_questions", questions_notify_pending),
        ("access_log", lambda: access_log_prune(now=timezone.now()).as_dict()),
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
