"""Telephone calls and home visits logged with their outcome, on the timeline the work queue reads."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from incasso.cases import timeline
from incasso.cases.contact import contact_check
from incasso.cases.models import Event, Task
from incasso.cases.tests.factories import CaseFactory
from incasso.core.exceptions import DomainError

pytestmark = pytest.mark.django_db
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
TUESDAY_10 = dt.datetime(2026, 3, 3, 10, 0, tzinfo=AMSTERDAM)
SUNDAY_11 = dt.datetime(2026, 3, 1, 11, 0, tzinfo=AMSTERDAM)


def test_a_call_is_logged_with_its_outcome_and_completes_the_call_task(zorg_case, officer):
    task = timeline.task_create(
        case=zorg_case, title="Debiteur bellen", due_on=dt.date(2026, 3, 2), kind="call"
    )
    with translation.override("en"):  # an officer working in English: the record stays Dutch
        event = timeline.contact_log(
            case=zorg_case,
            kind="call",
            outcome="no_answer",
            note="voicemail vol",
            actor=officer,
            task=task,
            now=TUESDAY_10,
        )
    assert event.kind == "call" and event.details["outcome"] == "no_answer"
    assert event.summary == "Gebeld: niet bereikt (geen gehoor, niet thuis) — voicemail vol"
    task.refresh_from_db()
    assert task.done_at is not None and task.done_by == officer


def test_a_bad_contact_is_refused_and_nothing_is_written(zorg_case, officer):
    other_task = timeline.task_create(
        case=CaseFactory(), title="Bellen", due_on=dt.date(2026, 3, 2), kind="call"
    )
    before = Event.objects.filter(case=zorg_case).count()
    for kwargs, field in (
        ({"kind": "email", "outcome": "reached"}, "kind"),
        ({"kind": "call", "outcome": "maybe"}, "outcome"),
        ({"kind": "visit", "outcome": "reached", "task": other_task}, "task"),
    ):
        with pytest.raises(DomainError) as refused:
            timeline.contact_log(case=zorg_case, actor=officer, **kwargs)
        assert refused.value.field == field
    assert Event.objects.filter(case=zorg_case).count() == before
    assert Task.objects.get(pk=other_task.pk).done_at is None


@time_machine.travel(TUESDAY_10, tick=False)
def test_the_case_screen_logs_a_visit_in_place(client, officer, zorg_case):
    client.force_login(officer)
    page = client.get(reverse("cases:detail", args=[zorg_case.number])).content.decode()
    assert "Gesprek of bezoek vastleggen" in page
    response = client.post(
        reverse("cases:contact_log", args=[zorg_case.number]),
        {"kind": "visit", "outcome": "promise", "note": "betaalt vrijdag"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert response.status_code == 200 and 'id="tasks"' in html
    assert "Huisbezoek: debiteur belooft te betalen — betaalt vrijdag" in html  # the timeline, out of band
    bad = client.post(
        reverse("cases:contact_log", args=[zorg_case.number]),
        {"kind": "call", "outcome": ""},
        headers={"HX-Request": "true"},
    )
    assert "Dit veld is verplicht" in bad.content.decode()
    assert Event.objects.filter(case=zorg_case, kind__in=["call", "visit"]).count() == 1


def test_the_case_screen_completes_the_chosen_call_task_and_only_an_open_one_of_this_case(
    client, officer, zorg_case
):
    task = timeline.task_create(case=zorg_case, title="Terugbellen", due_on=dt.date(2026, 3, 2), kind="call")
    other = timeline.task_create(case=CaseFactory(), title="Bellen", due_on=dt.date(2026, 3, 2), kind="call")
    client.force_login(officer)
    url = reverse("cases:contact_log", args=[zorg_case.number])
    page = client.get(reverse("cases:detail", args=[zorg_case.number])).content.decode()
    assert f'<option value="{task.pk}">Terugbellen (telefoongesprek)</option>' in page
    refused = client.post(
        url, {"kind": "call", "outcome": "reached", "task": other.pk}, headers={"HX-Request": "true"}
    )
    assert "Selecteer een geldige keuze" in refused.content.decode()
    assert Task.objects.get(pk=other.pk).done_at is None
    client.post(url, {"kind": "call", "outcome": "reached", "task": task.pk}, headers={"HX-Request": "true"})
    assert Task.objects.get(pk=task.pk).done_at is not None


# --- the Wki contact rules for calls and visits (core.contact) ----------------------------------


def _call(case, officer, at: dt.datetime) -> Event:
    with time_machine.travel(at, tick=False):  # the event's occurred_at is the moment of logging
        return timeline.contact_log(case=case, kind="call", outcome="no_answer", actor=officer, now=at)


def test_a_call_on_sunday_is_recorded_and_marked_against_the_contact_rules(zorg_case, officer):
    event = _call(zorg_case, officer, SUNDAY_11)
    assert event.details["outside_contact_window"] == "sunday"
    assert (
        event.summary
        == "Gebeld: niet bereikt (geen gehoor, niet thuis) [in strijd met de contactregels: het is zondag]"
    )
    evening = timeline.contact_log(
        case=zorg_case,
        kind="visit",
        outcome="reached",
        actor=officer,
        now=TUESDAY_10.replace(hour=20, minute=5),
    )
    assert evening.details["outside_contact_window"] == "outside_hours"  # a home visit too
    within = _call(zorg_case, officer, TUESDAY_10)
    assert "outside_contact_window" not in within.details and "[" not in within.summary


def test_call_attempts_count_per_debtor_over_seven_days_and_the_fourth_is_marked(zorg_case, officer):
    other_case = CaseFactory(debtor=zorg_case.debtor)  # the debtor is called, not the case
    _call(zorg_case, officer, TUESDAY_10 - dt.timedelta(days=7))  # 8 days before the last: not counted
    _call(zorg_case, officer, TUESDAY_10 - dt.timedelta(days=6))
    _call(other_case, officer, TUESDAY_10 - dt.timedelta(days=2))
    assert contact_check(debtor_id=zorg_case.debtor_id, now=TUESDAY_10).calls == 2
    third = _call(zorg_case, officer, TUESDAY_10)
    assert "over_call_limit" not in third.details
    check = contact_check(debtor_id=zorg_case.debtor_id, now=TUESDAY_10)
    assert (check.calls, check.call_limit, check.call_limit_reached) == (3, 3, True)
    fourth = _call(other_case, officer, TUESDAY_10.replace(hour=15))
    assert fourth.details["over_call_limit"] == 4
    assert fourth.summary.endswith("[belpoging 4 in 7 dagen, boven de grens]")
    visit = timeline.contact_log(
        case=zorg_case, kind="visit", outcome="reached", actor=officer, now=TUESDAY_10
    )
    assert "over_call_limit" not in visit.details  # the limit is the phone's


def test_a_narrower_window_of_the_settings_holds_for_calls(zorg_case, officer, settings):
    settings.INCASSO_CONTACT_WINDOW = ("09:00", "17:00")
    assert (
        contact_check(debtor_id=zorg_case.debtor_id, now=TUESDAY_10.replace(hour=18)).why_not_now
        == "outside_hours"
    )
    assert contact_check(debtor_id=zorg_case.debtor_id, now=TUESDAY_10.replace(hour=16)).why_not_now == ""


def test_the_case_screen_says_when_not_to_call(client, officer, zorg_case):
    client.force_login(officer)
    url = reverse("cases:detail", args=[zorg_case.number])
    with time_machine.travel(TUESDAY_10, tick=False):
        page = client.get(url).content.decode()
    assert "Bellen en bezoeken mag vandaag tot 20:00." in page
    assert "Belpogingen in de afgelopen 7 dagen, alle dossiers van deze debiteur: 0 van 3." in page
    assert "nu niet bellen" not in page
    with time_machine.travel(SUNDAY_11, tick=False):
        page = client.get(url).content.decode()
    assert "nu niet bellen" in page
    assert "Nu niet bellen of langsgaan: het is zondag." in page
