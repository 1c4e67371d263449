"""Retention: entries older than INCASSO_ACCESS_LOG_DAYS go, in batches; younger ones stay."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
import time_machine
from django.core.management import CommandError, call_command

from incasso.audit.models import AccessKind, AccessLogEntry
from incasso.audit.services import access_log_prune, access_record

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2028, 6, 1, 12, tzinfo=dt.UTC)


@pytest.fixture
def log(officer, zorg_case):
    """Entries 800, 731, 730 minus a minute, 10 and 0 days old."""
    ages = [dt.timedelta(days=800), dt.timedelta(days=731), dt.timedelta(days=730) - dt.timedelta(minutes=1)]
    ages += [dt.timedelta(days=10), dt.timedelta(0)]
    for age in ages:
        with time_machine.travel(NOW - age, tick=False):
            access_record(user=officer, case=zorg_case, kind=AccessKind.CASE_SCREEN)
    return ages


def ages_left() -> list[int]:
    return sorted((NOW - at).days for at in AccessLogEntry.objects.values_list("accessed_at", flat=True))


def test_prune_removes_only_entries_older_than_the_retention(log, settings):
    settings.INCASSO_ACCESS_LOG_DAYS = 730
    result = access_log_prune(now=NOW)
    assert result.removed == 2 and not result.dry_run
    assert ages_left() == [0, 10, 729]


def test_prune_works_in_batches_and_a_rerun_removes_nothing(log):
    assert access_log_prune(now=NOW, days=5, batch_size=1).removed == 4
    assert ages_left() == [0]
    assert access_log_prune(now=NOW, days=5).removed == 0


def test_a_dry_run_counts_and_removes_nothing(log):
    result = access_log_prune(now=NOW, days=730, dry_run=True)
    assert result.removed == 2 and result.dry_run
    assert len(ages_left()) == 5


def test_the_command_prunes_and_its_dry_run_only_tells(log, settings):
    settings.INCASSO_ACCESS_LOG_DAYS = 730
    out = io.StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("audit", "prune", "--dry-run", stdout=out)
        assert "would remove 2 access log entries from before 2026-06-02" in out.getvalue()
        assert len(ages_left()) == 5
        call_command("audit", "prune", stdout=out)
        assert "removed 2 access log entries" in out.getvalue()
        call_command("audit", "prune", "--days", "9", stdout=out)
    assert ages_left() == [0]


def test_the_command_refuses_a_retention_of_less_than_a_day():
    with pytest.raises(CommandError, match="--days must be 1 or more"):
        call_command("audit", "prune", "--days", "0")


def test_the_setting_must_be_a_positive_whole_number(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from incasso.config.env import env_int

    monkeypatch.setenv("INCASSO_ACCESS_LOG_DAYS", "0")
    with pytest.raises(ImproperlyConfigured, match="1 or more"):
        env_int("INCASSO_ACCESS_LOG_DAYS", 730, minimum=1)
    monkeypatch.setenv("INCASSO_ACCESS_LOG_DAYS", "twee jaar")
    with pytest.raises(ImproperlyConfigured, match="integer"):
        env_int("INCASSO_ACCESS_LOG_DAYS", 730, minimum=1)


def test_the_daily_run_prunes_after_its_steps(log, settings):
    settings.INCASSO_ACCESS_LOG_DAYS = 730
    out = io.StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("run", "daily", "--json", stdout=out)
    summary = json.loads(out.getvalue())
    assert summary["access_log"]["removed"] == 2
    assert ages_left() == [0, 10, 729]
