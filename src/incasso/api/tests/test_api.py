"""The JSON API through the test client, on the real database, with real tokens."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.test import Client as HttpClient

from incasso.api.models import ApiToken
from incasso.api.services import api_token_create, api_token_revoke
from incasso.cases.models import Case, Claim, Note
from incasso.cases.statement import case_statement

pytestmark = pytest.mark.django_db


def _client(user) -> HttpClient:
    _, token = api_token_create(user=user, name="test")
    return HttpClient(headers={"Authorization": f"Bearer {token}"})


def test_no_token_or_a_wrong_one_is_401(zorg_case):
    assert HttpClient().get("/api/v1/cases").status_code == 401
    wrong = HttpClient(headers={"Authorization": "Bearer inc_00000000_nope"})
    assert wrong.get("/api/v1/cases").status_code == 401


def test_a_revoked_token_or_an_inactive_user_is_401(officer, zorg_case):
    record, token = api_token_create(user=officer, name="ERP")
    http = HttpClient(headers={"Authorization": f"Bearer {token}"})
    assert http.get("/api/v1/cases").status_code == 200
    assert ApiToken.objects.get(pk=record.pk).last_used_at is not None
    api_token_revoke(prefix=token[:12])
    assert http.get("/api/v1/cases").status_code == 401

    _, token2 = api_token_create(user=officer, name="ERP 2")
    officer.is_active = False
    officer.save()
    assert HttpClient(headers={"Authorization": f"Bearer {token2}"}).get("/api/v1/cases").status_code == 401


def test_a_token_is_stored_only_as_its_hash(officer):
    record, token = api_token_create(user=officer, name="ERP")
    stored = ApiToken.objects.get(pk=record.pk)
    assert token not in (stored.prefix, stored.secret_hash, stored.name)
    assert token.startswith(f"inc_{stored.prefix}_")


def test_a_client_user_lists_only_its_own_clients_cases(zorg_user, zorg_case, energie_case):
    body = _client(zorg_user).get("/api/v1/cases").json()
    assert [c["number"] for c in body["items"]] == [zorg_case.number]
    assert body["count"] == 1
    assert body["items"][0]["client"] == "ZORG"
    assert body["items"][0]["balance"] == "1250.00"


def test_staff_see_all_and_filter_and_search(officer, zorg_case, energie_case):
    http = _client(officer)
    assert http.get("/api/v1/cases").json()["count"] == 2
    assert [c["number"] for c in http.get("/api/v1/cases?client=ENERGIE").json()["items"]] == [
        energie_case.number
    ]
    found = http.get("/api/v1/cases", {"q": "EZ-2001"}).json()["items"]
    assert [c["number"] for c in found] == [energie_case.number]
    assert http.get("/api/v1/cases?limit=0").status_code == 422
    assert http.get("/api/v1/cases?client=NOPE").status_code == 404


def test_case_detail_amounts_are_decimal_strings(officer, zorg_case):
    body = _client(officer).get(f"/api/v1/cases/{zorg_case.number}").json()
    assert body["claims"][0]["invoice_number"] == "ZN-1001"
    assert body["claims"][0]["principal"] == "1250.00"
    assert body["balance_by_bucket"]["principal"] == "1250.00"
    assert Decimal(body["balance"]) == Decimal("1250.00")


def test_statement_equals_the_calculation_sheet(officer, zorg_case):
    on = dt.date(2026, 11, 24)
    body = _client(officer).get(f"/api/v1/cases/{zorg_case.number}/statement?as_of=2026-11-24").json()
    expected = case_statement(case=zorg_case, as_of=on)
    assert expected is not None
    assert Decimal(body["outstanding"]) == expected.outstanding
    assert Decimal(body["interest"]["charged"]) == expected.interest.charged
    assert len(body["lines"]) == len(expected.lines)
    assert body["as_of"] == "2026-11-24"


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/cases/{number}",
        "/api/v1/cases/{number}/statement",
        "/api/v1/cases/{number}/events",
    ],
)
def test_another_clients_case_is_404_on_every_read(zorg_user, energie_case, url):
    assert _client(zorg_user).get(url.format(number=energie_case.number)).status_code == 404


def test_another_clients_case_is_404_on_write_too(zorg_user, energie_case):
    response = _client(zorg_user).post(
        f"/api/v1/cases/{energie_case.number}/notes", {"text": "x"}, content_type="application/json"
    )
    assert response.status_code == 404


def test_a_client_user_cannot_write_its_own_case(zorg_user, zorg_case):
    http = _client(zorg_user)
    response = http.post(
        f"/api/v1/cases/{zorg_case.number}/notes", {"text": "x"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert not Note.objects.exists()
    response = http.post(
        "/api/v1/claims", {"client": "ZORG", "rows": [{"a": "b"}]}, content_type="application/json"
    )
    assert response.status_code == 403


def test_an_officer_adds_a_note_and_it_is_on_the_timeline(officer, zorg_case):
    http = _client(officer)
    response = http.post(
        f"/api/v1/cases/{zorg_case.number}/notes",
        {"text": "Debiteur belde via klantportaal"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["author"] == "olga"
    events = http.get(f"/api/v1/cases/{zorg_case.number}/events").json()
    assert events[0]["summary"] == "Debiteur belde via klantportaal"
    assert events[0]["by"] == "olga"


def test_an_empty_note_is_refused_with_a_reason(officer, zorg_case):
    http = _client(officer)
    response = http.post(
        f"/api/v1/cases/{zorg_case.number}/notes", {"text": "   "}, content_type="application/json"
    )
    assert response.status_code == 422
    assert not Note.objects.exists()
    not_json = http.post(f"/api/v1/cases/{zorg_case.number}/notes", "{", content_type="application/json")
    assert not_json.status_code in (400, 422)


ROW = {
    "invoice_number": "API-1",
    "invoice_date": "2026-09-01",
    "due_date": "2026-10-01",
    "principal": "310.25",
    "debtor_type": "person",
    "debtor_role": "consumer",
    "first_names": "Ilse",
    "last_name": "de Boer",
    "street": "Kerkstraat",
    "house_number": "5",
    "postcode": "1017 GA",
    "city": "Amsterdam",
}


def test_claims_hand_over_opens_a_case_and_a_second_call_skips_it(officer, zorg):
    http = _client(officer)
    payload = {"client": "ZORG", "reference": "batch-7", "rows": [ROW, {**ROW, "invoice_number": "API-2"}]}
    first = http.post("/api/v1/claims", payload, content_type="application/json")
    assert first.status_code == 200, first.content
    body = first.json()
    assert body["ok"] and body["claims_created"] == 2 and body["principal"] == "620.50"
    assert len(body["opened"]) == 1
    case = Case.objects.get(number=body["opened"][0]["case"])
    assert case.client == zorg
    assert sorted(case.claims.values_list("invoice_number", flat=True)) == ["API-1", "API-2"]

    again = http.post("/api/v1/claims", payload, content_type="application/json").json()
    assert again["claims_created"] == 0
    assert [s["invoice_number"] for s in again["skipped"]] == ["API-1", "API-2"]
    assert Claim.objects.count() == 2


def test_claims_with_one_bad_row_write_nothing_and_name_row_and_column(officer, zorg):
    http = _client(officer)
    bad = {**ROW, "invoice_number": "API-9", "principal": "12,5x"}
    response = http.post(
        "/api/v1/claims", {"client": "ZORG", "rows": [ROW, bad]}, content_type="application/json"
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert [(e["row"], e["column"]) for e in errors] == [(2, "principal")]
    assert not Case.objects.exists()


def test_claims_refuse_json_numbers_for_amounts(officer, zorg):
    response = _client(officer).post(
        "/api/v1/claims",
        {"client": "ZORG", "rows": [{**ROW, "principal": 310.25}]},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert not Case.objects.exists()


def test_claims_dry_run_writes_nothing(officer, zorg):
    response = _client(officer).post(
        "/api/v1/claims", {"client": "ZORG", "dry_run": True, "rows": [ROW]}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["dry_run"] is True
    assert not Case.objects.exists()


def test_claims_for_an_unknown_client_are_404(officer):
    response = _client(officer).post(
        "/api/v1/claims", {"client": "NOPE", "rows": [ROW]}, content_type="application/json"
    )
    assert response.status_code == 404


def test_openapi_spec_and_docs_are_served_without_a_cdn(officer):
    spec = HttpClient().get("/api/v1/openapi.json").json()
    assert {"/api/v1/cases", "/api/v1/cases/{number}/statement", "/api/v1/claims"} <= set(spec["paths"])
    assert spec["components"]["securitySchemes"]
    docs = HttpClient().get("/api/v1/docs")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()


def test_apitoken_command_creates_lists_and_revokes(officer, capsys):
    call_command("apitoken", "create", "--user", "olga", "--name", "ERP koppeling")
    token = capsys.readouterr().out.strip()
    assert token.startswith("inc_")
    http = HttpClient(headers={"Authorization": f"Bearer {token}"})
    assert http.get("/api/v1/cases").status_code == 200
    call_command("apitoken", "list")
    assert "ERP koppeling" in capsys.readouterr().out
    call_command("apitoken", "revoke", token[:12])
    assert http.get("/api/v1/cases").status_code == 401
    with pytest.raises(CommandError, match="no user"):
        call_command("apitoken", "create", "--user", "nobody", "--name", "x")
    with pytest.raises(CommandError, match="naam"):  # Dutch, the default language
        call_command("apitoken", "create", "--user", "olga", "--name", " ")


def test_an_officer_freezes_and_ends_interest_through_the_api(officer, zorg_case):
    http = _client(officer)
    url = f"/api/v1/cases/{zorg_case.number}/interest-freezes"
    response = http.post(
        url, {"starts_on": "2026-02-01", "reason": "klacht in onderzoek"}, content_type="application/json"
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["source"], body["created_by"], body["ends_on"]) == ("manual", "olga", None)
    again = http.post(url, {"starts_on": "2026-03-01", "reason": "nog eens"}, content_type="application/json")
    assert again.status_code == 422 and "starts_on" in again.json()["detail"]
    ended = http.post(f"{url}/end", {"ends_on": "2026-04-30"}, content_type="application/json")
    assert ended.status_code == 200 and ended.json()["ends_on"] == "2026-04-30"
    assert http.get(f"/api/v1/cases/{zorg_case.number}/events").json()[0]["by"] == "olga"


def test_interest_freezes_through_the_api_are_staff_only_and_scoped(zorg_user, energie_user, zorg_case):
    payload = {"starts_on": "2026-02-01", "reason": "klacht"}
    url = f"/api/v1/cases/{zorg_case.number}/interest-freezes"
    assert _client(zorg_user).post(url, payload, content_type="application/json").status_code == 403
    assert _client(energie_user).post(url, payload, content_type="application/json").status_code == 404
    assert (
        _client(zorg_user)
        .post(f"{url}/end", {"ends_on": "2026-04-30"}, content_type="application/json")
        .status_code
        == 403
    )
    assert not zorg_case.interest_freezes.exists()


# --- contact: a dialler asks before it calls, and logs what came of it ----------------------------

TUESDAY_10 = dt.datetime(2026, 3, 3, 10, 0, tzinfo=dt.UTC)  # 11:00 in Amsterdam
SUNDAY_11 = dt.datetime(2026, 3, 1, 10, 0, tzinfo=dt.UTC)


def test_a_dialler_asks_may_i_call_and_logs_the_calls(officer, zorg_case, time_machine):
    from incasso.cases.models import Event

    http = _client(officer)
    url = f"/api/v1/cases/{zorg_case.number}"
    time_machine.move_to(TUESDAY_10, tick=False)
    assert http.get(f"{url}/contact-check").json() == {
        "allowed_now": True,
        "why_not_now": None,
        "window_start": "07:00",
        "window_end": "20:00",
        "calls_this_week": 0,
        "call_limit": 3,
        "call_limit_reached": False,
        "phone_refused": False,
    }
    for _ in range(3):
        made = http.post(
            f"{url}/contacts", {"kind": "call", "outcome": "no_answer"}, content_type="application/json"
        )
        assert made.status_code == 201 and made.json()["over_call_limit"] is None
    check = http.get(f"{url}/contact-check").json()
    assert (check["calls_this_week"], check["call_limit_reached"]) == (3, True)
    fourth = http.post(
        f"{url}/contacts",
        {"kind": "call", "outcome": "reached", "note": "toch gebeld"},
        content_type="application/json",
    ).json()
    assert fourth["over_call_limit"] == 4 and fourth["outcome"] == "reached"
    assert Event.objects.filter(case=zorg_case, kind="call").count() == 4
    time_machine.move_to(SUNDAY_11, tick=False)
    sunday = http.get(f"{url}/contact-check").json()
    assert (sunday["allowed_now"], sunday["why_not_now"]) == (False, "sunday")


def test_a_bad_contact_is_refused_by_the_api_and_nothing_is_written(
    officer, zorg_user, zorg_case, energie_case
):
    from incasso.cases.models import Event

    url = f"/api/v1/cases/{zorg_case.number}/contacts"
    http = _client(officer)
    for body in (
        {"kind": "email", "outcome": "reached"},
        {"kind": "call", "outcome": "maybe"},
        {"kind": "call"},
    ):
        assert http.post(url, body, content_type="application/json").status_code == 422
    ok = {"kind": "visit", "outcome": "reached"}
    assert (
        _client(zorg_user).post(url, ok, content_type="application/json").status_code == 403
    )  # a client reads only
    other = f"/api/v1/cases/{energie_case.number}"
    assert _client(zorg_user).get(f"{other}/contact-check").status_code == 404  # another client's case
    assert not Event.objects.filter(kind__in=["call", "visit"]).exists()
