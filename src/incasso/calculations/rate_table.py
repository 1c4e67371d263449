"""Statutory interest rates as data: the 6:119 and 6:119a tables, each row with its source.

* Consumer / ordinary statutory interest (wettelijke rente): art. 6:119 BW, rate set by AMvB under
  art. 6:120 lid 1 (Besluit vaststelling wettelijke rente, BWBR0047640).
* Commercial statutory interest (wettelijke handelsrente): art. 6:119a BW, ECB rate + 8 points per half
  year (art. 6:120 lid 2; + 7 points before 16-03-2013).

The packaged tables live in `data/consumer.csv` and `data/commercial.csv` with the columns
`effective_from, effective_to, rate_percent, verified, source`. Only real changes are rows. A row is
`verified=false` when the research notes flag it (single secondary source); callers show a warning.
Loading refuses empty tables, unsorted rows, duplicate dates, gaps and overlaps with a clear error.

The commercial table starts on 2002-08-08 with the ordinary 6:119 rate (7%): the 6:119a rate only exists
from 2002-12-01, and for agreements after 8-8-2002 we use the ordinary rate until then (decision, see
docs/calculations.md). A date before a table's first row raises `DateOutOfRangeError`.

Interest-free periods (an arrangement that freezes interest) are not a rate of law but a concession on
one case: `RateTable.with_zero_periods` gives the table with 0 % in those periods, split exactly at their
bounds. Extra split points do not change exact interest (interest is linear in the days at one rate and
base, and the accrual engine rounds only at anniversaries and at the end), so the frozen table gives
exactly the interest of the unfrozen parts.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from functools import cache
from importlib import resources

from incasso.calculations.errors import DateOutOfRangeError, RateTableError
from incasso.calculations.money import money

ONE_DAY = dt.timedelta(days=1)
FROZEN_SOURCE = "rente bevroren"

type Period = tuple[dt.date, dt.date | None]  # from (inclusive), until (inclusive) or open-ended


class RateBasis(StrEnum):
    CONSUMER = "consumer"  # art. 6:119 BW
    COMMERCIAL = "commercial"  # art. 6:119a BW


@dataclass(frozen=True, slots=True)
class RateRow:
    effective_from: dt.date
    percent: Decimal
    source: str = ""
    verified: bool = True


@dataclass(frozen=True, slots=True)
class RateTable:
    """An ordered, validated rate table; the rate of row i applies from its date up to the next row."""

    name: str
    rows: tuple[RateRow, ...]
    _dates: tuple[dt.date, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.rows:
            raise RateTableError(f"rate table {self.name!r} is empty")
        for prev, row in zip(self.rows, self.rows[1:], strict=False):
            if row.effective_from == prev.effective_from:
                raise RateTableError(f"rate table {self.name!r}: duplicate row for {row.effective_from}")
            if row.effective_from < prev.effective_from:
                order = f"{row.effective_from} after {prev.effective_from}"
                raise RateTableError(f"rate table {self.name!r}: rows not sorted ({order})")
        for row in self.rows:
            if isinstance(row.percent, float) or money(row.percent, name="rate") < 0:
                raise RateTableError(
                    f"rate table {self.name!r}: bad rate {row.percent} on {row.effective_from}"
                )
        object.__setattr__(self, "_dates", tuple(r.effective_from for r in self.rows))

    @classmethod
    def fixed(cls, percent: Decimal, name: str = "contractual") -> RateTable:
        """A table with one rate for all dates (contractual interest)."""
        return cls(name, (RateRow(dt.date.min, money(percent, name="rate"), "agreed rate"),))

    @property
    def first_day(self) -> dt.date:
        return self.rows[0].effective_from

    def rate_on(self, day: dt.date) -> RateRow:
        i = bisect_right(self._dates, day) - 1
        if i < 0:
            raise DateOutOfRangeError(
                f"{day.isoformat()} is before the first row of the {self.name} rate table "
                f"({self.first_day.isoformat()})"
            )
        return self.rows[i]

    def periods(self, first: dt.date, last: dt.date) -> Iterator[tuple[dt.date, dt.date, RateRow]]:
        """Split [first, last] (inclusive) at real rate changes."""
        i = bisect_right(self._dates, first) - 1
        if i < 0:
            self.rate_on(first)
        start = first
        while start <= last:
            nxt = self._dates[i + 1] if i + 1 < len(self._dates) else None
            end = last if nxt is None or nxt > last else nxt - ONE_DAY
            yield start, end, self.rows[i]
            start, i = end + ONE_DAY, i + 1

    def merged(self, changes: Iterable[RateRow]) -> RateTable:
        """This table with `changes` laid over it: a change replaces a row with the same date."""
        by_date = {r.effective_from: r for r in self.rows}
        by_date.update({r.effective_from: r for r in changes})
        return RateTable(self.name, tuple(by_date[d] for d in sorted(by_date)))

    def with_zero_periods(self, periods: Iterable[Period]) -> RateTable:
        """This table with 0 % from each period's first day up to and including its last (or for good).

        Rows are split exactly at the period bounds; a real rate change inside a period is covered by
        the 0 %, one after it stays. The day after a period gets the rate in force on that day. Periods
        before the table's first row are clipped to it (a date before the table stays an error)."""
        spans = merge_periods(periods, first_day=self.first_day)
        if not spans:
            return self

        def frozen(day: dt.date) -> bool:
            return any(start <= day and (end is None or day <= end) for start, end in spans)

        points = set(self._dates)
        for start, end in spans:
            points.add(start)
            if end is not None and end < dt.date.max:
                points.add(end + ONE_DAY)
        rows: list[RateRow] = []
        for day in sorted(points):
            if frozen(day):
                if not (rows and rows[-1].source == FROZEN_SOURCE and rows[-1].percent == 0):
                    rows.append(RateRow(day, Decimal(0), FROZEN_SOURCE))
            else:
                row = self.rate_on(day)
                rows.append(RateRow(day, row.percent, row.source, row.verified))
        return RateTable(self.name, tuple(rows))

    def unverified(self) -> tuple[RateRow, ...]:
        return tuple(r for r in self.rows if not r.verified)


def merge_periods(periods: Iterable[Period], *, first_day: dt.date = dt.date.min) -> tuple[Period, ...]:
    """Sorted, merged (overlapping or adjacent) periods, clipped to start no earlier than `first_day`;
    a period ending before `first_day` is dropped. A period that ends before it starts is an error."""
    spans: list[Period] = []
    for start, end in sorted(periods, key=lambda p: p[0]):
        if end is not None and end < start:
            raise RateTableError(f"interest-free period ends ({end}) before it starts ({start})")
        if end is not None and end < first_day:
            continue
        start = max(start, first_day)
        if spans:
            prev_start, prev_end = spans[-1]
            if prev_end is None or (start - prev_end).days <= 1:
                merged_end = None if prev_end is None or end is None else max(prev_end, end)
                spans[-1] = (prev_start, merged_end)
                continue
        spans.append((start, end))
    return tuple(spans)


def parse_rate_csv(text: str, name: str) -> RateTable:
    """Parse a packaged rate CSV, refusing gaps, overlaps, duplicates and unsorted rows."""
    reader = csv.DictReader(io.StringIO(text))
    rows: list[RateRow] = []
    ends: list[dt.date | None] = []
    for n, rec in enumerate(reader, start=2):
        try:
            start = dt.date.fromisoformat(rec["effective_from"])
            end = dt.date.fromisoformat(rec["effective_to"]) if rec["effective_to"] else None
            percent = Decimal(rec["rate_percent"])
            verified = {"true": True, "false": False}[rec["verified"].strip().lower()]
        except (KeyError, ValueError, ArithmeticError, AttributeError) as exc:
            raise RateTableError(f"rate table {name!r}, line {n}: malformed row ({exc})") from None
        rows.append(RateRow(start, percent, rec.get("source") or "", verified))
        ends.append(end)
    table = RateTable(name, tuple(rows))
    _check_contiguous(name, table.rows, ends)
    return table


def _check_contiguous(name: str, rows: tuple[RateRow, ...], ends: list[dt.date | None]) -> None:
    for i, row in enumerate(rows):
        end = ends[i]
        if i + 1 == len(rows):
            if end is not None:
                raise RateTableError(
                    f"rate table {name!r}: last row ({row.effective_from}) must be open-ended"
                )
            return
        nxt = rows[i + 1].effective_from
        if end is None or end < row.effective_from:
            raise RateTableError(f"rate table {name!r}: row {row.effective_from} has no valid effective_to")
        if end + ONE_DAY < nxt:
            raise RateTableError(f"rate table {name!r}: gap between {end} and {nxt}")
        if end + ONE_DAY > nxt:
            raise RateTableError(f"rate table {name!r}: row {row.effective_from} overlaps {nxt}")


@cache
def packaged_table(basis: RateBasis | str) -> RateTable:
    """The rate table shipped with the package for `basis` ('consumer' or 'commercial')."""
    try:
        key = RateBasis(basis)
    except ValueError:
        raise RateTableError(f"unknown rate basis {basis!r}; use 'consumer' or 'commercial'") from None
    text = resources.files("incasso.calculations").joinpath("data", f"{key.value}.csv").read_text("utf-8")
    return parse_rate_csv(text, key.value)
