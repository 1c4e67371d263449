"""EPC QR code ("GiroCode", EPC069-12 version 002) for the payment box of a letter.

A banking app that scans the code fills in a SEPA credit transfer: name, IBAN, amount and
the remittance information. The payload is twelve lines at most::

    BCD / 002 / 1 (UTF-8) / SCT / BIC / name / IBAN / EUR<amount> / purpose /
    structured reference / unstructured text

Which remittance field carries the betalingskenmerk
---------------------------------------------------
EPC069-12 defines field 10 as "Remittance Information (Structured): Creditor Reference
(ISO 11649 RF Creditor Reference may be used)": *may*, so any structured creditor reference of
at most 35 characters is allowed, and SEPA transports the Dutch betalingskenmerk as exactly
that (a structured creditor reference, issuer "CUR"). Betaalvereniging Nederland's
"Betaalinstructie" (2018) puts either the 16-digit Dutch betalingskenmerk or an ISO RF
reference next to a generic EPC QR code. Dutch banking apps recognise a 16-digit reference in
the structured field and fill the "betalingskenmerk" field with it, which is what makes the
bank statement line match automatically. So a valid betalingskenmerk goes, digits only (no
spaces), into the structured field, and the unstructured field stays empty (the spec allows
only one of the two). An RF reference goes there too. Anything else is refused: we never print
a reference the bank would reject, and free text belongs in ``text``.

segno (``segno.helpers.make_epc_qr``) builds the code; :func:`epc_payload` returns the exact
text it encodes, built the same way (segno writes the amount without trailing zeros:
``EUR1234.5``, which EPC069-12 allows), and the tests check the two agree.
"""

from __future__ import annotations

import functools
import re
from decimal import Decimal

import segno
import segno.helpers

from incasso.letters.rendering.payment_reference import (
    is_valid_payment_reference,
    normalize_payment_reference,
)
from incasso.letters.rendering.qr import MAX_VERSION, qr_rows

_MIN_AMOUNT = Decimal("0.01")
_MAX_AMOUNT = Decimal("999999999.99")


def _is_rf_reference(value: str) -> bool:
    """ISO 11649: 'RF' + 2 check digits + 1–21 letters/digits, mod 97 == 1."""
    value = value.upper()
    if not (5 <= len(value) <= 25 and value.startswith("RF") and value[2:4].isdigit() and value.isalnum()):
        return False
    rearranged = value[4:] + value[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


def structured_reference(reference: str) -> str:
    """The text for the structured-reference field, or ValueError for a reference banks would reject."""
    compact = normalize_payment_reference(reference)
    if is_valid_payment_reference(compact):
        return compact
    if _is_rf_reference(compact):
        return compact.upper()
    raise ValueError(
        f"{reference!r} is neither a valid 16-digit betalingskenmerk nor an RF creditor reference"
    )


def _check_amount(amount: Decimal) -> None:
    if isinstance(amount, bool) or not isinstance(amount, Decimal):
        raise TypeError(f"amount must be a Decimal, got {type(amount).__name__}")
    if not _MIN_AMOUNT <= amount <= _MAX_AMOUNT:
        raise ValueError(f"amount must be between {_MIN_AMOUNT} and {_MAX_AMOUNT}, got {amount}")


def _fields(
    *, name: str, iban: str, amount: Decimal, reference: str, text: str, bic: str
) -> tuple[str, str, Decimal, str, str, str]:
    _check_amount(amount)
    if bool(reference) == bool(text):
        raise ValueError("give either a reference or a text, not both and not neither")
    return (
        name.strip(),
        iban.replace(" ", "").upper(),
        amount.quantize(Decimal("0.01")),
        structured_reference(reference) if reference else "",
        text.rstrip(),
        bic.strip(),
    )


def epc_payload(
    *, name: str, iban: str, amount: Decimal, reference: str = "", text: str = "", bic: str = ""
) -> str:
    """The exact text inside the QR code, lines joined by '\\n' (what a scanner returns)."""
    name, iban, q, ref, text, bic = _fields(
        name=name, iban=iban, amount=amount, reference=reference, text=text, bic=bic
    )
    lines = ["BCD", "002", "1", "SCT", bic, name, iban, f"EUR{q:.2f}".rstrip("0").rstrip("."), "", ref]
    if text:
        lines.append(text)
    return "\n".join(lines)


def epc_qr(
    *, name: str, iban: str, amount: Decimal, reference: str = "", text: str = "", bic: str = ""
) -> segno.QRCode:
    """The QR code itself (error correction M, version ≤ 13, UTF-8), as the EPC guideline demands."""
    name, iban, q, ref, text, bic = _fields(
        name=name, iban=iban, amount=amount, reference=reference, text=text, bic=bic
    )
    return segno.helpers.make_epc_qr(
        name=name,
        iban=iban,
        amount=q,
        reference=ref or None,
        text=text or None,
        bic=bic or None,
        encoding="utf-8",
    )


# The QR mask pattern the letters use. segno tries all eight masks and keeps the one with the lowest
# ISO 18004 penalty score, which costs ~9 ms in pure Python: more than typesetting the whole letter.
# Every mask gives a valid code that every decoder reads (the mask number is in the code's format
# information); the penalty only steers away from patterns that could confuse a poor scanner. We fix
# mask 2 (vertical stripes every third column: no finder-like 1:1:3:1:1 runs along the rows that
# scanners sweep) and test that zbarimg decodes the printed code; `epc_qr()` still picks the best
# mask when speed does not matter.
LETTER_MASK = 2


def epc_qr_svg(
    *,
    name: str,
    iban: str,
    amount: Decimal,
    reference: str = "",
    text: str = "",
    bic: str = "",
    mask: int | None = LETTER_MASK,
) -> str:
    """A compact SVG of the code with its 4-module quiet zone; the layout scales it to size.

    The same payload and QR parameters as :func:`epc_qr` (error level M, no boost, UTF-8), but with a
    fixed mask unless ``mask=None``.
    """
    payload = epc_payload(name=name, iban=iban, amount=amount, reference=reference, text=text, bic=bic)
    return _svg(payload, mask)


_QUIET_ZONE = 4
_DARK_RUN = re.compile("1+")


@functools.lru_cache(maxsize=1024)
def _svg(payload: str, mask: int | None) -> str:
    """The code as one filled path of dark runs per row (cached: a reprint costs nothing).

    With the fixed letter mask the modules come from :func:`qr_rows` (the same matrix segno makes,
    in a tenth of the time); ``mask=None`` asks segno for its best mask. A run of ``w`` dark modules
    at row ``y`` is the rectangle ``x..x+w`` × ``y..y+1``: one filled path is far cheaper than
    segno's SVG writer, which strokes every run and formats each number separately.
    """
    if mask is None:
        qr = segno.make_qr(payload.encode("utf-8"), error="m", boost_error=False)
        if not isinstance(qr.version, int) or qr.version > MAX_VERSION:
            raise ValueError(f"EPC QR codes may not exceed version 13, this payload needs {qr.designator}")
        rows = tuple("".join("1" if m else "0" for m in row) for row in qr.matrix)
    else:
        rows = qr_rows(payload.encode("utf-8"), mask=mask)
    size = len(rows) + 2 * _QUIET_ZONE
    parts = []
    for y, row in enumerate(rows, start=_QUIET_ZONE):
        for run in _DARK_RUN.finditer(row):
            x, w = run.start() + _QUIET_ZONE, run.end() - run.start()
            parts.append(f"M{x} {y}h{w}v1h-{w}z")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}">'
        f'<path d="{"".join(parts)}"/></svg>'
    )
