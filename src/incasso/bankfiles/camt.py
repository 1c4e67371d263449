"""ISO 20022 CAMT.053 (bank-to-customer statement) and CAMT.054 (debit/credit notification).

Plain ``lxml`` with the document's own namespace; versions ``.001.02`` to ``.001.08`` of both.
Other versions (and camt.052, pain.*) are refused: their element names differ enough that guessing
would give wrong money. One ``StatementEntry`` per ``TxDtls``; an ``Ntry`` without ``TxDtls`` is one
item with the entry's own data. Amounts come from ``TxDtls/Amt`` (v3+) or ``AmtDtls/TxAmt/Amt``;
when exactly one of several ``TxDtls`` has no amount it takes the remainder of the entry amount;
when more are missing, or the parts do not add up to the entry, the entry is kept as one item
and a warning says so. Entries whose status is not ``BOOK`` (pending, information) are left out with
a warning: no money moved yet.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from lxml import etree
from lxml.etree import _Element

from .amounts import AmountError, parse_xml_amount
from .errors import StatementFileError
from .identifiers import reference_in_text
from .keys import entry_key
from .model import Statement, StatementEntry
from .notices import (
    CAMT_BALANCE_MISMATCH,
    CAMT_CURRENCIES_DIFFER,
    CAMT_NO_BALANCE,
    DETAILS_DO_NOT_ADD_UP,
    ENTRY_NOT_BOOKED,
    NO_STATEMENTS,
    Notice,
)

_NAMESPACE = re.compile(r"^urn:iso:std:iso:20022:tech:xsd:(camt\.05[34])\.001\.(\d\d)$")
SUPPORTED_VERSIONS = range(2, 9)


# What is read from an ``Ntry`` and from each of its ``TxDtls`` (see ``_Flat``).
_ENTRY_PATHS = (
    "Amt", "CdtDbtInd", "Sts/Cd", "Sts", "ValDt/Dt", "ValDt/DtTm", "BookgDt/Dt", "BookgDt/DtTm",
    "RvslInd", "AcctSvcrRef", "NtryRef", "AddtlNtryInf", "NtryDtls/TxDtls",
)  # fmt: skip
_TX_PATHS = tuple(
    [
        "Amt", "AmtDtls/TxAmt/Amt", "RmtInf/Ustrd", "RmtInf/Strd/CdtrRefInf/Ref", "RtrInf/Rsn/Cd",
        "RtrInf/Rsn/Prtry", "Refs/EndToEndId", "Refs/MndtId",
    ]
    + [
        f"RltdPties/{path}"
        for role in ("Cdtr", "Dbtr")
        for path in (f"{role}Acct/Id/IBAN", f"{role}Acct/Id/Othr/Id", f"{role}/Nm", f"{role}/Pty/Nm")
    ]
)  # fmt: skip


class _Shape(NamedTuple):
    """What ``_Doc.flat`` reads of a subtree: these paths, and of ``every`` path all matches."""

    paths: tuple[str, ...]
    every: tuple[tuple[str, ...], ...]


_ENTRY_SHAPE = _Shape(_ENTRY_PATHS, every=(("NtryDtls", "TxDtls"),))
_TX_SHAPE = _Shape(_TX_PATHS, every=(("RmtInf", "Ustrd"),))


class _Step(NamedTuple):
    """A child tag on the way to a path that is read: its path, and the steps below it."""

    key: tuple[str, ...]
    every: bool
    then: dict[str, _Step]


class _Flat(NamedTuple):
    """One walk over an element's subtree: the first element at each path, as ``find`` gives it.

    lxml's ``find`` costs microseconds per call (ElementPath in Python) and an entry asks ~30 of
    them. A pre-order walk meets elements in document order, so the first element met at a path of
    local names (``("RltdPties", "DbtrAcct", "Id", "IBAN")``) is the one ``find`` returns, and
    ``every`` lists what ``iterfind`` yields, in the same order. The walk only enters elements on the
    way to a path that is read, and matches qualified tags, so elements of other namespaces, comments
    and processing instructions are passed over, as ``find`` passes them over.
    """

    first: dict[tuple[str, ...], _Element]
    every: dict[tuple[str, ...], list[_Element]]

    def text(self, *paths: tuple[str, ...]) -> str | None:
        """The stripped text of the first of ``paths`` that is present and not empty (``_Doc.text``)."""
        for path in paths:
            found = self.first.get(path)
            if found is not None:
                text: str | None = found.text
                if text:
                    stripped = text.strip()
                    if stripped:
                        return stripped
        return None


def _walk(node: _Element, steps: dict[str, _Step], flat: _Flat) -> None:
    first = flat.first
    for child in node:
        step = steps.get(child.tag)
        if step is None:
            continue
        key = step.key
        if key not in first:
            first[key] = child
        if step.every:
            flat.every[key].append(child)
        if step.then:
            _walk(child, step.then, flat)


@dataclass(frozen=True)
class _Doc:
    file: str
    ns: str
    _steps: dict[_Shape, dict[str, _Step]] = field(default_factory=dict, compare=False, repr=False)

    def flat(self, element: _Element, shape: _Shape) -> _Flat:
        steps = self._steps.get(shape)
        if steps is None:
            steps = self._steps[shape] = self._compile(shape)
        flat = _Flat({}, {key: [] for key in shape.every})
        _walk(element, steps, flat)
        return flat

    def _compile(self, shape: _Shape) -> dict[str, _Step]:
        root: dict[str, _Step] = {}
        for path in shape.paths:
            steps, parts = root, path.split("/")
            for depth, part in enumerate(parts, start=1):
                tag = f"{{{self.ns}}}{part}"
                step = steps.get(tag)
                if step is None:
                    key = tuple(parts[:depth])
                    step = steps[tag] = _Step(key, key in shape.every, {})
                steps = step.then
        return root

    def q(self, path: str) -> str:
        return "/".join(f"{{{self.ns}}}{part}" for part in path.split("/"))

    def find(self, element: _Element, path: str) -> _Element | None:
        return element.find(self.q(path))

    def findall(self, element: _Element, path: str) -> list[_Element]:
        return list(element.iterfind(self.q(path)))

    def text(self, element: _Element | None, *paths: str) -> str | None:
        """The stripped text of the first of ``paths`` that is present and not empty."""
        if element is None:
            return None
        for path in paths:
            found = element.find(self.q(path))
            if found is not None and found.text and found.text.strip():
                return str(found.text).strip()
        return None

    def error(self, element: _Element, problem: str) -> StatementFileError:
        return StatementFileError(self.file, element_path(element), problem)


def element_path(element: _Element) -> str:
    """``/Document/BkToCstmrStmt/Stmt[2]/Ntry[3]/Amt``: local names, 1-based index among namesakes."""
    parts = []
    node: _Element | None = element
    while node is not None:
        name = etree.QName(node).localname
        parent = node.getparent()
        if parent is not None:
            namesakes = [child for child in parent if child.tag == node.tag]
            if len(namesakes) > 1:
                name += f"[{namesakes.index(node) + 1}]"
        parts.append(name)
        node = parent
    return "/" + "/".join(reversed(parts))


def camt_version(root: _Element, file: str) -> str:
    namespace = etree.QName(root).namespace or ""
    match = _NAMESPACE.match(namespace)
    if etree.QName(root).localname != "Document" or not match:
        kind = namespace.rsplit(":", 1)[-1] if namespace else etree.QName(root).localname
        raise StatementFileError(file, element_path(root), f"not a CAMT.053/054 statement ({kind})")
    if int(match.group(2)) not in SUPPORTED_VERSIONS:
        raise StatementFileError(
            file,
            element_path(root),
            f"unsupported CAMT version {match.group(1)}.001.{match.group(2)} (supported: .001.02 to .001.08)",
        )
    return f"{match.group(1)}.001.{match.group(2)}"


def parse_camt(root: _Element, file: str, warnings: list[str]) -> tuple[str, list[Statement]]:
    version = camt_version(root, file)
    doc = _Doc(file, etree.QName(root).namespace or "")
    reports = doc.findall(root, "BkToCstmrStmt/Stmt") + doc.findall(root, "BkToCstmrDbtCdtNtfctn/Ntfctn")
    if not reports:
        warnings.append(Notice(NO_STATEMENTS, file=file, version=version))
    return version, [_statement(doc, report, version, warnings) for report in reports]


def _date(doc: _Doc, element: _Element | None, path: str) -> date | None:
    if element is None:
        return None
    found = doc.find(element, path)
    if found is None:
        return None
    value = doc.text(found, "Dt", "DtTm")
    if value is None:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        raise doc.error(found, f"invalid date {value!r}") from None


def _amount(doc: _Doc, element: _Element) -> tuple[Decimal, str]:
    currency = element.get("Ccy") or ""
    try:
        return parse_xml_amount(element.text or "", currency), currency
    except AmountError as exc:
        raise doc.error(element, str(exc)) from None


def _signed(doc: _Doc, holder: _Element, amount: Decimal, indicator: str | None = None) -> Decimal:
    """``amount`` signed by the holder's ``CdtDbtInd`` (``indicator`` when already read)."""
    if indicator is None:
        indicator = doc.text(holder, "CdtDbtInd")
    if indicator not in {"CRDT", "DBIT"}:
        raise doc.error(holder, f"CdtDbtInd must be CRDT or DBIT, not {indicator!r}")
    return amount if indicator == "CRDT" else -amount


def _statement(doc: _Doc, report: _Element, version: str, warnings: list[str]) -> Statement:
    statement_id = doc.text(report, "Id") or ""
    account = doc.text(report, "Acct/Id/IBAN", "Acct/Id/Othr/Id")
    balances: dict[str, tuple[Decimal, str, date | None]] = {}
    for balance in doc.findall(report, "Bal"):
        code = doc.text(balance, "Tp/CdOrPrtry/Cd", "Tp/CdOrPrtry/Prtry") or ""
        amount_element = doc.find(balance, "Amt")
        if amount_element is None:
            raise doc.error(balance, "balance without Amt")
        amount, currency = _amount(doc, amount_element)
        value = (_signed(doc, balance, amount), currency, _date(doc, balance, "Dt"))
        if code == "CLBD" or code not in balances:
            balances[code] = value
    opening = balances.get("OPBD") or balances.get("PRCD")
    closing = balances.get("CLBD")
    created = doc.text(report, "CreDtTm")
    statement_date = closing[2] if closing else None
    if statement_date is None and created:
        statement_date = date.fromisoformat(created[:10])
    identity = f"{doc.text(report, 'ElctrncSeqNb', 'LglSeqNb') or statement_id}|{statement_date}"
    entries: list[StatementEntry] = []
    booked_total = Decimal(0)
    ntries = doc.findall(report, "Ntry")
    report_path = ""  # element_path(report), needed only for warnings

    def entry_path(position: int) -> str:
        # element_path(entry) without scanning all siblings: the entry is the position-th Ntry.
        nonlocal report_path
        report_path = report_path or element_path(report)
        return f"{report_path}/Ntry[{position}]" if len(ntries) > 1 else f"{report_path}/Ntry"

    for position, entry in enumerate(ntries, start=1):
        flat = doc.flat(entry, _ENTRY_SHAPE)
        status = flat.text(_STS_CD, _STS)
        if status is not None and status != "BOOK":
            warnings.append(
                Notice(ENTRY_NOT_BOOKED, file=doc.file, entry=entry_path(position), status=status)
            )
            continue
        items = _entry_items(doc, entry, flat, position, entry_path, warnings)
        booked_total += sum((item.amount for item in items), Decimal(0))
        for item in items:
            entries.append(
                _build(
                    doc,
                    item,
                    account=account,
                    statement_id=statement_id,
                    statement_date=statement_date,
                    identity=identity,
                )
            )
    where = {"file": doc.file, "statement": statement_id, "path": element_path(report)}
    if opening and closing:
        if opening[1] != closing[1]:
            warnings.append(Notice(CAMT_CURRENCIES_DIFFER, **where, opening=opening[1], closing=closing[1]))
        elif opening[0] + booked_total != closing[0]:
            warnings.append(
                Notice(
                    CAMT_BALANCE_MISMATCH,
                    **where,
                    opening=opening[0],
                    entries=booked_total,
                    closing=closing[0],
                )
            )
    elif version.startswith("camt.053"):
        warnings.append(Notice(CAMT_NO_BALANCE, **where))
    return Statement(
        statement_id=statement_id,
        format=version,
        account=account,
        account_iban=account,
        currency=doc.text(report, "Acct/Ccy") or (closing[1] if closing else None),
        statement_date=statement_date,
        opening_balance=opening[0] if opening else None,
        closing_balance=closing[0] if closing else None,
        bank_entry_count=len(ntries),
        entries=tuple(entries),
    )


def _key(path: str) -> tuple[str, ...]:
    return tuple(path.split("/"))


_AMT, _CDT_DBT_IND, _STS_CD, _STS = _key("Amt"), _key("CdtDbtInd"), _key("Sts/Cd"), _key("Sts")
_VAL_DT, _BOOKG_DT = _key("ValDt"), _key("BookgDt")
_RVSL_IND, _ACCT_SVCR_REF, _NTRY_REF = _key("RvslInd"), _key("AcctSvcrRef"), _key("NtryRef")
_ADDTL_NTRY_INF, _TX_DTLS = _key("AddtlNtryInf"), _key("NtryDtls/TxDtls")
_DATE_PATHS = {path: ((*path, "Dt"), (*path, "DtTm")) for path in (_VAL_DT, _BOOKG_DT)}
_TX_AMOUNTS = (_key("Amt"), _key("AmtDtls/TxAmt/Amt"))
_USTRD, _CDTR_REF = _key("RmtInf/Ustrd"), _key("RmtInf/Strd/CdtrRefInf/Ref")
_REASON, _REASON_PRTRY = _key("RtrInf/Rsn/Cd"), _key("RtrInf/Rsn/Prtry")
_END_TO_END, _MANDATE = _key("Refs/EndToEndId"), _key("Refs/MndtId")
_PARTY = {
    role: tuple(
        _key(f"RltdPties/{path}")
        for path in (f"{role}Acct/Id/IBAN", f"{role}Acct/Id/Othr/Id", f"{role}/Nm", f"{role}/Pty/Nm")
    )
    for role in ("Cdtr", "Dbtr")
}


class _Item(NamedTuple):
    booking_date: date
    value_date: date
    currency: str
    is_reversal: bool
    bank_reference: str | None
    info: str | None
    amount: Decimal
    position: str
    tx: _Flat | None


def _flat_date(doc: _Doc, flat: _Flat, path: tuple[str, ...]) -> date | None:
    """``_date`` for an element read with ``_Doc.flat``."""
    found = flat.first.get(path)
    if found is None:
        return None
    value = flat.text(*_DATE_PATHS[path])
    if value is None:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        raise doc.error(found, f"invalid date {value!r}") from None


def _entry_items(
    doc: _Doc,
    entry: _Element,
    flat: _Flat,
    position: int,
    entry_path: Callable[[int], str],
    warnings: list[str],
) -> list[_Item]:
    amount_element = flat.first.get(_AMT)
    if amount_element is None:
        raise doc.error(entry, "entry without Amt")
    amount, currency = _amount(doc, amount_element)
    signed = _signed(doc, entry, amount, flat.text(_CDT_DBT_IND))
    value_date = _flat_date(doc, flat, _VAL_DT)
    booking_date = _flat_date(doc, flat, _BOOKG_DT) or value_date
    if booking_date is None:
        raise doc.error(entry, "entry without BookgDt or ValDt")
    base = _Item(
        booking_date,
        value_date or booking_date,
        currency,
        flat.text(_RVSL_IND) == "true",
        flat.text(_ACCT_SVCR_REF, _NTRY_REF),
        flat.text(_ADDTL_NTRY_INF),
        signed,
        str(position),
        None,
    )
    details = flat.every[_TX_DTLS]
    if not details:
        return [base]
    txs = [doc.flat(tx, _TX_SHAPE) for tx in details]
    parts = [_tx_amount(doc, tx, currency) for tx in txs]  # read (and checked) even when not used
    sign = 1 if signed >= 0 else -1
    if len(details) == 1:  # the common case: the booked amount, whatever the TxDtls says
        return [base._replace(amount=sign * amount, position=f"{position}.1", tx=txs[0])]
    missing = [index for index, part in enumerate(parts) if part is None]
    if len(missing) == 1:
        parts[missing[0]] = amount - sum((part for part in parts if part is not None), Decimal(0))
    if any(part is None for part in parts) or sum(p for p in parts if p is not None) != amount:
        warnings.append(
            Notice(
                DETAILS_DO_NOT_ADD_UP,
                file=doc.file,
                entry=entry_path(position),
                count=len(details),
                amount=amount,
            )
        )
        return [base._replace(tx=txs[0])]
    return [
        base._replace(amount=sign * part, position=f"{position}.{index}", tx=tx)
        for index, (tx, part) in enumerate(zip(txs, parts, strict=True), start=1)
        if part is not None
    ]


def _tx_amount(doc: _Doc, tx: _Flat, currency: str) -> Decimal | None:
    for path in _TX_AMOUNTS:
        element = tx.first.get(path)
        if element is not None:
            amount, tx_currency = _amount(doc, element)
            return amount if tx_currency == currency else None
    return None


def _party(tx: _Flat, role: str) -> tuple[str | None, str | None]:
    iban, other_id, name, party_name = _PARTY[role]
    return tx.text(iban, other_id), tx.text(name, party_name)


def _build(
    doc: _Doc,
    item: _Item,
    *,
    account: str | None,
    statement_id: str,
    statement_date: date | None,
    identity: str,
) -> StatementEntry:
    tx, amount = item.tx, item.amount
    iban = name = text = reference = reason = end_to_end = mandate = None
    if tx is not None:
        # The counterparty is the other side of the money: the creditor when money goes out, the
        # debtor when it comes in; a reversal returns money to the party of the original booking.
        outgoing = (amount < 0) != item.is_reversal
        first, second = ("Cdtr", "Dbtr") if outgoing else ("Dbtr", "Cdtr")
        iban, name = _party(tx, first)
        if iban is None and name is None:
            other_iban, other_name = _party(tx, second)
            if other_iban != account:
                iban, name = other_iban, other_name
        lines = [element.text.strip() for element in tx.every[_USTRD] if element.text]
        text = " ".join(line for line in lines if line) or None
        reference = tx.text(_CDTR_REF) or reference_in_text(text)
        reason = tx.text(_REASON, _REASON_PRTRY)
        end_to_end = tx.text(_END_TO_END)
        mandate = tx.text(_MANDATE)
    return StatementEntry(
        key=entry_key(
            account=account,
            statement_identity=identity,
            position=item.position,
            value_date=item.value_date,
            amount=amount,
            bank_reference=item.bank_reference,
        ),
        booking_date=item.booking_date,
        value_date=item.value_date,
        amount=amount,
        currency=item.currency,
        counterparty_iban=iban,
        counterparty_name=name,
        remittance_text=text or item.info,
        structured_reference=reference,
        return_reason=reason,
        end_to_end_id=end_to_end,
        mandate_id=mandate,
        account_iban=account,
        statement_id=statement_id,
        statement_date=statement_date,
        bank_reference=item.bank_reference,
        is_reversal=item.is_reversal,
        file=doc.file,
        position=item.position,
    )
