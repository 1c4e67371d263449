"""CSV files as Dutch Excel opens them: semicolons, a decimal comma, UTF-8 with a byte-order mark."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal


def csv_amount(value: Decimal) -> str:
    """`1234,56`: two decimals and a comma, no thousands mark (Excel would read it as text)."""
    return f"{value:.2f}".replace(".", ",")


def csv_bytes(rows: Iterable[Sequence[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8-sig")
