from __future__ import annotations

import json
import re
from pathlib import Path

from incasso.bankfiles import dry_run_report, parse_statement_bytes, parse_statement_file

from .conftest import BANK


def test_same_file_twice_gives_the_same_keys() -> None:
    for name in ("php-mt940/Bunq/sample", "mpdroog-invoiced/CAMT053.xml"):
        first = [entry.key for entry in parse_statement_file(BANK / name).entries]
        second = [entry.key for entry in parse_statement_file(BANK / name).entries]
        assert first == second


def test_keys_are_unique_within_every_file() -> None:
    # Across files they may repeat on purpose: several samples are copies of each other
    # (test-rabo.swi with CRLF, ASNB with blank entry dates), i.e. the same transactions.
    for path in sorted(BANK.rglob("*")):
        if _is_statement(path):
            keys = [entry.key for entry in parse_statement_file(path).entries]
            assert len(keys) == len(set(keys)), path


def test_identical_transactions_on_one_day_get_different_keys() -> None:
    text = (
        ":20:REF\n:25:NL20INGB0001234567EUR\n:28C:1\n:60F:C240102EUR100,00\n"
        + ":61:2401020102D10,00NTRFNONREF\n:86:/REMI/koffie\n" * 2
        + ":62F:C240102EUR80,00\n"
    )
    first, second = parse_statement_bytes(text.encode(), "x.940").entries
    assert (first.amount, first.remittance_text) == (second.amount, second.remittance_text)
    assert first.key != second.key


def test_overlapping_mt940_file_keeps_the_keys_of_shared_statements() -> None:
    source = (BANK / "php-mt940/Abn/sample").read_text(encoding="utf-8")
    messages = re.split(r"(?m)^-$\n?", source)
    subset = "-\n".join(messages[1:3]) + "-\n"  # statements 2 and 3 of 4, cut out and re-joined
    full = parse_statement_bytes(source.encode(), "full.940")
    part = parse_statement_bytes(subset.encode(), "part.940")
    full_keys = {entry.key for entry in full.entries}
    assert len(part.entries) == 2
    assert {entry.key for entry in part.entries} <= full_keys


def test_overlapping_camt_file_keeps_the_keys_of_shared_statements() -> None:
    source = (BANK / "mpdroog-invoiced/CAMT053.xml").read_text(encoding="utf-8")
    head, *statements = source.split("<Stmt>")
    last_close = statements[-1].rsplit("</Stmt>", 1)
    statements[-1] = last_close[0] + "</Stmt>"
    tail = last_close[1]
    with_entries = [s for s in statements if "<Ntry>" in s]
    subset = head + "".join("<Stmt>" + s for s in with_entries[2:5]) + tail
    full = parse_statement_bytes(source.encode(), "full.xml")
    part = parse_statement_bytes(subset.encode(), "part.xml")
    assert 0 < len(part.entries) < len(full.entries)
    assert {entry.key for entry in part.entries} <= {entry.key for entry in full.entries}


def test_dry_run_report_is_json_with_one_item_per_transaction() -> None:
    paths = [
        BANK / "oca-bank-statement-import/account_statement_import_camt/test-camt053",
        BANK / "php-mt940/Abn/sample",
    ]
    report = dry_run_report(paths)
    assert json.loads(json.dumps(report)) == report
    assert [f["entries"] for f in report["files"]] == [4, 5]
    returned = [item for item in report["entries"] if item["return_reason"]]
    assert [(item["amount"], item["mandate_id"]) for item in returned] == [
        ("-564.05", "NL22ZZZ524885430000-C0125.1"),
        ("-100.00", "NL22ZZZ524885430000-C0125.2"),
    ]
    assert report["entries"][5] == {
        "booking_date": "2009-06-24",
        "value_date": "2009-06-23",
        "amount": "-203.00",
        "currency": "EUR",
        "counterparty_iban": None,
        "counterparty_name": None,
        "remittance_text": "BEA 23.06.09/22.22 VILLA DORIA SCHOTEN,PAS590",
        "structured_reference": None,
        "return_reason": None,
        "end_to_end_id": None,
        "mandate_id": None,
        "account_iban": "500950253",
        "statement_id": "ABN AMRO BANK NV/17501/1",
        "key": report["entries"][5]["key"],
        "file": str(BANK / "php-mt940/Abn/sample"),
    }
    assert report["warnings"] == [w for w in report["warnings"] if "test-camt053" in w]


def _is_statement(path: Path) -> bool:
    return path.is_file() and path.suffix not in {".md", ".json", ".xsd"} and "pain" not in path.name
