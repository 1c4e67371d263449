"""The hand-over summary (overdrachtsdossier) as blocks: parties, claims, the calculation to the
hand-over date, payments, limitation, court, timeline and documents. Pure over a `Dossier`."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from incasso.calculations.sheet import format_date, format_money, totals_rows
from incasso.calculations.statement import LineKind, StatementLine
from incasso.legal.court import COURT_LABEL
from incasso.legal.documents.blocks import Block, LegalDocument, heading, kv, para, table

if TYPE_CHECKING:
    from incasso.legal.dossier import Dossier, Party

LINE_LABEL = {
    LineKind.PRINCIPAL: "hoofdsom",
    LineKind.CAPITALISATION: "rente bijgeschreven bij hoofdsom",
    LineKind.UNALLOCATED: "niet toegerekend",
}


def party_rows(role: str, party: Party) -> list[tuple[str, str]]:
    rows = [
        (role, party.name),
        *(("adres" if i == 0 else "", line) for i, line in enumerate(party.address_lines)),
    ]
    if party.kvk:
        rows.append(("KvK-nummer", party.kvk))
    rows += list(party.extra)
    return rows


def totals_block(d: Dossier) -> Block:
    s = d.statement
    assert s is not None
    headers, rows = totals_rows(s, ("Hoofdsom", "Rente", "Kosten", "Totaal"))
    return table(headers, rows, [False, *([True] * (len(headers) - 1))], bold_last=True)


def _line(line: StatementLine) -> list[str]:
    seg = line.segment
    if line.kind is LineKind.INTEREST and seg is not None:
        what = f"rente {format_date(seg.start)} t/m {format_date(seg.end)}, {seg.days} d à {seg.rate}% over {format_money(seg.base)}"
    elif line.kind is LineKind.PAYMENT:
        what = f"betaling {line.description}".strip()
    elif line.kind is LineKind.ALLOCATION:
        what = f"  toegerekend aan {line.bucket}"
    elif line.kind is LineKind.COSTS:
        what = line.description or "kosten"
    elif line.kind is LineKind.INTEREST_FREE:
        what = line.description or "rente bevroren"
    elif line.kind is LineKind.REDUCTION:
        what = f"{line.description or 'afboeking'} ({line.bucket})"
    else:
        what = LINE_LABEL.get(line.kind, str(line.kind))
    return [format_date(line.on), line.claim_id, what, format_money(line.amount)]


def claims_block(d: Dossier) -> Block:
    rows = [
        [
            c.invoice_number,
            format_date(c.invoice_date),
            format_date(c.due_date),
            c.description,
            c.interest,
            format_money(c.principal),
        ]
        for c in d.claims
    ]
    rows.append(
        ["Totaal", "", "", "", "", format_money(sum((c.principal for c in d.claims), start=Decimal("0.00")))]
    )
    return table(
        ["factuur", "datum", "vervaldatum", "omschrijving", "rente", "hoofdsom"],
        rows,
        [False, False, False, False, False, True],
        bold_last=True,
    )


def summary_document(d: Dossier, *, to_label: str, party: str) -> LegalDocument:
    blocks: list[Block] = [
        heading("Partijen"),
        kv(
            [
                *party_rows("Opdrachtgever", d.client),
                *party_rows("Schuldenaar", d.debtor),
                ("Dossier", d.case_number),
                ("Kenmerk opdrachtgever", d.client_reference or "–"),
                ("Soort vordering", d.debt_type),
                ("Overgedragen aan", f"{to_label} {party}".strip()),
            ]
        ),
        heading("Vorderingen"),
        claims_block(d),
    ]
    if d.statement is not None:
        blocks += [
            heading(f"Berekening per {format_date(d.as_of)}"),
            totals_block(d),
            para("Alle posten van de berekening (rente per periode, kosten, betalingen en hun toerekening):"),
            table(
                ["datum", "factuur", "omschrijving", "bedrag"],
                [_line(line) for line in d.statement.lines],
                [False, False, False, True],
            ),
        ]
        blocks += [para(f"Let op: tarief niet geverifieerd: {t}") for t in d.statement.unverified_rates]
    blocks += [heading("Betalingen")]
    if d.payments:
        blocks.append(
            table(
                ["datum", "kenmerk", "bedrag"],
                [[format_date(p.on), p.reference, format_money(p.amount)] for p in d.payments],
                [False, False, True],
            )
        )
    else:
        blocks.append(para("Geen betalingen ontvangen."))
    blocks += [
        heading("Verjaring"),
        table(
            ["factuur", "verjaard na", "grondslag"],
            [[c.invoice_number, format_date(c.limitation_last_day), c.limitation_basis] for c in d.claims],
            [False, False, False],
        ),
    ]
    if d.limitation_events:
        blocks.append(
            table(
                ["factuur", "stuiting / erkenning", "ontvangen op"],
                [[i, k, format_date(on)] for i, k, on in d.limitation_events],
                [False, False, False],
            )
        )
    fee = format_money(d.fee.amount) if d.fee.amount is not None else "niet geschat"
    blocks += [
        heading("Bevoegde rechter en griffierecht"),
        kv(
            [
                ("Vordering incl. rente", format_money(d.court.value)),
                ("Rechter", COURT_LABEL[d.court.court]),
                ("Grond", d.court.reason),
                ("Griffierecht (schatting)", f"{fee} – {d.fee.note}"),
            ]
        ),
        heading("Tijdlijn"),
        table(["wanneer", "door", "wat"], [list(t) for t in d.timeline], [False, False, False]),
        heading("Documenten en brieven"),
    ]
    if d.documents:
        blocks.append(
            table(
                ["bestand", "soort", "SHA-256"],
                [[name, kind, sha[:16] + "…"] for _, name, kind, sha, _ in d.documents],
                [False, False, False],
            )
        )
    else:
        blocks.append(para("Geen documenten."))
    return LegalDocument(
        title="Overdrachtsdossier",
        subtitle=f"{d.client.name} / {d.debtor.name}",
        date=format_date(d.as_of),
        reference=d.case_number,
        author=d.agency,
        blocks=tuple(blocks),
        footer=f"{d.agency} · dossier {d.case_number} · berekend tot en met {format_date(d.as_of)}",
    )
