"""The legal case page: limitation events and bailiff updates through the screen, who may open it,
and bad input named on the field with nothing written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from incasso.cases.models import EntryKind, Event, LedgerEntry
from incasso.legal.models import BailiffUpdate, LimitationEvent
from incasso.legal.tests.factories import document

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _url(case) -> str:
    return f"/legal/case/{case.number}/"


def test_staff_see_the_page_client_users_do_not(client, officer, zorg_user, energie_user, zorg_case):
    client.force_login(officer)
    page = client.get(_url(zorg_case)).content.decode()
    assert "ZN-1001" in page and 'value="limitation"' in page and 'value="bailiff"' in page
    for user in (zorg_user, energie_user):
        client.force_login(user)
        assert client.get(_url(zorg_case)).status_code in (403, 404)
        assert client.post(_url(zorg_case), {"action": "bailiff"}).status_code in (403, 404)
    client.force_login(officer)
    assert client.get("/legal/case/2099-000001/").status_code == 404


def test_handover_page_links_to_the_legal_page(client, officer, zorg_case):
    client.force_login(officer)
    assert f'href="{_url(zorg_case)}"' in client.get(f"/legal/handover/{zorg_case.number}/").content.decode()


def test_record_an_acknowledgement_with_proof(client, officer, zorg_case):
    proof = document(zorg_case, kind="other", name="erkenning.pdf")
    claim = zorg_case.claims.get()
    client.force_login(officer)
    received = dt.date.today() - dt.timedelta(days=3)
    r = client.post(
        _url(zorg_case),
        {
            "action": "limitation",
            "lim-claim": claim.pk,
            "lim-kind": "acknowledgement",
            "lim-occurred_on": received.isoformat(),
            "lim-sent_on": "",
            "lim-proof": proof.pk,
            "lim-note": "mail debiteur",
        },
    )
    assert r.status_code == 302
    event = LimitationEvent.objects.get()
    assert (event.claim, event.kind, event.occurred_on, event.proof, event.by) == (
        claim,
        "acknowledgement",
        received,
        proof,
        officer,
    )
    page = client.get(_url(zorg_case)).content.decode()
    assert "erkenning.pdf" in page and "mail debiteur" in page
    assert Event.objects.filter(case=zorg_case, summary__startswith="Verjaring ZN-1001").exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"lim-occurred_on": (dt.date.today() + dt.timedelta(days=1)).isoformat()}, "occurred_on"),
        (
            {"lim-sent_on": "2026-02-10", "lim-occurred_on": "2026-02-01"},
            "occurred_on",
        ),  # received before sent
        ({"lim-kind": "rumour"}, "kind"),
    ],
)
def test_bad_limitation_input_is_named_and_nothing_written(client, officer, zorg_case, data, field):
    client.force_login(officer)
    post = {
        "action": "limitation",
        "lim-claim": zorg_case.claims.get().pk,
        "lim-kind": "written_interruption",
        "lim-occurred_on": "2026-02-01",
        **data,
    }
    r = client.post(_url(zorg_case), post)
    assert r.status_code == 200 and field in r.context["limitation_form"].errors
    assert not LimitationEvent.objects.exists()


def test_proof_and_claim_of_another_case_are_refused(client, officer, zorg_case, energie_case):
    theirs = document(energie_case, name="ander.pdf")
    client.force_login(officer)
    base = {"action": "limitation", "lim-kind": "acknowledgement", "lim-occurred_on": "2026-02-01"}
    r = client.post(_url(zorg_case), {**base, "lim-claim": zorg_case.claims.get().pk, "lim-proof": theirs.pk})
    assert "proof" in r.context["limitation_form"].errors
    r = client.post(_url(zorg_case), {**base, "lim-claim": energie_case.claims.get().pk})
    assert "claim" in r.context["limitation_form"].errors
    assert not LimitationEvent.objects.exists()


def test_bailiff_costs_are_booked_and_listed(client, officer, zorg_case):
    client.force_login(officer)
    on = dt.date.today().isoformat()
    r = client.post(
        _url(zorg_case),
        {"action": "bailiff", "bu-kind": "costs", "bu-amount": "98.50", "bu-on": on, "bu-note": "betekening"},
    )
    assert r.status_code == 302
    update = BailiffUpdate.objects.get()
    assert update.amount == Decimal("98.50") and update.by == officer
    assert LedgerEntry.objects.filter(
        case=zorg_case, kind=EntryKind.COSTS_CHARGED, source=f"bailiff:{update.pk}"
    ).exists()
    page = client.get(_url(zorg_case)).content.decode()
    assert "betekening" in page and "€ 98,50" in page


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"bu-kind": "costs", "bu-amount": "-5"}, "amount"),
        ({"bu-kind": "payment_received", "bu-amount": ""}, "amount"),
        ({"bu-kind": "note", "bu-amount": "10"}, "amount"),
        ({"bu-kind": "costs", "bu-amount": "10", "bu-on": "2099-01-01"}, "on"),
    ],
)
def test_bad_bailiff_input_is_named_and_nothing_written(client, officer, zorg_case, data, field):
    client.force_login(officer)
    before = LedgerEntry.objects.filter(case=zorg_case).count()
    r = client.post(_url(zorg_case), {"action": "bailiff", "bu-on": dt.date.today().isoformat(), **data})
    assert r.status_code == 200 and field in r.context["bailiff_form"].errors
    assert not BailiffUpdate.objects.exists()
    assert LedgerEntry.objects.filter(case=zorg_case).count() == before


def test_bailiff_judgment_restarts_limitation(client, officer, zorg_case):
    client.force_login(officer)
    r = client.post(
        _url(zorg_case),
        {"action": "bailiff", "bu-kind": "judgment", "bu-on": dt.date.today().isoformat(), "bu-amount": ""},
    )
    assert r.status_code == 302
    assert LimitationEvent.objects.get().kind == "judgment"
