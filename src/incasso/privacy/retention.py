"""How long a debtor's personal data is kept after their last case closed (pure: no Django).

The Bki (art. 5.1, rules-nl.md §5.6) requires a collection file to be kept for at least two years
after it closed; the GDPR (art. 5(1)(e), art. 17) requires personal data not to be kept longer than
its purpose needs. The unit is the debtor, not the case: a debtor's name and address serve every
case of theirs, so they are erased only when the last of those cases is past its term.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

MINIMUM_YEARS = 2  # Bki art. 5.1: files are kept at least two years after closing
DEFAULT_YEARS = (
    5  # the limitation period of art. 3:307/3:308 BW: questions about a closed claim come within it
)


class RetentionError(ValueError):
    """A retention term the law does not allow."""


class State(StrEnum):
    OPEN = "open"  # a case is still open: the data is needed for it
    KEPT = "kept"  # every case is closed; kept until the term ends
    DUE = "due"  # every case closed longer ago than the term: erase
    NO_CASES = "no_cases"  # nothing to keep it for, nothing to measure a term from


@dataclass(frozen=True, slots=True)
class Retention:
    state: State
    last_closed_on: date | None = None
    erase_on: date | None = None  # the first day the data may (and should) be erased


def check_years(years: int) -> int:
    """The term itself, refused below the Bki minimum."""
    if years < MINIMUM_YEARS:
        raise RetentionError(
            f"a retention term of {years} year(s) is shorter than the {MINIMUM_YEARS} years "
            "the Bki requires after a file closes"
        )
    return years


def add_years(day: date, years: int) -> date:
    """The same calendar day `years` later (or earlier, for negative `years`).

    29 February has no twin in a common year: forwards it becomes 1 March (a term never ends
    early), backwards 28 February, so that `last <= add_years(today, -n)` holds exactly when
    `today >= add_years(last, n)` (tested over every day of a dozen years).
    """
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        if years >= 0:
            return date(day.year + years, 3, 1)
        return date(day.year + years, 2, 28)


def retention(closed_on: Iterable[date | None], *, today: date, years: int) -> Retention:
    """The state of one debtor's data from the closing dates of all their cases (None: still open)."""
    check_years(years)
    dates = list(closed_on)
    if not dates:
        return Retention(State.NO_CASES)
    if any(day is None for day in dates):
        return Retention(State.OPEN)
    last = max(day for day in dates if day is not None)
    due = last <= cutoff(today=today, years=years)
    return Retention(State.DUE if due else State.KEPT, last, add_years(last, years))


def cutoff(*, today: date, years: int) -> date:
    """Cases closed on or before this day are past the term on `today`."""
    check_years(years)
    return add_years(today, -years)
