"""A supervisor finds out who looked at a case: the access log page, filtered by case number."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_supervisor_filters_the_access_log_by_case(page, live_server, login, demo_cases, screenshot_dir):
    watched, other = demo_cases[0], demo_cases[1]
    login("olga")
    page.goto(f"{live_server.url}/cases/{watched.number}/")
    page.goto(f"{live_server.url}/cases/{other.number}/")
    page.goto(f"{live_server.url}/cases/{watched.number}/calculation/")
    page.context.clear_cookies()

    login("sven")
    page.goto(f"{live_server.url}/management/")
    page.get_by_role("link", name="Inzagelog").click()
    page.wait_for_url(f"{live_server.url}/audit/")
    assert page.locator("#access-log tbody tr").count() == 3

    page.fill("#id_case", watched.number)
    page.click("#access-log-filters button[type=submit]")
    page.wait_for_url(f"**/audit/?case={watched.number}*")
    rows = page.locator("#access-log tbody tr")
    assert rows.count() == 2
    text = page.locator("#access-log").inner_text()
    assert "olga" in text and "renteberekening" in text and "dossierscherm" in text
    assert other.number not in text
    page.screenshot(path=str(screenshot_dir / "access_log.png"), full_page=True)

    rows.first.get_by_role("link", name=watched.number).click()  # the supervisor's own look is logged too
    page.wait_for_url(f"{live_server.url}/cases/{watched.number}/")
    panel = page.locator("#seen-by").inner_text()
    assert "sven" in panel and "olga" in panel
    page.locator("#seen-by").screenshot(path=str(screenshot_dir / "case_seen_by.png"))
