"""Plain-text calculation sheets (renteberekening) in Dutch notation: `€ 1.234,56`, `22-11-2026`.

Every interest sheet prints the convention (see `incasso.calculations.interest`) and the day basis.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from incasso.calculations.accrual import DayBasis, Segment
from incasso.calculations.allocation import Allocation
from incasso.calculations.costs import CollectionCosts
from incasso.calculations.interest import CONVENTION_LINES, InterestResult
from incasso.calculations.money import round_cents
from incasso.calculations.statement import LineKind, Statement, StatementLine

BASIS_LABEL = {
    DayBasis.ACT_365: "ACT/365 (dag = 1/365 jaar)",
    DayBasis.ACT_ACT: "ACT/ACT (schrikkeljaar 1/366)",
}
BUCKET_LABEL = {"principal": "hoofdsom", "interest": "rente", "costs": "kosten"}


_DUTCH_SEPARATORS = str.maketrans(",.", ".,")


def format_amount(value: Decimal) -> str:
    """1234.5 -> '1.234,50' (-0.001 -> '0,00': no minus on a zero)."""
    q = round_cents(value)
    return f"{q if q else abs(q):,.2f}".translate(_DUTCH_SEPARATORS)


def format_money(value: Decimal) -> str:
    return f"€ {format_amount(value)}"


def format_date(value: dt.date) -> str:
    return value.strftime("%d-%m-%Y")


def group_by_four(value: str) -> str:
    """A betalingskenmerk or IBAN as people read it: '5000056789012345' -> '5000 0567 8901 2345'
    (spaces and dots already in it are dropped first)."""
    compact = value.replace(" ", "").replace(".", "")
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def format_percent(value: Decimal) -> str:
    text = f"{value.normalize():f}" if value == value.to_integral_value() else f"{value:f}".rstrip("0")
    return text.replace(".", ",") + "%"


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[bool]) -> list[str]:
    """Aligned columns: text left, numbers right."""
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(headers)]

    def fmt(cells: Sequence[str]) -> str:
        parts = [c.rjust(w) if r else c.ljust(w) for c, w, r in zip(cells, widths, right, strict=True)]
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return [fmt(headers), rule, *(fmt(r) for r in rows)]


def convention(day_basis: DayBasis) -> list[str]:
    return [line.format(basis=BASIS_LABEL[day_basis]) for line in CONVENTION_LINES]


def _segment_row(seg: Segment, claim_id: str | None = None) -> list[str]:
    row = [format_date(seg.start), format_date(seg.end), str(seg.days), format_money(seg.base)]
    row += [format_percent(seg.rate), format_money(seg.amount)]
    return [claim_id, *row] if claim_id is not None else row


SEGMENT_HEADERS = ["van", "t/m", "dagen", "grondslag", "rente %", "rente"]
SEGMENT_RIGHT = [False, False, True, True, True, True]


def render_interest(result: InterestResult, *, title: str = "Renteberekening") -> str:
    out = [title, "=" * len(title)]
    out.append(f"Hoofdsom: {format_money(result.principal)}   tabel: {result.table_name}")
    out.append(
        f"Periode: {format_date(result.first_day)} t/m {format_date(result.last_day)} ({result.days} dagen)"
    )
    out.append(f"Samengestelde rente (jaarlijks): {'ja' if result.compound else 'nee'}")
    out += ["", *table(SEGMENT_HEADERS, [_segment_row(s) for s in result.segments], SEGMENT_RIGHT)]
    if result.capitalisations:
        rows = [
            [format_date(c.on), format_money(c.amount), format_money(c.new_base)]
            for c in result.capitalisations
        ]
        out += [
            "",
            "Kapitalisaties",
            *table(["datum", "bijgeschreven", "nieuwe grondslag"], rows, [False, True, True]),
        ]
    if result.rounding_difference:
        out.append(f"Afrondingsverschil (exacte opbouw): {format_money(result.rounding_difference)}")
    out += ["", f"Totaal rente: {format_money(result.interest)}", f"Totaal: {format_money(result.total)}", ""]
    out += convention(result.day_basis)
    return "\n".join(out) + "\n"


def render_costs(costs: CollectionCosts) -> str:
    out = ["Buitengerechtelijke incassokosten (art. 6:96 BW, Besluit BIK)", ""]
    rows = [["hoofdsom", format_money(costs.principal)], ["staffel", format_money(costs.scale_amount)]]
    if costs.minimum_applied:
        rows.append(["minimum", format_money(Decimal(40))])
    if costs.maximum_applied:
        rows.append(["maximum", format_money(Decimal(6775))])
    rows += [["incassokosten", format_money(costs.costs)]]
    rows += [
        [f"btw {format_percent(costs.vat_percent)}", format_money(costs.vat)],
        ["totaal", format_money(costs.total)],
    ]
    out += table(["", "bedrag"], rows, [False, True])
    if costs.note:
        out.append(f"Let op: {costs.note}")
    return "\n".join(out) + "\n"


def render_allocation(payment: Decimal, allocation: Allocation) -> str:
    out = [f"Toerekening betaling {format_money(payment)} (art. 6:43/6:44 BW)", ""]
    rows = [
        [p.claim_id, format_money(p.costs), format_money(p.interest), format_money(p.principal)]
        for p in allocation.parts
    ]
    out += table(["vordering", "kosten", "rente", "hoofdsom"], rows, [False, True, True, True])
    out.append(f"Niet toegerekend: {format_money(allocation.unallocated)}")
    return "\n".join(out) + "\n"


def _line_row(line: StatementLine) -> list[str]:
    seg = line.segment
    if line.kind is LineKind.INTEREST and seg is not None:
        what = f"rente {format_date(seg.start)} t/m {format_date(seg.end)}, {seg.days} d"
        what += f" x {format_percent(seg.rate)} over {format_money(seg.base)}"
    else:
        labels = {
            LineKind.PRINCIPAL: "hoofdsom",
            LineKind.COSTS: line.description or "kosten",
            LineKind.CAPITALISATION: "rente bijgeschreven bij hoofdsom",
            LineKind.PAYMENT: f"betaling {line.description}".strip(),
            LineKind.ALLOCATION: f"  toegerekend aan {BUCKET_LABEL.get(str(line.bucket), '')}",
            LineKind.UNALLOCATED: "  niet toegerekend",
            LineKind.INTEREST_FREE: line.description or "rente bevroren",
            LineKind.REDUCTION: f"{line.description or 'afboeking'} ({BUCKET_LABEL.get(str(line.bucket), '')})",
        }
        what = labels.get(line.kind, str(line.kind))
    return [format_date(line.on), line.claim_id, what, format_money(line.amount)]


def totals_rows(
    statement: Statement, labels: tuple[str, str, str, str] = ("hoofdsom", "rente", "kosten", "totaal")
) -> tuple[list[str], list[list[str]]]:
    """The totals per bucket as table headers and rows (charged, paid, outstanding), with a column
    "afgeboekt" only when something was written off, so the figures add up for a reader."""
    shown = list(zip(labels[:3], (statement.principal, statement.interest, statement.costs), strict=True))
    written_off = any(bucket.written_off for _, bucket in shown)

    def row(label: str, charged: str, paid: Decimal, off: Decimal, outstanding: Decimal) -> list[str]:
        return [
            label,
            charged,
            format_money(paid),
            *([format_money(off)] if written_off else []),
            format_money(outstanding),
        ]

    rows = [row(label, format_money(b.charged), b.paid, b.written_off, b.outstanding) for label, b in shown]
    off = sum((b.written_off for _, b in shown), Decimal(0))
    charged = sum((b.charged for _, b in shown), Decimal(0))
    rows.append(row(labels[3], format_money(charged), statement.payments, off, statement.outstanding))
    headers = ["", "berekend", "betaald", *(["afgeboekt"] if written_off else []), "openstaand"]
    return headers, rows


def render_statement(statement: Statement, *, title: str = "Renteberekening") -> str:
    out = [f"{title} per {format_date(statement.as_of)}", "=" * (len(title) + 15)]
    rows = [_line_row(line) for line in statement.lines]
    out += table(["datum", "vordering", "omschrijving", "bedrag"], rows, [False, False, False, True])
    out += ["", "Totalen"]
    headers, total_rows = totals_rows(statement)
    out += table(headers, total_rows, [False, *([True] * (len(headers) - 1))])
    if statement.unallocated:
        out.append(
            f"Niet toegerekend (terug te betalen of te verrekenen): {format_money(statement.unallocated)}"
        )
    for text in statement.unverified_rates:
        out.append(f"WAARSCHUWING: tarief niet geverifieerd: {text}")
    out += ["", *convention(statement.day_basis)]
    return "\n".join(out) + "\n"
