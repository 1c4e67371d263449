"""The supervisor's list of calls and visits logged against the Wki contact rules."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection

from incasso.cases import timeline
from incasso.cases.contact import call_dates_by_debtor
from incasso.cases.models import Event
from incasso.cases.tests.factories import CaseFactory
from incasso.strategies.tests.conftest import AMS

pytestmark = pytest.mark.django_db
TODAY_10 = dt.datetime(2026, 3, 3, 10, 0, tzinfo=AMS)  # a Tuesday
URL = "/strategies/contact-rules/"


def _log(case, officer, at: dt.datetime, kind: str = "call") -> Event:
    with time_machine.travel(at, tick=False):
        return timeline.contact_log(case=case, kind=kind, outcome="no_answer", actor=officer, now=at)


def test_the_supervisor_sees_the_contacts_against_the_rules_and_only_those(
    client, supervisor, officer, zorg_case
):
    sunday = _log(zorg_case, officer, TODAY_10 - dt.timedelta(days=2))  # Sunday 1 March
    evening = _log(zorg_case, officer, TODAY_10.replace(hour=21), kind="visit")
    fine = _log(zorg_case, officer, TODAY_10)
    long_ago = _log(CaseFactory(), officer, TODAY_10 - dt.timedelta(days=37))  # Sunday 25 January
    assert "outside_contact_window" in long_ago.details and "outside_contact_window" not in fine.details
    client.force_login(supervisor)
    with time_machine.travel(TODAY_10.replace(hour=22), tick=False):
        html = client.get(URL).content.decode()
        assert "in strijd met de contactregels: het is zondag" in html
        assert "in strijd met de contactregels: buiten de contacttijden" in html  # the evening visit
        assert html.count(f"/cases/{zorg_case.number}/") == 2  # not the call within the rules
        assert long_ago.case.number not in html  # older than the last 30 days
        assert long_ago.case.number in client.get(URL, {"days": 90}).content.decode()
        assert client.get(URL, {"days": "x"}).status_code == 200  # a bad period: the default
    assert {sunday.pk, evening.pk} <= set(
        Event.objects.filter(kind__in=["call", "visit"]).values_list("pk", flat=True)
    )


def test_the_management_page_links_to_the_list(client, supervisor):
    client.force_login(supervisor)
    html = client.get("/management/").content.decode()
    assert f'href="{URL}"' in html and "Contact in strijd met de regels" in html


def test_officers_and_client_users_may_not_see_the_list(client, officer, zorg_user):
    client.force_login(officer)
    assert client.get(URL).status_code == 403
    client.force_login(zorg_user)
    assert client.get(URL).status_code == 403


def test_the_weeks_calls_are_read_by_the_partial_index(officer, zorg_case):
    if connection.vendor != "postgresql":
        pytest.skip("query plans are PostgreSQL's")
    _log(zorg_case, officer, TODAY_10)
    assert call_dates_by_debtor(TODAY_10.date()) == {zorg_case.debtor_id: [TODAY_10.date()]}
    from incasso.cases.models import EventKind

    query = Event.objects.filter(kind=EventKind.CALL, occurred_at__gte=TODAY_10 - dt.timedelta(days=6))
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        assert "event_contact_idx" in query.explain()
