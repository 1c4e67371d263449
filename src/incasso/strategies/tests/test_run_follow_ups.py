"""After a real daily run the edges (command, "Run today" page) monitor arrangements, evaluate promises
and enqueue the sending of the queued messages; the results are part of the summary."""

from __future__ import annotations

import io
import json

import time_machine
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from incasso.strategies import run as run_module
from incasso.strategies.models import DailyRun
from incasso.strategies.tests.conftest import MONDAY, MONDAY_10H, make_due_case

SENDER = "incasso.letters.tasks.process_messages"


@time_machine.travel(MONDAY_10H, tick=False)
def test_command_runs_the_follow_ups_and_reports_them(consumer_route):
    make_due_case(version=consumer_route)
    out = io.StringIO()
    call_command("run", "daily", "--json", stdout=out)
    summary = json.loads(out.getvalue())
    assert summary["executed"] == 1
    assert summary["arrangements"] == {
        "looked_at": 0,
        "missed": 0,
        "reminders": 0,
        "broken": 0,
        "completed": 0,
    }
    assert summary["promises"] == {"kept": 0, "broken": 0}
    task = DBTaskResult.objects.get(task_path=SENDER)
    assert summary["messages_task"] == str(task.id)
    assert DailyRun.objects.get().counts["promises"] == {"kept": 0, "broken": 0}

    call_command("run", "daily", "--json", stdout=io.StringIO())  # a rerun for the date: harmless
    assert DBTaskResult.objects.filter(task_path=SENDER).count() == 2


@time_machine.travel(MONDAY_10H, tick=False)
def test_dry_run_has_no_follow_ups(consumer_route):
    make_due_case(version=consumer_route)
    out = io.StringIO()
    call_command("run", "daily", "--json", "--dry-run", stdout=out)
    summary = json.loads(out.getvalue())
    assert "arrangements" not in summary and "promises" not in summary
    assert not DBTaskResult.objects.exists()


def test_a_failing_follow_up_is_reported_and_the_others_still_run(consumer_route, monkeypatch):
    import incasso.arrangements.monitoring as monitoring

    def broken(*, run_date):
        raise RuntimeError("kapot")

    monkeypatch.setattr(monitoring, "arrangements_monitor", broken)
    summary = run_module.daily_run(run_date=MONDAY, now=MONDAY_10H)
    summary = run_module.daily_follow_ups(summary)
    assert summary.as_dict()["arrangements"] == {"error": "RuntimeError: kapot"}
    assert summary.as_dict()["promises"] == {"kept": 0, "broken": 0}
    assert DBTaskResult.objects.filter(task_path=SENDER).exists()


def test_daily_run_alone_has_no_follow_ups(consumer_route):
    make_due_case(version=consumer_route)
    summary = run_module.daily_run(run_date=MONDAY, now=MONDAY_10H)
    assert "promises" not in summary.as_dict() and not DBTaskResult.objects.exists()
