"""The daily run decides a chunk in memory and writes it in bulk: a constant number of queries per
chunk, and the exactly-once guarantees hold through the bulk writes, their failures and crashes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from incasso.cases.models import Event, Task
from incasso.debtors.models import ContactPoint
from incasso.strategies import run as run_module
from incasso.strategies import run_facts, run_write
from incasso.strategies.models import OutgoingMessage, Step, StepExecution, StrategyAssignment
from incasso.strategies.tests.conftest import AMS, MONDAY, make_due_case


def run_on(day: dt.date, **kwargs):
    return run_module.daily_run(run_date=day, now=dt.datetime.combine(day, dt.time(10), tzinfo=AMS), **kwargs)


def _mixed_cases(consumer_route, email_route, n: int) -> list:
    """n due cases over every common path: letter, call task, costs without a 14-day letter (skip),
    e-mail without a contact point (find-contact task + skip)."""
    steps = {s.position: s for s in Step.objects.filter(version=consumer_route)}
    cases = []
    for i in range(n):
        kind = i % 4
        case = make_due_case(version=email_route if kind == 3 else consumer_route)
        if kind in (1, 2):
            StrategyAssignment.objects.filter(case=case).update(next_step=steps[4 if kind == 1 else 3])
        if kind == 1:  # a call task needs a number to call
            ContactPoint.objects.create(debtor=case.debtor, kind="phone", value="0612345678")
        cases.append(case)
    return cases


def _chunk_queries(n: int, consumer_route, email_route) -> int:
    _mixed_cases(consumer_route, email_route, n)
    with CaptureQueriesContext(connection) as whole:
        summary = run_on(MONDAY, chunk_size=1000)
    assert summary.due == n and not summary.errors
    assert summary.executed == n // 2 and summary.skipped == {
        "no_fourteen_day_letter": n // 4,
        "invalid_contact": n // 4,
    }
    return len(whole)


def test_queries_per_chunk_do_not_grow_with_the_chunk(consumer_route, email_route):
    small = _chunk_queries(8, consumer_route, email_route)
    big = _chunk_queries(48, consumer_route, email_route)
    assert big == small  # the same statements, whatever the number of due cases in the chunk
    # 30 before the run kept its progress (the due count, then one UPDATE per chunk); 33 with the read of
    # the costs already charged (on PostgreSQL; SQLite's bulk writes differ)
    assert big <= 33


def test_one_chunk_of_fifty_due_cases_in_a_bounded_number_of_queries(
    consumer_route, email_route, django_assert_max_num_queries
):
    _mixed_cases(consumer_route, email_route, 50)
    with django_assert_max_num_queries(33):  # with the run's progress and the costs already charged
        summary = run_on(MONDAY, chunk_size=50)
    assert summary.executed == 26 and sum(summary.skipped.values()) == 24
    assert OutgoingMessage.objects.count() == 13  # the reminder letters
    assert Task.objects.filter(kind="call").count() == 13
    assert Task.objects.filter(kind="find_contact").count() == 12
    assert StepExecution.objects.count() == 50
    # Every step and every task has its timeline event, pointing at its row.
    for execution in StepExecution.objects.filter(outcome="executed"):
        assert Event.objects.filter(
            case=execution.case, kind="step", details__step_execution=execution.pk
        ).exists()
    for task in Task.objects.all():
        assert Event.objects.filter(case=task.case, kind="task", details__task=task.pk).exists()


def test_crash_while_writing_a_chunk_rolls_it_back_whole_and_the_rerun_does_it_once(
    consumer_route, monkeypatch
):
    cases = [make_due_case(version=consumer_route) for _ in range(5)]

    class Killed(BaseException):
        pass

    real = run_write.events_insert_many
    calls = {"n": 0}

    def dying(**kwargs):
        calls["n"] += 1
        if calls["n"] == 2:  # the second chunk: executions and messages already inserted
            raise Killed
        return real(**kwargs)

    monkeypatch.setattr(run_write, "events_insert_many", dying)
    with pytest.raises(Killed):
        run_on(MONDAY, chunk_size=2)
    assert StepExecution.objects.count() == 2 and OutgoingMessage.objects.count() == 2
    monkeypatch.setattr(run_write, "events_insert_many", real)
    assert run_on(MONDAY, chunk_size=2).executed == 3
    for case in cases:
        assert StepExecution.objects.filter(case=case).count() == 1
        assert OutgoingMessage.objects.filter(case=case).count() == 1
        assert (
            Event.objects.filter(case=case, kind="step", details__step_execution__isnull=False).count() == 1
        )


def test_a_conflicting_execution_fails_the_bulk_insert_and_only_that_case_errs(consumer_route, monkeypatch):
    """Should the unique key be hit after all (here: the facts are made to miss an existing row), the
    INSERT fails instead of doubling; the chunk is then written case by case and only that case errs."""
    cases = [make_due_case(version=consumer_route) for _ in range(3)]
    first_step = Step.objects.get(version=consumer_route, position=1)
    StepExecution.objects.create(
        case=cases[1],
        step=first_step,
        due_on=MONDAY,
        executed_at=dt.datetime(2026, 3, 2, tzinfo=AMS),
        outcome="executed",
    )
    real = run_facts.chunk_facts

    def forgetful(*args, **kwargs):
        facts = real(*args, **kwargs)
        facts.done.clear()
        return facts

    monkeypatch.setattr(run_module, "chunk_facts", forgetful)  # where the run looks it up
    summary = run_on(MONDAY)
    assert summary.executed == 2 and [e["case"] for e in summary.errors] == [cases[1].number]
    assert StepExecution.objects.filter(case=cases[1]).count() == 1
    assert not OutgoingMessage.objects.filter(case=cases[1]).exists()
    assert OutgoingMessage.objects.filter(case__in=[cases[0], cases[2]]).count() == 2


def test_condition_approval_and_hand_over_in_one_run(db):
    from incasso.cases.models import Case
    from incasso.strategies import services
    from incasso.strategies.models import Strategy

    strategy = Strategy.objects.create(name="Gemengd", debtor_role="consumer")
    version = services.version_create(strategy=strategy)
    services.step_add(
        version=version,
        position=1,
        name="Groot",
        action="ask_client_approval",
        offset_days=0,
        min_balance=Decimal("1000.00"),
    )
    services.step_add(
        version=version, position=2, name="Akkoord", action="ask_client_approval", offset_days=2
    )
    services.step_add(version=version, position=3, name="Naar advocaat", action="hand_over", offset_days=1)
    version = services.version_publish(version=version)
    small = make_due_case(version=version)  # a 250.00 claim: below the condition
    summary = run_on(MONDAY)
    assert summary.skipped["condition"] == 1
    skip = Event.objects.get(case=small, kind="step", summary__contains="overgeslagen")
    assert skip.summary == "Stap 1 overgeslagen: Groot (voorwaarde niet vervuld)"  # in Dutch, as all events
    assert skip.details["reason"] == "condition"
    small.refresh_from_db()
    assert small.next_action_on == MONDAY + dt.timedelta(days=2)
    wednesday = MONDAY + dt.timedelta(days=2)
    summary = run_module.daily_run(
        run_date=wednesday, now=dt.datetime.combine(wednesday, dt.time(10), tzinfo=AMS), chunk_size=10
    )
    assert summary.executed == 1
    assert Task.objects.get(case=small).kind == "approval"
    thursday = wednesday + dt.timedelta(days=1)
    assert (
        run_module.daily_run(
            run_date=thursday, now=dt.datetime.combine(thursday, dt.time(10), tzinfo=AMS)
        ).executed
        == 1
    )
    small.refresh_from_db()
    assert small.state == "legal" and Task.objects.filter(case=small, kind="review").exists()
    assert StepExecution.objects.filter(case=small).count() == 3
    assert Case.objects.get(pk=small.pk).next_action_on is None


def test_email_with_a_contact_point_is_queued_in_bulk(email_route):
    case = make_due_case(version=email_route)
    ContactPoint.objects.create(debtor=case.debtor, kind="email", value="jan@example.nl")
    assert run_on(MONDAY).executed == 1
    assert OutgoingMessage.objects.get(case=case).step_execution.case_id == case.pk
