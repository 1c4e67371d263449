"""Telephone calls and home visits logged with their outcome, on the timeline the work queue reads."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from incasso.cases import timeline
from incasso.cases.models import Event, Task
from incasso.cases.tests.factories import CaseFactory
from incasso.core.exceptions import DomainError

pytestmark = pytest.mark.django_db


def test_a_call_is_logged_with_its_outcome_and_completes_the_call_task(zorg_case, officer):
    task = timeline.task_create(
        case=zorg_case, title="Debiteur bellen", due_on=dt.date(2026, 3, 2), kind="call"
    )
    with translation.override("en"):  # an officer working in English: the record stays Dutch
        event = timeline.contact_log(
            case=zorg_case, kind="call", outcome="no_answer", note="voicemail vol", actor=officer, task=task
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
