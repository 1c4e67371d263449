"""A promise to pay and a payment arrangement as a Dutch officer types them, in a real browser.

The browser's own number and date inputs follow the browser's language, not the page's: in an
English Chromium (this one) a typed comma is dropped, so "100,50" became a promise of € 10.050, and
04-12 was read as April 12. The forms now take text in Dutch notation, as the case screens do.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_types_a_promise_with_a_decimal_comma_and_a_dutch_date(page, live_server, login, demo_cases):
    from incasso.arrangements.models import PaymentPromise

    case = demo_cases[0]
    due = dt.date.today() + dt.timedelta(days=10)
    login("olga")
    page.goto(f"{live_server.url}/arrangements/promise/{case.number}/")
    page.click("#id_amount")
    page.keyboard.type("100,50")
    page.click("#id_due_on")
    page.keyboard.type(due.strftime("%d-%m-%Y"))
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/cases/{case.number}/")
    promise = PaymentPromise.objects.get(case=case)
    assert (promise.amount, promise.due_on) == (Decimal("100.50"), due)


def test_choosing_a_proposed_arrangement_shows_its_schedule(
    page, live_server, login, demo_cases, screenshot_dir
):
    case = demo_cases[0]
    login("olga")
    page.goto(f"{live_server.url}/arrangements/new/{case.number}/")
    page.get_by_role("link", name="Kies").first.click()
    page.wait_for_selector("#preview table")
    assert "termijnen, laatste termijn" in page.locator("#preview").inner_text()
    assert page.input_value("#id_down_payment") in ("0.00", "0,00")
    page.screenshot(path=str(screenshot_dir / "arrangement_proposal_chosen.png"), full_page=True)
