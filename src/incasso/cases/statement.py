"""The case's calculation sheet: its ledger facts replayed by the calculation core.

`case_statement_inputs` turns a case's claims and live ledger entries (collection costs charged,
payments, and write-offs / credit notes (negative corrections), none of them reversed) into the frozen facts `calculations.build_statement` takes; `case_statement`
replays them to a date. The case's interest freezes (`InterestFreeze`, e.g. during a payment
arrangement that freezes interest) go to every claim as `ClaimFacts.interest_free`. This is the one bridge from the database to the law's arithmetic, so the
screen, the letters, the payments and the summons show the same figures.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from incasso.calculations import ClaimFacts, CostsFact, InterestBasis, PaymentFact, Statement, build_statement
from incasso.calculations.sheet import format_date
from incasso.calculations.statement import Bucket as SheetBucket
from incasso.calculations.statement import LineKind, ReductionFact, interest_charged
from incasso.cases.labels import source_word_lazy
from incasso.cases.models import Case, Claim, EntryKind, InterestFreeze, LedgerEntry
from incasso.core.bulk import id_in
from incasso.core.formatting import record_text
from incasso.rates.models import RateBasis
from incasso.rates.selectors import rate_tables

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class StatementInputs:
    claims: tuple[Claim, ...]
    facts: tuple[ClaimFacts, ...]
    costs: tuple[CostsFact, ...]
    payments: tuple[PaymentFact, ...]
    reductions: tuple[ReductionFact, ...] = ()

    def statement(self, *, as_of: dt.date, tables: Any) -> Statement:
        """Replay these facts to `as_of` (callers outside this module use this, so no fact is left out)."""
        return build_statement(
            list(self.facts),
            list(self.costs),
            list(self.payments),
            as_of=as_of,
            tables=tables,
            reductions=list(self.reductions),
        )

    def interest_charged(self, *, as_of: dt.date, tables: Any) -> dict[str, Decimal]:
        """The interest charged per claim (keyed by `ClaimFacts.id`, the invoice number) on `as_of`:
        what `statement()` gives per claim, by the same replay, without building the sheet."""
        return interest_charged(
            list(self.facts),
            list(self.costs),
            list(self.payments),
            as_of=as_of,
            tables=tables,
            reductions=list(self.reductions),
        )


type Periods = tuple[tuple[dt.date, dt.date | None], ...]


def claim_facts(claim: Claim, *, interest_free: Periods = ()) -> ClaimFacts:
    """Interest runs from the day after the due date up to and including the payment day, except on
    the interest-free days (the case's freezes, `interest_free_periods`).
    The invoice number is the claim's id on the sheet (unique within a case)."""
    return ClaimFacts(
        id=claim.invoice_number,
        principal=claim.principal,
        first_interest_day=claim.due_date + dt.timedelta(days=1),
        basis=InterestBasis(claim.interest_basis),
        contractual_rate=claim.contractual_rate,
        compound=claim.compound,
        due_date=claim.due_date,
        description=claim.invoice_number,
        interest_free=interest_free,
    )


def interest_free_periods(*, case: Case) -> Periods:
    """The case's interest freezes as the core takes them: (from, until) inclusive, None = still open."""
    rows = InterestFreeze.objects.filter(case=case).order_by("starts_on", "id")
    return tuple((start, end) for start, end in rows.values_list("starts_on", "ends_on"))


def interest_free_periods_for(*, case_ids: Iterable[int]) -> dict[int, Periods]:
    """`interest_free_periods` for many cases in one query (cases without a freeze are left out)."""
    found: dict[int, list[tuple[dt.date, dt.date | None]]] = defaultdict(list)
    rows = InterestFreeze.objects.filter(id_in("case_id", list(case_ids))).order_by("starts_on", "id")
    for case_id, start, end in rows.values_list("case_id", "starts_on", "ends_on"):
        found[case_id].append((start, end))
    return {case_id: tuple(periods) for case_id, periods in found.items()}


LEDGER_FIELDS = ("id", "claim_id", "bucket", "kind", "amount", "value_on", "source", "reverses_id")
REDUCING = (EntryKind.WRITE_OFF, EntryKind.CORRECTION)  # negative ones let part of a claim go


def statement_inputs_from_rows(
    claims: Sequence[Claim], rows: Iterable[Mapping[str, Any]], *, interest_free: Periods, as_of: dt.date
) -> StatementInputs:
    """The facts from rows already read: the case's claims (due date, id order) and its ledger entries
    as dicts with at least `LEDGER_FIELDS`. Costs charged and payments count unless reversed or after
    `as_of`. Shared by `case_statement_inputs` and the payments' chunked booking."""
    if not claims:
        return StatementInputs((), (), (), ())
    entries = list(rows)
    invoice = {c.pk: c.invoice_number for c in claims}
    first = claims[0].pk
    reversed_ids = {e["reverses_id"] for e in entries if e["kind"] == EntryKind.REVERSAL}
    costs: list[CostsFact] = []
    reductions: list[ReductionFact] = []
    payments: dict[tuple[str, dt.date], Decimal] = defaultdict(lambda: ZERO)
    for e in entries:
        if e["kind"] not in (EntryKind.COSTS_CHARGED, EntryKind.PAYMENT, *REDUCING):
            continue
        if e["id"] in reversed_ids or e["value_on"] > as_of:
            continue
        if e["kind"] == EntryKind.COSTS_CHARGED and e["amount"] > 0:
            costs.append(CostsFact(invoice[e["claim_id"] or first], e["amount"], e["value_on"]))
        elif e["kind"] == EntryKind.PAYMENT:
            payments[(e["source"], e["value_on"])] -= e["amount"]
        elif e["amount"] < 0:
            label = "afboeking" if e["kind"] == EntryKind.WRITE_OFF else "creditering"
            reductions.append(
                ReductionFact(
                    invoice[e["claim_id"] or first],
                    -e["amount"],
                    e["value_on"],
                    SheetBucket(e["bucket"]),
                    label,
                )
            )
    return StatementInputs(
        claims=tuple(claims),
        facts=tuple(claim_facts(c, interest_free=interest_free) for c in claims),
        costs=tuple(costs),
        payments=tuple(
            PaymentFact(amount, on, reference=source)
            for (source, on), amount in sorted(payments.items(), key=lambda item: item[0][1])
            if amount > 0
        ),
        reductions=tuple(reductions),
    )


def case_statement_inputs(*, case: Case, as_of: dt.date) -> StatementInputs:
    claims = tuple(Claim.objects.filter(case=case).order_by("due_date", "id"))
    if not claims:
        return StatementInputs((), (), (), ())
    kinds = [EntryKind.COSTS_CHARGED, EntryKind.PAYMENT, EntryKind.REVERSAL, *REDUCING]
    rows = LedgerEntry.objects.filter(case=case, kind__in=kinds).order_by("id").values(*LEDGER_FIELDS)
    return statement_inputs_from_rows(
        claims, rows, interest_free=interest_free_periods(case=case), as_of=as_of
    )


def case_statement(*, case: Case, as_of: dt.date) -> Statement | None:
    """The calculation sheet of a case on `as_of` (None for a case without claims)."""
    inputs = case_statement_inputs(case=case, as_of=as_of)
    if not inputs.claims:
        return None
    return inputs.statement(as_of=as_of, tables=rate_tables())


_UNVERIFIED = re.compile(r"^(?P<table>\S+) (?P<on>\d{4}-\d{2}-\d{2}) (?P<percent>\S+)%$")


def _unverified_words(text: str) -> str:
    """The core's "consumer 2026-01-01 4.5%" as a reader says it: "Wettelijke rente
    (art. 6:119 BW) 01-01-2026 4,5%" (a text of another shape as it is)."""
    found = _UNVERIFIED.match(text)
    if found is None:
        return text
    table = found["table"]
    name = record_text(RateBasis(table).label) if table in RateBasis.values else table
    on = format_date(dt.date.fromisoformat(found["on"]))
    return f"{name} {on} {found['percent'].replace('.', ',')}%"


def statement_for_reading(statement: Statement) -> Statement:
    """The statement with its codes in words, for the sheet people read (screen, download, court
    package): a payment's source ("bank:50") as where it came from ("(bankafschrift)"), a rate
    table's key ("consumer") as its name. The figures are untouched. The words are the record's
    language (Dutch), as the rest of the sheet (`calculations.sheet`, which knows no Django)."""

    def line(item: Any) -> Any:
        if item.kind is not LineKind.PAYMENT or not item.description:
            return item
        return dataclasses.replace(item, description=f"({record_text(source_word_lazy(item.description))})")

    return dataclasses.replace(
        statement,
        lines=tuple(line(item) for item in statement.lines),
        unverified_rates=tuple(_unverified_words(text) for text in statement.unverified_rates),
    )
