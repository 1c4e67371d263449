"""`incasso run daily` through call_command."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
import time_machine
from django.core.management import CommandError, call_command

from incasso.strategies.management.commands.run import progress_bar
from incasso.strategies.models import DailyRun
from incasso.strategies.tests.conftest import MONDAY_10H, make_due_case


@time_machine.travel(MONDAY_10H, tick=False)
def test_json_summary(consumer_route):
    make_due_case(version=consumer_route)
    held = make_due_case(version=consumer_route)
    from incasso.strategies.holds import hold_place

    hold_place(case=held, reason="insolvency", starts_on=MONDAY_10H.date())
    out = io.StringIO()
    call_command("run", "daily", "--json", stdout=out)
    summary = json.loads(out.getvalue())
    assert summary["executed"] == 1
    assert summary["skipped"] == {"on_hold": 1}
    assert summary["errors"] == []
    assert DailyRun.objects.get().counts["executed"] == 1

    again = io.StringIO()
    call_command("run", "daily", "--json", "--date", "2026-03-02", stdout=again)
    assert json.loads(again.getvalue())["executed"] == 0


@time_machine.travel(MONDAY_10H, tick=False)
def test_progress_on_the_terminal(consumer_route):
    make_due_case(version=consumer_route)
    out = io.StringIO()
    call_command("run", "daily", "--dry-run", stdout=out)
    assert "1/1 cases" in out.getvalue() and "executed: 1" in out.getvalue()
    assert not DailyRun.objects.exists()


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@time_machine.travel(MONDAY_10H, tick=False)
def test_a_progress_bar_on_a_terminal(consumer_route):
    for _ in range(3):
        make_due_case(version=consumer_route)
    out = _Terminal()
    call_command("run", "daily", "--dry-run", "--chunk-size", "2", stdout=out)
    text = out.getvalue()
    assert "\r  [####################..........]  66 %  2/3 cases" in text
    assert "\r  [##############################] 100 %  3/3 cases\n" in text  # redrawn, then a new line
    assert "executed: 3" in text


def test_progress_bar():
    assert progress_bar(15_000, 50_000) == "[#########.....................]  30 %  15000/50000 cases"
    assert progress_bar(0, 0) == f"[{'#' * 30}] 100 %  0/0 cases"


@time_machine.travel(MONDAY_10H, tick=False)
@pytest.mark.parametrize(
    ("date", "message"),
    [("2026-03-03", "verder dan de toegestane 0 dagen na vandaag"), ("03-03-2026", "--date")],
)
def test_bad_dates_are_refused(db, date, message):
    with pytest.raises(CommandError, match=message):
        call_command("run", "daily", "--date", date, stdout=io.StringIO())
    assert not DailyRun.objects.exists()


@time_machine.travel(MONDAY_10H, tick=False)
def test_horizon_is_configurable(db, settings):
    settings.INCASSO_RUN_HORIZON_DAYS = 1
    out = io.StringIO()
    call_command(
        "run", "daily", "--json", "--date", (MONDAY_10H.date() + dt.timedelta(days=1)).isoformat(), stdout=out
    )
    assert json.loads(out.getvalue())["executed"] == 0
