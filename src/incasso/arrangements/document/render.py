"""Render the agreements to PDF with typst: pure, no Django. One layout (`agreement.typ`) serves the
payment arrangement (a schedule of instalments) and the settlement offers (a few lines of figures).

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
class AgreementHead:
    """What every agreement names first: the document, the case, the day, and the parties."""

    document_id: str
    case_number: str
    made_on: dt.date
    agency_name: str
    agency_address: str
    agency_iban: str
    creditor_name: str
    debtor_name: str
    debtor_address: tuple[str, ...]


def _head(data: AgreementHead) -> dict[str, Any]:
    return {
        "document_id": data.document_id,
        "case_number": data.case_number,
        "made_on": format_date(data.made_on),
        "agency": {"name": data.agency_name, "address": data.agency_address},
        "creditor": {"name": data.creditor_name},
        "debtor": {"name": data.debtor_name, "address": list(data.debtor_address)},
    }


def _money(value: Decimal) -> str:
    return format_money(value, "nl")


@dataclass(frozen=True)
class AgreementData(AgreementHead):
    balance: Decimal
    frequency_label: str
    interest_frozen: bool
    misses_to_break: int
    grace_days: int
    rows: tuple[AgreementRow, ...]


def agreement_context(data: AgreementData) -> dict[str, Any]:
    total = sum((r.amount for r in data.rows), Decimal("0.00"))
    interest = (
        "Zolang u zich aan deze regeling houdt, berekenen wij geen verdere rente."
        if data.interest_frozen
        else "Over het openstaande bedrag loopt de wettelijke rente door; die volgt na de laatste termijn."
    )
    return {
        "title": f"Betalingsregeling {data.case_number}",
        "heading": "Betalingsregeling",
        "default_heading": "Als u een termijn niet betaalt",
        "facts": [],
        **_head(data),
        "intro": [
            f"Partijen komen overeen dat de schuldenaar het openstaande bedrag van {_money(data.balance)} "
            f"in dossier {data.case_number} betaalt in {len(data.rows)} termijnen "
            f"({data.frequency_label}), volgens het schema hieronder.",
        ],
        "rows": [
            {
                "number": str(r.number),
                "due_on": format_date(r.due_on),
                "reference": group_by_four(r.payment_reference),
                "amount": _money(r.amount),
            }
            for r in data.rows
        ],
        "total": _money(total),
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


@dataclass(frozen=True)
class SettlementData(AgreementHead):
    kind: str  # "lump_sum" or "goods_return"
    payment_reference: str
    balance: Decimal
    amount: Decimal  # the lump sum, or the goods' agreed value
    forgiven: Decimal
    rest_owed: Decimal
    deadline: dt.date
    settles_in_full: bool
    goods_description: str = ""
    return_instructions: str = ""


def settlement_context(data: SettlementData) -> dict[str, Any]:
    """The settlement offer in plain Dutch (B1): what the debtor does, by when, and what then happens."""

    def fact(label: str, value: str, *, strong: bool = False) -> dict[str, Any]:
        return {"label": label, "value": value, "strong": strong}

    reference = group_by_four(data.payment_reference)
    deadline = format_date(data.deadline)
    pay = (
        f"Betaal op rekening {data.agency_iban} ten name van {data.agency_name}, met betalingskenmerk "
        f"{reference}. Zo verwerken wij uw betaling direct."
    )
    full_release = (
        f"Daarmee is de schuld helemaal afgedaan: de schuldeiser ziet af van de rest ({_money(data.forgiven)}) "
        "en verleent u finale kwijting."
    )
    if data.kind == "lump_sum":
        heading = "Finale kwijting"
        intro = [
            f"U betaalt {_money(data.amount)} in plaats van het volledige bedrag van {_money(data.balance)} "
            f"in dossier {data.case_number}. Betaalt u dit bedrag uiterlijk op {deadline}, dan is de schuld "
            f"afgedaan: de schuldeiser ziet af van de rest ({_money(data.forgiven)}) en verleent u finale kwijting.",
        ]
        facts = [
            fact(f"Openstaand bedrag op {format_date(data.made_on)}", _money(data.balance)),
            fact("De schuldeiser ziet af van", _money(data.forgiven)),
            fact(f"U betaalt in één keer, uiterlijk op {deadline}", _money(data.amount), strong=True),
            fact("Betalingskenmerk", reference),
        ]
        terms = [
            pay,
            "Met uw betaling op tijd neemt u dit voorstel aan. Ondertekenen mag, maar hoeft niet.",
            "Tot die datum nemen wij geen verdere incassomaatregelen en rekenen wij geen extra kosten.",
        ]
        default_heading = "Als u niet op tijd betaalt"
        default_terms = [
            f"Is het hele bedrag niet uiterlijk op {deadline} betaald, dan vervalt dit voorstel. Dan blijft "
            "het hele openstaande bedrag verschuldigd, met rente en kosten volgens de wet. Wat u al betaald "
            "hebt, trekken wij daarvan af.",
        ]
    else:
        heading = "Teruggave van goederen"
        intro = [
            f"U geeft deze goederen terug aan {data.creditor_name}: {data.goods_description.strip().rstrip('.')}.",
            f"Zodra de goederen in goede staat terug zijn, trekt de schuldeiser de afgesproken waarde van "
            f"{_money(data.amount)} af van het openstaande bedrag van {_money(data.balance)} in dossier "
            f"{data.case_number}. "
            + (
                full_release
                if data.settles_in_full
                else f"Daarna blijft {_money(data.rest_owed)} over; dat betaalt u nog wel."
            ),
        ]
        facts = [
            fact(f"Openstaand bedrag op {format_date(data.made_on)}", _money(data.balance)),
            fact("Afgesproken waarde van de goederen", _money(data.amount)),
            fact("Goederen terug uiterlijk op", deadline, strong=True),
            fact("Na de teruggave nog te betalen", _money(data.rest_owed), strong=True),
        ]
        terms = []
        if data.return_instructions.strip():
            terms.append(f"Zo komen de goederen terug: {data.return_instructions.strip()}")
        if not data.settles_in_full:
            terms.append(pay.replace("Betaal op", "Betaal de rest op", 1))
        terms += [
            "Tot die datum nemen wij geen verdere incassomaatregelen en rekenen wij geen extra kosten.",
            "Zijn de goederen beschadigd of niet compleet, dan kan de schuldeiser een lagere waarde "
            "aftrekken. Dat laten wij u dan weten, met de reden.",
        ]
        default_heading = "Als de goederen niet op tijd terug zijn"
        default_terms = [
            f"Zijn de goederen niet uiterlijk op {deadline} terug, dan vervalt deze afspraak. Dan blijft het "
            "hele openstaande bedrag verschuldigd, met rente en kosten volgens de wet.",
        ]
    return {
        "title": f"{heading} {data.case_number}",
        "heading": heading,
        **_head(data),
        "intro": intro,
        "rows": [],
        "total": "",
        "facts": facts,
        "terms": terms,
        "default_heading": default_heading,
        "default_terms": default_terms,
    }


class _Holder(threading.local):
    compiler: typst.Compiler | None = None


_holder = _Holder()


def _compiler() -> typst.Compiler:
    if _holder.compiler is None:
        _holder.compiler = typst.Compiler(LAYOUT, root=HERE, font_paths=[FONTS], ignore_system_fonts=True)
    return _holder.compiler


def _render(context: dict[str, Any], made_on: dt.date) -> bytes:
    payload = json.dumps(context, ensure_ascii=False, separators=(",", ":"))
    result = _compiler().compile(
        format="pdf",
        sys_inputs={"data": payload},
        timestamp=dt.datetime.combine(made_on, dt.time(0, 0), tzinfo=dt.UTC),
    )
    assert isinstance(result, bytes)
    return result


def render_agreement_pdf(data: AgreementData) -> bytes:
    """The arrangement's agreement as PDF: identical bytes for identical data."""
    return _render(agreement_context(data), data.made_on)


def render_settlement_pdf(data: SettlementData) -> bytes:
    """The settlement offer as PDF: identical bytes for identical data."""
    return _render(settlement_context(data), data.made_on)
