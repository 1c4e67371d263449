"""The dry-run report behind ``incasso import statement FILE... --dry-run --json``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .model import ParseResult, StatementEntry
from .parse import parse_statement_file


def entry_as_json(entry: StatementEntry) -> dict[str, Any]:
    return {
        "booking_date": entry.booking_date.isoformat(),
        "value_date": entry.value_date.isoformat(),
        "amount": str(entry.amount),
        "currency": entry.currency,
        "counterparty_iban": entry.counterparty_iban,
        "counterparty_name": entry.counterparty_name,
        "remittance_text": entry.remittance_text,
        "structured_reference": entry.structured_reference,
        "return_reason": entry.return_reason,
        "end_to_end_id": entry.end_to_end_id,
        "mandate_id": entry.mandate_id,
        "account_iban": entry.account_iban,
        "statement_id": entry.statement_id,
        "key": entry.key,
        "file": entry.file,
    }


def file_summary(result: ParseResult) -> dict[str, Any]:
    return {
        "file": result.file,
        "format": result.format,
        "statements": len(result.statements),
        "entries": len(result.entries),
        "warnings": len(result.warnings),
    }


def dry_run_report(paths: list[Path]) -> dict[str, Any]:
    """One JSON-able object for all ``paths``; raises ``StatementFileError`` on the first bad file."""
    results = [parse_statement_file(path) for path in paths]
    return {
        "files": [file_summary(result) for result in results],
        "entries": [entry_as_json(entry) for result in results for entry in result.entries],
        "warnings": [warning for result in results for warning in result.warnings],
    }
