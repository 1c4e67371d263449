"""Privacy (AVG) in a real browser: a supervisor finds a debtor past the retention term, the browser
itself insists on the request and the yes, and the erasure shows on the case screen."""

from __future__ import annotations

import datetime as dt

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_supervisor_erases_a_debtor_on_request_and_the_case_screen_says_so(
    page, live_server, login, demo_cases, supervisor, screenshot_dir
):
    from incasso.cases.services import case_transition
    from incasso.debtors.models import Debtor

    case = demo_cases[0]
    name = case.debtor.display_name
    case_transition(
        case=case, to="closed", actor=supervisor, closing_reason="withdrawn", on=dt.date(2023, 3, 1)
    )
    login("sven")
    page.goto(f"{live_server.url}/privacy/")
    page.fill("input[name=q]", case.number)
    page.press("input[name=q]", "Enter")
    page.click(f"#find a:has-text('{name}')")
    assert (
        "Alle dossiers zijn gesloten (het laatste op 01-03-2023)" in page.locator("#retention").inner_text()
    )

    page.click("#erase button[type=submit]")  # nothing filled in: the browser refuses to send it
    assert Debtor.objects.get(pk=case.debtor_id).anonymised_at is None
    page.fill("input[name=note]", "brief van 18-11-2026")
    page.check("input[name=confirm]")
    page.click("#erase button[type=submit]")
    page.wait_for_selector(".messages")
    assert "De persoonsgegevens van de debiteur zijn verwijderd." in page.locator(".messages").inner_text()
    assert page.locator("h1").inner_text() == "Geanonimiseerd"
    page.screenshot(path=str(screenshot_dir / "privacy_erased.png"), full_page=True)

    page.click(f"a:has-text('{case.number}')")
    page.wait_for_selector("#debtor")
    debtor_panel = page.locator("#debtor").inner_text()
    assert "De persoonsgegevens van de debiteur zijn verwijderd" in debtor_panel and name not in debtor_panel
    assert "brief van 18-11-2026" in page.locator("#timeline").inner_text()
