"""Migration 0004: the daily runs from before it get a status: finished, or failed when they never
finished (a run cut off half-way)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from incasso.strategies.models import DailyRun, RunStatus

BEFORE = [("strategies", "0003_message_indexes")]


@pytest.mark.django_db(transaction=True)
def test_earlier_runs_get_their_status() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        executor.loader.build_graph()
        OldRun = executor.loader.project_state(BEFORE).apps.get_model("strategies", "DailyRun")
        at = dt.datetime(2026, 11, 2, 6, 0, tzinfo=dt.UTC)
        done = OldRun.objects.create(run_date=at.date(), started_at=at, finished_at=at, counts={"due": 3})
        cut_off = OldRun.objects.create(run_date=at.date(), started_at=at)
    finally:
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert DailyRun.objects.get(pk=done.pk).status == RunStatus.FINISHED
    failed = DailyRun.objects.get(pk=cut_off.pk)
    assert failed.status == RunStatus.FAILED and failed.error == "afgebroken voordat de verwerking klaar was"
    assert not failed.in_progress
