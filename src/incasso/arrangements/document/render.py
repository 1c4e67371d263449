"""Render the arrangement agreement to PDF with typst: pure, no Django.

Reuses the letters' fonts (Liberation Sans, `incasso/letters/rendering/fonts`) and approach: one JSON
payload through `sys_inputs`, system fonts ignored, the creation date fixed to the agreement date, so
the same data always gives the same bytes (and the same SHA-256).
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import typst

from incasso.calculations.sheet import group_by_four
from incasso.letters.rendering.formatting import format_date, format_money

HERE = Path(__file__).resolve().parent
LAYOUT = HERE / "agreement.typ"
FONTS = HERE.parent.parent / "letters" / "rendering" / "fonts"


@dataclass(frozen=True)
class AgreementRow:
    number: int
    due_on: dt.date
    amount: Decimal
    payment_reference: str


@dataclass(frozen=True)
class AgreementData:
    document_id: str
    case_number: str
    made_on: dt.date
    agency_name: str
    agency_address: str
    agency_iban: str
    creditor_name: str
    debtor_name: str
    debtor_address: tuple[str, ...]
    balance: Decimal
    frequency_label: str
    interest_frozen: bool
    misses_to_break: int
    grace_days: int
    rows: tuple[AgreementRow, ...]


def agreement_context(data: AgreementData) -> dict[str, Any]:
    def money(value: Decimal) -> str:
        return format_money(value, "nl")

    total = sum((r.amount for r in data.rows), Decimal("0.00"))
    interest = (
        "Zolang u zich aan deze regeling houdt, berekenen wij geen verdere rente."
        if data.interest_frozen
        else "Over het openstaande bedrag loopt de wettelijke rente door; die volgt na de laatste termijn."
    )
    return {
        "title": f"Betalingsregeling {data.case_number}",
        "document_id": data.document_id,
        "case_number": data.case_number,
        "made_on": format_date(data.made_on),
        "agency": {"name": data.agency_name, "address": data.agency_address},
        "creditor": {"name": data.creditor_name},
        "debtor": {"name": data.debtor_name, "address": list(data.debtor_address)},
        "intro": [
            f"Partijen komen overeen dat de schuldenaar het openstaande bedrag van {money(data.balance)} "
            f"in dossier {data.case_number} betaalt in {len(data.rows)} termijnen "
            f"({data.frequency_label}), volgens het schema hieronder.",
        ],
        "rows": [
            {
                "number": str(r.number),
                "due_on": format_date(r.due_on),
                "reference": group_by_four(r.payment_reference),
                "amount": money(r.amount),
            }
            for r in data.rows
        ],
        "total": money(total),
        "terms": [
            f"Betaal elke termijn op rekening {data.agency_iban} ten name van {data.agency_name}, "
            "met het betalingskenmerk van die termijn. Zo verwerken wij uw betaling direct.",
            interest,
            "Zolang u zich aan deze regeling houdt, nemen wij geen verdere incassomaatregelen. "
            "Kunt u een termijn niet betalen? Neem dan vóór de vervaldatum contact met ons op.",
        ],
        "default_terms": [
            f"Is een termijn {data.grace_days} dagen na de vervaldatum niet betaald, dan sturen wij u "
            f"een herinnering. Staan er {data.misses_to_break} termijnen tegelijk te laat open, "
            "dan vervalt deze regeling: het dan nog openstaande bedrag is in één keer opeisbaar en wij "
            "zetten de incasso voort, met rente en kosten volgens de wet.",
        ],
    }


class _Holder(threading.local):
    compiler: typst.Compiler | None = None


_holder = _Holder()


def _compiler() -> typst.Compiler:
    if _holder.compiler is None:
        _holder.compiler = typst.Compiler(LAYOUT, root=HERE, font_paths=[FONTS], ignore_system_fonts=True)
    return _holder.compiler


def render_agreement_pdf(data: AgreementData) -> bytes:
    """The agreement as PDF: identical bytes for identical data."""
    payload = json.dumps(agreement_context(data), ensure_ascii=False, separators=(",", ":"))
    result = _compiler().compile(
        format="pdf",
        sys_inputs={"data": payload},
        timestamp=dt.datetime.combine(data.made_on, dt.time(0, 0), tzinfo=dt.UTC),
    )
    assert isinstance(result, bytes)
    return result
