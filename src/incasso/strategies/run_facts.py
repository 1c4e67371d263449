"""What the daily run reads: the due cases and, per locked chunk, the facts its guards need.

The run's context (`RunContext`), the plain-value rows of a due case and its current assignment, the
selection of due, held and handed-over cases (`due_case_ids`, `set_aside_counts`), and `chunk_facts`, which reads
everything a chunk's guards need in a constant number of set-based queries after the lock. Split from
`run.py` so the reads sit apart from the decisions (`run_plan`) and the writes (`run_write`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum

from incasso.cases.models import Bucket, Case, CaseState, EntryKind, LedgerEntry, Task, TaskKind
from incasso.core.bulk import id_in
from incasso.core.contact import ContactWindow
from incasso.debtors.models import Address, ContactPoint
from incasso.strategies.matching import Candidate
from incasso.strategies.models import (
    FOURTEEN_DAY_LETTER_COUNTS,
    Channel,
    ChannelOptOut,
    DailyRun,
    Hold,
    MessageStatus,
    OutgoingMessage,
    Step,
    StepAction,
    StepExecution,
)

CENT = Decimal("0.01")


@dataclass(frozen=True)
class RunContext:
    run_date: dt.date
    now: dt.datetime
    window: ContactWindow
    limits: dict[str, int]
    run: DailyRun | None
    routes: dict[int, list[Step]] = field(default_factory=dict)  # version id → its steps, by position
    candidates: list[Candidate] = field(default_factory=list)  # the strategies new cases can get
    calls: dict[int, list[dt.date]] = field(default_factory=dict)  # debtor → the week's call attempts


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
    costs_charged: set[int] = field(default_factory=set)  # cases whose collection costs are already charged
    no_principal: set[int] = field(default_factory=set)  # costs-step cases without open principal


def chunk_facts(
    cases: Sequence[DueCase], assignments: dict[int, DueAssignment], ctx: RunContext
) -> ChunkFacts:
    """A constant number of queries per chunk: five always, four more only when a step needs them.
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
    # The officers' call attempts count against the phone limit (read once per run: `RunContext.calls`).
    calling = {c.debtor_id for c in cases if c.pk in steps and contact_channel(steps[c.pk]) == Channel.PHONE}
    for debtor_id in calling & ctx.calls.keys():
        recent.setdefault((debtor_id, Channel.PHONE), []).extend(ctx.calls[debtor_id])
    messaging = [pk for pk, s in steps.items() if contact_channel(s)]
    if messaging:  # only the invalid-contact guard needs it; cheap to read for all contacting cases
        facts.finding_contact = set(
            Task.objects.filter(id_in("case_id", messaging), kind=TaskKind.FIND_CONTACT, done_at__isnull=True)
            .values_list("case_id", flat=True)
            .distinct()
        )
    costs = [c for c in cases if c.pk in steps and steps[c.pk].action == StepAction.ADD_COLLECTION_COSTS]
    if costs:
        # Extrajudicial costs are charged once, over open principal: per case the costs already charged
        # (net of corrections; a bailiff's costs, booked as "bailiff:<update>", are the court phase's)
        # and the open principal, in one aggregate.
        charged = Q(bucket=Bucket.COSTS, kind__in=[EntryKind.COSTS_CHARGED, EntryKind.CORRECTION]) & ~Q(
            source__startswith="bailiff:"
        )
        facts.no_principal = {c.pk for c in costs}  # until an entry shows open principal
        for case_id, costs_net, principal in (
            LedgerEntry.objects.filter(id_in("case_id", [c.pk for c in costs]))
            .values("case_id")
            .annotate(
                costs_net=Sum("amount", filter=charged, default=Decimal(0)),
                principal=Sum("amount", filter=Q(bucket=Bucket.PRINCIPAL), default=Decimal(0)),
            )
            .values_list("case_id", "costs_net", "principal")
        ):
            # SQLite sums decimals as floats: compare in cents
            if Decimal(costs_net).quantize(CENT) > 0:
                facts.costs_charged.add(case_id)
            if Decimal(principal).quantize(CENT) > 0:
                facts.no_principal.discard(case_id)
    consumer_costs = [c.pk for c in costs if c.debtor_role == "consumer"]
    if consumer_costs:  # the latest sent 14-day letter per case (ordered so the last one written wins)
        for case_id, sent_on, delivered_on in (
            OutgoingMessage.objects.filter(FOURTEEN_DAY_LETTER_COUNTS, id_in("case_id", consumer_costs))
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


def contact_channel(step: Step) -> str:
    """The channel through which a step reaches the debtor, or "" when it does not: a message's own,
    and the phone for a call task (the officer calls; opt-out, a valid number and the week's call
    attempts hold for it as for a message)."""
    if step.action == StepAction.SEND_MESSAGE:
        return step.channel
    if step.action == StepAction.CREATE_TASK and step.task_kind == TaskKind.CALL:
        return Channel.PHONE
    return ""


def route_of(version_id: int, ctx: RunContext, *, reread: bool = False) -> list[Step]:
    """A version's steps by position from the run's routes; read (and kept) when the run does not have
    them yet (a version published during the run) or, with `reread`, read again."""
    steps = ctx.routes.get(version_id)
    if steps is None or reread:
        steps = ctx.routes[version_id] = list(Step.objects.filter(version_id=version_id).order_by("position"))
    return steps


def active_holds(run_date: dt.date) -> QuerySet[Hold]:
    return Hold.objects.filter(
        Q(until__isnull=True) | Q(until__gte=run_date), released_at__isnull=True, starts_on__lte=run_date
    )


def due_base(run_date: dt.date) -> QuerySet[Case]:
    return Case.objects.filter(next_action_on__lte=run_date).exclude(state=CaseState.CLOSED)


# With a lawyer or a bailiff: the amicable strategy takes no automated step (no reminder letter to a
# debtor whose case is in court). Should the case come back (state amicable), its strategy resumes.
HANDED_OVER = (CaseState.LEGAL, CaseState.BAILIFF)


def _of_part(qs: QuerySet[Case], part: tuple[int, int]) -> QuerySet[Case]:
    """The cases of one part of a run split in `n` (`part` = (k, n)): those whose debtor's id is k
    modulo n. By debtor, so that the contact limits per debtor are counted in one process."""
    k, n = part
    if n == 1:
        return qs
    return qs.alias(run_part=F("debtor_id") % n).filter(run_part=k)


def due_case_ids(run_date: dt.date, part: tuple[int, int] = (0, 1)) -> list[int]:
    """Ids of the cases a run for `run_date` must look at, oldest due first (one indexed query)."""
    held = Exists(active_holds(run_date).filter(case_id=OuterRef("pk")))
    qs = due_base(run_date).exclude(state__in=[CaseState.ON_HOLD, *HANDED_OVER]).filter(~held)
    return list(_of_part(qs, part).order_by("next_action_on", "pk").values_list("pk", flat=True))


def set_aside_counts(run_date: dt.date, part: tuple[int, int] = (0, 1)) -> tuple[int, int]:
    """The due cases the run leaves alone, in one query: (held, with a lawyer or bailiff and not held)."""
    held = Q(Exists(active_holds(run_date).filter(case_id=OuterRef("pk")))) | Q(state=CaseState.ON_HOLD)
    counts = _of_part(due_base(run_date), part).aggregate(
        held=Count("pk", filter=held),
        handed_over=Count("pk", filter=Q(state__in=HANDED_OVER) & ~held),
    )
    return counts["held"], counts["handed_over"]
