"""Bad input raises StatementFileError naming file, place and problem; never another exception."""

from __future__ import annotations

from pathlib import Path

import pytest

from incasso.bankfiles import StatementFileError, dry_run_report, parse_statement_bytes, parse_statement_file

from .conftest import BANK

MT940 = (
    ":20:REF\n:25:NL20INGB0001234567EUR\n:28C:1\n:60F:C240102EUR100,00\n"
    ":61:2401020102D{amount}NTRFNONREF\n:86:/EREF/E2E//REMI/USTD//Factuur {text}/\n"
    ":62F:C240102EUR{closing}\n-\n"
)


def _mt940(amount: str = "10,00", closing: str = "90,00", text: str = "1") -> str:
    return MT940.format(amount=amount, closing=closing, text=text)


def _camt(tmp_path: Path, namespace: str) -> Path:
    source = (BANK / "genkgo-camt/test/data/camt053.v2.minimal.xml").read_text(encoding="utf-8")
    path = tmp_path / "statement.xml"
    path.write_text(source.replace("camt.053.001.02", namespace), encoding="utf-8")
    return path


def test_not_a_bank_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "letter.txt"
    path.write_text("Dear debtor,\nplease pay.\n", encoding="utf-8")
    with pytest.raises(StatementFileError, match=r"letter\.txt: not a bank statement file"):
        parse_statement_file(path)


def test_empty_and_missing_files_are_refused(tmp_path: Path) -> None:
    (tmp_path / "empty.940").write_bytes(b"")
    with pytest.raises(StatementFileError, match="empty file"):
        parse_statement_file(tmp_path / "empty.940")
    with pytest.raises(StatementFileError, match="cannot read file"):
        parse_statement_file(tmp_path / "missing.940")


def test_truncated_xml_names_the_line(tmp_path: Path) -> None:
    data = (BANK / "mpdroog-invoiced/CAMT053.xml").read_bytes()[:5000]
    path = tmp_path / "cut.xml"
    path.write_bytes(data)
    with pytest.raises(StatementFileError, match=r"cut\.xml, line \d+: not well-formed XML"):
        parse_statement_file(path)


@pytest.mark.parametrize("namespace", ["camt.052.001.02", "camt.053.001.99", "camt.053.001.01"])
def test_unknown_camt_version_is_refused(tmp_path: Path, namespace: str) -> None:
    with pytest.raises(StatementFileError, match=r"statement\.xml, /Document: (not a CAMT|unsupported CAMT)"):
        parse_statement_file(_camt(tmp_path, namespace))


def test_pain_file_is_not_a_statement() -> None:
    with pytest.raises(StatementFileError, match=r"not a CAMT\.053/054 statement \(pain\.008\.001\.02\)"):
        parse_statement_file(BANK / "php-sepa-xml/pain.008.001.02.xml")


def test_camt_amount_with_a_cent_fraction_names_the_element(tmp_path: Path) -> None:
    path = _camt(tmp_path, "camt.053.001.02")
    path.write_text(path.read_text(encoding="utf-8").replace(">8.85<", ">8.855<"), encoding="utf-8")
    with pytest.raises(
        StatementFileError, match=r"/Document/BkToCstmrStmt/Stmt/Ntry/Amt: amount 8\.855 has more"
    ):
        parse_statement_file(path)


def test_trailing_zero_decimals_are_fine() -> None:
    result = parse_statement_file(BANK / "genkgo-camt/test/data/camt053.v2.five.decimals.xml")
    assert [str(entry.amount) for entry in result.entries] == ["8.85"]


def test_mt940_amount_with_a_cent_fraction_names_the_line() -> None:
    with pytest.raises(StatementFileError, match=r"x\.940, line 5: :61: amount 10\.005 has more decimals"):
        parse_statement_bytes(_mt940(amount="10,005").encode(), "x.940")


def test_mt940_invalid_date_names_the_line() -> None:
    data = _mt940().replace(":61:2401020102", ":61:2402300102").encode()
    with pytest.raises(StatementFileError, match=r"line 5: :61: invalid date '240230'"):
        parse_statement_bytes(data, "x.940")


def test_mt940_unreadable_entry_line() -> None:
    data = _mt940().replace(":61:2401020102D", ":61:GARBAGE").encode()
    with pytest.raises(StatementFileError, match=r"line 5: cannot read :61:GARBAGE"):
        parse_statement_bytes(data, "x.940")


def test_mt940_in_windows_1252_is_read_with_a_warning() -> None:
    result = parse_statement_bytes(_mt940(text="café").encode("cp1252"), "x.940")
    assert result.entries[0].remittance_text == "Factuur café"
    assert result.warnings == ["x.940: not UTF-8 (first bad byte on line 6); read as Windows-1252"]


def test_mt940_with_undecodable_bytes_is_refused() -> None:
    data = _mt940().encode().replace(b"Factuur", b"Fact\x81\x8d")
    with pytest.raises(StatementFileError, match=r"x\.940, line 6: undecodable byte 0x81"):
        parse_statement_bytes(data, "x.940")


def test_inconsistent_balance_is_a_warning_not_an_error() -> None:
    result = parse_statement_bytes(_mt940(closing="95,00").encode(), "x.940")
    assert len(result.entries) == 1
    assert result.warnings == [
        "x.940: statement REF/1 (line 1): opening balance 100.00 + entries -10.00 != closing balance 95.00"
    ]


def test_dry_run_report_raises_for_a_bad_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.xml"
    bad.write_text("<Document><unclosed>", encoding="utf-8")
    with pytest.raises(StatementFileError, match=r"bad\.xml"):
        dry_run_report([BANK / "jejik-mt940/sns.txt", bad])
