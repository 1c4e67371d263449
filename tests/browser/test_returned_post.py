"""Returned post in a real browser: the case screen's panel records a letter that came back (a refusal
shows in the panel, the success reloads the page with its consequences), and the returned-post page
takes the next envelope by its case number."""

from __future__ import annotations

import pytest

from incasso.letters.tests.conftest import letterhead, make_letter_case  # noqa: F401  (a fixture, used by name)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_records_returned_letters_from_the_case_and_from_the_pile(
    page,
    live_server,
    login,
    demo_cases,
    letterhead,  # noqa: F811
    screenshot_dir,
    tmp_path,
):
    from django.utils import timezone

    from incasso.letters.models import Delivery
    from incasso.letters.print_batch import print_batch
    from incasso.letters.queueing import manual_key, message_queue
    from incasso.letters.services import templates_seed

    templates_seed()  # a transactional test flushed the shipped templates: put them back
    first, second = demo_cases[0], demo_cases[1]
    today = timezone.localdate()
    for n, case in enumerate((first, second)):
        make_letter_case(case, number=2026_000301 + n)
        message_queue(
            case=case, template_code="reminder", channel="letter", actor=None, reason=manual_key(today)
        )
    assert print_batch(on=today, out_dir=tmp_path).letters == 2
    login("olga")

    # on the case screen: a date before the letter went out is refused in the panel, nothing written
    page.goto(f"{live_server.url}/cases/{first.number}/")
    page.click("#letter-return summary")
    page.select_option("#letter-return select[name=reason]", "moved")
    page.fill("#letter-return input[name=returned_on]", "01-01-2026")
    page.click("#letter-return button[type=submit]")
    page.wait_for_selector("#letter-return .alert")
    assert "hij kan niet eerder terug zijn gekomen" in page.locator("#letter-return").inner_text()
    assert not Delivery.objects.filter(returned_on__isnull=False).exists()
    page.fill("#letter-return input[name=returned_on]", today.strftime("%d-%m-%Y"))
    page.select_option("#letter-return select[name=reason]", "moved")
    page.click("#letter-return button[type=submit]")
    page.wait_for_selector(".messages .success")  # the page reloaded with the success message
    assert "Geen geldig adres" in page.locator("header.case-head").inner_text()  # the address is invalid now
    page.wait_for_selector("#messages :text('retour')")
    page.wait_for_selector("#timeline li:has-text('Brief retour (verhuisd)')")

    # the pile: the next envelope by its case number
    page.goto(f"{live_server.url}/letters/returned/")
    page.fill("input[name=case]", second.number)
    page.press("input[name=case]", "Enter")
    page.wait_for_selector("select[name=message]")
    page.select_option("select[name=reason]", "refused")
    page.fill("input[name=note]", "geweigerd aan de deur")
    page.click("button.primary")
    page.wait_for_selector(".messages .success")
    recent = page.locator("#recent").inner_text()
    assert first.number in recent and second.number in recent and "telt als ontvangen" in recent
    assert page.locator("input[name=case]").input_value() == ""  # ready for the next envelope
    page.screenshot(path=str(screenshot_dir / "returned_post.png"), full_page=True)
    assert Delivery.objects.get(message__case=second).return_reason == "refused"
