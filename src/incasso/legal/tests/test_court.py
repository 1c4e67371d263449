from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from incasso.legal.court import Court, FeeCategory, FeeTableError, court_fee, court_for_claim, fee_table

D = Decimal


@pytest.mark.parametrize(
    ("value", "court"),
    [
        (D("0.01"), Court.KANTONRECHTER),
        (D("24999.99"), Court.KANTONRECHTER),
        (D("25000.00"), Court.KANTONRECHTER),
        (D("25000.01"), Court.RECHTBANK),
        (D("1000000"), Court.RECHTBANK),
    ],
)
def test_kantonrechter_up_to_25000_including_interest(value: Decimal, court: Court) -> None:
    assert court_for_claim(value).court is court


def test_cantonal_subject_goes_to_kantonrechter_whatever_the_amount() -> None:
    assert court_for_claim(D("80000"), cantonal_subject=True).court is Court.KANTONRECHTER


def test_court_choice_refuses_float() -> None:
    with pytest.raises(TypeError):
        court_for_claim(25000.0)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "legal", "natural", "limited"),
    [
        (None, 130, 87, 87),
        (D("0.00"), 130, 87, 87),
        (D("500.00"), 130, 87, 87),
        (D("500.01"), 328, 218, 87),
        (D("1500.00"), 328, 218, 87),
        (D("1500.01"), 372, 248, 87),
        (D("2500.00"), 372, 248, 87),
        (D("2500.01"), 496, 248, 87),
        (D("5000.00"), 496, 248, 87),
        (D("5000.01"), 524, 248, 87),
        (D("12500.00"), 524, 248, 87),
        (D("12500.01"), 1409, 706, 87),
        (D("25000.00"), 1409, 706, 87),
    ],
)
def test_griffierecht_bands_2024(value: Decimal | None, legal: int, natural: int, limited: int) -> None:
    on = dt.date(2024, 6, 1)
    assert court_fee(value, FeeCategory.LEGAL_PERSON, on=on).amount == legal
    assert court_fee(value, "natural_person", on=on).amount == natural
    assert court_fee(value, FeeCategory.LIMITED_MEANS, on=on).amount == limited


@pytest.mark.parametrize(
    ("value", "legal", "natural"),
    [
        (None, 139, 93),
        (D("0.00"), 139, 93),
        (D("500.00"), 139, 93),
        (D("500.01"), 350, 233),
        (D("1500.00"), 350, 233),
        (D("1500.01"), 397, 265),
        (D("2500.00"), 397, 265),
        (D("2500.01"), 529, 265),
        (D("5000.00"), 529, 265),
        (D("5000.01"), 559, 265),
        (D("12500.00"), 559, 265),
        (D("12500.01"), 1504, 753),
        (D("25000.00"), 1504, 753),
    ],
)
def test_griffierecht_kanton_2026(value: Decimal | None, legal: int, natural: int) -> None:
    for on in (dt.date(2026, 1, 1), dt.date(2026, 11, 24), None):
        assert court_fee(value, FeeCategory.LEGAL_PERSON, on=on).amount == legal
        assert court_fee(value, FeeCategory.NATURAL_PERSON, on=on).amount == natural
        limited = court_fee(value, FeeCategory.LIMITED_MEANS, on=on)
        assert limited.amount == 93
        assert limited.note.startswith("griffierecht kanton 2026, on- of minvermogende")
        assert "nog niet" not in limited.note


@pytest.mark.parametrize(
    ("value", "legal", "natural", "limited"),
    [
        (None, 688, 320, 87),
        (D("25000.01"), 2889, 1325, 87),
        (D("100000.00"), 2889, 1325, 87),
        (D("100000.01"), 6617, 2626, 87),
        (D("1000000.00"), 6617, 2626, 87),
        (D("1000000.01"), 9825, 2626, 87),
    ],
)
def test_griffierecht_rechtbank_2024(value: Decimal | None, legal: int, natural: int, limited: int) -> None:
    def fee(category: FeeCategory) -> Decimal | None:
        return court_fee(value, category, court=Court.RECHTBANK, on=dt.date(2024, 6, 1)).amount

    assert (fee(FeeCategory.LEGAL_PERSON), fee(FeeCategory.NATURAL_PERSON)) == (legal, natural)
    assert fee(FeeCategory.LIMITED_MEANS) == limited


def test_a_summons_in_a_year_without_its_own_table_is_estimated_and_says_so() -> None:
    kanton_2025 = court_fee(D("1200"), FeeCategory.LEGAL_PERSON, on=dt.date(2025, 11, 24))
    assert kanton_2025.amount == 328
    assert "griffierecht kanton 2024" in kanton_2025.note
    assert "tarieven 2025 staan nog niet in de tabel" in kanton_2025.note
    rechtbank_2026 = court_fee(
        D("30000"), FeeCategory.LEGAL_PERSON, court=Court.RECHTBANK, on=dt.date(2026, 11, 24)
    )
    assert rechtbank_2026.amount == 2889
    assert "griffierecht rechtbank 2024" in rechtbank_2026.note
    assert "tarieven 2026 staan nog niet in de tabel" in rechtbank_2026.note
    current = court_fee(D("1200"), FeeCategory.LEGAL_PERSON, on=dt.date(2024, 6, 1))
    assert "nog niet" not in current.note


def test_a_summons_dated_before_any_table_gets_no_estimate() -> None:
    estimate = court_fee(D("1200"), FeeCategory.LEGAL_PERSON, on=dt.date(2023, 12, 31))
    assert estimate.amount is None
    assert "rechtspraak.nl" in estimate.note


def test_a_negative_value_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        court_fee(D("-0.01"), FeeCategory.LEGAL_PERSON)


def test_a_malformed_table_row_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "griffierecht.csv"
    bad.write_text(
        "court,valid_from,lower_exclusive,upper_inclusive,legal_person,natural_person,limited_means,source\n"
        "kantonrechter,2024-01-01,0,500.00,130,87,87,x\n"
        "hoge raad,2024-01-01,0,500.00,130,87,87,x\n",
        encoding="utf-8",
    )
    with pytest.raises(FeeTableError, match="data row 3"):
        fee_table(bad)
