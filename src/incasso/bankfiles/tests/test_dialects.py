"""What we read from the unstructured and bank-specific MT940 layouts (not covered by expected.json)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from incasso.bankfiles import parse_statement_file
from incasso.bankfiles.amounts import AmountError, parse_mt940_amount
from incasso.bankfiles.mt940_details import parse_details

from .conftest import BANK


def _first(name: str, index: int = 0) -> tuple[object, ...]:
    entry = parse_statement_file(BANK / name).entries[index]
    return (
        entry.counterparty_iban,
        entry.counterparty_name,
        entry.remittance_text,
        entry.structured_reference,
    )


def test_sns_and_asn_take_the_counterparty_from_the_first_details_line() -> None:
    assert _first("jejik-mt940/sns.txt") == ("0987654321", "marechal s", "dit is een test", None)
    assert _first("php-mt940/Asn/sample") == ("NL29INGB0006475121", "j blom", "Salaris december 2019", None)


def test_asn_incasso_reads_the_swift_fields_after_the_account_line() -> None:
    entry = parse_statement_file(BANK / "php-mt940/Asn/sample").entries[1]
    assert (entry.counterparty_iban, entry.mandate_id, entry.end_to_end_id) == (
        "NL44ABNA0548041814",
        "MTC244K",
        "1755481/5570",
    )


def test_old_rabobank_takes_the_counterparty_from_the_61_line() -> None:
    assert _first("jejik-mt940/rabobank.txt", 1) == (
        "0733959555",
        "T-MOBILE NETHERLANDS BV",
        "BETALINGSKENM. 123456789 FACTUURNUMMER 987654321",
        "123456789",
    )


def test_old_abn_amro_reads_giro_account_and_betalingskenmerk() -> None:
    assert _first("php-mt940/Abn/sample", 2)[::3] == ("644512113", "0000000030076145")
    assert _first("php-mt940/Abn/sample")[:2] == ("428428", "KPN BV")


def test_triodos_reads_the_10_counter_account_and_2x_description() -> None:
    iban, name, text, _ = _first("jejik-mt940/triodos.txt", 1)
    assert (iban, name, text) == ("0133967858", None, "HUUR KANTOOR - FEB 2010")


def test_knab_reads_rek_and_naam() -> None:
    assert _first("jejik-mt940/knab.txt", 1)[:3] == (
        "NL65INGB0123456789",
        "PICQER",
        "FACTUUR 201403110, 201403113",
    )


def test_ing_return_reports_the_reason_and_mandate() -> None:
    entries = parse_statement_file(
        BANK / "ginger-libmt94x/ming-ing-provided-example-single-message.txt"
    ).entries
    returned = [(e.return_reason, e.mandate_id, e.amount) for e in entries if e.return_reason]
    assert ("MD06", "MNDTID5653M5", Decimal("-300.00")) in returned


def test_ing_structured_reference_from_strd_cur() -> None:
    details = parse_details(
        ["/EREF/X//CNTP/NL08INGB0000001234/INGBNL2A/ING T", "est//REMI/STRD/CUR/5200150700013379/"]
    )
    assert (details.counterparty_name, details.structured_reference) == ("ING Test", "5200150700013379")


def test_rf_reference_in_free_text_is_recognised_only_when_valid() -> None:
    assert parse_details(["/REMI/Betaling RF18539007547034 dank"]).structured_reference == "RF18539007547034"
    assert parse_details(["/REMI/Betaling RF19539007547034 dank"]).structured_reference is None


@given(whole=st.integers(min_value=0, max_value=10**12), cents=st.integers(min_value=0, max_value=99))
def test_mt940_amounts_read_the_same_in_every_written_form(whole: int, cents: int) -> None:
    expected = Decimal(whole) + Decimal(cents) / 100
    forms = [f"{whole},{cents:02d}", f"{whole}.{cents:02d}", f"{whole},{cents:02d}0"]
    if cents % 10 == 0:
        forms.append(f"{whole},{cents // 10}")  # "7,5"
    if cents == 0:
        forms += [f"{whole},", f"{whole}"]  # "203,"
    for form in forms:
        amount = parse_mt940_amount(form, "EUR")
        assert amount == expected and amount.as_tuple().exponent == -2


@given(whole=st.integers(min_value=0, max_value=10**9), mills=st.integers(min_value=1, max_value=9))
def test_mt940_amount_with_a_cent_fraction_is_refused(whole: int, mills: int) -> None:
    try:
        parse_mt940_amount(f"{whole},12{mills}", "EUR")
    except AmountError:
        return
    raise AssertionError("expected AmountError")


def test_yen_has_no_decimals() -> None:
    assert parse_mt940_amount("2700,", "JPY") == Decimal(2700)
