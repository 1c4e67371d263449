"""Small CAMT.053 files written on the spot: each payments test reads like the bank statement it imports,
and the demo imports "today's statement" through the real importer. Pure: no Django."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape

OUR_IBAN = "NL20INGB0001234567"


@dataclass(frozen=True)
class Line:
    amount: Decimal
    on: dt.date = dt.date(2024, 5, 20)
    name: str = ""
    iban: str = ""
    text: str = ""
    reference: str = ""
    return_reason: str = ""
    end_to_end: str = ""
    mandate: str = ""
    bank_ref: str = ""


def _entry(line: Line, n: int) -> str:
    credit = line.amount > 0
    role = "Dbtr" if credit else "Cdtr"
    party = ""
    if line.name or line.iban:
        party = "<RltdPties>"
        if line.name:
            party += f"<{role}><Nm>{escape(line.name)}</Nm></{role}>"
        if line.iban:
            party += f"<{role}Acct><Id><IBAN>{line.iban}</IBAN></Id></{role}Acct>"
        party += "</RltdPties>"
    remittance = ""
    if line.text or line.reference:
        remittance = "<RmtInf>"
        if line.text:
            remittance += f"<Ustrd>{escape(line.text)}</Ustrd>"
        if line.reference:
            remittance += f"<Strd><CdtrRefInf><Ref>{line.reference}</Ref></CdtrRefInf></Strd>"
        remittance += "</RmtInf>"
    refs = ""
    if line.end_to_end or line.mandate:
        refs = "<Refs>" + (f"<EndToEndId>{line.end_to_end}</EndToEndId>" if line.end_to_end else "")
        refs += (f"<MndtId>{line.mandate}</MndtId>" if line.mandate else "") + "</Refs>"
    rtr = f"<RtrInf><Rsn><Cd>{line.return_reason}</Cd></Rsn></RtrInf>" if line.return_reason else ""
    return f"""<Ntry><Amt Ccy="EUR">{abs(line.amount):.2f}</Amt><CdtDbtInd>{"CRDT" if credit else "DBIT"}</CdtDbtInd>
<Sts>BOOK</Sts><BookgDt><Dt>{line.on.isoformat()}</Dt></BookgDt><ValDt><Dt>{line.on.isoformat()}</Dt></ValDt>
<AcctSvcrRef>{line.bank_ref or f"REF{n}"}</AcctSvcrRef><BkTxCd/>
<NtryDtls><TxDtls>{refs}{party}{remittance}{rtr}</TxDtls></NtryDtls></Ntry>"""


def _statement(lines: list[Line], statement_id: str, account: str, created: str) -> str:
    entries = "\n".join(_entry(line, n) for n, line in enumerate(lines, start=1))
    return f"""<Stmt><Id>{statement_id}</Id><CreDtTm>{created}</CreDtTm>
<Acct><Id><IBAN>{account}</IBAN></Id></Acct>
{entries}
</Stmt>"""


def camt_statements(
    statements: list[tuple[str, list[Line]]],
    *,
    account: str = OUR_IBAN,
    created_on: dt.date = dt.date(2024, 5, 21),
) -> bytes:
    """One file holding several daily statements; overlapping files repeat whole statements."""
    stamp = f"{created_on.isoformat()}T06:00:00"  # the bank writes its statements early in the morning
    body = "\n".join(_statement(lines, sid, account, stamp) for sid, lines in statements)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
<GrpHdr><MsgId>MSG-1</MsgId><CreDtTm>{stamp}</CreDtTm></GrpHdr>
{body}
</BkToCstmrStmt></Document>""".encode()


def camt(
    lines: list[Line],
    *,
    statement_id: str = "STMT-1",
    account: str = OUR_IBAN,
    created_on: dt.date = dt.date(2024, 5, 21),
) -> bytes:
    return camt_statements([(statement_id, lines)], account=account, created_on=created_on)
