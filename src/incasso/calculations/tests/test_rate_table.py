"""The packaged rate tables and the loader's refusals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from incasso.calculations.errors import RateTableError
from incasso.calculations.rate_table import RateRow, RateTable, packaged_table, parse_rate_csv

HEADER = "effective_from,effective_to,rate_percent,verified,source\n"


def test_packaged_tables_load_with_sources_and_flags() -> None:
    consumer, commercial = packaged_table("consumer"), packaged_table("commercial")
    assert all(row.source for row in consumer.rows + commercial.rows)
    unverified = {
        (t.name, r.effective_from.isoformat(), str(r.percent))
        for t in (consumer, commercial)
        for r in t.unverified()
    }
    assert ("commercial", "2026-07-01", "10.40") in unverified
    assert ("consumer", "2026-01-01", "4") in unverified


def test_the_rate_in_force_on_each_day() -> None:
    commercial = packaged_table("commercial")
    assert commercial.rate_on(dt.date(2013, 3, 15)).percent == Decimal("7.75")
    assert commercial.rate_on(dt.date(2013, 3, 16)).percent == Decimal("8.75")
    assert commercial.rate_on(dt.date(2026, 3, 1)).percent == Decimal("10.15")  # no 2026-01-01 row


def test_commercial_rate_before_december_2002_is_the_ordinary_rate() -> None:
    commercial, consumer = packaged_table("commercial"), packaged_table("consumer")
    for day in (dt.date(2002, 8, 8), dt.date(2002, 11, 30)):
        assert commercial.rate_on(day).percent == consumer.rate_on(day).percent == Decimal(7)


def test_periods_split_only_at_real_changes() -> None:
    periods = list(packaged_table("consumer").periods(dt.date(2016, 1, 1), dt.date(2023, 7, 5)))
    assert [(a.isoformat(), b.isoformat(), str(r.percent)) for a, b, r in periods] == [
        ("2016-01-01", "2022-12-31", "2"),
        ("2023-01-01", "2023-06-30", "4"),
        ("2023-07-01", "2023-07-05", "6"),
    ]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("", "empty"),
        ("2020-01-01,2020-12-31,4,true,x\n2020-01-01,,5,true,y\n", "duplicate"),
        ("2021-01-01,2020-12-31,4,true,x\n2020-01-01,,5,true,y\n", "not sorted"),
        ("2020-01-01,2020-06-30,4,true,x\n2020-08-01,,5,true,y\n", "gap"),
        ("2020-01-01,2020-09-30,4,true,x\n2020-08-01,,5,true,y\n", "overlaps"),
        ("2020-01-01,2020-07-31,4,true,x\n2020-08-01,2020-12-31,5,true,y\n", "open-ended"),
        ("2020-01-01,,four,true,x\n", "malformed"),
        ("2020-01-01,,4,maybe,x\n", "malformed"),
    ],
)
def test_the_loader_refuses_broken_tables(rows: str, message: str) -> None:
    with pytest.raises(RateTableError, match=message):
        parse_rate_csv(HEADER + rows, "test")


def test_merging_stored_changes_over_the_packaged_table() -> None:
    base = packaged_table("consumer")
    merged = base.merged([RateRow(dt.date(2027, 1, 1), Decimal(3), "Stb. 2026, 1")])
    assert merged.rate_on(dt.date(2027, 5, 1)).percent == Decimal(3)
    assert merged.rows[:-1] == base.rows
    replaced = base.merged([RateRow(dt.date(2026, 1, 1), Decimal(4), "Stb. 2025, 438", verified=True)])
    assert dt.date(2026, 1, 1) not in {r.effective_from for r in replaced.unverified()}
    with pytest.raises(RateTableError):
        RateTable("x", (RateRow(dt.date(2020, 1, 1), Decimal(-1)),))
