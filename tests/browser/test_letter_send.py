"""Send a letter from the case screen in a real browser: a refused choice shows its error in the panel
(the 422 answer is swapped in, not dropped), and a letter sent appears in the timeline without a reload."""

from __future__ import annotations

import datetime as dt

import pytest

from incasso.letters.tests.conftest import letterhead, make_letter_case  # noqa: F401  (a fixture, used by name)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_refused_letter_says_why_and_a_sent_one_reaches_the_timeline(
    page,
    live_server,
    login,
    demo_cases,
    letterhead,  # noqa: F811
    screenshot_dir,
):
    from incasso.cases.models import Case
    from incasso.letters.services import templates_seed
    from incasso.strategies.models import OutgoingMessage

    templates_seed()  # a transactional test flushed the shipped templates: put them back
    case = demo_cases[0]
    make_letter_case(case, number=2026_000201)  # the fixture's reference has no valid check digits
    login("olga")
    page.goto(f"{live_server.url}/cases/{case.number}/")
    page.click("#letter-send summary")
    page.select_option("#letter-send select[name=template_code]", "summons")
    page.select_option("#letter-send select[name=channel]", "letter")
    page.click("#letter-send button[value=preview]")
    page.wait_for_selector("#letter-send button[value=send]")
    # Meanwhile a colleague closes the case: sending is refused (422), and the panel says why.
    Case.objects.filter(pk=case.pk).update(
        state="closed", closed_on=dt.date(2026, 11, 25), closing_reason="paid"
    )
    page.click("#letter-send button[value=send]")
    page.wait_for_selector("#letter-send .errorlist, #letter-send .alert")
    assert "gesloten" in page.locator("#letter-send").inner_text()
    assert OutgoingMessage.objects.count() == 0

    Case.objects.filter(pk=case.pk).update(state="amicable", closed_on=None, closing_reason="")
    page.click("#letter-send button[value=preview]")
    page.wait_for_selector("#letter-send button[value=send]")
    page.click("#letter-send button[value=send]")
    page.wait_for_selector("#messages li.success")
    page.wait_for_selector("#timeline li:has-text('Sommatie')")  # the timeline reloaded itself
    assert OutgoingMessage.objects.filter(case=case, template_code="summons").count() == 1
    page.locator("#messages").screenshot(path=str(screenshot_dir / "letter_send.png"))
