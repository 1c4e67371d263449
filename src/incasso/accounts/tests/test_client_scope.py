"""Per-client access: staff restricted to some clients see those clients' cases and nothing else.

Zara (officer) and Rik (supervisor) work only for Zorggroep Noord. Energie Zuid's case answers 404 to
them everywhere, exactly as it does to a client user of Zorggroep; unrestricted staff see both; the
actions that touch every client at once answer 403 to a restricted supervisor.
"""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client as HttpClient
from django.urls import reverse

from incasso.accounts.admin import IncassoUserChangeForm
from incasso.accounts.models import User
from incasso.accounts.tests.personas import logged_in, rik, zara
from incasso.api.services import api_token_create
from incasso.cases.models import Task
from incasso.cases.selectors import case_list_for_user
from incasso.cases.tests.factories import CaseFactory, ClaimFactory
from incasso.clients.selectors import client_list_for_user
from incasso.core.access import client_scope, forget_client_scope
from incasso.legal.selectors import limitation_watch_list
from incasso.strategies.selectors import work_queue_for_user

__all__ = ["rik", "zara"]  # fixtures used by name below

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- the one place that decides ---------------------------------------------------------------


def test_scope_is_all_clients_for_unrestricted_staff_and_the_chosen_ones_otherwise(
    officer, zara, zorg, energie, zorg_user
):
    assert client_scope(officer) is None
    assert client_scope(zara) == {zorg.pk}
    assert client_scope(zorg_user) == {zorg.pk}
    assert client_scope(None) == frozenset()
    zara.clients.add(energie)
    forget_client_scope(zara)
    assert client_scope(zara) == {zorg.pk, energie.pk}
    assert zara.is_restricted and not officer.is_restricted and not zorg_user.is_restricted


def test_restricted_officer_lists_only_her_clients_cases_and_clients(zara, officer, zorg_case, energie_case):
    assert list(case_list_for_user(user=zara)) == [zorg_case]
    assert {c.code for c in client_list_for_user(user=zara)} == {"ZORG"}
    assert set(case_list_for_user(user=officer)) == {zorg_case, energie_case}
    assert {c.code for c in client_list_for_user(user=officer)} == {"ZORG", "ENERGIE"}


# --- case screens -----------------------------------------------------------------------------


def test_restricted_officer_gets_404_on_other_clients_case_screens(zara, zorg_case, energie_case):
    http = logged_in(zara)
    for name in ("cases:detail", "cases:calculation", "arrangements:case_panel", "letters:case_messages"):
        assert http.get(reverse(name, args=[zorg_case.number])).status_code == 200, name
        assert http.get(reverse(name, args=[energie_case.number])).status_code == 404, name
    for name in ("arrangements:promise", "arrangements:dispute", "legal:case", "legal:handover"):
        assert http.get(reverse(name, args=[energie_case.number])).status_code == 404, name
    response = http.post(reverse("cases:note_add", args=[energie_case.number]), {"text": "gezien"})
    assert response.status_code == 404 and not energie_case.notes.exists()


def test_restricted_officer_does_not_find_other_clients_case_in_the_list(
    zara, energie, zorg_case, energie_case
):
    http = logged_in(zara)
    for params in ({}, {"q": energie_case.number}, {"q": "EZ-2001"}, {"client": energie.pk}):
        response = http.get(reverse("cases:list"), params)
        assert response.status_code == 200
        assert reverse("cases:detail", args=[energie_case.number]) not in response.content.decode(), params
        assert list(response.context["page"]) in ([], [zorg_case]), params


def test_restricted_officer_opens_cases_only_for_her_clients(zara, zorg, energie):
    page = logged_in(zara).get(reverse("cases:create")).content.decode()
    assert zorg.name in page and energie.name not in page


def test_restricted_officer_imports_claims_only_for_her_clients(zara, zorg, energie):
    page = logged_in(zara).get(reverse("intake:claims")).content.decode()
    assert zorg.name in page and energie.name not in page


def test_unrestricted_officer_still_sees_every_client(officer, zorg_case, energie_case):
    http = logged_in(officer)
    listed = http.get(reverse("cases:list")).content.decode()
    assert zorg_case.number in listed and energie_case.number in listed
    assert http.get(reverse("cases:detail", args=[energie_case.number])).status_code == 200


# --- work queue, limitation, strategies, letters ----------------------------------------------


def test_work_queue_leaves_out_tasks_on_other_clients_cases(zara, zorg_case, energie_case):
    today = dt.date(2026, 3, 2)
    for case in (zorg_case, energie_case):
        Task.objects.create(case=case, title=f"bellen {case.client.code}", due_on=today, assignee=zara)
    assert [i.task.title for i in work_queue_for_user(user=zara, today=today)] == ["bellen ZORG"]


def test_limitation_list_shows_only_the_supervisors_clients(rik, supervisor, zorg, energie):
    old = dt.date(2020, 1, 1)
    zorg_claim = ClaimFactory(case=CaseFactory(client=zorg), invoice_date=old, due_date=old)
    energie_claim = ClaimFactory(case=CaseFactory(client=energie), invoice_date=old, due_date=old)
    today = dt.date(2026, 3, 2)
    assert [r.claim for r in limitation_watch_list(today=today, user=rik)] == [zorg_claim]
    everyone = {r.claim for r in limitation_watch_list(today=today, user=supervisor)}
    assert everyone == {zorg_claim, energie_claim}
    page = logged_in(rik).get(reverse("legal:limitation")).content.decode()
    assert zorg_claim.case.number in page and energie_claim.case.number not in page


@pytest.mark.parametrize(
    "url",
    [
        "/strategies/run/",
        "/strategies/",
        "/strategies/new/",
        "/letters/templates/",
        "/payments/import/",
    ],
)
def test_restricted_supervisor_gets_403_on_agency_wide_work(rik, supervisor, url):
    response = logged_in(rik).get(url)
    assert response.status_code == 403
    assert "beperkt tot een deel van de opdrachtgevers" in response.content.decode()
    assert logged_in(supervisor).get(url).status_code == 200


def test_restricted_supervisor_cannot_start_the_daily_run(rik):
    response = logged_in(rik).post("/strategies/run/", {"mode": "run"})
    assert response.status_code == 403
    from incasso.strategies.models import DailyRun

    assert not DailyRun.objects.exists()


def test_management_page_hides_agency_wide_links_from_a_restricted_supervisor(rik, supervisor):
    restricted = logged_in(rik).get(reverse("management")).content.decode()
    assert reverse("strategies:run") not in restricted and reverse("payments:import") not in restricted
    assert reverse("arrangements:approvals") in restricted
    assert reverse("strategies:run") in logged_in(supervisor).get(reverse("management")).content.decode()


# --- the JSON API -----------------------------------------------------------------------------


def _api(user) -> HttpClient:
    _, token = api_token_create(user=user, name="test")
    return HttpClient(headers={"Authorization": f"Bearer {token}"})


def test_api_token_of_a_restricted_officer_sees_only_her_scope(zara, zorg_case, energie_case):
    api = _api(zara)
    body = api.get("/api/v1/cases").json()
    assert [c["number"] for c in body["items"]] == [zorg_case.number] and body["count"] == 1
    assert api.get(f"/api/v1/cases/{zorg_case.number}").status_code == 200
    for path in ("", "/statement", "/events"):
        assert api.get(f"/api/v1/cases/{energie_case.number}{path}").status_code == 404, path
    assert api.get("/api/v1/cases", {"client": "ENERGIE"}).status_code == 404
    note = api.post(
        f"/api/v1/cases/{energie_case.number}/notes", {"text": "x"}, content_type="application/json"
    )
    assert note.status_code == 404


def test_api_claims_hand_over_only_for_a_client_in_scope(zara, officer, energie):
    row = {
        "debtor_name": "Piet Pietersen",
        "invoice_number": "EZ-9",
        "invoice_date": "2026-01-01",
        "due_date": "2026-01-31",
        "principal": "100.00",
    }
    payload = {"client": "ENERGIE", "rows": [row], "dry_run": True}
    refused = _api(zara).post("/api/v1/claims", payload, content_type="application/json")
    assert refused.status_code == 404
    allowed = _api(officer).post("/api/v1/claims", payload, content_type="application/json")
    assert allowed.status_code in (200, 422)  # found the client; the row's checks are not this test's


# --- the admin ---------------------------------------------------------------------------------


def _admin_form(user: User, **changes) -> IncassoUserChangeForm:
    data = {
        "username": user.username,
        "role": user.role,
        "client": user.client_id or "",
        "clients": [],
        "is_active": True,
        "date_joined": "2026-01-01 09:00",
        **changes,
    }
    return IncassoUserChangeForm(data, instance=user)


def test_admin_restricts_an_officer_to_clients(officer, zorg):
    form = _admin_form(officer, clients=[zorg.pk])
    assert form.is_valid(), form.errors
    form.save()
    assert list(User.objects.get(pk=officer.pk).clients.all()) == [zorg]


def test_admin_refuses_clients_on_a_client_user(zorg_user, energie):
    form = _admin_form(zorg_user, clients=[energie.pk])
    assert not form.is_valid()
    assert "eigen opdrachtgever" in str(form.errors["clients"])


def test_admin_refuses_clients_on_a_user_with_django_admin_access(admin_user, zorg):
    form = _admin_form(admin_user, clients=[zorg.pk], is_staff=True)
    assert not form.is_valid()
    assert "stafstatus" in str(form.errors["clients"])


def test_admin_page_offers_the_restriction(admin_user, officer):
    page = logged_in(admin_user).get(reverse("admin:accounts_user_change", args=[officer.pk]))
    assert page.status_code == 200 and 'name="clients"' in page.content.decode()


# --- demo -------------------------------------------------------------------------------------


def test_demo_has_an_officer_restricted_to_healthcare():
    out = StringIO()
    call_command("demo", cases=8, stdout=out)
    zorg_officer = User.objects.get(username="officer-zorg")
    assert zorg_officer.check_password("incasso-demo")
    assert {c.code for c in zorg_officer.clients.all()} == {"DEMO-ZORG"}
    assert "officer-zorg" in out.getvalue()
    assert {c.client.code for c in case_list_for_user(user=zorg_officer)} <= {"DEMO-ZORG"}
