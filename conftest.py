"""Named personas shared by all tests, so a failure reads like a story.

- the agency: `officer` (Olga), `supervisor` (Sven), `admin_user` (Anna)
- two clients: `zorg` (Zorggroep Noord) and `energie` (Energie Zuid), each with a client user
- a debtor with an open case at each client: `zorg_case`, `energie_case`
"""

from __future__ import annotations

import os
from decimal import Decimal

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """A request with the English cookie leaves English active in this thread (LocaleMiddleware
    activates, nothing deactivates): put the default back so the next test on this worker starts in
    Dutch, whatever ran before it."""
    yield
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def officer(db):
    from incasso.cases.tests.factories import UserFactory

    return UserFactory(username="olga", first_name="Olga", role="officer")


@pytest.fixture
def supervisor(db):
    from incasso.cases.tests.factories import UserFactory

    return UserFactory(username="sven", first_name="Sven", role="supervisor")


@pytest.fixture
def admin_user(db):
    from incasso.cases.tests.factories import UserFactory

    return UserFactory(username="anna", role="administrator", is_staff=True, is_superuser=True)


@pytest.fixture
def zorg(db):
    from incasso.cases.tests.factories import ClientFactory

    return ClientFactory(name="Zorggroep Noord", code="ZORG")


@pytest.fixture
def energie(db):
    from incasso.cases.tests.factories import ClientFactory

    return ClientFactory(name="Energie Zuid", code="ENERGIE", vat_deductible=False)


@pytest.fixture
def zorg_user(zorg):
    from incasso.cases.tests.factories import UserFactory

    return UserFactory(username="zoe", role="client_user", client=zorg)


@pytest.fixture
def energie_user(energie):
    from incasso.cases.tests.factories import UserFactory

    return UserFactory(username="eddie", role="client_user", client=energie)


@pytest.fixture
def zorg_case(zorg, officer):
    from incasso.cases.tests.factories import AddressFactory, CaseFactory, ClaimFactory

    case = CaseFactory(client=zorg, officer=officer, state="amicable")
    AddressFactory(debtor=case.debtor)
    ClaimFactory(case=case, principal=Decimal("1250.00"), invoice_number="ZN-1001")
    return case


@pytest.fixture
def energie_case(energie, officer):
    from incasso.cases.tests.factories import AddressFactory, CaseFactory, ClaimFactory

    case = CaseFactory(client=energie, officer=officer, state="amicable")
    AddressFactory(debtor=case.debtor, postcode="5611 AA", city="Eindhoven")
    ClaimFactory(case=case, principal=Decimal("480.50"), invoice_number="EZ-2001")
    return case
