"""The API's view of a case's solutions (arrangements, promises, disputes, settlement offers) and
recording a promise to pay from a dialler."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from incasso.api.services import api_token_create
from incasso.arrangements import schedule as sched
from incasso.arrangements.disputes import dispute_open
from incasso.arrangements.models import PaymentPromise
from incasso.arrangements.services import arrangement_propose
from incasso.arrangements.settlements import settlement_propose
from incasso.audit.models import AccessLogEntry
from incasso.cases.selectors import case_balance
from incasso.strategies.models import Hold

pytestmark = pytest.mark.django_db


def _api(user) -> HttpClient:
    _, token = api_token_create(user=user, name="test")
    return HttpClient(headers={"Authorization": f"Bearer {token}"})


def test_a_client_reads_its_cases_arrangement_dispute_and_offer(zorg_case, officer, zorg_user, energie_user):
    today = timezone.localdate()
    balance = case_balance(case=zorg_case).total
    plan = sched.build_schedule(balance=balance, count=3, start_on=today + dt.timedelta(days=5))
    arrangement = arrangement_propose(case=zorg_case, schedule=plan, officer=officer, today=today)
    dispute_open(case=zorg_case, reason="wrong_amount", description="Factuur te hoog", officer=officer)
    body = _api(zorg_user).get(f"/api/v1/cases/{zorg_case.number}/solutions").json()
    [shown] = body["arrangements"]
    assert (shown["id"], shown["status"], shown["balance"]) == (arrangement.pk, "active", str(balance))
    assert [i["amount"] for i in shown["instalments"]] == [str(i.amount) for i in plan.instalments]
    assert sum(Decimal(i["amount"]) for i in shown["instalments"]) == balance  # strings, to the cent
    assert shown["instalments"][0]["paid"] == "0.00"
    assert [(d["reason"], d["resolution"]) for d in body["disputes"]] == [("wrong_amount", "")]
    assert body["promises"] == [] and body["settlements"] == []
    assert AccessLogEntry.objects.filter(case=zorg_case, kind="api_solutions", user=zorg_user).exists()
    assert _api(energie_user).get(f"/api/v1/cases/{zorg_case.number}/solutions").status_code == 404


def test_a_settlement_offer_says_what_is_let_go(zorg_case, officer, zorg_user):
    today = timezone.localdate()
    balance = case_balance(case=zorg_case).total
    settlement_propose(
        case=zorg_case,
        kind="lump_sum",
        amount=(balance * Decimal("0.95")).quantize(Decimal("0.01")),
        deadline=today + dt.timedelta(days=14),
        officer=officer,
        settles_in_full=True,
        today=today,
    )
    [offer] = _api(zorg_user).get(f"/api/v1/cases/{zorg_case.number}/solutions").json()["settlements"]
    assert Decimal(offer["amount"]) + Decimal(offer["let_go"]) == Decimal(offer["balance"])  # to the cent
    assert Decimal(offer["balance"]) >= balance  # owed on the day: the ledger plus running interest


def test_a_dialler_records_a_promise_and_the_case_is_held(zorg_case, officer, zorg_user):
    due = timezone.localdate() + dt.timedelta(days=7)
    r = _api(officer).post(
        f"/api/v1/cases/{zorg_case.number}/promises",
        {"amount": "150.00", "due_on": due.isoformat(), "note": "belt vrijdag terug"},
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["amount"] == "150.00" and r.json()["status"] == "open"
    assert Hold.objects.filter(case=zorg_case, reason="promise", released_at__isnull=True).exists()
    listed = _api(zorg_user).get(f"/api/v1/cases/{zorg_case.number}/solutions").json()["promises"]
    assert [(p["amount"], p["due_on"]) for p in listed] == [("150.00", due.isoformat())]


@pytest.mark.parametrize(
    ("data", "status"),
    [
        ({"amount": "0", "due_on": "2030-01-01"}, 422),
        ({"amount": "10.001", "due_on": "2030-01-01"}, 422),
        ({"amount": "10.00", "due_on": "2020-01-01"}, 422),
        ({"amount": "ten", "due_on": "2030-01-01"}, 422),
    ],
)
def test_a_wrong_promise_is_refused_and_nothing_is_written(zorg_case, officer, data, status):
    r = _api(officer).post(
        f"/api/v1/cases/{zorg_case.number}/promises", data, content_type="application/json"
    )
    assert r.status_code == status
    assert not PaymentPromise.objects.exists() and not Hold.objects.exists()


def test_a_client_user_does_not_record_promises(zorg_case, zorg_user):
    r = _api(zorg_user).post(
        f"/api/v1/cases/{zorg_case.number}/promises",
        {"amount": "10.00", "due_on": "2030-01-01"},
        content_type="application/json",
    )
    assert r.status_code == 403 and not PaymentPromise.objects.exists()
