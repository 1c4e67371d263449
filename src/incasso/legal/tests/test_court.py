from __future__ import annotations

from decimal import Decimal

import pytest

from incasso.legal.court import Court, FeeCategory, court_fee, court_for_claim

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
    assert court_fee(value, FeeCategory.LEGAL_PERSON).amount == legal
    assert court_fee(value, "natural_person").amount == natural
    assert court_fee(value, FeeCategory.LIMITED_MEANS).amount == limited


def test_griffierecht_for_the_rechtbank_is_not_estimated() -> None:
    estimate = court_fee(D("30000"), FeeCategory.LEGAL_PERSON, court=Court.RECHTBANK)
    assert estimate.amount is None
    assert "rechtspraak.nl" in estimate.note
