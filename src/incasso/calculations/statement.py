"""The statement (renteberekening): replay a case's history up to `as_of`, every line and every total.

This is the one function the UI, the letters, the summons and the ledger use. Inputs are frozen facts
(claims, costs, payments); the output is a frozen `Statement`. `interest_charged` runs the same replay
(`_replay`) for the interest charged per claim only, without the lines and totals (the payments' booking
replays every case it books a payment on and reads nothing else).

Rules applied (see `interest` for the interest convention):
* Interest per claim by its basis: 6:119 (consumer), 6:119a (commercial), a fixed agreed rate
  (art. 6:119 lid 3 / 6:119a lid 8, compounding per claim) or none.
* Costs (e.g. collection costs under 6:96) are charged on their date and carry no interest here.
* A payment is allocated on its value date (art. 6:114 lid 2) after interest has been computed up to and
  including that date, over claims by art. 6:43 and within a claim by art. 6:44 (see `allocation`).
* After a payment interest runs on the reduced base (remaining principal + unpaid capitalised interest);
  the yearly capitalisation cycle continues from the first interest day, it is not reset.
* Events on the same day: costs before payments; payments in the order given.
* Interest-free periods (`ClaimFacts.interest_free`, e.g. an arrangement that freezes interest): no
  interest accrues on those days (the claim's table gets 0 % there, `RateTable.with_zero_periods`);
  the anniversary cycle is not reset, the anniversary capitalises whatever accrued in that year. The
  sheet shows each period as a line "rente bevroren van ... t/m ...". The claim's own rate still
  decides which claim is the most onerous (6:43 lid 2).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from incasso.calculations.accrual import Accrual, Capitalisation, DayBasis, Segment
from incasso.calculations.allocation import Allocation, OpenClaim, allocate_payment
from incasso.calculations.errors import CalculationError, DateOutOfRangeError
from incasso.calculations.interest import InterestBasis, RatePeriod, contractual_table
from incasso.calculations.money import from_cents, money, to_cents
from incasso.calculations.rate_table import ONE_DAY, Period, RateTable, merge_periods


@dataclass(frozen=True, slots=True)
class ClaimFacts:
    id: str
    principal: Decimal
    first_interest_day: dt.date
    basis: InterestBasis = InterestBasis.CONSUMER
    contractual_rate: Decimal | None = None
    rate_period: RatePeriod = RatePeriod.YEAR
    compound: bool = True
    due_date: dt.date | None = None  # opeisbaar; defaults to the day before the first interest day
    description: str = ""
    # days without interest: (from, until) both inclusive, until None = open-ended
    interest_free: tuple[Period, ...] = ()

    @property
    def due_on(self) -> dt.date:
        return self.due_date if self.due_date is not None else self.first_interest_day - ONE_DAY


@dataclass(frozen=True, slots=True)
class CostsFact:
    claim_id: str
    amount: Decimal
    on: dt.date
    description: str = "incassokosten"


@dataclass(frozen=True, slots=True)
class PaymentFact:
    amount: Decimal
    value_date: dt.date
    designation: str | None = None  # the claim id the debtor named (6:43 lid 1)
    reference: str = ""


class Bucket(StrEnum):
    PRINCIPAL = "principal"
    INTEREST = "interest"
    COSTS = "costs"


@dataclass(frozen=True, slots=True)
class ReductionFact:
    """Part of a claim let go from a day on: a write-off, a credit note from the client, a settlement's
    remainder. A principal reduction stops the interest on that part from the next day; an interest or
    costs reduction lowers what is owed in that bucket. More than is open in the bucket is capped at
    what is open (the ledger's own checks refuse it before it gets here)."""

    claim_id: str
    amount: Decimal
    on: dt.date
    bucket: Bucket = Bucket.PRINCIPAL
    description: str = "afboeking"


class LineKind(StrEnum):
    PRINCIPAL = "principal"
    COSTS = "costs"
    INTEREST = "interest"
    CAPITALISATION = "capitalisation"
    PAYMENT = "payment"
    ALLOCATION = "allocation"
    UNALLOCATED = "unallocated"
    INTEREST_FREE = "interest_free"
    REDUCTION = "reduction"


@dataclass(frozen=True, slots=True)
class StatementLine:
    on: dt.date
    kind: LineKind
    claim_id: str
    amount: Decimal
    bucket: Bucket | None = None
    description: str = ""
    segment: Segment | None = None


@dataclass(frozen=True, slots=True)
class BucketTotals:
    charged: Decimal
    paid: Decimal
    written_off: Decimal = Decimal("0.00")

    @property
    def outstanding(self) -> Decimal:
        return self.charged - self.paid - self.written_off


@dataclass(frozen=True, slots=True)
class ClaimStatement:
    claim: ClaimFacts
    principal: BucketTotals
    interest: BucketTotals
    costs: BucketTotals
    segments: tuple[Segment, ...]
    capitalisations: tuple[Capitalisation, ...]
    rate_table: str

    @property
    def outstanding(self) -> Decimal:
        return self.principal.outstanding + self.interest.outstanding + self.costs.outstanding


@dataclass(frozen=True, slots=True)
class Statement:
    as_of: dt.date
    day_basis: DayBasis
    claims: tuple[ClaimStatement, ...]
    lines: tuple[StatementLine, ...]
    principal: BucketTotals
    interest: BucketTotals
    costs: BucketTotals
    payments: Decimal
    unallocated: Decimal
    unverified_rates: tuple[str, ...] = ()

    @property
    def outstanding(self) -> Decimal:
        return self.principal.outstanding + self.interest.outstanding + self.costs.outstanding


def claim_table(claim: ClaimFacts, tables: Mapping[str, RateTable]) -> RateTable:
    """The rate table a claim's interest basis calls for."""
    basis = InterestBasis(claim.basis)
    if basis is InterestBasis.CONTRACTUAL:
        if claim.contractual_rate is None:
            raise CalculationError(f"claim {claim.id}: contractual interest needs a contractual_rate")
        return contractual_table(claim.contractual_rate, claim.rate_period)
    if basis is InterestBasis.NONE:
        return RateTable.fixed(Decimal(0), name="none")
    if basis.value not in tables:
        raise CalculationError(f"claim {claim.id}: no rate table given for basis {basis.value!r}")
    return tables[basis.value]


_ORDER = {
    LineKind.PRINCIPAL: 0,
    LineKind.COSTS: 1,
    LineKind.CAPITALISATION: 2,
    LineKind.INTEREST: 3,
    LineKind.INTEREST_FREE: 3,
    LineKind.PAYMENT: 4,
    LineKind.ALLOCATION: 4,
    LineKind.UNALLOCATED: 4,
    LineKind.REDUCTION: 5,
}


class _ClaimState:
    def __init__(
        self, claim: ClaimFacts, table: RateTable, day_basis: DayBasis, *, record: bool = True
    ) -> None:
        principal = money(claim.principal, name=f"claim {claim.id} principal")
        if principal <= 0:
            raise CalculationError(f"claim {claim.id}: principal must be positive, got {principal}")
        self.claim = claim
        self.table = table
        self.principal = to_cents(principal)
        compound = claim.compound and InterestBasis(claim.basis) is not InterestBasis.NONE
        accrual_table = table.with_zero_periods(claim.interest_free) if claim.interest_free else table
        self.engine = Accrual(
            self.principal,
            claim.first_interest_day,
            accrual_table,
            day_basis=day_basis,
            compound=compound,
            record=record,
        )
        self.costs_charged = self.costs_paid = self.interest_paid = self.principal_paid = 0
        self.written_off: dict[Bucket, int] = {b: 0 for b in Bucket}

    def accrue_through(self, day: dt.date) -> None:
        if day >= self.claim.first_interest_day:
            self.engine.accrue_through(day)

    def open_claim(self, day: dt.date) -> OpenClaim:
        try:
            rate = self.table.rate_on(day).percent
        except DateOutOfRangeError:
            rate = Decimal(0)
        return OpenClaim(
            self.claim.id,
            self.costs_open(),
            self.engine.interest_due_cents(),
            self.engine.principal,
            is_due=self.claim.due_on <= day,
            rate=rate,
            due_date=self.claim.due_on,
        )

    def apply(self, costs: int, interest: int, principal: int) -> None:
        self.costs_paid += costs
        self.interest_paid += interest
        self.engine.pay_interest(interest)
        self.principal_paid += principal
        self.engine.pay_principal(principal)

    def costs_open(self) -> int:
        return self.costs_charged - self.costs_paid - self.written_off[Bucket.COSTS]

    def reduce(self, bucket: Bucket, cents: int) -> int:
        """Let go of up to `cents` in `bucket`; returns what was open and let go."""
        if bucket is Bucket.PRINCIPAL:
            done = min(cents, self.engine.principal)
            self.engine.pay_principal(done)
        elif bucket is Bucket.INTEREST:
            done = min(cents, self.engine.interest_due_cents())
            self.engine.pay_interest(done)
        else:
            done = min(cents, self.costs_open())
        self.written_off[bucket] += done
        return done

    def unverified_rows(self, as_of: dt.date) -> list[str]:
        rows = self.table.rows
        found = []
        for i, row in enumerate(rows):
            if row.verified:
                continue
            end = rows[i + 1].effective_from - ONE_DAY if i + 1 < len(rows) else dt.date.max
            if row.effective_from <= as_of and end >= self.claim.first_interest_day:
                found.append(f"{self.table.name} {row.effective_from.isoformat()} {row.percent}%")
        return found


def build_statement(
    claims: Sequence[ClaimFacts],
    costs: Sequence[CostsFact] = (),
    payments: Sequence[PaymentFact] = (),
    *,
    as_of: dt.date,
    tables: Mapping[str, RateTable],
    day_basis: DayBasis | str = DayBasis.ACT_365,
    reductions: Sequence[ReductionFact] = (),
) -> Statement:
    """Replay claims, costs, payments and reductions up to and including `as_of` (on one day: costs,
    then payments, then reductions, each in the order given)."""
    basis = DayBasis(day_basis)
    lines: list[StatementLine] = []
    states, unallocated = _replay(claims, costs, payments, reductions, as_of, tables, basis, lines)
    return _assemble(states, lines, as_of, basis, unallocated)


def interest_charged(
    claims: Sequence[ClaimFacts],
    costs: Sequence[CostsFact] = (),
    payments: Sequence[PaymentFact] = (),
    *,
    as_of: dt.date,
    tables: Mapping[str, RateTable],
    day_basis: DayBasis | str = DayBasis.ACT_365,
    reductions: Sequence[ReductionFact] = (),
) -> dict[str, Decimal]:
    """The interest charged per claim id up to `as_of`: exactly `build_statement(...)`'s
    `claims[i].interest.charged` (same replay, same errors), without building the sheet's lines and
    totals. For callers that only book the interest (the payments' position)."""
    basis = DayBasis(day_basis)
    states, _ = _replay(claims, costs, payments, reductions, as_of, tables, basis, None)
    return {claim_id: from_cents(s.engine.interest_total_cents()) for claim_id, s in states.items()}


def _replay(
    claims: Sequence[ClaimFacts],
    costs: Sequence[CostsFact],
    payments: Sequence[PaymentFact],
    reductions: Sequence[ReductionFact],
    as_of: dt.date,
    tables: Mapping[str, RateTable],
    basis: DayBasis,
    lines: list[StatementLine] | None,
) -> tuple[dict[str, _ClaimState], int]:
    """The one replay behind `build_statement` and `interest_charged`: the claims' states accrued
    through `as_of` and the unallocated cents. The event lines go to `lines` unless it is None."""
    states: dict[str, _ClaimState] = {}
    for claim in claims:
        if claim.id in states:
            raise CalculationError(f"duplicate claim id {claim.id!r}")
        states[claim.id] = _ClaimState(claim, claim_table(claim, tables), basis, record=lines is not None)
    events: list[tuple[dt.date, int, int, CostsFact | PaymentFact | ReductionFact]] = [
        (c.on, 0, i, c) for i, c in enumerate(costs) if c.on <= as_of
    ]
    events += [(p.value_date, 1, i, p) for i, p in enumerate(payments) if p.value_date <= as_of]
    events += [(r.on, 2, i, r) for i, r in enumerate(reductions) if r.on <= as_of]
    events.sort(key=lambda e: e[:3])
    unallocated = 0
    for _, _, _, fact in events:
        if isinstance(fact, CostsFact):
            _charge(states, fact, lines)
        elif isinstance(fact, ReductionFact):
            _reduce(states, fact, lines)
        else:
            unallocated += _pay(states, fact, lines)
    for state in states.values():
        state.accrue_through(as_of)
    return states, unallocated


def _charge(states: Mapping[str, _ClaimState], fact: CostsFact, lines: list[StatementLine] | None) -> None:
    if fact.claim_id not in states:
        raise CalculationError(f"costs for unknown claim {fact.claim_id!r}")
    amount = from_cents(to_cents(money(fact.amount, name="costs")))
    if amount <= 0:
        raise CalculationError(f"costs must be positive, got {amount}")
    states[fact.claim_id].costs_charged += to_cents(amount)
    if lines is not None:
        lines.append(
            StatementLine(fact.on, LineKind.COSTS, fact.claim_id, amount, Bucket.COSTS, fact.description)
        )


def _reduce(
    states: Mapping[str, _ClaimState], fact: ReductionFact, lines: list[StatementLine] | None
) -> None:
    if fact.claim_id not in states:
        raise CalculationError(f"reduction for unknown claim {fact.claim_id!r}")
    amount = from_cents(to_cents(money(fact.amount, name="reduction")))
    if amount <= 0:
        raise CalculationError(f"a reduction must be positive, got {amount}")
    state = states[fact.claim_id]
    state.accrue_through(fact.on)
    done = state.reduce(Bucket(fact.bucket), to_cents(amount))
    if done and lines is not None:
        lines.append(
            StatementLine(
                fact.on,
                LineKind.REDUCTION,
                fact.claim_id,
                from_cents(done),
                Bucket(fact.bucket),
                fact.description,
            )
        )


def _pay(states: Mapping[str, _ClaimState], fact: PaymentFact, lines: list[StatementLine] | None) -> int:
    amount = from_cents(to_cents(money(fact.amount, name="payment")))
    if amount <= 0:
        raise CalculationError(f"payment must be positive, got {amount}")
    for state in states.values():
        state.accrue_through(fact.value_date)
    opens = [s.open_claim(fact.value_date) for s in states.values()]
    allocation: Allocation = allocate_payment(to_cents(amount), opens, fact.designation)
    for part in allocation.parts:
        states[part.claim_id].apply(to_cents(part.costs), to_cents(part.interest), to_cents(part.principal))
    if lines is not None:
        _payment_lines(fact, amount, allocation, lines)
    return to_cents(allocation.unallocated)


def _payment_lines(
    fact: PaymentFact, amount: Decimal, allocation: Allocation, lines: list[StatementLine]
) -> None:
    lines.append(StatementLine(fact.value_date, LineKind.PAYMENT, "", amount, None, fact.reference))
    for part in allocation.parts:
        for bucket, value in ((Bucket.COSTS, part.costs), (Bucket.INTEREST, part.interest)):
            if value:
                lines.append(
                    StatementLine(fact.value_date, LineKind.ALLOCATION, part.claim_id, value, bucket)
                )
        if part.principal:
            lines.append(
                StatementLine(
                    fact.value_date, LineKind.ALLOCATION, part.claim_id, part.principal, Bucket.PRINCIPAL
                )
            )
    if allocation.unallocated:
        lines.append(StatementLine(fact.value_date, LineKind.UNALLOCATED, "", allocation.unallocated))


def interest_free_periods(claim: ClaimFacts, as_of: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The claim's interest-free periods (merged) as far as they fall within its interest days up to
    `as_of`; an open-ended period is shown up to `as_of`."""
    spans = merge_periods(claim.interest_free, first_day=claim.first_interest_day)
    return [(start, min(end or as_of, as_of)) for start, end in spans if start <= as_of]


def _claim_statement(state: _ClaimState, lines: list[StatementLine], as_of: dt.date) -> ClaimStatement:
    claim, engine = state.claim, state.engine
    lines.append(
        StatementLine(
            claim.due_on, LineKind.PRINCIPAL, claim.id, from_cents(state.principal), Bucket.PRINCIPAL
        )
    )
    for seg in engine.segments:
        lines.append(
            StatementLine(seg.start, LineKind.INTEREST, claim.id, seg.amount, Bucket.INTEREST, segment=seg)
        )
    for cap in engine.capitalisations:
        lines.append(StatementLine(cap.on, LineKind.CAPITALISATION, claim.id, cap.amount, Bucket.INTEREST))
    for start, end in interest_free_periods(claim, as_of):
        text = f"rente bevroren van {start:%d-%m-%Y} t/m {end:%d-%m-%Y}"
        lines.append(StatementLine(start, LineKind.INTEREST_FREE, claim.id, Decimal("0.00"), None, text))
    return ClaimStatement(
        claim=claim,
        principal=BucketTotals(
            from_cents(state.principal),
            from_cents(state.principal_paid),
            from_cents(state.written_off[Bucket.PRINCIPAL]),
        ),
        interest=BucketTotals(
            from_cents(engine.interest_total_cents()),
            from_cents(state.interest_paid),
            from_cents(state.written_off[Bucket.INTEREST]),
        ),
        costs=BucketTotals(
            from_cents(state.costs_charged),
            from_cents(state.costs_paid),
            from_cents(state.written_off[Bucket.COSTS]),
        ),
        segments=tuple(engine.segments),
        capitalisations=tuple(engine.capitalisations),
        rate_table=state.table.name,
    )


def _assemble(
    states: Mapping[str, _ClaimState],
    lines: list[StatementLine],
    as_of: dt.date,
    basis: DayBasis,
    unallocated: int,
) -> Statement:
    claim_lines: list[StatementLine] = []
    per_claim = tuple(_claim_statement(s, claim_lines, as_of) for s in states.values())
    all_lines = sorted([*claim_lines, *lines], key=lambda line: (line.on, _ORDER[line.kind]))
    unverified = sorted({text for s in states.values() for text in s.unverified_rows(as_of)})

    def total(pick: str) -> BucketTotals:
        buckets: list[BucketTotals] = [getattr(c, pick) for c in per_claim]
        return BucketTotals(
            sum((b.charged for b in buckets), Decimal(0)),
            sum((b.paid for b in buckets), Decimal(0)),
            sum((b.written_off for b in buckets), Decimal(0)),
        )

    payments = sum((line.amount for line in lines if line.kind is LineKind.PAYMENT), Decimal(0))
    return Statement(
        as_of=as_of,
        day_basis=basis,
        claims=per_claim,
        lines=tuple(all_lines),
        principal=total("principal"),
        interest=total("interest"),
        costs=total("costs"),
        payments=payments,
        unallocated=from_cents(unallocated),
        unverified_rates=tuple(unverified),
    )
