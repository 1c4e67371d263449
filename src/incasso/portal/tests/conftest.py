"""Portal fixtures on top of the root personas: Zorggroep Noord's case with a real payment reference,
the agency letterhead (where to pay), a clock fixed on a Tuesday morning, and a logged-in debtor."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from incasso.calculations.payment_reference import generate_payment_reference
from incasso.letters.tests.conftest import letterhead  # noqa: F401  (a fixture, used by name)
from incasso.strategies.tests.conftest import consumer_route  # noqa: F401  (a fixture, used by name)

AMS = zoneinfo.ZoneInfo("Europe/Amsterdam")
NOW = dt.datetime(2026, 3, 10, 10, 0, tzinfo=AMS)  # a Tuesday
TODAY = NOW.date()
REFERENCE = generate_payment_reference(2026_000101)
POSTCODE = "1234 AB"  # the root persona's address (AddressFactory)


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def debtor_case(zorg_case, letterhead):  # noqa: F811
    """Zorggroep Noord's case: one invoice of € 1.250,00, debtor at 1234 AB Utrecht."""
    zorg_case.payment_reference = REFERENCE
    zorg_case.save(update_fields=["payment_reference"])
    return zorg_case


def login_data(case, **overrides):
    return {
        "number": case.number,
        "payment_reference": case.payment_reference,
        "postcode": POSTCODE,
        **overrides,
    }


@pytest.fixture
def debtor(client, debtor_case):
    """A test client logged in to the portal as the debtor of `debtor_case`."""
    response = client.post("/portaal/", login_data(debtor_case))
    assert response.status_code == 302 and response.url == "/portaal/dossier/"
    return client
