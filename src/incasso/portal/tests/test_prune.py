"""Login attempts hold IP addresses (personal data): every login try deletes a bounded batch of those
older than the retention, so the table never grows without end and no cron job is needed."""

from __future__ import annotations

import datetime as dt

import pytest

from incasso.portal.models import PortalLoginAttempt
from incasso.portal.services import login_attempts_prune
from incasso.portal.tests.conftest import NOW, login_data

pytestmark = pytest.mark.django_db


def attempt(*, days_ago: float, ip: str = "192.0.2.7", outcome: str = "failed") -> PortalLoginAttempt:
    return PortalLoginAttempt.objects.create(
        case_number="2026-000999", ip=ip, outcome=outcome, attempted_at=NOW - dt.timedelta(days=days_ago)
    )


def test_a_login_try_deletes_attempts_older_than_thirty_days_and_keeps_the_rest(client, debtor_case):
    old = [attempt(days_ago=31), attempt(days_ago=90, outcome="succeeded"), attempt(days_ago=400)]
    kept = [attempt(days_ago=29), attempt(days_ago=1), attempt(days_ago=0.001)]
    response = client.post("/portaal/", login_data(debtor_case))
    assert response.status_code == 302
    remaining = set(PortalLoginAttempt.objects.values_list("pk", flat=True))
    assert not remaining & {a.pk for a in old}
    assert {a.pk for a in kept} <= remaining and len(remaining) == len(kept) + 1  # + this login


def test_the_retention_is_a_setting(settings):
    settings.INCASSO_PORTAL_ATTEMPT_RETENTION_DAYS = 7
    attempt(days_ago=8)
    recent = attempt(days_ago=6)
    assert login_attempts_prune(now=NOW) == 1
    assert list(PortalLoginAttempt.objects.values_list("pk", flat=True)) == [recent.pk]


def test_pruning_is_bounded_and_takes_the_oldest_first():
    attempt(days_ago=300)
    attempt(days_ago=200)
    old = attempt(days_ago=100)
    assert login_attempts_prune(now=NOW, batch=2) == 2
    assert list(PortalLoginAttempt.objects.values_list("pk", flat=True)) == [old.pk]
    assert login_attempts_prune(now=NOW, batch=2) == 1
    assert login_attempts_prune(now=NOW, batch=2) == 0


def test_pruning_never_touches_what_the_throttle_counts(settings):
    """Even a retention shorter than the throttle's look-back keeps the failures that lock a case."""
    settings.INCASSO_PORTAL_ATTEMPT_RETENTION_DAYS = 0  # settings.py never lets it below 1 day
    recent = [attempt(days_ago=10 / (24 * 60)) for _ in range(5)]  # 10 minutes ago
    assert login_attempts_prune(now=NOW) == 0
    assert PortalLoginAttempt.objects.count() == len(recent)


def test_pruning_is_one_query(django_assert_num_queries):
    attempt(days_ago=60)
    attempt(days_ago=1)
    with django_assert_num_queries(1):
        assert login_attempts_prune(now=NOW) == 1
