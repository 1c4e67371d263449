"""Rapportages in a real browser: the filter swaps the report in place (htmx) and keeps the URL and the
download in step with what is shown."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_narrowing_the_report_to_a_client_and_a_dutch_date(
    page, live_server, login, demo_cases, screenshot_dir
):
    from incasso.cases.ledger import ledger_book

    zorg_case, energie_case = demo_cases[0], demo_cases[1]
    for case, amount in ((zorg_case, "250.00"), (energie_case, "86.40")):
        ledger_book(
            case=case,
            bucket="principal",
            kind="payment",
            amount=-Decimal(amount),
            value_on=dt.date(2026, 3, 10),
            source="bank",
        )
    login("olga")
    page.goto(f"{live_server.url}/reports/?start=2026-01-01&end=2026-10-31")
    assert "€ 336,40" in page.locator(".kpis").inner_text()  # both clients
    assert page.locator(".per-client tbody tr").count() == 2

    page.select_option("#id_client", label="Energie Zuid")
    page.fill("#id_start", "01-03-2026")
    page.click("form.report-filters button[type=submit]")
    page.wait_for_url("**client=ENERGIE**")
    kpis = page.locator(".kpis").inner_text()
    assert "€ 86,40" in kpis and "€ 336,40" not in kpis
    assert "Periode 01-03-2026 t/m 31-10-2026 · Energie Zuid" in page.locator(".report-period").inner_text()
    assert page.locator(".per-client").count() == 0  # one client: no table of one row
    assert page.input_value("#id_end") == "31-10-2026"  # the link's 2026-10-31, shown the Dutch way
    href = page.get_attribute(".report-period a", "href")
    assert href == "/reports/export.csv?client=ENERGIE&start=2026-03-01&end=2026-10-31"
    page.screenshot(path=str(screenshot_dir / "reports_energie.png"), full_page=True)

    page.fill("#id_end", "01-02-2026")  # before the start: named, no figures
    page.click("form.report-filters button[type=submit]")
    page.wait_for_selector("#report .alert.error")
    assert "De periode eindigt voordat hij begint." in page.locator("#report").inner_text()
    assert page.locator(".kpis").count() == 0
