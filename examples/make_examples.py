"""Write claims-example.xlsx from claims-example.csv, with real date and number cells.

.venv/bin/python examples/make_examples.py
"""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
DATES = {"invoice_date", "due_date", "date_of_birth"}


def cell(column: str, value: str) -> object:
    if not value:
        return None
    if column in DATES:
        if value[4] == "-":
            return dt.date.fromisoformat(value)
        day, month, year = map(int, value.split("-"))
        return dt.date(year, month, day)
    if column == "principal":
        return Decimal(value)
    return value


def main() -> None:
    with (HERE / "claims-example.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Vorderingen"
    headers = rows[0]
    sheet.append(headers)
    for row in rows[1:]:
        sheet.append([cell(column, value) for column, value in zip(headers, row, strict=True)])
    for column in sheet.iter_cols(min_row=2):
        for c in column:
            if isinstance(c.value, dt.date):
                c.number_format = "DD-MM-YYYY"
    workbook.properties.creator = "Incasso"
    workbook.properties.created = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    workbook.properties.modified = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    workbook.save(HERE / "claims-example.xlsx")


if __name__ == "__main__":
    main()
