"""A debtor logs in to the portal with the details on the letter and proposes an arrangement, in a
real browser; the officer finds it as a task and on the timeline."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_debtor_logs_in_and_proposes_a_payment_arrangement(page, live_server, demo_cases, screenshot_dir):
    from incasso.cases.models import Event, Task

    case = demo_cases[0]  # Pieter de Vries, 3511 AB
    ref = case.payment_reference
    page.goto(f"{live_server.url}/portaal/")
    page.fill("#id_number", case.number)
    page.fill("#id_payment_reference", f"{ref[:4]} {ref[4:8]} {ref[8:12]} {ref[12:]}")
    page.fill("#id_postcode", "3511ab")
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(f"{live_server.url}/portaal/dossier/")
    assert "Zorggroep Noord" in page.inner_text("main")
    assert case.number not in page.url

    page.get_by_role("link", name="Betalen in termijnen").click()
    start = timezone.localdate() + dt.timedelta(days=7)
    page.fill("#id_count", "4")
    page.fill("#id_start_on", start.strftime("%d-%m-%Y"))
    page.get_by_role("button", name="Toon de betalingsregeling").click()
    page.wait_for_selector("text=Uw voorstel")
    assert page.locator("#plan-title + .table-scroll tbody tr").count() == 4
    page.screenshot(path=str(screenshot_dir / "portal_proposal.png"), full_page=True)

    page.get_by_role("button", name="Verstuur dit voorstel").click()
    page.wait_for_url(f"{live_server.url}/portaal/dossier/")
    assert "We hebben uw voorstel ontvangen" in page.inner_text(".messages")

    task = Task.objects.get(case=case, title__startswith="Regelingsvoorstel van debiteur via portaal")
    assert task.title.startswith("Regelingsvoorstel van debiteur via portaal beoordelen: 4 ×")
    proposal = Event.objects.get(case=case, kind="portal", details__action="proposal")
    assert proposal.details["start_on"] == start.isoformat() and len(proposal.details["schedule"]) == 4
