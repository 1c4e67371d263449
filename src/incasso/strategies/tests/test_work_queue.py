"""The work queue: an officer's open tasks due today or earlier, by a shown priority."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.utils import translation

from incasso.cases.models import Task
from incasso.cases.tests.factories import CaseFactory, ClaimFactory
from incasso.strategies.models import Hold
from incasso.strategies.rules import PriorityWeights, priority_score
from incasso.strategies.selectors import work_queue_for_user
from incasso.strategies.tests.conftest import MONDAY, MONDAY_10H


def test_priority_formula():
    assert priority_score(
        balance=Decimal("1000.00"), days_overdue=60, broken_promise=True, days_since_contact=20
    ) == Decimal("12.00")
    assert priority_score(
        balance=Decimal("0.50"), days_overdue=0, broken_promise=False, days_since_contact=3
    ) == Decimal("0.00")
    # log10(955.72) = 2.98032…, 1373 / 30 = 45.7666…, never contacted: + 2 → 50.75 (the demo's top task)
    assert priority_score(
        balance=Decimal("955.72"), days_overdue=1373, broken_promise=False, days_since_contact=None
    ) == Decimal("50.75")
    weights = PriorityWeights(amount=Decimal("0.5"), age=Decimal("2.25"))
    assert "0.5 × log10" in weights.formula() and "2.25 × " in weights.formula()
    with pytest.raises(TypeError, match="Decimal"):
        priority_score(balance=1000.0, days_overdue=0, broken_promise=False, days_since_contact=None)  # type: ignore[arg-type]
    assert "log10(saldo)" in PriorityWeights().formula()  # Dutch by default, in the columns' words
    with translation.override("en"):
        assert "5 × promise broken" in PriorityWeights().formula()


def task(case, title, due_on, assignee):
    return Task.objects.create(case=case, title=title, due_on=due_on, assignee=assignee, kind="call")


def test_queue_holds_only_my_open_tasks_due_today_or_earlier_by_priority(officer, supervisor, db):
    small = CaseFactory(officer=officer)
    ClaimFactory(case=small, principal=Decimal("50.00"))
    big = CaseFactory(officer=officer)
    ClaimFactory(case=big, principal=Decimal("5000.00"))
    Hold.objects.create(
        case=small,
        reason="promise",
        starts_on=MONDAY - dt.timedelta(days=20),
        until=MONDAY - dt.timedelta(days=5),
    )
    task(small, "klein", MONDAY, officer)
    task(big, "groot", MONDAY - dt.timedelta(days=1), officer)
    task(big, "morgen", MONDAY + dt.timedelta(days=1), officer)
    task(big, "van Sven", MONDAY, supervisor)
    done = task(big, "klaar", MONDAY, officer)
    Task.objects.filter(pk=done.pk).update(done_at=MONDAY_10H)

    items = work_queue_for_user(user=officer, today=MONDAY)
    assert [i.task.title for i in items] == ["klein", "groot"]  # the broken promise weighs 5
    assert items[0].broken_promise and not items[1].broken_promise
    assert items[1].balance == Decimal("5000.00")


def test_queue_takes_a_fixed_number_of_queries(officer, django_assert_num_queries, db):
    for _ in range(5):
        case = CaseFactory(officer=officer)
        ClaimFactory(case=case)
        task(case, "bellen", MONDAY, officer)
    with django_assert_num_queries(2):  # the user's client scope, then the queue
        assert len(work_queue_for_user(user=officer, today=MONDAY)) == 5


@time_machine.travel(MONDAY_10H, tick=False)
def test_queue_page_shows_formula_and_links_to_the_case(client, officer, db):
    case = CaseFactory(officer=officer)
    ClaimFactory(case=case)
    task(case, "bellen", MONDAY, officer)
    client.force_login(officer)
    response = client.get("/queue/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "log10(saldo)" in html and f"/cases/{case.number}/" in html
    assert ">nooit</span>" in html  # never contacted: said in words, it is what adds the contact weight


def test_queue_is_staff_only(client, zorg_user, db):
    assert client.get("/queue/").status_code == 302  # anonymous: to login
    client.force_login(zorg_user)
    assert client.get("/queue/").status_code == 403


def test_a_logged_call_counts_as_the_last_contact(officer):
    from incasso.cases import timeline

    case = CaseFactory(officer=officer)
    ClaimFactory(case=case)
    timeline.task_create(case=case, title="Bellen", due_on=MONDAY, kind="call", assignee=officer)
    with time_machine.travel(MONDAY_10H - dt.timedelta(days=3)):
        timeline.contact_log(case=case, kind="call", outcome="no_answer", actor=officer)
    with time_machine.travel(MONDAY_10H):
        (item,) = work_queue_for_user(user=officer, today=MONDAY)
    assert item.days_since_contact == 3


def test_a_call_task_shows_when_the_debtor_had_the_weeks_calls(client, officer):
    from incasso.cases import timeline

    case = CaseFactory(officer=officer)
    ClaimFactory(case=case)
    sibling = CaseFactory(officer=officer, debtor=case.debtor)  # the limit is per debtor, over their cases
    timeline.task_create(case=case, title="Bellen", due_on=MONDAY, kind="call", assignee=officer)
    timeline.task_create(case=case, title="Langsgaan", due_on=MONDAY, kind="visit", assignee=officer)
    for days_ago in (8, 2, 1):  # the first falls outside the 7 days
        with time_machine.travel(MONDAY_10H - dt.timedelta(days=days_ago), tick=False):
            timeline.contact_log(case=sibling, kind="call", outcome="no_answer", actor=officer)
    with time_machine.travel(MONDAY_10H, tick=False):
        items = {i.task.title: i for i in work_queue_for_user(user=officer, today=MONDAY)}
        assert (items["Bellen"].calls_this_week, items["Bellen"].call_limit_reached) == (2, False)
        timeline.contact_log(case=case, kind="call", outcome="voicemail", actor=officer)
        items = {i.task.title: i for i in work_queue_for_user(user=officer, today=MONDAY)}
        assert (items["Bellen"].calls_this_week, items["Bellen"].call_limit_reached) == (3, True)
        assert not items["Langsgaan"].call_limit_reached  # a visit is not a call attempt
        client.force_login(officer)
        html = client.get("/queue/").content.decode()
    assert html.count("3 van 3 keer gebeld deze week") == 1
    assert "Nu niet bellen of langsgaan" not in html  # Monday 10:00 is inside the window


def test_the_queue_says_no_calls_on_sunday(client, officer):
    client.force_login(officer)
    with time_machine.travel(MONDAY_10H - dt.timedelta(days=1), tick=False):
        html = client.get("/queue/").content.decode()
    assert "Nu niet bellen of langsgaan: het is zondag." in html
