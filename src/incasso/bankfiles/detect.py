"""Which format a file is, and its text, from the bytes alone (the file name is only for messages)."""

from __future__ import annotations

import re

from .errors import StatementFileError
from .notices import NOT_UTF8, Notice

_MT940_MARKERS = (re.compile(rb"(?m)^\s*(?:\{4:)?:20:"), re.compile(rb"(?m)^:25:"))


def detect_format(data: bytes, file: str) -> str:
    """``"xml"`` or ``"mt940"``; anything else is refused."""
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head:
        raise StatementFileError(file, None, "empty file")
    if head.startswith(b"<"):
        return "xml"
    if all(marker.search(data) for marker in _MT940_MARKERS):
        return "mt940"
    raise StatementFileError(file, None, "not a bank statement file (neither CAMT XML nor MT940)")


def decode_mt940(data: bytes, file: str, warnings: list[str]) -> str:
    """UTF-8 (what bunq, Knab and current exports use; ASCII is a subset); else Windows-1252.

    Older Dutch bank exports are Windows-1252. A file that is neither is refused with the line of
    the first byte that fits no encoding, rather than silently turned into replacement characters.
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as utf8_error:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            raise StatementFileError(
                file, f"line {line}", f"undecodable byte 0x{data[error.start]:02x} (neither UTF-8 nor cp1252)"
            ) from None
        line = data[: utf8_error.start].count(b"\n") + 1
        warnings.append(Notice(NOT_UTF8, file=file, line=line))
        return text
