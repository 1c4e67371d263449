"""The daily run split in parts (`incasso run daily --parts N`, INCASSO_RUN_PARTS for the screen):
each part takes the due cases of its debtors; together they do exactly what one run does, the
contact limits per debtor hold, and the run's summary is the sum of its parts'."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db.models import Count
from django_tasks_db.models import DBTaskResult

from incasso.cases.tests.factories import DebtorFactory
from incasso.strategies.models import DailyRun, OutgoingMessage, RunStatus, StepExecution
from incasso.strategies.run import daily_run, run_part
from incasso.strategies.tasks import daily_run_start
from incasso.strategies.tests.conftest import MONDAY, MONDAY_10H, make_due_case

PROCESS_MESSAGES = "incasso.letters.tasks.process_messages"


def _portfolio(version, debtors: int = 6, cases_each: int = 3):
    """Debtors with several due cases each: the letter limit (1 per 7 days) lets one case per debtor
    have its reminder, the others wait; so a part that counted another part's debtors would show."""
    cases = []
    for _ in range(debtors):
        debtor = DebtorFactory()
        cases += [make_due_case(version=version, debtor=debtor) for _ in range(cases_each)]
    return cases


def _queued(parts: int, *, dry_run: bool = False) -> DailyRun:
    return DailyRun.objects.create(
        run_date=MONDAY, status=RunStatus.QUEUED, started_at=MONDAY_10H, parts=parts, dry_run=dry_run
    )


@time_machine.travel(MONDAY_10H, tick=False)
def test_three_parts_do_what_one_run_does_and_add_up(consumer_route):
    cases = _portfolio(consumer_route)
    whole = daily_run(run_date=MONDAY, now=MONDAY_10H, dry_run=True)  # what one run would do
    assert whole.executed == 6 and whole.skipped["contact_limit"] == 12

    run = _queued(3)
    first = run_part(run_id=run.pk, part=0, now=MONDAY_10H)
    run.refresh_from_db()
    assert run.status == RunStatus.RUNNING and run.finished_at is None  # two parts to go
    assert first["due"] < len(cases)
    assert not DBTaskResult.objects.filter(task_path=PROCESS_MESSAGES).exists()  # no follow-ups yet
    run_part(run_id=run.pk, part=2, now=MONDAY_10H)  # in any order
    result = run_part(run_id=run.pk, part=1, now=MONDAY_10H)
    run.refresh_from_db()
    assert run.status == RunStatus.FINISHED and run.finished_at is not None
    assert (run.due, run.done) == (len(cases), len(cases))
    assert sorted(run.part_counts) == ["0", "1", "2"]
    for key in ("due", "executed", "skipped", "by_action"):
        assert run.counts[key] == whole.as_dict()[key], key
    assert result["executed"] == 6 and "promises" in result  # the last part did the follow-ups, once
    assert DBTaskResult.objects.filter(task_path=PROCESS_MESSAGES).count() == 1

    # exactly one reminder per debtor (the weekly letter limit), every case looked at once
    per_debtor = OutgoingMessage.objects.values("debtor_id").annotate(n=Count("id"))
    assert sorted(row["n"] for row in per_debtor) == [1] * 6
    assert StepExecution.objects.count() == len(cases)
    assert StepExecution.objects.values("case_id").distinct().count() == len(cases)


@time_machine.travel(MONDAY_10H, tick=False)
def test_a_part_delivered_twice_is_not_counted_twice(consumer_route):
    _portfolio(consumer_route, debtors=4, cases_each=1)
    run = _queued(2)
    run_part(run_id=run.pk, part=0, now=MONDAY_10H)
    again = run_part(run_id=run.pk, part=0, now=MONDAY_10H)
    run.refresh_from_db()
    assert run.status == RunStatus.RUNNING and run.counts == again  # the stored sum, part 0 once
    run_part(run_id=run.pk, part=1, now=MONDAY_10H)
    run.refresh_from_db()
    assert run.counts["executed"] == 4 and run.counts["due"] == 4
    assert run_part(run_id=run.pk, part=5)["error"] == f"daily run {run.pk} has 2 part(s), not a part 5"


@time_machine.travel(MONDAY_10H, tick=False)
def test_a_dry_run_in_parts_changes_nothing(consumer_route):
    _portfolio(consumer_route, debtors=3, cases_each=2)
    run = _queued(2, dry_run=True)
    run_part(run_id=run.pk, part=0, now=MONDAY_10H)
    run_part(run_id=run.pk, part=1, now=MONDAY_10H)
    run.refresh_from_db()
    assert run.status == RunStatus.FINISHED and run.counts["executed"] == 3
    assert not StepExecution.objects.exists() and not OutgoingMessage.objects.exists()
    assert not DBTaskResult.objects.filter(task_path=PROCESS_MESSAGES).exists()


@time_machine.travel(MONDAY_10H, tick=False)
def test_a_failing_part_fails_the_run_and_names_the_part(consumer_route):
    _portfolio(consumer_route, debtors=2, cases_each=1)
    run = DailyRun.objects.create(  # a date the horizon does not allow: every part refuses it
        run_date=MONDAY + dt.timedelta(days=2), status=RunStatus.QUEUED, started_at=MONDAY_10H, parts=2
    )
    with pytest.raises(Exception, match="toegestane"):
        run_part(run_id=run.pk, part=1, now=MONDAY_10H)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and run.error.startswith("deel 2 van 2: ")
    assert not StepExecution.objects.exists()


@time_machine.travel(MONDAY_10H, tick=False)
def test_the_screen_queues_one_task_per_part(supervisor, consumer_route, worker):
    _portfolio(consumer_route, debtors=4, cases_each=2)
    run = daily_run_start(actor=supervisor, dry_run=False, parts=2)
    assert run.parts == 2 and run.status == RunStatus.QUEUED
    queued = DBTaskResult.objects.filter(task_path="incasso.strategies.tasks.daily_run_task")
    assert sorted(task.args_kwargs["args"][1] for task in queued) == [0, 1]
    worker()
    run.refresh_from_db()
    assert run.status == RunStatus.FINISHED and run.counts["executed"] == 4 and run.counts["due"] == 8


def test_bad_parts_are_refused(db):
    with pytest.raises(CommandError, match="--parts must be between 1 and 64"):
        call_command("run", "daily", "--parts", "0", stdout=io.StringIO())
    with pytest.raises(CommandError, match="toegestane"):
        call_command("run", "daily", "--parts", "2", "--date", "2999-01-01", stdout=io.StringIO())
    assert not DailyRun.objects.exists()  # refused before a row or a process


@pytest.mark.django_db(transaction=True)
def test_two_processes_run_the_day(debt_types, consumer_route, monkeypatch, process_database_url):
    """`incasso run daily --parts 2`: two real processes against the same database."""
    monkeypatch.setenv("DATABASE_URL", process_database_url)  # the processes' database: this test's
    cases = _portfolio(consumer_route, debtors=5, cases_each=2)
    out = io.StringIO()
    now = MONDAY_10H.isoformat()  # the processes' clock is the machine's; the run's moment is given
    call_command("run", "daily", "--parts", "2", "--date", str(MONDAY), "--now", now, "--json", stdout=out)
    summary = json.loads(out.getvalue())
    assert summary["due"] == len(cases) and summary["executed"] == 5
    assert summary["skipped"] == {"contact_limit": 5}
    run = DailyRun.objects.get()
    assert run.parts == 2 and run.status == RunStatus.FINISHED and sorted(run.part_counts) == ["0", "1"]
    assert StepExecution.objects.count() == len(cases) and OutgoingMessage.objects.count() == 5
