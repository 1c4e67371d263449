"""Bank statements in: CAMT.053/.054 and the Dutch banks' MT940 dialects, as frozen entries.

Pure Python: no Django, nothing else of ours (an import-linter contract checks it).

    result = parse_statement_file(Path("ing.940"))
    for entry in result.entries: ...          # one StatementEntry per transaction
    result.warnings                           # e.g. balances that do not add up

Every problem with the input is a ``StatementFileError`` naming file, line or element, and problem.
"""

from __future__ import annotations

from .errors import StatementFileError
from .model import ParseResult, Statement, StatementEntry
from .parse import parse_statement_bytes, parse_statement_file
from .report import dry_run_report

__all__ = [
    "ParseResult",
    "Statement",
    "StatementEntry",
    "StatementFileError",
    "dry_run_report",
    "parse_statement_bytes",
    "parse_statement_file",
]
