"""Format detection and dispatch: bytes or a path in, ``ParseResult`` out."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from .camt import parse_camt
from .detect import decode_mt940, detect_format
from .errors import StatementFileError
from .model import ParseResult
from .mt940 import parse_mt940


def parse_statement_file(path: Path) -> ParseResult:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise StatementFileError(str(path), None, f"cannot read file: {exc.strerror or exc}") from None
    return parse_statement_bytes(data, str(path))


def parse_statement_bytes(data: bytes, name: str) -> ParseResult:
    warnings: list[str] = []
    if detect_format(data, name) == "mt940":
        statements = parse_mt940(decode_mt940(data, name, warnings), name, warnings)
        return ParseResult(file=name, format="MT940", statements=statements, warnings=warnings)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno is not None else "?"
        raise StatementFileError(name, f"line {line}", f"not well-formed XML: {exc.msg}") from None
    version, statements = parse_camt(root, name, warnings)
    return ParseResult(file=name, format=version, statements=statements, warnings=warnings)
