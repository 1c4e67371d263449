"""Parsing claim files: no database, every error collected with its row and column.

Messages follow the active language (Dutch by default). Tests of what a user reads check the Dutch;
tests of the parsing logic run in English, where the message only shows which rule fired."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from incasso.intake.cells import parse_amount, parse_date
from incasso.intake.claims import claims_group, claims_parse
from incasso.intake.tables import TableFileError, table_read
from incasso.intake.tests.helpers import EXAMPLES, csv_bytes, person_row

CODES = {"services", "healthcare", "b2b_invoice", "energy"}


def parse(data: bytes, name: str = "claims.csv"):
    return claims_parse(table_read(data=data, file_name=name), debt_types=CODES)


@pytest.mark.parametrize(
    ("raw", "decimal_comma", "expected"),
    [
        ("1234.56", False, "1234.56"),
        ("1,234.56", False, "1234.56"),
        ("1.234,56", True, "1234.56"),
        ("1234,56", True, "1234.56"),
        ("€ 1.234,56", True, "1234.56"),
        ("12.345", True, "12345"),  # a thousands point in a Dutch file
        ("12,50", False, "12.50"),
        (1234.5, True, "1234.5"),  # an Excel number cell
    ],
)
def test_amounts_are_read_as_people_type_them(raw, decimal_comma, expected):
    assert parse_amount(raw, decimal_comma=decimal_comma) == Decimal(expected)


@pytest.mark.parametrize("raw", ["12.345", "1.2.3", "abc", "12,3456"])
def test_bad_amounts_are_refused(raw):
    with pytest.raises(ValueError):
        parse_amount(raw, decimal_comma=False)


@translation.override("en")
def test_dates_are_accepted_in_iso_and_dutch_form():
    assert parse_date("2026-01-31") == parse_date("31-01-2026") == dt.date(2026, 1, 31)
    with pytest.raises(ValueError, match="not in a known format"):
        parse_date("2026/01/31")
    with pytest.raises(ValueError, match="does not exist"):
        parse_date("31-02-2026")


def test_the_example_file_parses_into_eight_debtors():
    parsed = parse((EXAMPLES / "claims-example.csv").read_bytes(), "claims-example.csv")
    groups, errors, _warnings = claims_group(parsed.rows)
    assert parsed.errors == () and errors == ()
    assert len(parsed.rows) == 13
    assert len(groups) == 8
    assert [len(g.rows) for g in groups] == [3, 2, 2, 2, 1, 1, 1, 1]


def test_xlsx_example_holds_the_same_claims_as_the_csv():
    csv_rows = parse((EXAMPLES / "claims-example.csv").read_bytes(), "claims-example.csv").rows
    xlsx_rows = parse((EXAMPLES / "claims-example.xlsx").read_bytes(), "claims-example.xlsx").rows
    assert [r.claim for r in xlsx_rows] == [r.claim for r in csv_rows]
    assert [r.debtor for r in xlsx_rows] == [r.debtor for r in csv_rows]


def test_the_broken_file_lists_every_error_with_row_and_column():
    parsed = parse((EXAMPLES / "claims-broken.csv").read_bytes(), "claims-broken.csv")
    found = {(e.row, e.column) for e in parsed.errors}
    assert found == {
        (2, "iban"),
        (3, "due_date"),
        (4, "principal"),
        (5, "principal"),
        (6, "invoice_date"),
        (7, "postcode"),
        (7, "email"),
        (8, "debtor_type"),
        (9, "phone"),
        (9, "kvk_number"),
        (10, "invoice_number"),
    }
    messages = [str(e) for e in parsed.errors]
    assert "rij 3, kolom due_date: vervaldatum 01-01-2026 ligt vóór factuurdatum 05-01-2026" in messages
    assert any(m.startswith("rij 2, kolom iban: ") and "NL00ABNA0417164301" in m for m in messages)


def test_semicolon_file_with_decimal_commas_is_read():
    data = (
        b"factuurnummer;factuurdatum;vervaldatum;hoofdsom;soort_debiteur;hoedanigheid;achternaam;"
        b"straat;huisnummer;postcode;plaats\n"
        b'F-1;31-01-2026;02-03-2026;1.234,56;persoon;consument;"Jansen; de";Kerkstraat;1;3511LK;Utrecht\n'
    )
    parsed = parse(data)
    assert parsed.errors == ()
    (row,) = parsed.rows
    assert row.claim.principal == Decimal("1234.56")
    assert row.claim.invoice_date == dt.date(2026, 1, 31)
    assert row.debtor.last_name == "Jansen; de"
    assert row.debtor.address is not None and row.debtor.address.postcode == "3511 LK"


def test_utf8_with_byte_order_mark_is_accepted():
    parsed = parse(b"\xef\xbb\xbf" + csv_bytes(person_row("F-1", last_name="Çelik")))
    assert parsed.errors == ()
    assert parsed.rows[0].debtor.last_name == "Çelik"


def test_a_windows_1252_file_is_refused_naming_file_and_problem():
    with pytest.raises(TableFileError, match=r"claims\.csv: geen UTF-8 .*Windows-1252"):
        table_read(
            data=csv_bytes(person_row("F-1", last_name="Müller")).decode().encode("cp1252"),
            file_name="claims.csv",
        )


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("claims.pdf", b"%PDF-1.7", "unsupported file type .pdf"),
        ("claims.xlsx", b"invoice_number,principal\n", "not a zip archive"),
        ("claims.xls", b"\xd0\xcf\x11\xe0", "Excel 97-2003"),
        ("claims.csv", b"", "empty"),
    ],
)
@translation.override("en")
def test_files_in_the_wrong_format_are_refused(name, data, message):
    with pytest.raises(TableFileError, match=message):
        table_read(data=data, file_name=name)


def test_missing_required_columns_are_named():
    with pytest.raises(TableFileError, match="verplichte kolom\\(men\\) ontbreken: due_date, principal"):
        parse(
            b"invoice_number,invoice_date,debtor_type,debtor_role,last_name,street,house_number,postcode,city\n"
            b"F-1,2026-01-01,person,consumer,Jansen,Kerkstraat,1,3511 LK,Utrecht\n"
        )


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        (person_row("F-1", "-10.00"), "principal", "must be more than zero"),
        (person_row("F-1", "10.005"), "principal", "more than 2 decimals"),
        (person_row("F-1", due_date="2026-01-01"), "due_date", "before invoice date"),
        (person_row("F-1", invoice_date="2026/01/05"), "invoice_date", "not in a known format"),
        (person_row("F-1", iban="NL00ABNA0123456789"), "iban", "NL00ABNA0123456789"),
        (person_row("F-1", last_name=""), "last_name", "a value is required"),
        (
            "F-1,2026-01-05,2026-02-04,10,person,consumer,Jan,Jansen,,Kerkstraat,1,9999 SS,Utrecht,,,",
            "postcode",
            "9999 SS",
        ),
        (
            "F-1,2026-01-05,2026-02-04,10,person,consumer,Jan,Jansen,,Kerkstraat,1,3511 LK,Utrecht,jan@,,",
            "email",
            "jan@",
        ),
        (
            "F-1,2026-01-05,2026-02-04,10,person,consumer,Jan,Jansen,,Kerkstraat,1,3511 LK,Utrecht,,0612,",
            "phone",
            "0612",
        ),
        (
            "F-1,2026-01-05,2026-02-04,10,person,retail,Jan,Jansen,,Kerkstraat,1,3511 LK,Utrecht,,,",
            "debtor_role",
            "retail",
        ),
    ],
)
@translation.override("en")
def test_each_bad_value_is_reported_with_row_and_column(row, column, message):
    parsed = parse(csv_bytes(row))
    assert parsed.rows == ()
    assert [(e.row, e.column) for e in parsed.errors] == [(2, column)]
    assert message in parsed.errors[0].message


@translation.override("en")
def test_invalid_kvk_number_is_reported():
    header = (
        "invoice_number,invoice_date,due_date,principal,debtor_type,debtor_role,organisation_name,kvk_number,"
        "street,house_number,postcode,city"
    )
    parsed = parse(
        csv_bytes(
            "F-1,2026-01-05,2026-02-04,10,organisation,business,Smit B.V.,1234,Dam,1,1012 JS,Amsterdam",
            header=header,
        )
    )
    assert [(e.column, e.message) for e in parsed.errors] == [
        ("kvk_number", "A KvK number has 8 digits, got 1234")
    ]


def test_rows_without_debtor_number_group_by_name_and_address():
    parsed = parse(
        csv_bytes(
            person_row("F-1"),
            person_row("F-2"),
            person_row("F-3", house="1 a"),
            person_row("F-4", last_name="Smit"),
        )
    )
    groups, errors, _ = claims_group(parsed.rows)
    assert errors == ()
    assert [[r.claim.invoice_number for r in g.rows] for g in groups] == [["F-1", "F-2"], ["F-3"], ["F-4"]]


def test_one_debtor_with_two_roles_is_an_error():
    header = (
        "invoice_number,invoice_date,due_date,principal,debtor_type,debtor_role,last_name,street,house_number,"
        "postcode,city,debtor_number"
    )
    parsed = parse(
        csv_bytes(
            "F-1,2026-01-05,2026-02-04,10,person,consumer,Jansen,Dam,1,1012 JS,Amsterdam,D1",
            "F-2,2026-01-05,2026-02-04,10,person,business,Jansen,Dam,1,1012 JS,Amsterdam,D1",
            header=header,
        )
    )
    _groups, errors, _ = claims_group(parsed.rows)
    assert [str(e) for e in errors] == [
        "rij 3, kolom debtor_role: business wijkt af van consumer op rij 2 bij dezelfde debiteur"
    ]
