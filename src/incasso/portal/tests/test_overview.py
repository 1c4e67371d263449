"""The debtor's overview: who the creditor is, the invoices, what is owed today, how to pay."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.utils import translation

from incasso.arrangements import schedule as sched
from incasso.arrangements.services import arrangement_propose
from incasso.calculations.sheet import format_money
from incasso.cases.models import Case, Event
from incasso.cases.selectors import case_balance
from incasso.cases.statement import case_statement
from incasso.portal.tests.conftest import TODAY


def test_the_overview_shows_the_creditor_the_invoices_and_how_to_pay(debtor, debtor_case):
    page = debtor.get("/portaal/dossier/").content.decode()
    assert "Zorggroep Noord" in page
    assert "ZN-1001" in page and "01-11-2025" in page and "€ 1.250,00" in page
    assert "NL91 ABNA 0417 1643 00" in page
    ref = debtor_case.payment_reference
    assert " ".join(ref[i : i + 4] for i in range(0, 16, 4)) in page
    assert 'src="data:image/svg+xml' in page  # the EPC QR code


def test_the_amounts_are_the_cases_own_calculation_to_the_cent(debtor, debtor_case):
    statement = case_statement(case=debtor_case, as_of=TODAY)
    assert statement.interest.outstanding > 0  # the invoice has been due since December
    response = debtor.get("/portaal/dossier/")
    owed = response.context["overview"].owed
    assert (owed.principal, owed.interest, owed.costs, owed.total) == (
        statement.principal.outstanding,
        statement.interest.outstanding,
        statement.costs.outstanding,
        statement.outstanding,
    )
    page = response.content.decode()
    for amount in (statement.principal.outstanding, statement.interest.outstanding, statement.outstanding):
        assert format_money(amount) in page


def test_a_running_arrangement_shows_its_instalments_and_the_code_asks_for_the_next_one(
    debtor, debtor_case, officer
):
    balance = case_balance(case=debtor_case).total  # an arrangement covers the ledger's balance
    plan = sched.build_schedule(balance=balance, count=3, start_on=TODAY + dt.timedelta(days=5))
    arrangement = arrangement_propose(case=debtor_case, schedule=plan, officer=officer, today=TODAY)
    assert arrangement.status == "active"
    response = debtor.get("/portaal/dossier/")
    shown = response.context["overview"].arrangement
    assert [i.amount for i in shown.instalments] == [i.amount for i in plan.instalments]
    first = arrangement.instalments.get(number=1)
    pay_to = response.context["overview"].pay_to
    assert pay_to.amount == first.amount and pay_to.reference.replace(" ", "") == first.payment_reference


def test_a_closed_case_may_log_in_but_sees_it_is_closed_and_no_actions(debtor, debtor_case):
    Case.objects.filter(pk=debtor_case.pk).update(state="closed", closed_on=TODAY, closing_reason="paid")
    page = debtor.get("/portaal/dossier/").content.decode()
    assert "Dit dossier is afgesloten" in page
    assert "/portaal/regeling/" not in page and "/portaal/betwisting/" not in page
    assert 'src="data:image/svg+xml' not in page


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("nl", ["Wat u vandaag moet betalen", "Zo betaalt u", "Uitloggen"]),
        ("en", ["What you owe today", "How to pay", "Log out"]),
    ],
)
def test_the_pages_render_in_dutch_and_in_english(debtor, client, debtor_case, language, words):
    debtor.cookies["django_language"] = language
    for url in (
        "/portaal/dossier/",
        "/portaal/regeling/",
        "/portaal/betaalbelofte/",
        "/portaal/betwisting/",
        "/portaal/contactgegevens/",
    ):
        response = debtor.get(url)
        assert response.status_code == 200
        assert f'<html lang="{language}">' in response.content.decode()
    page = debtor.get("/portaal/dossier/").content.decode()
    for word in words:
        assert word in page
    translation.activate("nl")


def test_the_login_page_renders_in_both_languages(client):
    assert "Bekijk uw dossier" in client.get("/portaal/").content.decode()
    client.cookies["django_language"] = "en"
    assert "View your case" in client.get("/portaal/").content.decode()


def test_a_running_settlement_offer_is_shown_and_the_code_asks_for_its_amount(debtor, debtor_case, officer):
    from decimal import Decimal

    from incasso.arrangements.settlements import settlement_propose

    settlement_propose(
        case=debtor_case,
        kind="lump_sum",
        amount=Decimal("1200.00"),
        deadline=TODAY + dt.timedelta(days=14),
        officer=officer,
        today=TODAY,
    )
    response = debtor.get("/portaal/dossier/")
    page = response.content.decode()
    assert "Ons voorstel: in één keer minder betalen" in page
    assert "Betaal <strong>€ 1.200,00</strong> in één keer, uiterlijk op <strong>24-03-2026</strong>" in page
    pay_to = response.context["overview"].pay_to
    assert pay_to.amount == Decimal("1200.00")
    assert pay_to.reference.replace(" ", "") == debtor_case.payment_reference


def _active_arrangement(debtor_case, officer):
    balance = case_balance(case=debtor_case).total
    plan = sched.build_schedule(balance=balance, count=3, start_on=TODAY + dt.timedelta(days=5))
    return arrangement_propose(case=debtor_case, schedule=plan, officer=officer, today=TODAY)


def test_the_debtor_reads_and_accepts_the_arrangement_online(debtor, debtor_case, officer):
    arrangement = _active_arrangement(debtor_case, officer)
    page = debtor.get("/portaal/dossier/").content.decode()
    assert "Ga akkoord met de regeling" in page and arrangement.agreement_sha256 in page
    pdf = debtor.get("/portaal/regeling/overeenkomst.pdf")
    assert pdf["Content-Type"] == "application/pdf" and bytes(pdf.content) == bytes(arrangement.agreement_pdf)
    assert hashlib.sha256(pdf.content).hexdigest() == arrangement.agreement_sha256
    r = debtor.post(
        "/portaal/regeling/akkoord/",
        {"document_sha256": arrangement.agreement_sha256, "agree": "on"},
        REMOTE_ADDR="198.51.100.7",
    )
    assert r.status_code == 302 and r.url == "/portaal/dossier/"
    arrangement.refresh_from_db()
    assert arrangement.acceptance_method == "online" and arrangement.accepted_ip == "198.51.100.7"
    assert arrangement.accepted_document_sha256 == arrangement.agreement_sha256
    event = Event.objects.get(case=debtor_case, summary__startswith="Betalingsregeling geaccepteerd")
    assert event.actor_label == "portal" and event.details["ip"] == "198.51.100.7"
    page = debtor.get("/portaal/dossier/").content.decode()
    assert "U bent op 10-03-2026 akkoord gegaan met deze regeling." in page
    assert "Ga akkoord met de regeling" not in page
    again = debtor.post(
        "/portaal/regeling/akkoord/",
        {"document_sha256": arrangement.agreement_sha256, "agree": "on"},
        follow=True,
    )
    assert "al geaccepteerd" in again.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"agree": "on"}, "Dit veld is verplicht"),
        ({"document_sha256": "0" * 64, "agree": "on"}, "De overeenkomst is gewijzigd"),
        ({"document_sha256": "x"}, "Vink het vakje aan"),
    ],
)
def test_an_acceptance_without_the_tick_or_of_another_document_is_refused(
    debtor, debtor_case, officer, data, message
):
    arrangement = _active_arrangement(debtor_case, officer)
    r = debtor.post("/portaal/regeling/akkoord/", data, follow=True)
    assert message in r.content.decode()
    arrangement.refresh_from_db()
    assert arrangement.accepted_at is None and arrangement.accepted_ip is None


def test_no_arrangement_no_agreement_to_read_or_accept(debtor, debtor_case):
    assert debtor.get("/portaal/regeling/overeenkomst.pdf").status_code == 404
    r = debtor.post("/portaal/regeling/akkoord/", {"document_sha256": "0" * 64, "agree": "on"}, follow=True)
    assert "Er is geen betalingsregeling om te accepteren" in r.content.decode()


def test_the_agreement_is_not_for_anyone_outside_the_portal_session(client, debtor_case, officer):
    _active_arrangement(debtor_case, officer)
    r = client.get("/portaal/regeling/overeenkomst.pdf")
    assert r.status_code == 302 and r.url.startswith("/portaal/")


def _running_offer(debtor_case, officer, kind="goods_return"):
    from decimal import Decimal

    from incasso.arrangements.settlements import settlement_propose

    return settlement_propose(
        case=debtor_case,
        kind=kind,
        amount=Decimal("300.00") if kind == "goods_return" else Decimal("1200.00"),
        deadline=TODAY + dt.timedelta(days=14),
        officer=officer,
        settles_in_full=False,
        goods_description="Wasmachine Miele W1" if kind == "goods_return" else "",
        return_instructions="Ophalen op afspraak" if kind == "goods_return" else "",
        today=TODAY,
    )


def test_the_debtor_reads_and_accepts_a_settlement_offer_online(debtor, debtor_case, officer, client):
    """A goods return needs the debtor's agreement: the portal takes it as for an arrangement, on
    exactly the stored document; the staff page then shows how and when."""
    offer = _running_offer(debtor_case, officer)
    assert offer.status == "active"
    page = debtor.get("/portaal/dossier/").content.decode()
    assert 'id="settlement-accept"' in page and offer.agreement_sha256 in page
    pdf = debtor.get("/portaal/schikking/overeenkomst.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert hashlib.sha256(pdf.content).hexdigest() == offer.agreement_sha256
    stale = debtor.post(
        "/portaal/schikking/akkoord/", {"document_sha256": "0" * 64, "agree": "on"}, follow=True
    )
    assert "De overeenkomst is gewijzigd" in stale.content.decode()
    offer.refresh_from_db()
    assert offer.accepted_at is None and offer.accepted_ip is None
    r = debtor.post(
        "/portaal/schikking/akkoord/",
        {"document_sha256": offer.agreement_sha256, "agree": "on"},
        REMOTE_ADDR="198.51.100.9",
    )
    assert r.status_code == 302 and r.url == "/portaal/dossier/"
    offer.refresh_from_db()
    assert (offer.acceptance_method, offer.accepted_ip) == ("online", "198.51.100.9")
    assert offer.accepted_document_sha256 == offer.agreement_sha256
    event = Event.objects.get(case=debtor_case, summary__endswith="akkoord online gegeven")
    assert event.actor_label == "portal" and event.details["ip"] == "198.51.100.9"
    page = debtor.get("/portaal/dossier/").content.decode()
    assert "U bent op 10-03-2026 akkoord gegaan met dit voorstel." in page
    assert 'id="settlement-accept"' not in page
    again = debtor.post(
        "/portaal/schikking/akkoord/", {"document_sha256": offer.agreement_sha256, "agree": "on"}, follow=True
    )
    assert "al geaccepteerd" in again.content.decode()
    client.force_login(officer)
    staff = client.get(f"/arrangements/settlements/{offer.pk}/").content.decode()
    assert "198.51.100.9" in staff and "online geaccepteerd" in staff


def test_a_signed_copy_after_an_online_acceptance_is_refused(debtor, debtor_case, officer):
    from incasso.arrangements.settlements import settlement_accept_online, settlement_accept_signed
    from incasso.core.exceptions import DomainError

    offer = _running_offer(debtor_case, officer)
    settlement_accept_online(
        settlement=offer, document_sha256=offer.agreement_sha256, ip="198.51.100.9", actor_label="portal"
    )
    with pytest.raises(DomainError, match="al geaccepteerd"):
        settlement_accept_signed(settlement=offer, content=b"%PDF-1.4 scan", actor=officer)
    offer.refresh_from_db()
    assert offer.signed_upload is None and offer.acceptance_method == "online"


def test_no_running_offer_nothing_to_read_or_accept(debtor, debtor_case, officer):
    assert debtor.get("/portaal/schikking/overeenkomst.pdf").status_code == 404
    r = debtor.post("/portaal/schikking/akkoord/", {"document_sha256": "0" * 64, "agree": "on"}, follow=True)
    assert "Er is geen voorstel om te accepteren" in r.content.decode()
