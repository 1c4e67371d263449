"""Small CAMT.053 files for the payments tests (written by `incasso.bankfiles.samples`), and the shared
bank statements with their expected values."""

from __future__ import annotations

from pathlib import Path

from incasso.bankfiles.samples import OUR_IBAN, Line, camt, camt_statements

SHARED_BANK = Path(__file__).resolve().parents[4] / ".." / "shared" / "testdata" / "bank"

__all__ = ["OUR_IBAN", "SHARED_BANK", "Line", "camt", "camt_statements"]
