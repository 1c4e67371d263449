"""The bank parsers' warnings reach the officer in their language; the stored import keeps the record's."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from incasso.bankfiles import notices as bank
from incasso.bankfiles import parse_statement_bytes
from incasso.payments.models import BankStatementImport
from incasso.payments.notices import TEXTS, notice_text
from incasso.payments.services import statement_import
from incasso.payments.tests.builders import Line, camt


def test_every_parser_warning_has_its_translatable_text_and_they_say_the_same():
    assert set(TEXTS) == set(bank.TEMPLATES)
    with translation.override("en"):
        for template in bank.TEMPLATES:
            assert str(TEXTS[template]) == template  # a reworded core text must be reworded here too
    with translation.override("nl"):
        assert all(str(TEXTS[template]) != template for template in bank.TEMPLATES)  # all translated


def test_a_windows_1252_statement_warns_in_dutch():
    mt940 = (
        ":20:REF\r\n:25:NL91ABNA0417164300\r\n:28C:1\r\n:60F:C240101EUR100,00\r\n"
        ":61:2401020102D10,00NTRFNONREF\r\n:86:Factuur café\r\n:62F:C240102EUR90,00\r\n"
    ).encode("cp1252")
    (warning,) = parse_statement_bytes(mt940, "x.940").warnings
    assert warning == "x.940: not UTF-8 (first bad byte on line 6); read as Windows-1252"  # the core: English
    with translation.override("nl"):
        assert (
            notice_text(warning)
            == "x.940: geen UTF-8 (eerste onleesbare byte op regel 6); gelezen als Windows-1252"
        )
    assert notice_text("a warning from elsewhere") == "a warning from elsewhere"


def test_amounts_in_a_warning_are_written_as_the_language_writes_them():
    warning = bank.Notice(
        bank.MT940_BALANCE_MISMATCH,
        file="x.940",
        statement="REF/1",
        line=1,
        opening=Decimal("1234.50"),
        entries=Decimal("-10.00"),
        closing=Decimal("95.00"),
    )
    assert warning.endswith("opening balance 1234.50 + entries -10.00 != closing balance 95.00")
    with translation.override("nl"):
        assert notice_text(warning) == (
            "x.940: afschrift REF/1 (regel 1): beginsaldo 1.234,50 + boekingen -10,00 is niet het eindsaldo 95,00"
        )


@pytest.mark.django_db
def test_an_import_shows_the_warning_in_the_users_language_and_stores_it_in_dutch():
    data = camt([Line(Decimal("10.00"), text="onbekend")])  # a camt.053 without balances
    with translation.override("en"):
        summary = statement_import(data=data, name="may.xml")
    (shown,) = summary.warnings
    assert shown.startswith("may.xml: statement STMT-1 (") and shown.endswith(
        "lacks an opening or closing balance; not checked"
    )
    (stored,) = BankStatementImport.objects.get(pk=summary.import_id).warnings
    assert stored.startswith("may.xml: afschrift STMT-1 (") and stored.endswith(
        "heeft geen begin- of eindsaldo; niet gecontroleerd"
    )
