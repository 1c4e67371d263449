"""Bulk writes for batch runs: `events_record_many` is `event_record` for many rows in one INSERT."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from incasso.cases.models import Event
from incasso.cases.tests.factories import CaseFactory
from incasso.cases.timeline import EventRow, event_record, events_record_many

pytestmark = pytest.mark.django_db


def test_many_events_in_one_insert_with_the_same_fields_as_one_by_one():
    cases = [CaseFactory() for _ in range(3)]
    when = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    rows = [
        EventRow(case=case, kind="step", summary="x" * 400, details={"n": i}, occurred_at=when)
        for i, case in enumerate(cases)
    ]
    with CaptureQueriesContext(connection) as queries:
        events = events_record_many(rows)
    assert len(queries) == 1
    assert all(e.pk for e in events)
    single = event_record(case=cases[0], kind="step", summary="x" * 400, details={"n": 0}, occurred_at=when)
    for event in Event.objects.filter(pk__in=[e.pk for e in events]):
        assert (event.kind, event.actor_id, event.actor_label, len(event.summary), event.occurred_at) == (
            single.kind,
            single.actor_id,
            single.actor_label,
            300,
            when,
        )
    assert sorted(
        Event.objects.filter(pk__in=[e.pk for e in events]).values_list("details__n", flat=True)
    ) == [
        0,
        1,
        2,
    ]


def test_no_rows_no_query():
    with CaptureQueriesContext(connection) as queries:
        assert events_record_many([]) == []
    assert len(queries) == 0


def test_default_time_is_now_and_actor_label_follows_the_actor(django_user_model):
    case = CaseFactory()
    user = django_user_model.objects.create_user(username="els")
    [by_user, by_system] = events_record_many(
        [
            EventRow(case=case, kind="note", summary="a", actor=user),
            EventRow(case=case, kind="note", summary="b"),
        ]
    )
    assert (by_user.actor_id, by_user.actor_label) == (user.pk, "els")
    assert (by_system.actor_id, by_system.actor_label) == (None, "system")
    assert by_system.occurred_at is not None


def test_many_tasks_with_their_events_like_task_create(django_user_model):
    from incasso.cases.models import Task
    from incasso.cases.timeline import TaskRow, task_create, tasks_create_many
    from incasso.core.exceptions import DomainError

    officer = django_user_model.objects.create_user(username="piet")
    first, second = CaseFactory(officer=officer), CaseFactory()
    day = dt.date(2026, 3, 2)
    with CaptureQueriesContext(connection) as queries:
        tasks = tasks_create_many(
            [
                TaskRow(case=first, title=" Bellen ", due_on=day, kind="call"),
                TaskRow(case=second, title="B", due_on=day),
            ]
        )
    assert len([q for q in queries if "SAVEPOINT" not in q["sql"]]) == 2  # tasks + events
    one = task_create(case=first, title="Bellen", due_on=day, kind="call")
    got = Task.objects.get(pk=tasks[0].pk)
    assert (got.title, got.kind, got.assignee_id, got.due_on) == (one.title, one.kind, officer.pk, day)
    assert Task.objects.get(pk=tasks[1].pk).assignee_id is None
    texts = {e.summary for e in Event.objects.filter(case=first, kind="task")}
    assert texts == {"Taak: Bellen (uiterlijk 02-03-2026)"}
    assert Event.objects.filter(case=second, kind="task", details__task=tasks[1].pk).exists()
    with pytest.raises(DomainError):
        tasks_create_many([TaskRow(case=first, title=" ", due_on=day)])
