"""The retention term, pure: the day a debtor's data is due, and the cutoff the query uses agree."""

from __future__ import annotations

import datetime as dt

import pytest

from incasso.privacy.retention import (
    MINIMUM_YEARS,
    RetentionError,
    State,
    add_years,
    check_years,
    cutoff,
    retention,
)

D = dt.date


def test_a_term_below_the_bki_minimum_is_refused_with_the_reason():
    with pytest.raises(RetentionError, match="shorter than the 2 years the Bki requires"):
        check_years(1)
    assert check_years(MINIMUM_YEARS) == 2


def test_an_open_case_keeps_the_data_whatever_else_closed_long_ago():
    assert retention([D(2015, 1, 1), None], today=D(2026, 11, 24), years=5).state == State.OPEN


def test_the_term_runs_from_the_last_case_closed():
    r = retention([D(2018, 5, 1), D(2021, 11, 24)], today=D(2026, 11, 23), years=5)
    assert (r.state, r.last_closed_on, r.erase_on) == (State.KEPT, D(2021, 11, 24), D(2026, 11, 24))
    assert retention([D(2018, 5, 1), D(2021, 11, 24)], today=D(2026, 11, 24), years=5).state == State.DUE


def test_no_cases_is_its_own_state():
    assert retention([], today=D(2026, 11, 24), years=5).state == State.NO_CASES


def test_29_february_ends_a_term_on_1_march_of_a_common_year_never_earlier():
    assert add_years(D(2024, 2, 29), 5) == D(2029, 3, 1)
    assert add_years(D(2024, 2, 29), 4) == D(2028, 2, 29)
    assert add_years(D(2029, 3, 1), -5) == D(2024, 3, 1)
    assert add_years(D(2028, 2, 29), -5) == D(2023, 2, 28)
    assert retention([D(2024, 2, 29)], today=D(2029, 2, 28), years=5).state == State.KEPT
    assert retention([D(2024, 2, 29)], today=D(2029, 3, 1), years=5).state == State.DUE


@pytest.mark.parametrize("years", [2, 5, 7])
def test_the_cutoff_and_the_erase_day_agree_on_every_day_of_twelve_years(years):
    """The list (a query on `closed_on <= cutoff`) and the debtor page (`erase_on`) never disagree."""
    start = D(2019, 1, 1)
    for n in range(0, 12 * 366, 1):
        last = start + dt.timedelta(days=n)
        erase_on = add_years(last, years)
        assert erase_on > last
        # the day before erase_on the data is kept, on erase_on it is due, by both rules
        for today, due in ((erase_on - dt.timedelta(days=1), False), (erase_on, True)):
            assert (last <= cutoff(today=today, years=years)) is due, (last, today)
            assert (retention([last], today=today, years=years).state == State.DUE) is due
