"""Named personas shared by all tests, so a failure reads like a story.

- the agency: `officer` (Olga), `supervisor` (Sven), `admin_user` (Anna)
- two clients: `zorg` (Zorggroep Noord) and `energie` (Energie Zuid), each with a client user
- a debtor with an open case at each client: `zorg_case`, `energie_case`
"""

from __future__ import annotations

import os
from decimal import Decimal
from io import StringIO

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


@pytest.fixture(autouse=True)
def _portal_not_advertised(settings):
    """Letters name the debtor portal only when INCASSO_PORTAL_URL is set; tests start without it
    whatever the shell exports (the reference PNGs are of letters without it). A test sets it."""
    settings.INCASSO_PORTAL_URL = ""


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


@pytest.fixture
def process_database_url() -> str:
    """This test's database as a DATABASE_URL another process can open (a command run as a subprocess);
    the test skips where there is none (SQLite in memory: run with DATABASE_URL=postgres://...)."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("postgresql"):
        user, host, port = db.get("USER") or "postgres", db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432
        password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
        return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"
    name = str(db["NAME"])
    if db["ENGINE"].endswith("sqlite3") and "memory" not in name and name != ":memory:":
        return f"sqlite:///{name}"
    pytest.skip("needs a database another process can open (run with DATABASE_URL=postgres://...)")


@pytest.fixture
def worker(monkeypatch):
    """The real background worker, as `incasso db_worker --batch`: every queued task, then stop.

    Between tasks the worker calls Django's `close_old_connections`, which closes a connection it
    finds inside a transaction; here that transaction is the test's own, so that call is left out.
    """
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def run() -> None:
        from django.core.management import call_command

        call_command(
            "db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0, stdout=StringIO()
        )

    return run


@pytest.fixture
def debt_types() -> None:
    """The debt types the migrations seed, put back for a transactional test that an earlier one left
    without them (it flushes every table afterwards, seeded rows included)."""
    from importlib import import_module

    from django.apps import apps

    from incasso.cases.models import DebtType

    if not DebtType.objects.exists():
        import_module("incasso.cases.migrations.0002_seed_debt_types").seed(apps, None)
