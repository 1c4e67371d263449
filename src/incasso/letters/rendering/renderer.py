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
from incasso.letters.rendering.textwidth import text_width

HERE = Path(__file__).resolve().parent
LAYOUT = HERE / "layout.typ"
FONTS = HERE / "fonts"
DEFAULT_PPI = 144.0

# Sizes in layout.typ that the column widths below depend on (points; 1 mm = 72 / 25.4 pt).
_MM = 72 / 25.4
_TABLE_TEXT = 8.5
_TABLE_INSET = 1.6 * _MM  # each side of a cell
_TABLE_WIDTH = (210 - 25 - 20) * _MM  # the text width of an A4 page between the margins
_MIN_DESCRIPTION = 25 * _MM
_REFS_TEXT = 8.5
_CONTACT_TEXT = 8.0

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
        "paid_by_debtor": "Al betaald door de schuldenaar",
        "outstanding": "Totaal openstaand",
        "kvk": "KvK",
        "your_reference": "Uw kenmerk",
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
        "paid_by_debtor": "Already paid by the debtor",
        "outstanding": "Total outstanding",
        "kvk": "CoC",  # Chamber of Commerce (KvK): the long form wraps the footer
        "your_reference": "Your reference",
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


def _claims_columns(header: list[str], rows: list[list[tuple[str, bool]]]) -> list[float | str]:
    """Widths in points of the claims table's columns (the description takes the rest: "fr").

    What typst's ``auto`` would give, measured here (see ``textwidth``): the widest cell of each
    column plus the cell insets. When the fixed columns would squeeze the description below
    25 mm, every column stays ``"auto"`` and typst shares the width out itself.
    """
    widths = [text_width(label, _TABLE_TEXT, bold=True) for label in header]
    for row in rows:
        for i, (value, bold) in enumerate(row):
            widths[i] = max(widths[i], text_width(value, _TABLE_TEXT, bold=bold))
    columns: list[float | str] = [round(w + 2 * _TABLE_INSET + 0.01, 3) for w in widths]
    columns[1] = "fr"
    fixed = sum(w for w in columns if isinstance(w, float))
    if fixed > _TABLE_WIDTH - _MIN_DESCRIPTION:
        return ["auto", "fr", "auto", "auto", "auto", "auto", "auto"]
    return columns


def _label_column(labels: list[str], size_pt: float) -> float:
    """The width in points of a label column set at ``size_pt`` (what ``auto`` would give)."""
    return round(max(text_width(label, size_pt) for label in labels) + 0.01, 3)


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
        refs.append(
            (labels["your_reference" if data.to_client else "client_reference"], data.client_reference)
        )
    refs.append((labels["contact"], head.phone))

    extra = []
    if t.costs_vat:
        extra.append((labels["costs_vat"], money(t.costs_vat)))
    if t.paid:
        extra.append((labels["paid_by_debtor" if data.to_client else "paid"], money(-t.paid)))
    if data.to_client or data.payment_amount is not None:
        # To the client, or an arrangement letter whose payment box asks for less than the whole
        # balance: the table's last line is what is outstanding, not what to pay now.
        labels = {**labels, "total_due": labels["outstanding"]}

    pay_rows = [
        (labels["amount"], money(data.amount_to_pay)),
        (labels["iban"], group_by_four(data.payment_iban)),
        (labels["account_holder"], head.account_holder),
        (labels["payment_reference"], group_by_four(data.payment_reference)),
        (labels["pay_by"], format_date(data.pay_by)),
    ]
    qr_svg = None
    if data.payment_box and data.amount_to_pay >= Decimal("0.01"):
        qr_svg = epc_qr_svg(
            name=head.account_holder,
            iban=data.payment_iban,
            amount=data.amount_to_pay,
            reference=data.payment_reference,
            bic=head.bic,
        )

    contact = [(labels["phone"], head.phone), (labels["email"], head.email)]
    if head.website:
        contact.append((labels["website"], head.website))

    claims = [
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
    ]
    sums = {
        "principal": money(t.principal),
        "interest": money(t.interest),
        "costs": money(t.costs),
        "subtotal": money(t.principal + t.interest + t.costs),
        "total": money(t.total),
    }
    header = [labels[k] for k in ("invoice", "description", "invoice_date", "principal", "interest", "costs")]
    header.append(labels["total"])
    measured = [
        [(c[k], False) for k in ("invoice", "description", "date", "principal", "interest", "costs", "total")]
        for c in claims
    ]
    # The totals rows: the first three columns are one spanning cell, so they do not count.
    buckets = [("", False)] * 3 + [(sums[k], False) for k in ("principal", "interest", "costs")]
    measured.append([*buckets, (sums["subtotal"], False)])
    measured.extend([("", False)] * 6 + [(value, False)] for _, value in extra)
    measured.append([("", False)] * 6 + [(sums["total"], True)])

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
        "claims": claims,
        "totals": {**sums, "extra": extra},
        "columns": {
            "claims": _claims_columns(header, measured),
            "refs": _label_column([k for k, _ in refs], _REFS_TEXT),
            "contact": _label_column([k for k, _ in contact], _CONTACT_TEXT),
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
