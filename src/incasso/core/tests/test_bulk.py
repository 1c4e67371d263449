"""core.bulk writes the same rows on PostgreSQL (array parameters) as Django's bulk_create elsewhere."""

from __future__ import annotations

import datetime as dt

import pytest

from incasso.cases.models import Case, Event, Task
from incasso.cases.tests.factories import CaseFactory
from incasso.core.bulk import copy_rows, id_in, insert_rows, reserve_ids, update_rows

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 2)


def test_inserted_rows_get_their_columns_the_constants_and_the_defaults_in_order():
    a, b = CaseFactory(), CaseFactory()
    rows = insert_rows(
        Task,
        {"case_id": [a.pk, b.pk, a.pk], "title": ["één", "twee", "drie"], "assignee_id": [None, None, None]},
        constants={"due_on": DAY, "kind": "call"},
        returning=("id", "title"),
    )
    assert [title for _, title in rows] == ["één", "twee", "drie"]
    tasks = {t.pk: t for t in Task.objects.all()}
    assert sorted(tasks) == sorted(pk for pk, _ in rows)
    for pk, title in rows:
        task = tasks[pk]
        assert task.title == title and task.due_on == DAY and task.kind == "call"
        assert task.assignee_id is None and task.done_at is None and task.created_at is not None
    assert [tasks[pk].case_id for pk, _ in rows] == [a.pk, b.pk, a.pk]


def test_json_columns_keep_their_structure():
    case = CaseFactory()
    details = [{"step": 7, "due_on": "2026-03-02", "naam": "Zoë 'quote' \"dubbel\""}, {}]
    insert_rows(
        Event,
        {"case_id": [case.pk, case.pk], "summary": ["a", "b"], "details": details},
        constants={
            "kind": "step",
            "occurred_at": dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC),
            "actor_label": "system",
        },
    )
    assert sorted((e.summary, e.details) for e in Event.objects.filter(case=case, kind="step")) == [
        ("a", details[0]),
        ("b", {}),
    ]


def test_bad_columns_are_refused_before_anything_is_written():
    case = CaseFactory()
    before = Task.objects.count()
    with pytest.raises(ValueError):
        insert_rows(Task, {"case_id": [case.pk, case.pk], "title": ["één"]}, constants={"due_on": DAY})
    with pytest.raises(ValueError):
        insert_rows(Task, {"case_id": [case.pk], "colour": ["red"]}, constants={"due_on": DAY})
    assert insert_rows(Task, {"case_id": [], "title": []}) == []
    assert Task.objects.count() == before


def test_update_rows_sets_each_row_its_own_value_and_id_in_finds_them():
    cases = [CaseFactory() for _ in range(3)]
    ids = [c.pk for c in cases]
    update_rows(Case, "next_action_on", ids, [DAY, None, DAY + dt.timedelta(days=1)])
    found = dict(Case.objects.filter(id_in("pk", ids)).values_list("pk", "next_action_on"))
    assert found == {ids[0]: DAY, ids[1]: None, ids[2]: DAY + dt.timedelta(days=1)}
    assert not Case.objects.filter(id_in("pk", [])).exists()
    with pytest.raises(ValueError):
        update_rows(Case, "next_action_on", ids, [DAY])


@pytest.mark.parametrize("arrays", [True, False])
def test_reserved_ids_are_new_and_copy_rows_writes_them_and_json(
    arrays: bool, settings: pytest.FixtureRequest
) -> None:
    """Ids reserved first, rows written later with those ids (the payments import); the next id the
    table hands out is past them. Also with Django's path on PostgreSQL (`INCASSO_BULK_ARRAYS = False`)."""
    settings.INCASSO_BULK_ARRAYS = arrays  # type: ignore[attr-defined]
    case = CaseFactory()
    existing = Task.objects.create(case=case, title="oud", due_on=DAY)
    deleted = existing.pk
    existing.delete()  # SQLite's AUTOINCREMENT must not hand out a deleted row's id again
    ids = reserve_ids(Task, 3)
    assert len(set(ids)) == 3 and min(ids) > deleted
    assert reserve_ids(Task, 0) == []
    written = copy_rows(
        Task,
        {"id": ids, "case_id": [case.pk] * 3, "title": ["a", "b", "c"]},
        constants={"due_on": DAY},
        ids=True,
    )
    assert written == ids
    assert dict(Task.objects.filter(id_in("pk", ids)).values_list("pk", "title")) == dict(
        zip(ids, ["a", "b", "c"], strict=True)
    )
    later = Task.objects.create(case=case, title="later", due_on=DAY)
    assert later.pk > max(ids)
    details = [{"naam": "Zoë 'quote' \"dubbel\"\\ tab\there", "n": [1, 2]}, {}]
    copy_rows(
        Event,
        {"case_id": [case.pk, case.pk], "summary": ["a\nb", "c"], "details": details},
        constants={"kind": "step", "occurred_at": dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC)},
    )
    assert sorted((e.summary, e.details) for e in Event.objects.filter(case=case, kind="step")) == [
        ("a\nb", details[0]),
        ("c", {}),
    ]
