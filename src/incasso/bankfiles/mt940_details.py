"""The ``:86:`` information field of an MT940 entry, in the Dutch banks' dialects.

* ING (Mijn ING Zakelijk, Inside Business Payments): ``/EREF/..//CNTP/iban/bic/name/city//REMI/USTD//text/``
  -- fields separated by ``//``; ``CNTP``/``BENM``/``ORDP`` hold ``account/bic/name/city``.
* SWIFT-structured (ABN AMRO SEPA, Knab, bunq, Rabobank, ASN incasso): ``/TRTP/../IBAN/../NAME/../REMI/..``
  -- fields separated by a single ``/``; Rabobank leaves ``/BENM//`` or ``/ORDP//`` empty and puts the
  counter-account on the second line of ``:61:``.
* Triodos: ``000>10`` counter-account, ``>20..>27`` description chunks, ``>31`` our own account.
* Unstructured (old ABN AMRO, old ING, SNS, ASN, Knab): free lines; a leading account number and name
  on line 1 (``GIRO 428428 KPN BV``, ``NL29INGB0006475121 j blom``) and Knab's ``REK: ../NAAM: ..``
  are recognised, everything else is remittance text.

Lines are joined without a separator before splitting structured fields, because banks wrap them at
65 characters in the middle of words (``NL50INGB00012345`` + ``67``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .identifiers import DOMESTIC_SHAPE, IBAN_SHAPE, clean_account, reference_in_text

ING_TAGS = ("EREF", "CNTP", "REMI", "PREF", "CSID", "MARF", "RTRN", "BUSP", "BENM", "ORDP", "IREF",
            "ULTC", "ULTD", "ULTB", "PURP", "EXCH", "CHGS", "SVCL")  # fmt: skip
FLAT_TAGS = ("TRTP", "IBAN", "BBAN", "BIC", "NAME", "REMI", "EREF", "CSID", "MARF", "ISDT", "BENM",
             "ORDP", "ADDR", "PREF", "ACCW", "RTRN", "SVCL", "IREF", "ULTB", "ULTD", "ULTC", "PURP",
             "CDTRREFTP", "CDTRREF", "ISSR", "CD", "ID", "EXCH", "CHGS")  # fmt: skip
_ING_SPLIT = re.compile(r"(?:^/|//)(" + "|".join(ING_TAGS) + r")/")
_ING_SEPARATOR = re.compile(r"//(" + "|".join(ING_TAGS) + r")/")
_FLAT_SPLIT = re.compile(r"/(" + "|".join(sorted(FLAT_TAGS, key=len, reverse=True)) + r")/")
_FLAT_START = re.compile(r"^/(" + "|".join(FLAT_TAGS) + r")/")
_LEADING_ACCOUNT = re.compile(
    r"^(?:GIRO\s+(?P<giro>\d{1,9})|(?P<acct>"
    + IBAN_SHAPE.pattern
    + "|"
    + DOMESTIC_SHAPE.pattern
    + r"))(?:\s+(?P<rest>.*))?$"
)
_KNAB_ACCOUNT = re.compile(r"REK:\s*(?P<acct>[A-Z0-9]+)\s*/\s*NAAM:\s*(?P<name>.*)$")
_TRIODOS = re.compile(r">(\d\d)")


@dataclass(frozen=True, slots=True)
class Details:
    dialect: str
    counterparty_account: str | None = None
    counterparty_name: str | None = None
    remittance_text: str | None = None
    structured_reference: str | None = None
    return_reason: str | None = None
    end_to_end_id: str | None = None
    mandate_id: str | None = None
    payment_info_id: str | None = None


def normalise_text(text: str) -> str | None:
    """Free text for matching: soft hyphens dropped, tabs/NBSP and runs of spaces become one space."""
    cleaned = re.sub(r"\s+", " ", text.replace("\u00ad", "").replace("\u00a0", " ")).strip()
    return cleaned or None


def split_fields(text: str, pattern: re.Pattern[str]) -> dict[str, str]:
    """``{tag: value}`` for the first occurrence of each tag; values verbatim."""
    matches = list(pattern.finditer(text))
    fields: dict[str, str] = {}
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        fields.setdefault(match.group(1), text[match.end() : end])
    return fields


def parse_details(lines: list[str]) -> Details:
    joined = "".join(lines)
    if joined.startswith("/") and _ING_SEPARATOR.search(joined):
        ing = _parse_ing(joined)
        if ing is not None:
            return ing
    if _FLAT_START.match(joined):
        return _parse_flat(joined, "swift")
    if lines and re.match(r"^\d{3}>|^>\d\d", lines[0]):
        return _parse_triodos(joined)
    return _parse_unstructured(lines)


def _parse_ing(joined: str) -> Details | None:
    fields = split_fields(joined, _ING_SPLIT)
    if not fields or not joined.startswith(f"/{next(iter(fields))}/"):
        return None
    party = fields.get("CNTP") or fields.get("BENM") or fields.get("ORDP")
    account = name = None
    if party is not None:
        parts = party.split("/")
        account = clean_account(parts[0]) if parts[0] else None
        name = parts[2].strip() or None if len(parts) > 2 else None
    text, reference = _ing_remittance(fields.get("REMI"))
    return Details(
        dialect="ing",
        counterparty_account=account,
        counterparty_name=name,
        remittance_text=text,
        structured_reference=reference or reference_in_text(text),
        return_reason=_blank_to_none(fields.get("RTRN")),
        end_to_end_id=_blank_to_none(fields.get("EREF")),
        mandate_id=_blank_to_none(fields.get("MARF")),
        payment_info_id=_blank_to_none(fields.get("PREF")),
    )


def _ing_remittance(value: str | None) -> tuple[str | None, str | None]:
    """``USTD//text/`` -> text; ``STRD/CUR/ref/`` or ``STRD/ISO/RF../`` -> reference."""
    if value is None:
        return None, None
    if value.startswith("STRD/"):
        parts = value.split("/")
        return None, (parts[2].strip() or None) if len(parts) > 2 else None
    for prefix in ("USTD//", "USTD/", "//"):
        if value.startswith(prefix):
            value = value[len(prefix) :]
            break
    return _blank_to_none(value.removesuffix("/")), None


def _parse_flat(joined: str, dialect: str) -> Details:
    fields = split_fields(joined, _FLAT_SPLIT)
    account = fields.get("IBAN") or fields.get("BBAN")
    text = _blank_to_none(fields.get("REMI"))
    reference = _blank_to_none(fields.get("CDTRREF")) or reference_in_text(text)
    return Details(
        dialect=dialect,
        counterparty_account=clean_account(account) if account else None,
        counterparty_name=_blank_to_none(fields.get("NAME")),
        remittance_text=text,
        structured_reference=reference,
        return_reason=_blank_to_none(fields.get("RTRN")),
        end_to_end_id=_blank_to_none(fields.get("EREF")),
        mandate_id=_blank_to_none(fields.get("MARF")),
        payment_info_id=_blank_to_none(fields.get("PREF")),
    )


def _parse_triodos(joined: str) -> Details:
    chunks = _TRIODOS.split(joined)
    description: list[str] = []
    account = None
    for code, value in zip(chunks[1::2], chunks[2::2], strict=True):
        if code.startswith("2"):
            description.append(value)
        elif code == "10":  # counter-account; >31 repeats the statement's own account
            account = clean_account(value)
    text = normalise_text("".join(description))
    return Details(
        dialect="triodos",
        counterparty_account=account,
        remittance_text=text,
        structured_reference=reference_in_text(text),
    )


def _parse_unstructured(lines: list[str]) -> Details:
    remaining = list(lines)
    account = name = None
    first = normalise_text(remaining[0]) if remaining else None
    leading = _LEADING_ACCOUNT.match(remaining[0].strip()) if first else None
    if leading:
        account = clean_account(leading.group("giro") or leading.group("acct"))
        pieces = re.split(r"\s{2,}|\t", leading.group("rest") or "", maxsplit=1)
        name = normalise_text(pieces[0])
        remaining = [pieces[1] if len(pieces) > 1 else "", *remaining[1:]]
    for index, line in enumerate(remaining):
        knab = _KNAB_ACCOUNT.search(line)
        if knab:
            account, name = knab.group("acct"), normalise_text(knab.group("name"))
            remaining = remaining[:index] + remaining[index + 1 :]
            break
    rest_joined = "".join(line.strip() for line in remaining)
    if account and _FLAT_START.match(rest_joined):  # ASN: "IBAN name" line, then SWIFT fields
        flat = _parse_flat(rest_joined, "unstructured+swift")
        return Details(
            dialect=flat.dialect,
            counterparty_account=flat.counterparty_account or account,
            counterparty_name=flat.counterparty_name or name,
            remittance_text=flat.remittance_text,
            structured_reference=flat.structured_reference,
            return_reason=flat.return_reason,
            end_to_end_id=flat.end_to_end_id,
            mandate_id=flat.mandate_id,
            payment_info_id=flat.payment_info_id,
        )
    text = normalise_text(" ".join(remaining))
    return Details(
        dialect="unstructured",
        counterparty_account=account,
        counterparty_name=name,
        remittance_text=text,
        structured_reference=reference_in_text(" ".join(lines)),
    )


def _blank_to_none(value: str | None) -> str | None:
    if value is None:
        return None
    stripped = value.strip()
    return stripped or None
