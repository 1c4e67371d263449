"""The stable key of an entry.

Same transaction in the same or an overlapping file (one that repeats some of the statements) gives
the same key; two transactions with identical fields on one day get different keys because the
position inside the statement (``3``, or ``3.2`` for the second ``TxDtls`` of the third ``Ntry``) is
part of it. The statement is identified by what the bank wrote in it (account, statement id, date),
never by its position in the file, so cutting a file differently does not change keys.
"""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal


def entry_key(
    *,
    account: str | None,
    statement_identity: str,
    position: str,
    value_date: date,
    amount: Decimal,
    bank_reference: str | None,
) -> str:
    parts = [
        account or "",
        statement_identity,
        position,
        value_date.isoformat(),
        str(amount),
        bank_reference or "",
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]
