"""An officer freezes a case's interest by hand and ends it again, in a real browser."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_freezes_interest_and_the_header_says_so(
    page, live_server, login, demo_cases, screenshot_dir
):
    case = demo_cases[0]
    login("olga")
    page.goto(f"{live_server.url}/cases/{case.number}/")
    panel = page.locator("#interest-freezes")
    assert "nooit bevroren" in panel.inner_text()
    page.fill("#id_reason", "klacht in onderzoek")
    page.screenshot(path=str(screenshot_dir / "interest_freeze_form.png"), full_page=True)
    panel.get_by_role("button", name="Rente bevriezen").click()

    page.wait_for_selector(".case-head .freeze-note")
    assert "Rente bevroren sinds" in page.locator(".case-head").inner_text()
    assert "(klacht in onderzoek)" in page.locator(".case-head .freeze-note").inner_text()
    assert "Bevriezing beëindigen" in panel.inner_text()
    page.screenshot(path=str(screenshot_dir / "interest_freeze_open.png"), full_page=True)

    panel.get_by_role("button", name="Bevriezing beëindigen").click()
    page.wait_for_selector(".messages li:has-text('Rentebevriezing beëindigd')")
    # ended today: today is still frozen (interest runs again tomorrow), and the header says until when
    assert " t/m " in page.locator(".case-head .freeze-note").inner_text()
    assert "handmatig" in page.locator("#interest-freezes").inner_text()
