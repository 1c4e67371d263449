"""Render a :class:`LetterData` to PDF (to send and archive) or PNG (to preview).

One ``typst.Compiler`` per process is reused for every letter (typst keeps fonts and the
parsed template between compilations); the letter's data goes in as one JSON string through
``sys_inputs``. Only the fonts shipped in ``fonts/`` are used (``ignore_system_fonts``), and the
PDF's creation date is the letter date, so the same data always gives the same bytes and an
archived letter can be re-rendered identically.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
from decimal import Decimal
from pathlib import Path
from typing import Any

import typst

from incasso.calculations.sheet import group_by_four
from incasso.letters.rendering.data import Language, LetterData
from incasso.letters.rendering.epc import epc_qr_svg
from incasso.letters.rendering.formatting import format_date, format_money

HERE = Path(__file__).resolve().parent
LAYOUT = HERE / "layout.typ"
FONTS = HERE / "fonts"
DEFAULT_PPI = 144.0

LABELS: dict[Language, dict[str, str]] = {
    "nl": {
        "date": "Datum",
        "our_reference": "Ons kenmerk",
        "client_reference": "Kenmerk opdrachtgever",
        "client": "Opdrachtgever",
        "contact": "Vragen?",
        "invoice": "Factuur",
        "description": "Omschrijving",
        "invoice_date": "Factuurdatum",
        "principal": "Hoofdsom",
        "interest": "Rente",
        "costs": "Incassokosten",
        "total": "Totaal",
        "subtotal": "Subtotaal",
        "costs_vat": "Btw over incassokosten",
        "paid": "Al door u betaald",
        "total_due": "Totaal te betalen",
        "pay_title": "Zo betaalt u",
        "amount": "Bedrag",
        "iban": "Naar rekening (IBAN)",
        "account_holder": "Ten name van",
        "payment_reference": "Betalingskenmerk",
        "pay_by": "Uiterlijk betalen op",
        "scan": "Scan met uw bank-app",
        "page": "Pagina",
        "of": "van",
        "wki": "Wki-registratie",
        "on_behalf_of": "namens",
        "phone": "Telefoon",
        "email": "E-mail",
        "website": "Website",
    },
    "en": {
        "date": "Date",
        "our_reference": "Our reference",
        "client_reference": "Client reference",
        "client": "On behalf of",
        "contact": "Questions?",
        "invoice": "Invoice",
        "description": "Description",
        "invoice_date": "Invoice date",
        "principal": "Principal",
        "interest": "Interest",
        "costs": "Collection costs",
        "total": "Total",
        "subtotal": "Subtotal",
        "costs_vat": "VAT on collection costs",
        "paid": "Already paid by you",
        "total_due": "Total to pay",
        "pay_title": "How to pay",
        "amount": "Amount",
        "iban": "To account (IBAN)",
        "account_holder": "In the name of",
        "payment_reference": "Payment reference",
        "pay_by": "Pay no later than",
        "scan": "Scan with your banking app",
        "page": "Page",
        "of": "of",
        "wki": "Wki registration",
        "on_behalf_of": "on behalf of",
        "phone": "Phone",
        "email": "E-mail",
        "website": "Website",
    },
}

_DUTCH = {"", "NL", "NEDERLAND", "THE NETHERLANDS", "NETHERLANDS"}


def _address_lines(data: LetterData) -> list[str]:
    """PostNL style: postcode, two spaces, town in capitals; a foreign country last, in capitals."""
    a = data.addressee
    lines = [a.name, *a.address_lines]
    if a.country.strip().upper() in _DUTCH:
        lines.append(f"{a.postcode.strip()}  {a.city.strip().upper()}")
    else:
        lines.append(f"{a.postcode.strip()} {a.city.strip()}".strip())
        lines.append(a.country.strip().upper())
    return lines


def letter_context(data: LetterData) -> dict[str, Any]:
    """Everything the layout prints, formatted and translated: the JSON the template reads."""
    lang = data.language
    labels = LABELS[lang]
    head = data.letterhead
    t = data.totals

    def money(value: Decimal) -> str:
        return format_money(value, lang)

    refs = [(labels["date"], format_date(data.letter_date)), (labels["our_reference"], data.our_reference)]
    if data.client_reference:
        refs.append((labels["client_reference"], data.client_reference))
    refs.append((labels["contact"], head.phone))

    extra = []
    if t.costs_vat:
        extra.append((labels["costs_vat"], money(t.costs_vat)))
    if t.paid:
        extra.append((labels["paid"], money(-t.paid)))

    pay_rows = [
        (labels["amount"], money(t.total)),
        (labels["iban"], group_by_four(data.payment_iban)),
        (labels["account_holder"], head.account_holder),
        (labels["payment_reference"], group_by_four(data.payment_reference)),
        (labels["pay_by"], format_date(data.pay_by)),
    ]
    qr_svg = None
    if data.payment_box and t.total >= Decimal("0.01"):
        qr_svg = epc_qr_svg(
            name=head.account_holder,
            iban=data.payment_iban,
            amount=t.total,
            reference=data.payment_reference,
            bic=head.bic,
        )

    contact = [(labels["phone"], head.phone), (labels["email"], head.email)]
    if head.website:
        contact.append((labels["website"], head.website))

    return {
        "language": lang,
        "labels": labels,
        "title": f"{data.subject} – {data.our_reference}",
        "our_reference": data.our_reference,
        "letter_date": format_date(data.letter_date),
        "agency": {
            "name": head.name,
            "address_lines": list(head.address_lines),
            "address_inline": ", ".join(head.address_lines),
            "contact": contact,
            "kvk": head.kvk,
            "wki_registration": head.wki_registration,
            "complaint_line": head.complaint_line,
            "client_line": f"{labels['on_behalf_of']} {head.client_name}" if head.client_name else "",
            "return_address": head.return_address or f"{head.name}, {', '.join(head.address_lines)}",
        },
        "addressee": _address_lines(data),
        "refs": refs,
        "subject": data.subject,
        "salutation": data.salutation,
        "paragraphs": list(data.paragraphs),
        "paragraphs_after": list(data.paragraphs_after),
        "claims": [
            {
                "invoice": c.invoice_number,
                "description": c.description,
                "date": format_date(c.invoice_date),
                "principal": money(c.principal),
                "interest": money(c.interest),
                "costs": money(c.costs),
                "total": money(c.total),
            }
            for c in data.claims
        ],
        "totals": {
            "principal": money(t.principal),
            "interest": money(t.interest),
            "costs": money(t.costs),
            "subtotal": money(t.principal + t.interest + t.costs),
            "extra": extra,
            "total": money(t.total),
        },
        "payment": {"rows": pay_rows, "qr_svg": qr_svg, "show": data.payment_box},
        "closing": data.closing,
        "signer_name": data.signer_name,
        "signer_title": data.signer_title,
    }


class _CompilerHolder(threading.local):
    compiler: typst.Compiler | None = None
    pid: int = -1


_holder = _CompilerHolder()


def _compiler() -> typst.Compiler:
    """One compiler per process (and thread); a forked child makes its own."""
    if _holder.compiler is None or _holder.pid != os.getpid():
        _holder.compiler = typst.Compiler(LAYOUT, root=HERE, font_paths=[FONTS], ignore_system_fonts=True)
        _holder.pid = os.getpid()
    return _holder.compiler


def _timestamp(data: LetterData) -> dt.datetime:
    """The PDF creation date: midnight UTC on the letter date, never the clock (reprints stay identical)."""
    return dt.datetime.combine(data.letter_date, dt.time(0, 0), tzinfo=dt.UTC)


def _compile(data: LetterData, *, fmt: str, ppi: float | None = None) -> bytes | list[bytes]:
    if not isinstance(data, LetterData):
        raise TypeError(f"expected LetterData, got {type(data).__name__}")
    payload = json.dumps(letter_context(data), ensure_ascii=False, separators=(",", ":"))
    result = _compiler().compile(
        format=fmt,  # type: ignore[arg-type]
        ppi=ppi,
        sys_inputs={"data": payload},
        timestamp=_timestamp(data),
    )
    assert result is not None
    return result


def render_letter_pdf(data: LetterData) -> bytes:
    """The letter as a PDF, identical bytes for identical data."""
    result = _compile(data, fmt="pdf")
    assert isinstance(result, bytes)
    return result


def render_letter_png(data: LetterData, page: int = 1, ppi: float = DEFAULT_PPI) -> bytes:
    """One page of the letter as a PNG (1-based ``page``), for previews in the case screen."""
    result = _compile(data, fmt="png", ppi=ppi)
    pages = [result] if isinstance(result, bytes) else result
    if not 1 <= page <= len(pages):
        raise ValueError(f"page {page} does not exist; the letter has {len(pages)} page(s)")
    return pages[page - 1]


def page_count(data: LetterData) -> int:
    """How many pages the letter takes (for postage and for 'page x of y' checks)."""
    result = _compile(data, fmt="svg")
    return 1 if isinstance(result, bytes) else len(result)
