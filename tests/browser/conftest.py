"""A real headless Chromium (Debian's, no `playwright install`) against pytest-django's live_server.

Without /usr/bin/chromium the browser tests skip, except on CI (`CI` set), where they fail loudly:
a green CI run must mean the screens were really driven.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("INCASSO_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1366, "height": 768}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
PASSWORD = "geheim-wachtwoord-1"


def _chromium_available() -> bool:
    return Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is not None


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not _chromium_available():
        message = f"Chromium not found at {CHROMIUM}: apt-get install -y chromium"
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser page. It depends on `live_server` so that it is torn down first: before the
    database is flushed, the page waits until the server has answered every request it made (a case
    page loads its panels with htmx after the URL has changed). A request still running during the
    flush deadlocked with its TRUNCATE on PostgreSQL."""
    context = browser.new_context(viewport=VIEWPORT, locale="nl-NL", timezone_id="Europe/Amsterdam")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    try:
        page.wait_for_load_state("networkidle", timeout=10_000)
    finally:
        context.close()


@pytest.fixture
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture(scope="session", autouse=True)
def _one_request_at_a_time() -> Iterator[None]:
    """Serve the browser's requests one at a time.

    On SQLite the test database lives in memory, and pytest-django hands the live server the test's
    own connection. Django's threaded live server would then run the case page's parallel panel
    requests on that one connection at once, which SQLite answers with "bad parameter or other API
    misuse" (a 500, or a session read that fails and looks like a logged-out user). A server that
    handles one request after another shares the connection safely; the browser queues the rest, as
    it would behind any busy server. Autouse and session-scoped, so it is in place before pytest-django
    starts `live_server`.
    """
    from django.core.servers.basehttp import WSGIServer
    from django.test.testcases import LiveServerThread

    class OneRequestAtATime(WSGIServer):
        def __init__(self, *args: object, connections_override: object = None, **kwargs: object) -> None:
            super().__init__(*args, **kwargs)

    original = LiveServerThread.server_class
    LiveServerThread.server_class = OneRequestAtATime
    yield
    LiveServerThread.server_class = original


@pytest.fixture
def login(page, live_server):
    def _login(username: str) -> None:
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit].primary")
        page.wait_for_url(f"{live_server.url}/cases/")

    return _login


@pytest.fixture
def demo_cases(zorg, energie, officer, supervisor):
    """A handful of realistic cases made through the factories, for the browser to look at."""
    from incasso.cases.models import DebtType, Event, LedgerEntry, Note, Task
    from incasso.cases.tests.factories import AddressFactory, CaseFactory, ClaimFactory, DebtorFactory
    from incasso.debtors.models import BankAccount, ContactPoint

    # A transactional test flushes the tables afterwards, seeded rows included: put it back.
    DebtType.objects.get_or_create(
        code="services",
        defaults={"name": "Diensten", "default_interest_basis": "consumer", "limitation_class": "3:307"},
    )
    people = [
        ("Pieter", "de", "Vries", zorg, "amicable", "1842.17"),
        ("Fatima", "", "El Amrani", energie, "arrangement", "486.40"),
        ("Johannes", "van der", "Berg", zorg, "legal", "3125.00"),
        ("Anouk", "", "Jansen", energie, "new", "129.95"),
        ("Mehmet", "", "Yilmaz", zorg, "on_hold", "760.00"),
        ("Sanne", "", "Bakker", energie, "bailiff", "2210.50"),
        ("Kees", "", "Visser", zorg, "closed", "98.00"),
    ]
    cases = []
    for n, (first, prefix, last, client, state, principal) in enumerate(people):
        debtor = DebtorFactory(first_names=first, name_prefix=prefix, last_name=last)
        AddressFactory(
            debtor=debtor, street="Lange Nieuwstraat", house_number=str(10 + n), postcode=f"35{11 + n} AB"
        )
        extra = {"closed_on": dt.date(2026, 3, 2), "closing_reason": "paid"} if state == "closed" else {}
        case = CaseFactory(
            client=client,
            debtor=debtor,
            state=state,
            officer=officer if n % 3 else supervisor,
            opened_on=dt.date(2026, 1, 10 + n),
            next_action_on=None if state == "closed" else dt.date(2026, 11, 22 + n),
            payment_reference=f"70{n:02d}123456789012",
            **extra,
        )
        ClaimFactory(case=case, principal=Decimal(principal), description="Zorgkosten 2025")
        cases.append(case)
    main = cases[0]
    ClaimFactory(
        case=main, principal=Decimal("312.50"), invoice_number="ZN-2025-118", description="Eigen risico"
    )
    ContactPoint.objects.create(
        debtor=main.debtor, kind="email", value="p.devries@example.nl", source="client"
    )
    ContactPoint.objects.create(
        debtor=main.debtor,
        kind="phone",
        value="+31612345678",
        source="client",
        is_valid=False,
        invalid_reason="nummer bestaat niet",
    )
    BankAccount.objects.create(
        debtor=main.debtor, iban="NL91ABNA0417164300", holder_name="P. de Vries", source="payment"
    )
    AddressFactory(
        debtor=main.debtor,
        street="Oudegracht",
        house_number="201",
        postcode="3511 NH",
        valid_from=dt.date(2019, 5, 1),
        valid_until=dt.date(2023, 12, 31),
        source="BRP",
    )
    booked = dt.datetime(2026, 2, 14, 9, 30, tzinfo=dt.UTC)
    for bucket, kind, amount in (
        ("interest", "interest_booked", "41.83"),
        ("costs", "costs_charged", "321.44"),
    ):
        LedgerEntry.objects.create(
            case=main,
            bucket=bucket,
            kind=kind,
            amount=Decimal(amount),
            value_on=booked.date(),
            booked_at=booked,
            source="demo",
        )
    for day, kind, summary, actor in (
        (15, "created", "Dossier aangemaakt (import)", "import"),
        (16, "letter", "Sommatiebrief verstuurd per post en e-mail", "system"),
        (31, "call", "Debiteur gebeld: belooft voor 1 maart te betalen", "olga"),
        (45, "ledger", "Incassokosten berekend: € 321,44", "system"),
    ):
        Event.objects.create(
            case=main,
            kind=kind,
            occurred_at=dt.datetime(2026, 1, 1, 10, tzinfo=dt.UTC) + dt.timedelta(days=day),
            actor_label=actor,
            summary=summary,
        )
    Task.objects.create(
        case=main,
        kind="call",
        title="Terugbellen over betalingsbelofte",
        due_on=dt.date(2026, 3, 1),
        assignee=officer,
    )
    Task.objects.create(
        case=main,
        kind="review",
        title="Dossier beoordelen voor dagvaarding",
        due_on=dt.date(2026, 12, 15),
        assignee=officer,
    )
    Note.objects.create(
        case=main,
        author=officer,
        text="Debiteur geeft aan dat het eigen risico betwist wordt bij de zorgverzekeraar.",
    )
    return cases
