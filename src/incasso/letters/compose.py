"""From a case's fields and a template to a `LetterData`, and `LetterData` to JSON and back.

The JSON is what the archive stores: re-rendering it gives the same PDF bytes (the renderer is
deterministic for equal data), so a reprint is identical to the letter that went out.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

from incasso.letters.rendering import Addressee, ClaimRow, LetterData, Letterhead, Totals

TABLE_MARKER = "[overzicht]"  # a line of its own: the claims table and payment box go here

CLOSING = {"nl": "Met vriendelijke groet,", "en": "Kind regards,"}


def split_body(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Paragraphs (blank-line separated) before and after the `[overzicht]` line."""
    before, _, after = text.partition(TABLE_MARKER)

    def paragraphs(part: str) -> tuple[str, ...]:
        blocks = [
            " ".join(line.strip() for line in b.splitlines() if line.strip()) for b in part.split("\n\n")
        ]
        return tuple(b for b in blocks if b)

    return paragraphs(before), paragraphs(after)


def _encode(value: Any) -> Any:
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, tuple | list):
        return [_encode(v) for v in value]
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict) and len(value) == 1:
        if "$decimal" in value:
            return Decimal(value["$decimal"])
        if "$date" in value:
            return dt.date.fromisoformat(value["$date"])
    if isinstance(value, list):
        return tuple(_decode(v) for v in value)
    return value


def _fields(obj: Any) -> dict[str, Any]:
    return {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}


def letter_data_to_json(data: LetterData) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in _fields(data).items():
        if name in ("letterhead", "addressee", "totals"):
            out[name] = {k: _encode(v) for k, v in _fields(value).items()}
        elif name == "claims":
            out[name] = [{k: _encode(v) for k, v in _fields(c).items()} for c in value]
        else:
            out[name] = _encode(value)
    return out


def letter_data_from_json(raw: dict[str, Any]) -> LetterData:
    values = {
        k: _decode(v) for k, v in raw.items() if k not in ("letterhead", "addressee", "totals", "claims")
    }
    return LetterData(
        letterhead=Letterhead(**{k: _decode(v) for k, v in raw["letterhead"].items()}),
        addressee=Addressee(**{k: _decode(v) for k, v in raw["addressee"].items()}),
        totals=Totals(**{k: _decode(v) for k, v in raw["totals"].items()}),
        claims=tuple(ClaimRow(**{k: _decode(v) for k, v in c.items()}) for c in raw["claims"]),
        **values,
    )


def plain_text(data: LetterData, *, summary: str) -> str:
    """The e-mail body: the same words as the letter, with the amount and how to pay."""
    parts = [
        data.salutation,
        *data.paragraphs,
        summary,
        *data.paragraphs_after,
        data.closing,
        data.signer_name,
    ]
    head = data.letterhead
    parts.append(
        f"{head.name} · {head.phone} · {head.email}" + (f" · {head.website}" if head.website else "")
    )
    parts.append(head.complaint_line)
    return "\n\n".join(p for p in parts if p)
