"""Frozen records that leave the parsers: one ``StatementEntry`` per transaction.

Amounts are ``Decimal`` quantised to the currency's minor unit and signed from the account
holder's view: money in (credit) is positive, money out (debit) negative. A reversal keeps the sign
of the booking it is (the money really moved that way) and is flagged with ``is_reversal``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class StatementEntry:
    key: str
    booking_date: date
    value_date: date
    amount: Decimal
    currency: str
    counterparty_iban: str | None
    counterparty_name: str | None
    remittance_text: str | None
    structured_reference: str | None
    return_reason: str | None
    end_to_end_id: str | None
    mandate_id: str | None
    account_iban: str | None
    statement_id: str
    statement_date: date | None
    bank_reference: str | None
    is_reversal: bool
    file: str
    position: str


@dataclass(frozen=True, slots=True)
class Statement:
    statement_id: str
    format: str
    account: str | None
    account_iban: str | None
    currency: str | None
    statement_date: date | None
    opening_balance: Decimal | None
    closing_balance: Decimal | None
    bank_entry_count: int
    entries: tuple[StatementEntry, ...]


@dataclass(frozen=True, slots=True)
class ParseResult:
    file: str
    format: str
    statements: list[Statement]
    warnings: list[str] = field(default_factory=list)

    @property
    def entries(self) -> list[StatementEntry]:
        return [entry for statement in self.statements for entry in statement.entries]
