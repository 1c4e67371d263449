import datetime as dt
from decimal import Decimal

import pytest

from incasso.letters.rendering.formatting import format_date, format_money


@pytest.mark.parametrize(
    ("amount", "nl", "en"),
    [
        ("0", "€ 0,00", "€0.00"),
        ("5", "€ 5,00", "€5.00"),
        ("1234.56", "€ 1.234,56", "€1,234.56"),
        ("1234567.8", "€ 1.234.567,80", "€1,234,567.80"),
        ("-1234.5", "€ -1.234,50", "-€1,234.50"),
        ("0.005", "€ 0,01", "€0.01"),
    ],
)
def test_amounts_in_dutch_and_english_notation(amount, nl, en):
    assert format_money(Decimal(amount), "nl") == nl
    assert format_money(Decimal(amount), "en") == en


def test_float_is_refused():
    with pytest.raises(TypeError):
        format_money(1.5, "nl")  # type: ignore[arg-type]


def test_dates_are_day_month_year():
    assert format_date(dt.date(2026, 11, 22)) == "22-11-2026"
    assert format_date(dt.date(2026, 1, 2)) == "02-01-2026"
