"""MT940 statements as the Dutch banks write them.

We read MT940 with our own small tokenizer rather than the ``mt-940`` package: on the shared test
files ``mt-940`` raises for ASN, SNS and ING files (a ``:61:`` customer reference longer than 16
characters, a ``:28C:`` number wrapped onto a second line), reads 1 of 39 entries of the old Rabobank
format (decimal point, several ``:86:`` per entry) and prints its regex debugging to stdout when it
fails. The parts we need are small (split the message into tags, read ``:61:`` and the balances), a
normalising pre-pass for ``mt-940`` would have had to rewrite exactly those parts, and one code path
for every dialect means one behaviour to test. ``:86:`` is read in ``mt940_details``.

Tolerated: SWIFT blocks ``{1:..}{2:..}{4:`` and ``-}``, bank header lines (``ABNANL2A``, ``940``,
``0000 01INGBNL2AXXXX00001``, ``:940:``), CR/LF/CRLF, a Ctrl-Z end byte, blank and space-padded lines,
``:60M:/:62M:`` intermediate balances, several ``:86:`` per entry, blank entry dates, amounts such as
``7,5``, ``203,`` and ``300.00``. Balances that do not add up give a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from .amounts import AmountError, parse_mt940_amount
from .errors import StatementFileError
from .identifiers import account_from_field25, clean_account, looks_like_account
from .keys import entry_key
from .model import Statement, StatementEntry
from .mt940_details import Details, parse_details
from .notices import MT940_BALANCE_MISMATCH, MT940_NO_ACCOUNT, MT940_NO_BALANCE, Notice

_TAG = re.compile(r"^:(\d{2}[A-Z]?):(.*)$")
_SWIFT_BLOCKS = re.compile(r"^(?:\{[1-3]:(?:[^{}]|\{[^{}]*\})*\})*\{4:")
_CONTINUABLE = {"28", "28C", "61", "86"}
_BALANCE = re.compile(r"^(?P<dc>[DC])(?P<date>\d{6})(?P<currency>[A-Z]{3})(?P<amount>[\d,.]+)$")
_LINE61 = re.compile(
    r"^(?P<value>\d{6})(?P<entry>\d{4}|\s{4})?(?P<dc>R?[DC])(?P<funds>[A-Z])?(?P<amount>\d+(?:[,.]\d*)?)"
    r"(?P<rest>.*)$"
)
_OLD_RABO_PARTY = re.compile(r"^(?P<acct>\d{9,10})\s+(?P<name>\S.*)$")


@dataclass
class _Field:
    tag: str
    line: int
    lines: list[str]

    @property
    def value(self) -> str:
        joiner = "" if self.tag in {"28", "28C"} else "\n"
        return joiner.join(self.lines).strip()


@dataclass
class _RawEntry:
    field61: _Field
    details: list[str] = field(default_factory=list)


@dataclass
class _RawStatement:
    line: int
    reference: str
    account: str | None = None
    number: str | None = None
    opening: tuple[Decimal, date, str] | None = None
    closing: tuple[Decimal, date, str] | None = None
    entries: list[_RawEntry] = field(default_factory=list)


def tokenise(text: str) -> list[_Field]:
    fields: list[_Field] = []
    current: _Field | None = None
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.rstrip()
        blocks = _SWIFT_BLOCKS.match(line)
        if blocks:
            line, current = line[blocks.end() :], None
        if line.startswith("-}") or line == "-":
            current = None
            continue
        if line.startswith("{"):
            continue
        tag = _TAG.match(line)
        if tag:
            current = _Field(tag.group(1), number, [tag.group(2)])
            fields.append(current)
        elif current is not None and current.tag in _CONTINUABLE:
            current.lines.append(line)
    return fields


def parse_mt940(text: str, file: str, warnings: list[str]) -> list[Statement]:
    raw_statements = _group(tokenise(text.replace("\x1a", "")), file)
    if not raw_statements:
        raise StatementFileError(file, None, "no MT940 statement (:20: ... :25:) found")
    return [_build(raw, file, warnings) for raw in raw_statements]


def _group(fields: list[_Field], file: str) -> list[_RawStatement]:
    statements: list[_RawStatement] = []
    current: _RawStatement | None = None
    for fld in fields:
        if fld.tag == "20":
            current = _RawStatement(line=fld.line, reference=fld.value)
            statements.append(current)
            continue
        if current is None:
            continue  # a header such as ":940:" before the first statement
        if fld.tag == "25":
            current.account = fld.value
        elif fld.tag in {"28", "28C"}:
            current.number = fld.value
        elif fld.tag in {"60F", "60M"}:
            current.opening = _balance(fld, file)
        elif fld.tag in {"62F", "62M"}:
            current.closing = _balance(fld, file)
        elif fld.tag == "61":
            current.entries.append(_RawEntry(fld))
        elif fld.tag == "86" and current.entries and current.closing is None:
            current.entries[-1].details.extend(line.rstrip() for line in fld.lines if line.strip())
    return statements


def _balance(fld: _Field, file: str) -> tuple[Decimal, date, str]:
    match = _BALANCE.match(fld.value.replace(" ", ""))
    if not match:
        raise StatementFileError(file, f"line {fld.line}", f"cannot read balance :{fld.tag}:{fld.value}")
    currency = match.group("currency")
    amount = _amount(match.group("amount"), currency, fld, file)
    sign = -1 if match.group("dc") == "D" else 1
    return sign * amount, _yymmdd(match.group("date"), fld, file), currency


def _amount(text: str, currency: str | None, fld: _Field, file: str) -> Decimal:
    try:
        return parse_mt940_amount(text, currency)
    except AmountError as exc:
        raise StatementFileError(file, f"line {fld.line}", f":{fld.tag}: {exc}") from None


def _yymmdd(text: str, fld: _Field, file: str) -> date:
    try:
        return date(2000 + int(text[:2]), int(text[2:4]), int(text[4:6]))
    except ValueError:
        raise StatementFileError(file, f"line {fld.line}", f":{fld.tag}: invalid date {text!r}") from None


def entry_date(value_date: date, mmdd: str) -> date:
    """The optional MMDD booking date of ``:61:``; the year follows the value date across new year."""
    month, day = int(mmdd[:2]), int(mmdd[2:])
    year = value_date.year
    if value_date.month == 12 and month == 1:
        year += 1
    elif value_date.month == 1 and month == 12:
        year -= 1
    return date(year, month, day)


def _build(raw: _RawStatement, file: str, warnings: list[str]) -> Statement:
    statement_id = f"{raw.reference}/{raw.number}" if raw.number else raw.reference
    currency = raw.opening[2] if raw.opening else raw.closing[2] if raw.closing else None
    statement_date = raw.closing[1] if raw.closing else raw.opening[1] if raw.opening else None
    account_iban = account_from_field25(raw.account) if raw.account else None
    where = {"file": file, "statement": statement_id, "line": raw.line}
    if raw.account is None:
        warnings.append(Notice(MT940_NO_ACCOUNT, **where))
    entries = []
    for position, raw_entry in enumerate(raw.entries, start=1):
        if currency is None:
            raise StatementFileError(
                file, f"line {raw_entry.field61.line}", "entry before any balance: currency unknown"
            )
        entries.append(
            _entry(
                raw_entry,
                file=file,
                position=position,
                currency=currency,
                account_iban=account_iban,
                statement_id=statement_id,
                statement_date=statement_date,
                identity=raw.number or raw.reference,
            )
        )
    total = sum((entry.amount for entry in entries), Decimal(0))
    if raw.opening and raw.closing:
        if raw.opening[0] + total != raw.closing[0]:
            warnings.append(
                Notice(
                    MT940_BALANCE_MISMATCH,
                    **where,
                    opening=raw.opening[0],
                    entries=total,
                    closing=raw.closing[0],
                )
            )
    else:
        warnings.append(Notice(MT940_NO_BALANCE, **where))
    return Statement(
        statement_id=statement_id,
        format="MT940",
        account=raw.account,
        account_iban=account_iban,
        currency=currency,
        statement_date=statement_date,
        opening_balance=raw.opening[0] if raw.opening else None,
        closing_balance=raw.closing[0] if raw.closing else None,
        bank_entry_count=len(raw.entries),
        entries=tuple(entries),
    )


def _entry(
    raw: _RawEntry,
    *,
    file: str,
    position: int,
    currency: str,
    account_iban: str | None,
    statement_id: str,
    statement_date: date | None,
    identity: str,
) -> StatementEntry:
    fld = raw.field61
    match = _LINE61.match(fld.lines[0].strip())
    if not match:
        raise StatementFileError(file, f"line {fld.line}", f"cannot read :61:{fld.lines[0]}")
    value_date = _yymmdd(match.group("value"), fld, file)
    booking_date = value_date
    if match.group("entry") and match.group("entry").strip():
        try:
            booking_date = entry_date(value_date, match.group("entry"))
        except ValueError:
            raise StatementFileError(
                file, f"line {fld.line}", f":61: invalid entry date {match.group('entry')!r}"
            ) from None
    dc = match.group("dc")
    amount = _amount(match.group("amount"), currency, fld, file)
    signed = -amount if dc in {"D", "RC"} else amount
    rest = match.group("rest")
    customer_ref, _, bank_ref = rest[4:].partition("//")
    supplementary = [line.strip() for line in fld.lines[1:] if line.strip()]
    details = parse_details(raw.details)
    account, name = _counterparty(details, customer_ref.strip(), supplementary)
    bank_reference = bank_ref.strip() or None
    return StatementEntry(
        key=entry_key(
            account=account_iban,
            statement_identity=f"{identity}|{statement_date}",
            position=str(position),
            value_date=value_date,
            amount=signed,
            bank_reference=bank_reference,
        ),
        booking_date=booking_date,
        value_date=value_date,
        amount=signed,
        currency=currency,
        counterparty_iban=account,
        counterparty_name=name,
        remittance_text=details.remittance_text,
        structured_reference=details.structured_reference,
        return_reason=details.return_reason,
        end_to_end_id=details.end_to_end_id,
        mandate_id=details.mandate_id,
        account_iban=account_iban,
        statement_id=statement_id,
        statement_date=statement_date,
        bank_reference=bank_reference,
        is_reversal=dc.startswith("R"),
        file=file,
        position=str(position),
    )


def _counterparty(
    details: Details, customer_ref: str, supplementary: list[str]
) -> tuple[str | None, str | None]:
    """Counterparty from ``:86:`` first, then from the ``:61:`` line (Rabobank, ASN/SNS, old Rabobank)."""
    account, name = details.counterparty_account, details.counterparty_name
    extra = supplementary[0] if supplementary and not supplementary[0].startswith("/") else None
    if account is None and extra and looks_like_account(extra) and extra.strip("0"):
        account = clean_account(extra)  # Rabobank: counter-account on the second :61: line
    if account is None and looks_like_account(customer_ref):
        account = clean_account(customer_ref)  # ASN/SNS: counter-account as customer reference
        name = name or extra
    old_rabo = _OLD_RABO_PARTY.match(customer_ref)
    if account is None and old_rabo:
        account, name = old_rabo.group("acct"), name or old_rabo.group("name").strip()
    return account, name
