"""The debtor's contact data on the case screen in a real browser: a bounced e-mail address is marked
invalid and a new phone number added; the page reloads with the header and the timeline up to date."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_marks_a_bounced_address_invalid_and_adds_a_number(
    page, live_server, login, demo_cases, screenshot_dir
):
    from incasso.debtors.models import ContactPoint

    case = demo_cases[0]
    point = ContactPoint.objects.create(debtor=case.debtor, kind="email", value="oud@example.nl")
    login("olga")
    page.goto(f"{live_server.url}/cases/{case.number}/")
    row = page.locator("#debtor tr", has_text="oud@example.nl")
    row.locator("details.row-action summary").click()
    row.locator("input[name=reason]").fill("e-mail onbestelbaar")
    row.locator("button[type=submit]").click()
    page.wait_for_selector("#debtor tr:has-text('oud@example.nl') .bad")
    assert "e-mail onbestelbaar" in page.locator("#debtor").inner_text()

    page.click("#contact-add summary")
    page.fill("#id_contact_point-value", "06 2345 6789")
    page.click("#contact-add button[type=submit]")
    page.wait_for_selector("#debtor td:has-text('+31623456789')")
    timeline = page.locator("#timeline").inner_text()
    assert "Nieuw telefoonnummer: +31623456789 (bron: de debiteur)" in timeline
    assert "E-mailadres ongeldig: oud@example.nl (e-mail onbestelbaar)" in timeline
    point.refresh_from_db()
    assert not point.is_valid
    page.locator("#debtor").screenshot(path=str(screenshot_dir / "debtor_data.png"))

    page.click("#contact-add summary")  # the same number again: named in place, nothing stored twice
    page.fill("#id_contact_point-value", "0623456789")
    page.click("#contact-add button[type=submit]")
    page.wait_for_selector("#contact-add .errorlist")
    assert "Deze debiteur heeft al +31623456789" in page.locator("#contact-add").inner_text()
    assert ContactPoint.objects.filter(debtor=case.debtor, value="+31623456789").count() == 1
