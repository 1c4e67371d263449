"""The access log screens: the case screen's "Seen by" panel and `/audit/`, for supervisors and
administrators only, scoped to their clients, filterable by case, user and period."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from incasso.accounts.tests.personas import logged_in, rik
from incasso.audit.models import AccessKind
from incasso.audit.services import access_record

__all__ = ["rik"]  # fixture used by name below

pytestmark = pytest.mark.django_db
LOG = "/audit/"


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def seen(user, case, kind=AccessKind.CASE_SCREEN, *, on: dt.datetime):
    with time_machine.travel(on, tick=False):
        return access_record(user=user, case=case, kind=kind)


@pytest.fixture
def history(officer, zorg_user, supervisor, zorg_case, energie_case):
    """Olga looked at both cases in March, Zoë at her client's case in April, Sven at Energie in May."""
    seen(officer, zorg_case, on=dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC))
    seen(officer, energie_case, AccessKind.CALCULATION, on=dt.datetime(2026, 3, 3, 9, tzinfo=dt.UTC))
    seen(zorg_user, zorg_case, AccessKind.API_CASE, on=dt.datetime(2026, 4, 10, 9, tzinfo=dt.UTC))
    seen(supervisor, energie_case, on=dt.datetime(2026, 5, 20, 9, tzinfo=dt.UTC))


def rows(response) -> str:
    html = response.content.decode()
    return html[html.index('id="access-log"') :]


@pytest.mark.parametrize("who", ["officer", "zorg_user"])
def test_officers_and_client_users_may_not_see_the_log(request, who, history):
    response = logged_in(request.getfixturevalue(who)).get(LOG)
    assert response.status_code == 403


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(LOG)
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("who", ["supervisor", "admin_user"])
def test_supervisors_and_administrators_see_the_whole_log_newest_first(request, who, history):
    response = logged_in(request.getfixturevalue(who)).get(LOG)
    assert response.status_code == 200
    table = rows(response)
    assert table.index("20-05-2026") < table.index("10-04-2026") < table.index("03-03-2026")
    assert table.count("<tr>") == 1 + 4  # the head and four entries


def test_filter_by_case_answers_who_looked_at_it(supervisor, history, zorg_case, energie_case):
    table = rows(logged_in(supervisor).get(LOG, {"case": zorg_case.number}))
    assert "olga" in table and "zoe" in table and "sven" not in table
    assert energie_case.number not in table


def test_filter_by_user_answers_what_they_looked_at(supervisor, officer, history, zorg_case, energie_case):
    table = rows(logged_in(supervisor).get(LOG, {"user": officer.pk}))
    assert zorg_case.number in table and energie_case.number in table
    assert "zoe" not in table and "sven" not in table


def test_filter_by_period_includes_both_days(supervisor, history):
    table = rows(logged_in(supervisor).get(LOG, {"start": "03-03-2026", "end": "10-04-2026"}))
    assert "03-03-2026" in table and "10-04-2026" in table
    assert "02-03-2026" not in table and "20-05-2026" not in table


def test_a_period_that_ends_before_it_starts_shows_the_error_and_no_rows(supervisor, history):
    response = logged_in(supervisor).get(LOG, {"start": "10-04-2026", "end": "03-03-2026"})
    assert response.status_code == 200
    assert "De periode eindigt voordat hij begint." in response.content.decode()
    assert "olga" not in rows(response)


def test_a_restricted_supervisor_sees_only_their_clients_cases(rik, history, zorg_case, energie_case):
    table = rows(logged_in(rik).get(LOG))
    assert zorg_case.number in table and energie_case.number not in table


def test_the_log_is_paged_without_counting(supervisor, officer, zorg_case):
    for minute in range(51):
        seen(officer, zorg_case, on=dt.datetime(2026, 3, 2, 9, minute, tzinfo=dt.UTC))
    http = logged_in(supervisor)
    first = http.get(LOG).content.decode()
    assert 'rel="next"' in first and 'rel="prev"' not in first
    second = http.get(LOG, {"page": 2}).content.decode()
    assert rows_count(second) == 1 and 'rel="prev"' in second and 'rel="next"' not in second


def rows_count(html: str) -> int:
    return html[html.index('id="access-log"') :].count("<tr>") - 1


# --- the case screen's panel ------------------------------------------------------------------


def test_a_supervisor_sees_who_looked_at_the_case_on_its_screen(supervisor, history, zorg_case):
    html = logged_in(supervisor).get(reverse("cases:detail", args=[zorg_case.number])).content.decode()
    panel = html[html.index('id="seen-by"') :]
    assert "olga" in panel and "zoe" in panel
    assert panel.index("sven") < panel.index("zoe") < panel.index("olga")  # this visit first
    assert f"/audit/?case={zorg_case.number}" in panel


@pytest.mark.parametrize("who", ["officer", "zorg_user"])
def test_officers_and_client_users_see_no_panel(request, who, history, zorg_case):
    html = logged_in(request.getfixturevalue(who)).get(reverse("cases:detail", args=[zorg_case.number]))
    assert 'id="seen-by"' not in html.content.decode()


def test_the_administration_page_links_to_the_log(supervisor):
    assert LOG in logged_in(supervisor).get(reverse("management")).content.decode()
