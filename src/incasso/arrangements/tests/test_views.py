"""Screens: who may open them, the wizard, approvals with htmx, promise and dispute forms."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings

from incasso.arrangements.models import Arrangement, Dispute, PaymentPromise
from incasso.arrangements.services import arrangement_propose
from incasso.arrangements.tests.conftest import TODAY, plan


def _pending(case, officer):
    return arrangement_propose(
        case=case, schedule=plan(count=12), officer=officer, motivation="Laag inkomen", today=TODAY
    )


@pytest.mark.parametrize("path", ["new", "promise", "dispute"])
def test_client_users_cannot_open_the_case_forms(client, zorg_user, energie_user, zorg_case, path):
    for user in (zorg_user, energie_user):
        client.force_login(user)
        assert client.get(f"/arrangements/{path}/{zorg_case.number}/").status_code in (403, 404)


def test_unknown_case_is_404_for_staff(client, officer):
    client.force_login(officer)
    assert client.get("/arrangements/new/2099-000001/").status_code == 404


def test_wizard_shows_balance_proposals_and_a_preview(client, officer, supervisor, zorg_case):
    client.force_login(officer)
    page = client.get(f"/arrangements/new/{zorg_case.number}/").content.decode()
    assert "€ 1.250,00" in page and "12 maanden" in page
    assert "Uw bevoegdheid: tot 6 maanden en een saldo van € 2.500,00" in page
    rows = {
        months: row
        for row in page.split("<tr>")
        for months in ("3 maanden", "6 maanden", "12 maanden")
        if f"<td>{months}" in row
    }
    assert "teamleider beslist" in rows["12 maanden"]  # beyond the officer's 6 months
    assert "teamleider beslist" not in rows["3 maanden"] and "teamleider beslist" not in rows["6 maanden"]
    preview = client.get(
        f"/arrangements/new/{zorg_case.number}/",
        {"count": "12", "frequency": "monthly", "start_on": "2026-04-01", "down_payment": "0"},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert preview.lstrip().startswith('<div id="preview"')
    assert "teamleider beslist" in preview and "01-03-2027" in preview
    client.force_login(supervisor)  # a supervisor decides alone: no authority line, no marks
    page = client.get(f"/arrangements/new/{zorg_case.number}/").content.decode()
    assert "teamleider beslist" not in page and "Uw bevoegdheid" not in page


def test_wizard_post_within_authority_makes_an_active_arrangement(client, officer, zorg_case):
    client.force_login(officer)
    response = client.post(
        f"/arrangements/new/{zorg_case.number}/",
        {
            "count": "5",
            "frequency": "monthly",
            "start_on": "2026-04-01",
            "down_payment": "0",
            "net_income": "1800",
            "fixed_costs": "300",
            "household": "single",
            "motivation": "",
        },
    )
    assert response.status_code == 302
    arrangement = Arrangement.objects.get(case=zorg_case)
    assert arrangement.status == "active" and arrangement.affordability["household"] == "single"


def test_wizard_post_with_past_start_shows_the_reason(client, officer, zorg_case):
    client.force_login(officer)
    response = client.post(
        f"/arrangements/new/{zorg_case.number}/",
        {"count": "5", "frequency": "monthly", "start_on": "2026-03-01", "down_payment": "0"},
    )
    assert response.status_code == 200 and "verleden" in response.content.decode()
    assert not Arrangement.objects.exists()


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "Payment arrangement submitted to a supervisor for approval."),
        (None, "Betalingsregeling ter goedkeuring voorgelegd aan een teamleider."),  # Dutch, the default
    ],
)
def test_the_flash_message_is_in_the_users_language(client, officer, zorg_case, language, message):
    client.force_login(officer)
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.post(
        f"/arrangements/new/{zorg_case.number}/",
        {"count": "12", "frequency": "monthly", "start_on": "2026-04-01", "down_payment": "0",
         "motivation": "Laag inkomen"},
        follow=True,
    )  # fmt: skip
    assert Arrangement.objects.get(case=zorg_case).status == "pending"
    assert [str(m) for m in response.context["messages"]] == [message]
    assert message in response.content.decode()


def test_officer_cannot_see_or_use_the_approval_queue(client, officer, supervisor, zorg_case):
    arrangement = _pending(zorg_case, officer)
    client.force_login(officer)
    assert client.get("/arrangements/approvals/").status_code == 403
    assert client.post(f"/arrangements/approvals/{arrangement.pk}/approve/").status_code == 403
    assert client.get("/arrangements/disputes/").status_code == 403
    arrangement.refresh_from_db()
    assert arrangement.status == "pending"


def test_client_user_gets_403_on_the_queue(client, zorg_user):
    client.force_login(zorg_user)
    assert client.get("/arrangements/approvals/").status_code == 403


def test_supervisor_approves_with_htmx(client, officer, supervisor, zorg_case):
    arrangement = _pending(zorg_case, officer)
    client.force_login(supervisor)
    page = client.get("/arrangements/approvals/").content.decode()
    assert "Laag inkomen" in page
    # why it is the supervisor's: 12 monthly instalments span 12 months, the officer may agree up to 6
    assert "Reden goedkeuring" in page and "12 maanden (medewerker: tot 6)" in page
    assert "(medewerker: tot € 2.500,00)" not in page  # the balance is within the officer's limit
    response = client.post(
        f"/arrangements/approvals/{arrangement.pk}/approve/", {"note": "ok"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200 and f'id="proposal-{arrangement.pk}"' in response.content.decode()
    arrangement.refresh_from_db()
    assert arrangement.status == "active"
    pdf = client.get(f"/arrangements/{arrangement.pk}/agreement.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_supervisor_cannot_approve_own_proposal_through_the_screen(
    client, supervisor, other_supervisor, zorg_case
):
    from incasso.arrangements.models import ArrangementAuthority

    ArrangementAuthority.objects.create(user=supervisor, max_months=3, max_balance=Decimal("100"))
    arrangement = _pending(zorg_case, supervisor)
    client.force_login(supervisor)
    response = client.post(
        f"/arrangements/approvals/{arrangement.pk}/approve/", headers={"HX-Request": "true"}
    )
    assert "die u zelf heeft voorgesteld" in response.content.decode()
    arrangement.refresh_from_db()
    assert arrangement.status == "pending"


def test_promise_and_dispute_forms(client, officer, zorg_case):
    client.force_login(officer)
    r = client.post(
        f"/arrangements/promise/{zorg_case.number}/",
        {"amount": "100.00", "due_on": "2026-03-20", "note": "belt terug"},
    )
    assert r.status_code == 302 and PaymentPromise.objects.get(case=zorg_case).amount == Decimal("100.00")
    r = client.post(
        f"/arrangements/dispute/{zorg_case.number}/",
        {"reason": "not_received", "description": "Nooit ontvangen"},
    )
    assert r.status_code == 302 and Dispute.objects.get(case=zorg_case).reason == "not_received"
    r = client.post(
        f"/arrangements/promise/{zorg_case.number}/", {"amount": "100.00", "due_on": "2026-03-01"}
    )
    assert r.status_code == 200 and "De beloofde datum ligt in het verleden" in r.content.decode()


def test_supervisor_sees_disputes_open_too_long(client, officer, supervisor, zorg_case, time_machine):
    from incasso.arrangements.disputes import dispute_open

    dispute_open(case=zorg_case, reason="quality", description="Oud geschil", officer=officer)
    client.force_login(supervisor)
    assert "Oud geschil" not in client.get("/arrangements/disputes/").content.decode()
    time_machine.move_to(dt.datetime(2026, 4, 15, 10, 0, tzinfo=dt.UTC), tick=False)
    client.force_login(supervisor)  # the session of March has expired
    assert "Oud geschil" in client.get("/arrangements/disputes/").content.decode()


def test_choosing_a_proposal_shows_its_schedule_in_dutch(client, officer, zorg_case):
    """The "Kies" link of a proposal opens the wizard with that proposal filled in and its schedule
    shown. In Dutch the link carried the down payment as "0,00", which the form refused: an empty
    preview and an empty down-payment field."""
    import html
    import re

    client.force_login(officer)
    page = client.get(f"/arrangements/new/{zorg_case.number}/").content.decode()
    link = html.unescape(re.findall(r'<a href="(\?count=[^"]+)">Kies</a>', page)[0])
    chosen = client.get(f"/arrangements/new/{zorg_case.number}/{link}").content.decode()
    preview = chosen[chosen.index('<div id="preview"') :]
    assert "termijnen, laatste termijn" in preview and "€ 1.250,00" in preview
    assert 'name="down_payment" value="0' in chosen


def test_promise_takes_an_amount_and_a_date_as_a_dutch_officer_types_them(client, officer, zorg_case):
    """Text inputs, not the browser's number and date inputs (which follow the browser's language: an
    English Chrome drops the comma of "100,50" and reads 04-12 as April 12)."""
    client.force_login(officer)
    form = client.get(f"/arrangements/promise/{zorg_case.number}/").content.decode()
    assert 'type="number"' not in form and 'type="date"' not in form
    r = client.post(
        f"/arrangements/promise/{zorg_case.number}/",
        {"amount": "1.100,50", "due_on": "04-04-2026", "note": ""},
    )
    assert r.status_code == 302
    promise = PaymentPromise.objects.get(case=zorg_case)
    assert promise.amount == Decimal("1100.50") and promise.due_on == dt.date(2026, 4, 4)


@pytest.mark.parametrize("amount", ["-5,00", "0", "12,345", "twaalf"])
def test_promise_refuses_a_bad_amount_on_the_field(client, officer, zorg_case, amount):
    client.force_login(officer)
    r = client.post(f"/arrangements/promise/{zorg_case.number}/", {"amount": amount, "due_on": "04-04-2026"})
    assert r.status_code == 200 and r.context["form"].errors.keys() == {"amount"}
    assert not PaymentPromise.objects.exists()


def test_wizard_takes_dutch_dates_and_amounts(client, officer, zorg_case):
    client.force_login(officer)
    response = client.post(
        f"/arrangements/new/{zorg_case.number}/",
        {"count": "5", "frequency": "monthly", "start_on": "01-04-2026", "down_payment": "50,00"},
    )
    assert response.status_code == 302
    arrangement = Arrangement.objects.get(case=zorg_case)
    first = arrangement.instalments.order_by("number").first()
    assert first.amount == Decimal("50.00")
