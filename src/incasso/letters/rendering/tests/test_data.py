"""The letter records refuse half-filled or float-tainted data before anything is rendered."""

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from incasso.letters.rendering.data import Addressee, ClaimRow, LetterData, Totals
from incasso.letters.rendering.samples import sample_letter


def test_sample_letter_is_valid_and_frozen():
    letter = sample_letter()
    assert isinstance(letter.claims, tuple)
    assert isinstance(letter.paragraphs, tuple)
    with pytest.raises(dataclasses.FrozenInstanceError):
        letter.subject = "x"  # type: ignore[misc]


def test_float_amount_is_a_type_error():
    with pytest.raises(TypeError, match=r"ClaimRow.principal must be a Decimal, got float"):
        ClaimRow("F1", dt.date(2026, 1, 1), "", 100.0, Decimal("0.00"), Decimal("0.00"), Decimal("100.00"))  # type: ignore[arg-type]


def test_float_total_is_a_type_error():
    with pytest.raises(TypeError, match=r"Totals.total"):
        Totals(Decimal("1.00"), Decimal("0.00"), Decimal("0.00"), Decimal("0.00"), 1.0)  # type: ignore[arg-type]


def test_datetime_is_not_a_date():
    with pytest.raises(TypeError, match=r"ClaimRow.invoice_date"):
        ClaimRow(
            "F1",
            dt.datetime(2026, 1, 1, 12, 0),
            "",
            Decimal("1.00"),
            Decimal("0.00"),
            Decimal("0.00"),
            Decimal("1.00"),
        )


def test_missing_address_is_a_value_error_naming_the_field():
    with pytest.raises(ValueError, match=r"Addressee.address_lines is required"):
        Addressee("De heer J. de Vries", (), "3818 KX", "Amersfoort")
    with pytest.raises(ValueError, match=r"Addressee.address_lines is required"):
        Addressee("De heer J. de Vries", ("  ",), "3818 KX", "Amersfoort")


def test_missing_postcode_is_refused_for_a_dutch_address_only():
    with pytest.raises(ValueError, match=r"Addressee.postcode is required"):
        Addressee("J. de Vries", ("Lindenlaan 14",), "", "Amersfoort")
    Addressee("J. de Vries", ("Rue Haute 1",), "", "Brussel", country="België")


def test_missing_text_fields_are_named():
    with pytest.raises(ValueError, match=r"LetterData.signer_name is required"):
        dataclasses.replace(sample_letter(), signer_name=" ")
    with pytest.raises(ValueError, match=r"Letterhead.wki_registration is required"):
        dataclasses.replace(sample_letter().letterhead, wki_registration="")


def test_row_total_must_add_up():
    with pytest.raises(ValueError, match=r"ClaimRow.total for invoice F1"):
        ClaimRow(
            "F1", dt.date(2026, 1, 1), "", Decimal("1.00"), Decimal("1.00"), Decimal("0.00"), Decimal("1.00")
        )


def test_totals_must_match_the_rows():
    letter = sample_letter()
    t = letter.totals
    wrong = Totals(t.principal + 1, t.interest, t.costs, t.costs_vat, t.total + 1)
    with pytest.raises(ValueError, match=r"LetterData.totals.principal"):
        dataclasses.replace(letter, totals=wrong)


def test_totals_must_add_up():
    with pytest.raises(ValueError, match=r"Totals.total"):
        Totals(Decimal("1.00"), Decimal("1.00"), Decimal("1.00"), Decimal("0.21"), Decimal("3.00"))


def test_amount_with_more_than_two_decimals_is_refused():
    with pytest.raises(ValueError, match=r"more than two decimals"):
        ClaimRow(
            "F1", dt.date(2026, 1, 1), "", Decimal("1.005"), Decimal("0"), Decimal("0"), Decimal("1.005")
        )


def test_wrong_betalingskenmerk_is_refused():
    with pytest.raises(ValueError, match=r"payment_reference"):
        dataclasses.replace(sample_letter(), payment_reference="5000 0567 8901 2346")


def test_betalingskenmerk_and_iban_are_stored_without_spaces():
    letter = sample_letter()
    assert letter.payment_reference == "5000056789012345"
    assert (
        dataclasses.replace(letter, payment_iban="nl91 abna 0417 1643 00").payment_iban
        == "NL91ABNA0417164300"
    )


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match=r"language"):
        dataclasses.replace(sample_letter(), language="de")  # type: ignore[arg-type]


def test_a_letter_needs_at_least_one_claim():
    letter = sample_letter()
    zero = Totals(Decimal("0.00"), Decimal("0.00"), Decimal("0.00"), Decimal("0.00"), Decimal("0.00"))
    with pytest.raises(ValueError, match=r"LetterData.claims is required"):
        LetterData(
            **{
                **{f.name: getattr(letter, f.name) for f in dataclasses.fields(letter)},
                "claims": (),
                "totals": zero,
            }
        )
