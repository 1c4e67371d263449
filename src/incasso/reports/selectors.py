"""The portfolio report (Rapportages): what came in, what was collected, what is still open.

One report for a period and a set of clients, read in a fixed number of grouped queries whatever
the portfolio's size (each groups by client, so the per-client table and the totals come from the
same rows). Every figure comes from the append-only ledger and the cases' own dates:

* received: cases opened in the period, and the principal handed over with them (claims added);
* collected: payments with a value date in the period, net of reversed payments (a bounced
  direct debit), split costs / interest / principal as they were allocated;
* recovered: of the principal handed over with the period's cases, the share paid so far;
* closed: cases closed in the period by reason; days from opening to paid in full;
* open: cases open at the period's end, with their booked balance on that day (interest that runs
  but is not yet booked is not in it: the case's calculation sheet has it to the day);
* promises to pay: made in the period (made on), kept or broken in the period (the day the daily run
  decided, `evaluated_on`), and the keep rate: kept ÷ (kept + broken).

Who sees what: `report_clients` narrows to the user's clients (`core.access.client_scope`); the
screen's filter and the API pick one client among those, so a client outside the scope is refused.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from incasso.arrangements.models import Arrangement, ArrangementStatus, PaymentPromise, PromiseStatus
from incasso.cases.models import Bucket, Case, CaseState, ClosingReason, EntryKind, LedgerEntry
from incasso.clients.models import Client
from incasso.core.access import client_scope
from incasso.reports import figures

ZERO = Decimal("0.00")
BUCKETS = (Bucket.PRINCIPAL, Bucket.INTEREST, Bucket.COSTS)
# A payment, or the reversal of one: together they are what came in.
PAYMENTS = Q(kind=EntryKind.PAYMENT) | Q(kind=EntryKind.REVERSAL, reverses__kind=EntryKind.PAYMENT)


def _cents(value: Decimal | None) -> Decimal:
    """A sum back to cents: SQLite sums decimals as floats (3503.24000000000, -1.1e-13)."""
    return Decimal(value or 0).quantize(figures.CENT)


def report_clients(user: Any) -> QuerySet[Client]:
    """The clients whose figures `user` may see, by name."""
    scope = client_scope(user)
    clients = Client.objects.order_by("name")
    return clients if scope is None else clients.filter(pk__in=scope)


@dataclass
class Figures:
    """One client's figures for the period, or the sum of several."""

    received: int = 0
    received_principal: Decimal = ZERO
    recovered_principal: Decimal = ZERO  # of received_principal, paid so far
    collected: dict[str, Decimal] = field(default_factory=lambda: dict.fromkeys(BUCKETS, ZERO))
    paying_cases: int = 0
    closed: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ClosingReason.values, 0))
    paid_days: list[int] = field(default_factory=list)  # opening to paid in full, per case closed paid
    open_cases: int = 0
    open_balance: dict[str, Decimal] = field(default_factory=lambda: dict.fromkeys(BUCKETS, ZERO))
    arrangements_active: int = 0
    arrangements_completed: int = 0
    arrangements_broken: int = 0
    promises_made: int = 0
    promises_kept: int = 0
    promises_broken: int = 0

    def add(self, other: Figures) -> None:
        self.received += other.received
        self.received_principal += other.received_principal
        self.recovered_principal += other.recovered_principal
        self.paying_cases += other.paying_cases
        self.paid_days += other.paid_days
        self.open_cases += other.open_cases
        self.arrangements_active += other.arrangements_active
        self.arrangements_completed += other.arrangements_completed
        self.arrangements_broken += other.arrangements_broken
        self.promises_made += other.promises_made
        self.promises_kept += other.promises_kept
        self.promises_broken += other.promises_broken
        for bucket in BUCKETS:
            self.collected[bucket] += other.collected[bucket]
            self.open_balance[bucket] += other.open_balance[bucket]
        for reason in self.closed:
            self.closed[reason] += other.closed[reason]

    @property
    def collected_total(self) -> Decimal:
        return sum(self.collected.values(), ZERO)

    @property
    def open_total(self) -> Decimal:
        return sum(self.open_balance.values(), ZERO)

    @property
    def closed_total(self) -> int:
        return sum(self.closed.values())

    @property
    def recovery_rate(self) -> Decimal | None:
        """Principal paid on the period's cases ÷ principal handed over with them, in %."""
        return figures.share(self.recovered_principal, self.received_principal)

    @property
    def success_rate(self) -> Decimal | None:
        """Closed paid in full or settled ÷ all closed, in %."""
        won = self.closed[ClosingReason.PAID] + self.closed[ClosingReason.SETTLED]
        return figures.share(won, self.closed_total)

    @property
    def promise_keep_rate(self) -> Decimal | None:
        """Promises kept ÷ promises decided (kept or broken) in the period, in %."""
        return figures.share(self.promises_kept, self.promises_kept + self.promises_broken)

    @property
    def days_to_payment_mean(self) -> Decimal | None:
        return figures.mean(sum(self.paid_days), len(self.paid_days))

    @property
    def days_to_payment_median(self) -> Decimal | None:
        return figures.median(self.paid_days)


@dataclass(frozen=True)
class ClientRow:
    client: Client
    figures: Figures


@dataclass(frozen=True)
class Month:
    first_day: dt.date
    collected: dict[str, Decimal]
    received: int

    @property
    def collected_total(self) -> Decimal:
        return sum(self.collected.values(), ZERO)


@dataclass(frozen=True)
class Band:
    """Cases open at the period's end by age, or by state."""

    key: str
    cases: int
    balance: Decimal


@dataclass(frozen=True)
class Report:
    start: dt.date
    end: dt.date
    rows: tuple[ClientRow, ...]  # one per client with anything to report, by name
    total: Figures
    months: tuple[Month, ...]  # the twelve months up to the period's end
    ages: tuple[Band, ...]  # `figures.AGE_BANDS`, open at the period's end
    states: tuple[Band, ...]  # open cases by their state now
    chart: figures.Chart


def portfolio_report(*, clients: QuerySet[Client], start: dt.date, end: dt.date) -> Report:
    """The report for `clients` over `start`..`end` (both included); 15 queries, whatever the size."""
    client_list = list(clients)
    ids = [c.pk for c in client_list]
    cases = Case.objects.filter(client_id__in=ids)
    entries = LedgerEntry.objects.filter(case__client_id__in=ids)
    per: dict[int, Figures] = defaultdict(Figures)
    _received(per, cases=cases, entries=entries, start=start, end=end)
    _collected(per, entries=entries, start=start, end=end)
    _closed(per, cases=cases, start=start, end=end)
    open_at_end = cases.filter(Q(closed_on__isnull=True) | Q(closed_on__gt=end), opened_on__lte=end)
    open_entries = entries.filter(case__in=open_at_end, value_on__lte=end)
    ages = _open(per, open_at_end=open_at_end, entries=open_entries, end=end)
    _arrangements(per, ids=ids, start=start, end=end)
    _promises(per, ids=ids, start=start, end=end)

    rows = tuple(ClientRow(client=c, figures=per[c.pk]) for c in client_list if c.pk in per)
    total = Figures()
    for row in rows:
        total.add(row.figures)
    months = _months(cases=cases, entries=entries, end=end)
    return Report(
        start=start,
        end=end,
        rows=rows,
        total=total,
        months=months,
        ages=ages,
        states=_states(cases=cases, entries=entries),
        chart=figures.stacked_bars([[m.collected[b] for b in BUCKETS] for m in months]),
    )


def _received(
    per: dict[int, Figures],
    *,
    cases: QuerySet[Case],
    entries: QuerySet[LedgerEntry],
    start: dt.date,
    end: dt.date,
) -> None:
    """The period's new cases, their principal, and how much of it is paid by now."""
    for row in cases.filter(opened_on__range=(start, end)).values("client_id").annotate(n=Count("id")):
        per[row["client_id"]].received = row["n"]
    cohort = entries.filter(case__opened_on__range=(start, end), bucket=Bucket.PRINCIPAL)
    for total in cohort.values("case__client_id").annotate(
        handed=Sum("amount", filter=Q(kind=EntryKind.CLAIM_ADDED), default=ZERO),
        paid=Sum("amount", filter=PAYMENTS, default=ZERO),
    ):
        per[total["case__client_id"]].received_principal = _cents(total["handed"])
        per[total["case__client_id"]].recovered_principal = -_cents(total["paid"])


def _collected(
    per: dict[int, Figures], *, entries: QuerySet[LedgerEntry], start: dt.date, end: dt.date
) -> None:
    in_period = entries.filter(PAYMENTS, value_on__range=(start, end))
    for row in in_period.values("case__client_id", "bucket").annotate(total=Sum("amount")):
        per[row["case__client_id"]].collected[row["bucket"]] = -_cents(row["total"])
    paid = in_period.filter(kind=EntryKind.PAYMENT, reversed_by__isnull=True)  # a bounced debit paid nothing
    for count in paid.values("case__client_id").annotate(n=Count("case_id", distinct=True)):
        per[count["case__client_id"]].paying_cases = count["n"]


def _closed(per: dict[int, Figures], *, cases: QuerySet[Case], start: dt.date, end: dt.date) -> None:
    closed = cases.filter(closed_on__range=(start, end))
    for row in closed.values("client_id", "closing_reason").annotate(n=Count("id")):
        if row["closing_reason"] in ClosingReason.values:
            per[row["client_id"]].closed[row["closing_reason"]] = row["n"]
    for client_id, opened_on, closed_on in closed.filter(closing_reason=ClosingReason.PAID).values_list(
        "client_id", "opened_on", "closed_on"
    ):
        assert closed_on is not None  # the filter's range
        per[client_id].paid_days.append((closed_on - opened_on).days)


def _open(
    per: dict[int, Figures], *, open_at_end: QuerySet[Case], entries: QuerySet[LedgerEntry], end: dt.date
) -> tuple[Band, ...]:
    """Open on `end`, per client and by age (`figures.AGE_BANDS`): one count and one sum for both."""
    counts = [0] * len(figures.AGE_BANDS)
    balances = [ZERO] * len(figures.AGE_BANDS)
    for row in open_at_end.values("client_id", "opened_on").annotate(n=Count("id")):
        per[row["client_id"]].open_cases += row["n"]
        counts[figures.age_band((end - row["opened_on"]).days)] += row["n"]
    for total in entries.values("case__client_id", "case__opened_on", "bucket").annotate(total=Sum("amount")):
        amount = _cents(total["total"])
        per[total["case__client_id"]].open_balance[total["bucket"]] += amount
        balances[figures.age_band((end - total["case__opened_on"]).days)] += amount
    return tuple(
        Band(key=str(i), cases=counts[i], balance=balances[i]) for i in range(len(figures.AGE_BANDS))
    )


def _arrangements(per: dict[int, Figures], *, ids: list[int], start: dt.date, end: dt.date) -> None:
    """Running now; completed or broken in the period."""
    in_period = Q(ended_on__range=(start, end))
    for row in (
        Arrangement.objects.filter(case__client_id__in=ids)
        .values("case__client_id")
        .annotate(
            active=Count("id", filter=Q(status=ArrangementStatus.ACTIVE)),
            completed=Count("id", filter=Q(status=ArrangementStatus.COMPLETED) & in_period),
            broken=Count("id", filter=Q(status=ArrangementStatus.BROKEN) & in_period),
        )
    ):
        f = per[row["case__client_id"]]
        f.arrangements_active = row["active"]
        f.arrangements_completed = row["completed"]
        f.arrangements_broken = row["broken"]


def _promises(per: dict[int, Figures], *, ids: list[int], start: dt.date, end: dt.date) -> None:
    """Made in the period; kept or broken in the period (decided by the daily run on `evaluated_on`)."""
    made = Q(made_on__range=(start, end))
    decided = Q(evaluated_on__range=(start, end))
    for row in (
        PaymentPromise.objects.filter(made | decided, case__client_id__in=ids)
        .values("case__client_id")
        .annotate(
            made=Count("id", filter=made),
            kept=Count("id", filter=decided & Q(status=PromiseStatus.KEPT)),
            broken=Count("id", filter=decided & Q(status=PromiseStatus.BROKEN)),
        )
    ):
        f = per[row["case__client_id"]]
        f.promises_made = row["made"]
        f.promises_kept = row["kept"]
        f.promises_broken = row["broken"]


def _months(*, cases: QuerySet[Case], entries: QuerySet[LedgerEntry], end: dt.date) -> tuple[Month, ...]:
    firsts = figures.months_ending(end, figures.MONTHS_IN_YEAR)
    window = (firsts[0], end)
    collected: dict[dt.date, dict[str, Decimal]] = {m: dict.fromkeys(BUCKETS, ZERO) for m in firsts}
    for row in (
        entries.filter(PAYMENTS, value_on__range=window)
        .annotate(month=TruncMonth("value_on"))
        .values("month", "bucket")
        .annotate(total=Sum("amount"))
    ):
        collected[figures.month_start(row["month"])][row["bucket"]] = -_cents(row["total"])
    received: dict[dt.date, int] = dict.fromkeys(firsts, 0)
    for count in (
        cases.filter(opened_on__range=window)
        .annotate(month=TruncMonth("opened_on"))
        .values("month")
        .annotate(n=Count("id"))
    ):
        received[figures.month_start(count["month"])] = count["n"]
    return tuple(Month(first_day=m, collected=collected[m], received=received[m]) for m in firsts)


def _states(*, cases: QuerySet[Case], entries: QuerySet[LedgerEntry]) -> tuple[Band, ...]:
    """Open cases by their state today (a state's history is on the timeline, not in a column)."""
    counts = {
        row["state"]: row["n"]
        for row in cases.exclude(state=CaseState.CLOSED).values("state").annotate(n=Count("id"))
    }
    balances = {
        row["case__state"]: _cents(row["total"])
        for row in entries.exclude(case__state=CaseState.CLOSED)
        .values("case__state")
        .annotate(total=Sum("amount"))
    }
    return tuple(
        Band(key=state, cases=counts.get(state, 0), balance=balances.get(state, ZERO))
        for state in CaseState.values
        if state != CaseState.CLOSED
    )
