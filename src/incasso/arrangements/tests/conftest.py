from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from incasso.arrangements import schedule as s

TODAY = dt.date(2026, 3, 10)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # The personas get a password each; the production hasher would dominate these tests' time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 10, 10, 0, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def other_supervisor(db):
    from incasso.cases.tests.factories import UserFactory

    return UserFactory(username="sara", first_name="Sara", role="supervisor")


def plan(balance: str = "1250.00", count: int = 6, start: dt.date = dt.date(2026, 4, 1), **kw) -> s.Schedule:
    return s.build_schedule(balance=Decimal(balance), count=count, start_on=start, **kw)
