"""`copy_rows(wait=False)` inside `copy_behind()`: the rows are there for the next statement, a failed
COPY raises as Django's IntegrityError at the next use of the connection (and the transaction rolls
back as for any failed statement), and an error in Python while a COPY is outstanding leaves the
connection usable. On SQLite `wait=False` writes at once; the same tests hold there."""

from __future__ import annotations

import threading
from types import SimpleNamespace

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from incasso.cases.models import Case, Event
from incasso.cases.tests.factories import CaseFactory
from incasso.core.bulk import copy_rows, instance_like, instances, reserve_ids
from incasso.core.copy_behind import copy_behind, writer_for

pytestmark = pytest.mark.django_db
NOTE = {"kind": "note", "details": {}, "occurred_at": timezone.now()}


def _events(case_ids: list[int], summary: str) -> None:
    copy_rows(
        Event,
        {"case_id": case_ids, "summary": [f"{summary} {i}" for i in range(len(case_ids))]},
        constants=NOTE,
        wait=False,
    )


def test_the_next_statement_sees_the_rows_a_copy_sent_without_waiting() -> None:
    cases = CaseFactory.create_batch(3)
    with copy_behind():
        _events([c.pk for c in cases] * 400, "a")
        assert Event.objects.filter(summary__startswith="a ").count() == 1200  # an ORM read
        _events([cases[0].pk], "b")
        _events([cases[1].pk], "c")  # a second COPY reads the first's result first
        ids = reserve_ids(Event, 2)  # a raw statement
        _events([cases[2].pk], "d")
    assert ids[0] < ids[1]
    assert sorted(Event.objects.filter(summary__regex=r"^[bcd] ").values_list("summary", flat=True)) == [
        "b 0",
        "c 0",
        "d 0",
    ]


def test_a_failed_copy_raises_at_the_next_statement_and_nothing_stays() -> None:
    case = CaseFactory()
    before = Event.objects.count()
    taken = reserve_ids(Event, 1)
    copy_rows(Event, {"id": taken, "case_id": [case.pk], "summary": ["first"]}, constants=NOTE)
    with pytest.raises(IntegrityError), transaction.atomic(), copy_behind():
        _events([case.pk] * 10, "kept?")
        copy_rows(  # the same primary key again: fails in PostgreSQL after the call has returned
            Event,
            {"id": taken, "case_id": [case.pk], "summary": ["again"]},
            constants=NOTE,
            wait=False,
        )
        Case.objects.count()  # raises here on PostgreSQL (at once on SQLite)
        pytest.fail("the duplicate key was not reported")
    assert Event.objects.count() == before + 1
    assert not Event.objects.filter(summary__startswith="kept?").exists()


def test_a_failed_copy_is_reported_at_the_end_of_the_block_when_nothing_follows() -> None:
    case = CaseFactory()
    taken = reserve_ids(Event, 1)
    copy_rows(Event, {"id": taken, "case_id": [case.pk], "summary": ["first"]}, constants=NOTE)
    with pytest.raises(IntegrityError), transaction.atomic(), copy_behind():
        copy_rows(
            Event,
            {"id": taken, "case_id": [case.pk], "summary": ["again"]},
            constants=NOTE,
            wait=False,
        )
    assert list(Event.objects.filter(id__in=taken).values_list("summary", flat=True)) == ["first"]


def test_an_error_in_python_while_a_copy_is_outstanding_leaves_the_connection_usable() -> None:
    case = CaseFactory()
    with pytest.raises(ZeroDivisionError), transaction.atomic(), copy_behind():
        _events([case.pk] * 50, "lost")
        _ = 1 / 0
    assert not Event.objects.filter(summary__startswith="lost").exists()
    assert Case.objects.filter(pk=case.pk).exists()
    if connection.vendor == "postgresql":
        assert connection.connection.info.transaction_status.name in ("IDLE", "INTRANS")


def test_instances_and_instance_like_build_what_the_orm_would() -> None:
    cases = sorted(CaseFactory.create_batch(3), key=lambda c: c.pk)
    built = instances(Case.objects.filter(pk__in=[c.pk for c in cases]).order_by("pk"))
    for mine, orm in zip(
        built, Case.objects.filter(pk__in=[c.pk for c in cases]).order_by("pk"), strict=True
    ):
        assert {f.attname: getattr(mine, f.attname) for f in Case._meta.concrete_fields} == {
            f.attname: getattr(orm, f.attname) for f in Case._meta.concrete_fields
        }
        assert mine._state.adding is False and mine._state.db == "default"
        assert mine.debtor == orm.debtor  # relations load as usual
    copy = instance_like(built[0], number="X-1")
    assert copy.number == "X-1" and copy.debtor_id == built[0].debtor_id
    assert copy._state.adding is True and built[0].number != "X-1"


def test_a_block_belongs_to_its_thread() -> None:
    """Another thread (a second upload in a threaded server) has its own connection: a block open
    here must not make its `copy_rows(wait=False)` send-only, or drain this thread's COPY there."""
    seen: list[object] = []
    stub = SimpleNamespace(connection=SimpleNamespace(pgconn=None))
    with copy_behind():
        worker = threading.Thread(target=lambda: seen.append(writer_for(stub)))
        worker.start()
        worker.join()
        if connection.vendor == "postgresql":
            assert writer_for(stub) is not None  # here the block is open
    assert seen == [None]
