"""The Wki contact rules: pure, no database, no Django."""

from __future__ import annotations

import datetime as dt

import pytest

from incasso.core import contact
from incasso.core.contact import contact_window, outside_contact_window


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute))


MONDAY = dt.date(2026, 3, 2)
SUNDAY = dt.date(2026, 3, 1)
KINGS_DAY = dt.date(2026, 4, 27)  # a Monday


@pytest.mark.parametrize(
    ("moment", "channel", "why"),
    [
        (at(MONDAY, 10), "phone", ""),
        (at(MONDAY, 7), "sms", ""),
        (at(MONDAY, 6, 59), "sms", "outside_hours"),
        (at(MONDAY, 19, 59), "email", ""),
        (at(MONDAY, 20), "email", "outside_hours"),
        (at(MONDAY, 21), "phone", "outside_hours"),
        (at(SUNDAY, 12), "email", "sunday"),
        (at(KINGS_DAY, 12), "sms", "public_holiday"),
        (at(dt.date(2026, 12, 25), 12), "phone", "public_holiday"),
        (at(SUNDAY, 23), "letter", ""),  # letters are posted, not windowed
        (at(MONDAY, 20, 30), "visit", "outside_hours"),  # a home visit is contact too
        (at(SUNDAY, 11), "visit", "sunday"),
    ],
)
def test_contact_window(moment, channel, why):
    assert outside_contact_window(moment, channel=channel) == why


def test_contact_window_may_be_narrower():
    window = contact_window(dt.time(9), dt.time(17))
    assert outside_contact_window(at(MONDAY, 8), channel="phone", window=window) == "outside_hours"
    assert outside_contact_window(at(MONDAY, 17), channel="phone", window=window) == "outside_hours"
    assert outside_contact_window(at(MONDAY, 16, 59), channel="phone", window=window) == ""


@pytest.mark.parametrize(("start", "end"), [(6, 20), (7, 21), (12, 12), (18, 9)])
def test_contact_window_never_wider_nor_empty(start, end):
    with pytest.raises(contact.RuleError):
        contact_window(dt.time(start), dt.time(end) if end < 24 else dt.time(23, 59))


def test_contact_limit_counts_the_last_seven_days_inclusive():
    on = dt.date(2026, 3, 10)
    assert contact.contact_limit_reached([on - dt.timedelta(days=6)], on=on, limit=1)
    assert not contact.contact_limit_reached([on - dt.timedelta(days=7)], on=on, limit=1)
    assert not contact.contact_limit_reached([on, on], on=on, limit=3)
    assert contact.contact_limit_reached([on, on, on - dt.timedelta(days=1)], on=on, limit=3)


def test_contact_limits_defaults_and_overrides():
    assert contact.contact_limits() == {"phone": 3, "letter": 1, "email": 2, "sms": 2}
    assert contact.contact_limits({"email": 5})["email"] == 5
    with pytest.raises(contact.RuleError):
        contact.contact_limits({"sms": -1})
