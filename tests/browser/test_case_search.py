"""An officer finds a case by the debtor's name and opens it, in a real browser."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_searches_a_case_by_debtor_name_and_sees_balance_and_timeline(
    page, live_server, login, demo_cases, screenshot_dir
):
    case = demo_cases[0]
    login("olga")

    page.fill("input[type=search]", "Vries")  # typing searches: htmx swaps only the results
    page.wait_for_function("document.querySelectorAll('#results tbody tr').length === 1")
    rows = page.locator("#results tbody tr")
    assert case.number in rows.first.inner_text()
    assert "q=Vries" in page.url  # the search is in the address bar, so back and reload keep it

    rows.first.get_by_role("link", name=case.number).click()
    page.wait_for_url(f"{live_server.url}/cases/{case.number}/")

    header = page.locator(".case-head").inner_text()
    assert "Pieter de Vries" in header
    assert "€ 2.517,94" in header  # 1.842,17 + 312,50 principal, 41,83 interest, 321,44 costs
    assert "7000 1234 5678 9012" in header
    timeline = page.locator("#timeline").inner_text()
    assert timeline.index("Incassokosten berekend") < timeline.index("Dossier aangemaakt")
    page.screenshot(path=str(screenshot_dir / "case_search_result.png"), full_page=True)


def test_officer_adds_a_note_in_place_and_the_timeline_follows(page, live_server, login, demo_cases):
    case = demo_cases[0]
    login("olga")
    page.goto(f"{live_server.url}/cases/{case.number}/")
    # wait until htmx is ready and the panels the page loads itself (limitation, letters, ...) are in,
    # so the note's swap does not race them
    page.wait_for_function("() => window.htmx !== undefined")
    page.wait_for_load_state("networkidle")
    page.fill("#notes textarea", "Debiteur belt morgen terug")
    page.click("#notes button[type=submit]")
    page.wait_for_selector("#notes .note-text:has-text('Debiteur belt morgen terug')")
    page.wait_for_selector("#timeline .summary:has-text('Debiteur belt morgen terug')")
    assert page.url.endswith(f"/cases/{case.number}/")  # no page load: htmx swapped the sections


def test_screens_at_1366x768(page, live_server, login, demo_cases, screenshot_dir):
    """Not an assertion of looks: it leaves the pictures a human (or reviewer) looks at."""
    page.goto(f"{live_server.url}/login/")
    page.screenshot(path=str(screenshot_dir / "login.png"))
    login("olga")
    page.screenshot(path=str(screenshot_dir / "case_list.png"))
    page.goto(f"{live_server.url}/cases/{demo_cases[0].number}/")
    page.screenshot(path=str(screenshot_dir / "case_detail.png"))
    page.screenshot(path=str(screenshot_dir / "case_detail_full.png"), full_page=True)
    page.goto(f"{live_server.url}/cases/new/")
    page.screenshot(path=str(screenshot_dir / "case_create.png"), full_page=True)
    assert page.locator("h1").inner_text() == "Nieuw dossier"


def test_new_case_form_shows_errors_on_the_fields(page, live_server, login, demo_cases, screenshot_dir):
    login("olga")
    page.goto(f"{live_server.url}/cases/new/")
    page.select_option("#id_client", label="Zorggroep Noord")
    page.select_option("#id_debt_type", label="Diensten")
    page.fill("#id_debtor-last_name", "Smit")
    page.fill("#id_debtor-street", "Kerkstraat")
    page.fill("#id_debtor-house_number", "4")
    page.fill("#id_debtor-postcode", "12345")
    page.fill("#id_debtor-city", "Utrecht")
    page.fill("#id_claims-0-invoice_number", "ZN-9")
    page.fill("#id_claims-0-invoice_date", "01-02-2026")
    page.fill("#id_claims-0-due_date", "01-01-2026")
    page.fill("#id_claims-0-principal", "99,95")
    page.click("button[type=submit].primary")
    page.wait_for_selector(".alert.error")
    assert "vóór de factuurdatum" in page.locator("#claim-rows").inner_text()
    assert "12345" in page.locator(".field:has(#id_debtor-postcode) .errorlist").inner_text()
    page.screenshot(path=str(screenshot_dir / "case_create_errors.png"), full_page=True)
