"""Reading an uploaded file into a plain table: CSV (UTF-8, `,` `;` or tab) or Excel `.xlsx`.

Everything that is wrong with the *file* (format, encoding, unreadable zip) raises `TableFileError`
with a message naming the file; what is wrong with a *cell* is for `claims.py` to say.

Encoding: CSV must be UTF-8, with or without a byte-order mark. A Windows-1252 / Latin-1 file (what
Excel's plain "CSV" export writes) is refused rather than guessed: a wrong guess turns `é` into `Ã©`
in a debtor's name on a letter, silently. The message says how to save the file correctly.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePath

from django.utils.translation import gettext as _

Cell = str | int | float | Decimal | dt.date | dt.datetime | None

CSV_SUFFIXES = {".csv", ".txt"}
XLSX_SUFFIXES = {".xlsx", ".xlsm"}
DELIMITERS = (";", ",", "\t")


class TableFileError(Exception):
    """The file as a whole cannot be read; nothing in it was looked at row by row."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Table:
    file_name: str
    kind: str  # "csv" or "xlsx"
    delimiter: str  # "" for xlsx
    headers: tuple[str, ...]
    rows: tuple[tuple[int, tuple[Cell, ...]], ...]  # (row number as the spreadsheet shows it, cells)

    @property
    def decimal_comma(self) -> bool:
        """Dutch exports (`;` CSV, text cells in Excel) write 1.234,56; a `,` CSV writes 1234.56."""
        return self.delimiter != ","


def table_read(*, data: bytes, file_name: str) -> Table:
    suffix = PurePath(file_name).suffix.lower()
    if suffix in XLSX_SUFFIXES:
        return _read_xlsx(data, file_name)
    if suffix == ".xls":
        raise TableFileError(
            _("%(file)s: the old Excel 97-2003 format (.xls) is not read; save it as .xlsx or CSV UTF-8")
            % {"file": file_name}
        )
    if suffix in CSV_SUFFIXES:
        return _read_csv(data, file_name)
    raise TableFileError(
        _("%(file)s: unsupported file type %(suffix)s; upload a .csv or .xlsx file")
        % {"file": file_name, "suffix": suffix or _("(none)")}
    )


def _decode(data: bytes, file_name: str) -> str:
    if data.startswith(b"PK\x03\x04"):
        raise TableFileError(
            _("%(file)s: this is an Excel/zip file with a .csv name; rename it to .xlsx")
            % {"file": file_name}
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise TableFileError(
            _("%(file)s: the file is UTF-16; save it as 'CSV UTF-8' instead") % {"file": file_name}
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        byte = data[exc.start : exc.start + 1].hex().upper()
        try:
            data.decode("cp1252")
            guess = _("it looks like Windows-1252/Latin-1 (Excel's plain 'CSV' export)")
        except UnicodeDecodeError:
            guess = _("the encoding is unknown")
        raise TableFileError(
            _(
                "%(file)s: not UTF-8 (byte 0x%(byte)s on line %(line)s); %(guess)s. "
                "Nothing was imported: save the file as 'CSV UTF-8' and upload it again"
            )
            % {"file": file_name, "byte": byte, "line": line, "guess": guess}
        ) from None


def _sniff_delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _read_csv(data: bytes, file_name: str) -> Table:
    text = _decode(data, file_name)
    if not text.strip():
        raise TableFileError(_("%(file)s: the file is empty") % {"file": file_name})
    delimiter = _sniff_delimiter(text.lstrip().splitlines()[0])
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
    except csv.Error as exc:
        raise TableFileError(
            _("%(file)s: not a readable CSV file (%(reason)s)") % {"file": file_name, "reason": exc}
        ) from None
    return _table(file_name, "csv", delimiter, records)


def _read_xlsx(data: bytes, file_name: str) -> Table:
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise TableFileError(
            _("%(file)s: not a valid .xlsx file (it is not a zip archive); save it again as .xlsx")
            % {"file": file_name}
        )
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises a zoo of types for broken workbooks
        raise TableFileError(
            _("%(file)s: the .xlsx file cannot be read (%(reason)s)")
            % {"file": file_name, "reason": type(exc).__name__}
        ) from None
    try:
        sheet = workbook.worksheets[0]
        records = [list(values) for values in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()
    return _table(file_name, "xlsx", "", records)


def _is_blank(cell: Cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _table(file_name: str, kind: str, delimiter: str, records: Sequence[Sequence[Cell]]) -> Table:
    if not records or all(_is_blank(c) for c in records[0]):
        raise TableFileError(_("%(file)s: the first row must hold the column names") % {"file": file_name})
    headers = [str(c).strip() if c is not None else "" for c in records[0]]
    while headers and not headers[-1]:
        headers.pop()
    rows = []
    for number, record in enumerate(records[1:], start=2):
        cells = tuple(record[: len(headers)]) + (None,) * (len(headers) - len(record))
        if all(_is_blank(c) for c in cells):
            continue
        rows.append((number, cells))
    if not rows:
        raise TableFileError(_("%(file)s: the file has column names but no rows") % {"file": file_name})
    return Table(
        file_name=file_name, kind=kind, delimiter=delimiter, headers=tuple(headers), rows=tuple(rows)
    )
