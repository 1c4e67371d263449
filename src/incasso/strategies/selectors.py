"""Reads for strategies: the officer's work queue, the supervisor's strategy screens, the comparison."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    F,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from incasso.cases.contact import call_attempts, call_limit, call_limit_reached
from incasso.cases.models import (
    Case,
    CaseState,
    Claim,
    EntryKind,
    Event,
    LedgerEntry,
    Task,
    TaskKind,
)
from incasso.core.access import scope_to_clients
from incasso.core.formatting import choice_label
from incasso.strategies.measures import CaseFacts
from incasso.strategies.models import (
    DailyRun,
    Hold,
    HoldReason,
    OutgoingMessage,
    RunStatus,
    SkipReason,
    Step,
    Strategy,
    StrategyAssignment,
    StrategyVersion,
)
from incasso.strategies.rules import PriorityWeights, priority_score

STAFF_ROLES = frozenset({"officer", "supervisor", "administrator"})
CONTACT_EVENT_KINDS = ("call", "visit", "letter")


@dataclass(frozen=True)
class QueueItem:
    task: Task
    balance: Decimal
    days_overdue: int
    broken_promise: bool
    days_since_contact: int | None
    score: Decimal
    calls_this_week: int = 0  # call attempts to the task's debtor in the last 7 days (all their cases)
    call_limit: int | None = None

    @property
    def call_limit_reached(self) -> bool:
        """A call task whose debtor was already called as often as the week allows (Wki)."""
        return self.task.kind == TaskKind.CALL and call_limit_reached(self.calls_this_week, self.call_limit)


def _sum_of(qs: Any) -> Subquery:
    return Subquery(
        qs.values("case_id").annotate(total=Sum("amount")).values("total")[:1],
        output_field=DecimalField(max_digits=14, decimal_places=2),
    )


def work_queue_for_user(
    *, user: Any, today: dt.date, weights: PriorityWeights | None = None
) -> list[QueueItem]:
    """The user's open tasks due today or earlier, highest priority first, in one query; each with the
    week's call attempts to its debtor (`cases.contact`: the Wki limit is per debtor)."""
    if not getattr(user, "is_authenticated", False) or getattr(user, "role", None) not in STAFF_ROLES:
        return []
    weights = weights or PriorityWeights()
    case = OuterRef("case_id")
    mine = Task.objects.filter(assignee=user, done_at__isnull=True, due_on__lte=today)
    tasks = (
        scope_to_clients(mine, user=user, field="case__client_id")
        .exclude(case__state="closed")
        .select_related("case", "case__debtor", "case__client")
        .annotate(
            balance=Coalesce(
                _sum_of(LedgerEntry.objects.filter(case_id=case).order_by()),
                Value(Decimal("0.00")),
                output_field=DecimalField(max_digits=14, decimal_places=2),
            ),
            oldest_due=Subquery(
                Claim.objects.filter(case_id=case)
                .order_by()
                .values("case_id")
                .annotate(d=Min("due_date"))
                .values("d")[:1]
            ),
            broken_promise=Exists(
                Hold.objects.filter(
                    case_id=case, reason=HoldReason.PROMISE, until__lt=today, released_at__isnull=True
                )
            ),
            last_message=Subquery(
                OutgoingMessage.objects.filter(case_id=case)
                .order_by()
                .values("case_id")
                .annotate(d=Max("queued_on"))
                .values("d")[:1]
            ),
            last_contact_event=Subquery(
                Event.objects.filter(Q(kind__in=CONTACT_EVENT_KINDS), case_id=case)
                .order_by()
                .values("case_id")
                .annotate(d=Max("occurred_at"))
                .values("d")[:1]
            ),
            calls_this_week=Coalesce(
                Subquery(
                    call_attempts(today)
                    .filter(case__debtor_id=OuterRef("case__debtor_id"))
                    .order_by()
                    .values("kind")
                    .annotate(n=Count("pk"))
                    .values("n")[:1]
                ),
                Value(0),
            ),
        )
    )
    limit = call_limit()
    items = []
    for task in tasks:
        contacts = [d for d in (task.last_message, task.last_contact_event) if d is not None]
        last = max((d.date() if isinstance(d, dt.datetime) else d) for d in contacts) if contacts else None
        days_since = (today - last).days if last else None
        overdue = (today - task.oldest_due).days if task.oldest_due else 0
        score = priority_score(
            balance=task.balance,
            days_overdue=overdue,
            broken_promise=task.broken_promise,
            days_since_contact=days_since,
            weights=weights,
        )
        items.append(
            QueueItem(
                task,
                task.balance,
                overdue,
                task.broken_promise,
                days_since,
                score,
                task.calls_this_week,
                limit,
            )
        )
    items.sort(key=lambda i: (-i.score, i.task.due_on, i.task.pk))
    return items


# --- supervisor screens -------------------------------------------------------------------------


@dataclass(frozen=True)
class StrategyRow:
    strategy: Strategy
    current: StrategyVersion | None  # newest published version
    drafts: int
    cases: int  # open cases currently on any version of it


def strategy_list() -> list[StrategyRow]:
    """Every strategy with its current published version and how many open cases follow it (3 queries)."""
    strategies = list(
        Strategy.objects.select_related("client", "debt_type", "challenger").order_by(
            F("client__name").asc(nulls_first=True), "debtor_role", "name", "pk"
        )
    )
    versions: dict[int, list[StrategyVersion]] = {}
    for version in StrategyVersion.objects.order_by("-number"):
        versions.setdefault(version.strategy_id, []).append(version)
    counts = dict(
        StrategyAssignment.objects.filter(is_current=True)
        .exclude(case__state="closed")
        .values_list("version__strategy_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    rows = []
    for strategy in strategies:
        own = versions.get(strategy.pk, [])
        current = next((v for v in own if v.is_published), None)
        drafts = sum(1 for v in own if not v.is_published)
        rows.append(StrategyRow(strategy, current, drafts, counts.get(strategy.pk, 0)))
    return rows


def strategy_get(*, pk: int) -> Strategy:
    return get_object_or_404(Strategy.objects.select_related("client", "debt_type", "challenger"), pk=pk)


def strategy_versions(*, strategy: Strategy) -> list[StrategyVersion]:
    """Versions newest first, with their steps and the number of cases currently on each."""
    return list(
        strategy.versions.prefetch_related(Prefetch("steps", queryset=Step.objects.order_by("position")))
        .annotate(
            cases=Count(
                "assignments",
                filter=Q(assignments__is_current=True) & ~Q(assignments__case__state=CaseState.CLOSED),
            )
        )
        .order_by("-number")
    )


def version_get(*, strategy_pk: int, number: int) -> StrategyVersion:
    return get_object_or_404(
        StrategyVersion.objects.select_related("strategy"), strategy_id=strategy_pk, number=number
    )


def step_get(*, strategy_pk: int, number: int, step_pk: int) -> Step:
    return get_object_or_404(
        Step.objects.select_related("version", "version__strategy"),
        pk=step_pk,
        version__number=number,
        version__strategy_id=strategy_pk,
    )


def versions_for_move(*, case: Any) -> list[StrategyVersion]:
    """Published versions an officer may move a case to: active strategies for its debtor role, of its
    own client or the agency's defaults for every client (never another client's strategy)."""
    return list(
        StrategyVersion.objects.filter(
            Q(strategy__client__isnull=True) | Q(strategy__client_id=case.client_id),
            is_published=True,
            strategy__is_active=True,
            strategy__debtor_role=case.debtor_role,
        )
        .select_related("strategy", "strategy__client")
        .order_by("strategy__name", "-number")
    )


def current_assignment(*, case: Any) -> StrategyAssignment | None:
    return (
        StrategyAssignment.objects.filter(case=case, is_current=True)
        .select_related("version", "version__strategy", "next_step")
        .first()
    )


def daily_run_get(*, pk: int) -> DailyRun:
    return get_object_or_404(DailyRun.objects.select_related("started_by"), pk=pk)


def daily_run_in_progress(*, now: dt.datetime) -> DailyRun | None:
    """The newest run that is queued or running and not stalled (see `DailyRun.STALLED_AFTER`)."""
    active = DailyRun.objects.filter(status__in=[RunStatus.QUEUED, RunStatus.RUNNING]).order_by("-id")
    return next((run for run in active[:10] if not run.is_stalled(now)), None)


def daily_runs(*, limit: int = 20) -> list[DailyRun]:
    """The last runs, newest first; each with `skipped_labelled`: (label, count) per guard."""
    runs = list(DailyRun.objects.select_related("started_by").order_by("-id")[:limit])
    for run in runs:
        run.skipped_labelled = skipped_labelled((run.counts or {}).get("skipped", {}))  # type: ignore[attr-defined]
    return runs


def skipped_labelled(skipped: dict[str, int]) -> list[tuple[str, int]]:
    return sorted((choice_label(SkipReason, reason), n) for reason, n in skipped.items())


def arm_facts(*, strategy: Strategy, user: Any = None) -> list[CaseFacts]:
    """Per-case facts of the cases whose first strategy (at intake) was this one; with `user`, only
    the cases of that user's clients (a supervisor restricted to some clients compares those).

    A case counts for the arm it started in, even if it was moved later: that is what was tried on it.
    Paid in full: closed as paid, or nothing left owing. Collected: payments (negative ledger entries of
    kind payment) turned positive. Days to payment: from the start in the strategy to the first payment.
    """
    first = (
        StrategyAssignment.objects.filter(case_id=OuterRef("case_id"))
        .order_by("since", "pk")
        .values("pk")[:1]
    )
    arm = StrategyAssignment.objects.filter(version__strategy=strategy, pk=Subquery(first))
    if user is not None:
        arm = scope_to_clients(arm, user=user, field="case__client_id")
    starts = dict(arm.values_list("case_id", "started_on"))
    if not starts:
        return []
    ids = list(starts)
    balance = dict(
        LedgerEntry.objects.filter(case_id__in=ids)
        .values_list("case_id")
        .annotate(t=Sum("amount"))
        .order_by()
    )
    payments = {
        case_id: (total, first_on)
        for case_id, total, first_on in LedgerEntry.objects.filter(case_id__in=ids, kind=EntryKind.PAYMENT)
        .values_list("case_id")
        .annotate(t=Sum("amount"), d=Min("value_on"))
        .order_by()
    }
    closed_paid = set(
        Case.objects.filter(pk__in=ids, state="closed", closing_reason="paid").values_list("pk", flat=True)
    )
    messages: dict[int, dict[str, int]] = {}
    for case_id, channel, n in (
        # The strategy's own messages: a letter sent by hand or on an event (no step execution) is not
        # what the arm did, and would count against whichever arm had more arrangements or disputes.
        OutgoingMessage.objects.filter(case_id__in=ids, step_execution__isnull=False)
        .exclude(status__in=["cancelled", "failed"])
        .values_list("case_id", "channel")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        messages.setdefault(case_id, {})[channel] = n
    facts = []
    for case_id, started_on in starts.items():
        paid_total, first_paid = payments.get(case_id, (None, None))
        facts.append(
            CaseFacts(
                paid_in_full=case_id in closed_paid or (case_id in balance and balance[case_id] <= 0),
                collected=-paid_total if paid_total else Decimal(0),
                days_to_first_payment=max((first_paid - started_on).days, 0) if first_paid else None,
                messages=messages.get(case_id, {}),
            )
        )
    return facts


def run_executed_by_action(*, run: DailyRun) -> list[tuple[str, int]]:
    """How many steps a run executed, per action, labelled: from its summary (a dry run's too); for a
    run from before the summary kept them, from its step executions."""
    labels = dict(Step._meta.get_field("action").choices)  # type: ignore[arg-type]
    counts = run.counts or {}
    if "by_action" in counts:
        rows = sorted(counts["by_action"].items())
    elif run.dry_run:
        rows = []
    else:
        rows = list(
            Step.objects.filter(executions__run_id=run.pk, executions__outcome="executed")
            .values_list("action")
            .annotate(n=Count("executions"))
            .order_by("action")
        )
    return [(str(labels.get(action, action)), n) for action, n in rows]
