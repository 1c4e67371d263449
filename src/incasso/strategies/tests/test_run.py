"""The daily run with the database: exactly once, guards, O(due) selection."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from incasso.cases.models import Bucket, Case, Event, LedgerEntry, Task
from incasso.core.exceptions import DomainError
from incasso.debtors.models import ContactPoint
from incasso.strategies import run_plan
from incasso.strategies.holds import hold_place, hold_release
from incasso.strategies.models import (
    ChannelOptOut,
    DailyRun,
    MessageStatus,
    OutgoingMessage,
    RunStatus,
    StepExecution,
    StrategyAssignment,
)
from incasso.strategies.run import daily_run
from incasso.strategies.tests.conftest import AMS, MONDAY, MONDAY_10H, make_due_case


def run_on(day: dt.date, hour: int = 10, **kwargs):
    return daily_run(run_date=day, now=dt.datetime.combine(day, dt.time(hour), tzinfo=AMS), **kwargs)


def test_due_step_is_executed_logged_and_the_next_one_scheduled(consumer_route):
    case = make_due_case(version=consumer_route)
    summary = run_on(MONDAY)
    assert summary.executed == 1
    message = OutgoingMessage.objects.get(case=case)
    assert (message.channel, message.template_code, message.status) == ("letter", "reminder", "queued")
    assert Event.objects.filter(
        case=case, kind="step", details__step_execution=message.step_execution_id
    ).exists()
    case.refresh_from_db()
    assert case.next_action_on == MONDAY + dt.timedelta(days=7)
    run = DailyRun.objects.get()
    assert run.finished_at is not None and run.counts["executed"] == 1


def test_rerun_for_the_same_date_does_nothing(consumer_route):
    cases = [make_due_case(version=consumer_route) for _ in range(3)]
    assert run_on(MONDAY).executed == 3
    again = run_on(MONDAY)
    assert again.executed == 0 and again.due == 0
    assert OutgoingMessage.objects.filter(case__in=cases).count() == 3
    assert StepExecution.objects.count() == 3


def test_crash_half_way_then_rerun_executes_every_step_exactly_once(consumer_route, monkeypatch):
    cases = [make_due_case(version=consumer_route) for _ in range(5)]

    class Killed(BaseException):
        """Stands in for a killed process: not an ordinary error the run would catch per case."""

    real_execute = run_plan._execute
    calls = {"n": 0}

    def dying_execute(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 4:  # the second case of chunk 2 (chunks of 2)
            raise Killed
        return real_execute(*args, **kwargs)

    monkeypatch.setattr(run_plan, "_execute", dying_execute)
    with pytest.raises(Killed):
        run_on(MONDAY, chunk_size=2)
    assert OutgoingMessage.objects.count() == 2  # chunk 1 committed, chunk 2 rolled back whole
    monkeypatch.setattr(run_plan, "_execute", real_execute)

    summary = run_on(MONDAY, chunk_size=2)
    assert summary.executed == 3
    for case in cases:
        assert OutgoingMessage.objects.filter(case=case, template_code="reminder").count() == 1
        assert StepExecution.objects.filter(case=case).count() == 1
    crashed, rerun = DailyRun.objects.order_by("id")
    assert (crashed.status, crashed.error) == (RunStatus.FAILED, "Killed")  # shows as failed, not running
    assert (crashed.due, crashed.done) == (5, 2)  # the progress it made: chunk 1
    assert rerun.status == RunStatus.FINISHED


def test_held_case_is_untouched_until_the_hold_is_released(consumer_route):
    case = make_due_case(version=consumer_route)
    hold = hold_place(case=case, reason="dispute", starts_on=MONDAY - dt.timedelta(days=1))
    summary = run_on(MONDAY)
    assert summary.executed == 0 and summary.skipped["on_hold"] == 1
    assert not StepExecution.objects.filter(case=case).exists()
    case.refresh_from_db()
    assert case.next_action_on == MONDAY
    hold_release(hold=hold)
    assert run_on(MONDAY).executed == 1


def test_expired_hold_no_longer_blocks(consumer_route):
    case = make_due_case(version=consumer_route)
    hold_place(
        case=case,
        reason="promise",
        starts_on=MONDAY - dt.timedelta(days=10),
        until=MONDAY - dt.timedelta(days=1),
    )
    assert run_on(MONDAY).executed == 1


def _to_costs_step(case, consumer_route, *, letter_sent_on=None):
    """Put the case at the costs step (position 3), optionally with a sent 14-day letter."""
    from incasso.strategies.models import Step, StepExecution

    assignment = StrategyAssignment.objects.get(case=case, is_current=True)
    assignment.next_step = Step.objects.get(version=consumer_route, position=3)
    assignment.save()
    if letter_sent_on is not None:
        letter_step = Step.objects.get(version=consumer_route, position=2)
        execution = StepExecution.objects.create(
            case=case, step=letter_step, due_on=letter_sent_on, executed_at=MONDAY_10H, outcome="executed"
        )
        OutgoingMessage.objects.create(
            case=case,
            debtor=case.debtor,
            channel="letter",
            template_code="fourteen_day_letter",
            step_execution=execution,
            queued_on=letter_sent_on,
            status=MessageStatus.SENT,
            sent_on=letter_sent_on,
        )


def costs_of(case):
    return sum((e.amount for e in LedgerEntry.objects.filter(case=case, bucket=Bucket.COSTS)), Decimal(0))


def test_consumer_gets_no_costs_without_a_sent_fourteen_day_letter(consumer_route):
    case = make_due_case(version=consumer_route)
    _to_costs_step(case, consumer_route)
    summary = run_on(MONDAY)
    assert summary.skipped["no_fourteen_day_letter"] == 1
    assert costs_of(case) == 0


def test_consumer_gets_costs_only_after_the_term_has_passed(consumer_route):
    sent = dt.date(2026, 2, 13)  # Friday: delivered Monday 16-02, term to 02-03, costs from 03-03
    case = make_due_case(version=consumer_route)
    _to_costs_step(case, consumer_route, letter_sent_on=sent)
    summary = run_on(MONDAY)
    assert summary.skipped["fourteen_day_term_running"] == 1
    assert costs_of(case) == 0
    case.refresh_from_db()
    assert case.next_action_on == dt.date(2026, 3, 3)  # retried exactly when the term has passed

    tuesday = dt.date(2026, 3, 3)
    assert run_on(tuesday).executed == 1
    assert costs_of(case) == Decimal("40.00")  # WIK minimum on 250.00


@pytest.mark.parametrize(
    "channel, status, costs",
    [
        ("letter", MessageStatus.SENT, Decimal("40.00")),  # by post: the term has passed
        ("email", MessageStatus.DELIVERED, 0),
        ("sms", MessageStatus.DELIVERED, 0),
        ("email", MessageStatus.FAILED, 0),  # bounced
    ],
)
def test_a_fourteen_day_letter_by_email_or_sms_starts_no_term_delivered_or_bounced(
    consumer_route, channel, status, costs
):
    """Only the letter by post counts (the 14-day term, art. 6:96 lid 6 BW): a delivery report or a
    bounce of an e-mail or SMS sent with the same text changes nothing about the costs."""
    case = make_due_case(version=consumer_route)
    _to_costs_step(case, consumer_route, letter_sent_on=dt.date(2026, 2, 2))
    OutgoingMessage.objects.filter(case=case, template_code="fourteen_day_letter").update(
        channel=channel, status=status, delivered_on=dt.date(2026, 2, 2) if status == "delivered" else None
    )
    summary = run_on(MONDAY)
    assert costs_of(case) == costs
    assert summary.skipped.get("no_fourteen_day_letter", 0) == (0 if costs else 1)


def test_costs_already_charged_are_never_charged_again(consumer_route):
    """Costs charged by hand, at intake or by an earlier strategy: the costs step passes over them."""
    from incasso.cases.ledger import ledger_book

    case = make_due_case(version=consumer_route)
    _to_costs_step(case, consumer_route, letter_sent_on=dt.date(2026, 2, 6))
    ledger_book(
        case=case,
        bucket=Bucket.COSTS,
        kind="costs_charged",
        amount=Decimal("40.00"),
        value_on=MONDAY,
        source="test",
    )
    summary = run_on(MONDAY)
    assert summary.executed == 0 and summary.skipped["costs_already_charged"] == 1
    assert costs_of(case) == Decimal("40.00")
    execution = StepExecution.objects.get(case=case, step__position=3)
    assert (execution.outcome, execution.reason) == ("skipped", "costs_already_charged")
    assignment = StrategyAssignment.objects.get(case=case, is_current=True)
    assert assignment.next_step.position == 4  # the route moves on to the call
    assert Event.objects.filter(case=case, summary__contains="incassokosten al in rekening gebracht").exists()


def test_no_costs_step_error_when_no_principal_is_open(consumer_route):
    """The WIK scale runs over open principal: with the principal paid, the step is passed over (it was
    an error on every run, the case staying due for ever)."""
    from incasso.cases.ledger import ledger_book

    case = make_due_case(version=consumer_route)
    _to_costs_step(case, consumer_route, letter_sent_on=dt.date(2026, 2, 6))
    principal = sum(e.amount for e in LedgerEntry.objects.filter(case=case, bucket=Bucket.PRINCIPAL))
    ledger_book(
        case=case, bucket=Bucket.PRINCIPAL, kind="payment", amount=-principal, value_on=MONDAY, source="test"
    )
    summary = run_on(MONDAY)
    assert summary.errors == [] and summary.skipped["no_principal"] == 1
    assert costs_of(case) == 0
    assert StrategyAssignment.objects.get(case=case, is_current=True).next_step.position == 4


def test_costs_corrected_back_to_nothing_may_be_charged(consumer_route):
    from incasso.cases.ledger import ledger_book

    case = make_due_case(version=consumer_route)
    _to_costs_step(case, consumer_route, letter_sent_on=dt.date(2026, 2, 6))
    for kind, amount in (("costs_charged", "40.00"), ("correction", "-40.00")):
        ledger_book(
            case=case, bucket=Bucket.COSTS, kind=kind, amount=Decimal(amount), value_on=MONDAY, source="test"
        )
    assert run_on(MONDAY).executed == 1
    assert costs_of(case) == Decimal("40.00")


def test_invalid_address_gives_a_find_contact_task_and_no_letter(consumer_route):
    case = make_due_case(version=consumer_route)
    case.debtor.addresses.update(is_valid=False)
    summary = run_on(MONDAY)
    assert summary.skipped["invalid_contact"] == 1
    assert not OutgoingMessage.objects.filter(case=case).exists()
    task = Task.objects.get(case=case)
    assert task.kind == "find_contact"
    run_on(MONDAY + dt.timedelta(days=7))  # still invalid: no second open task
    assert Task.objects.filter(case=case, kind="find_contact").count() == 1


def test_invalid_email_gives_a_find_contact_task(email_route):
    case = make_due_case(version=email_route)
    ContactPoint.objects.create(debtor=case.debtor, kind="email", value="weg@example.nl", is_valid=False)
    assert run_on(MONDAY).skipped["invalid_contact"] == 1
    assert Task.objects.filter(case=case, kind="find_contact").exists()
    assert not OutgoingMessage.objects.filter(case=case).exists()


@pytest.mark.parametrize(
    ("day", "hour"),
    [(dt.date(2026, 3, 1), 10), (dt.date(2026, 4, 27), 10), (MONDAY, 21), (MONDAY, 6)],
    ids=["sunday", "kings_day", "21h", "6h"],
)
def test_no_email_outside_the_contact_window(email_route, day, hour):
    case = make_due_case(version=email_route, on=day)
    ContactPoint.objects.create(debtor=case.debtor, kind="email", value="jan@example.nl")
    with_now = dt.datetime.combine(day, dt.time(hour), tzinfo=AMS)
    summary = daily_run(run_date=day, now=with_now)
    assert summary.skipped["contact_window"] == 1
    assert not OutgoingMessage.objects.filter(case=case).exists()
    case.refresh_from_db()
    assert case.next_action_on == day + dt.timedelta(days=1)


def test_email_inside_the_window_is_queued(email_route):
    case = make_due_case(version=email_route)
    ContactPoint.objects.create(debtor=case.debtor, kind="email", value="jan@example.nl")
    assert run_on(MONDAY, hour=19).executed == 1
    assert OutgoingMessage.objects.get(case=case).channel == "email"


def test_opted_out_channel_is_passed_over(email_route):
    case = make_due_case(version=email_route)
    ContactPoint.objects.create(debtor=case.debtor, kind="email", value="jan@example.nl")
    ChannelOptOut.objects.create(debtor=case.debtor, channel="email", since=MONDAY)
    assert run_on(MONDAY).skipped["opt_out"] == 1
    assert not OutgoingMessage.objects.filter(case=case).exists()
    assert StrategyAssignment.objects.get(case=case).next_step.position == 2


def test_at_most_one_letter_per_seven_days(consumer_route, settings):
    settings.INCASSO_CONTACT_LIMITS = {"letter": 1}
    first = make_due_case(version=consumer_route)
    assert run_on(MONDAY).executed == 1
    # A second case of the same debtor is due the next day: the debtor already had a letter this week.
    from incasso.cases.tests.factories import CaseFactory, ClaimFactory
    from incasso.strategies.assignment import case_assign_strategy

    second = CaseFactory(state="amicable", debtor=first.debtor)
    ClaimFactory(case=second)
    case_assign_strategy(case=second, version=consumer_route, on=MONDAY + dt.timedelta(days=1))
    summary = run_on(MONDAY + dt.timedelta(days=1))
    assert summary.skipped["contact_limit"] == 1
    assert run_on(MONDAY + dt.timedelta(days=7)).executed == 1  # a week later it may go


def test_not_due_cases_are_not_touched_and_queries_do_not_grow_with_them(
    consumer_route, django_assert_max_num_queries
):
    due = make_due_case(version=consumer_route)
    later = [make_due_case(version=consumer_route, on=MONDAY + dt.timedelta(days=3)) for _ in range(10)]
    closed = make_due_case(version=consumer_route)
    Case.objects.filter(pk=closed.pk).update(state="closed", closed_on=MONDAY, closing_reason="paid")
    with django_assert_max_num_queries(
        28
    ):  # per run: routes, candidates, the week's calls, due ids, progress, ...
        summary = run_on(MONDAY)
    assert summary.due == 1 and summary.executed == 1
    assert StepExecution.objects.filter(case__in=[*later, closed]).count() == 0
    assert set(
        Case.objects.filter(pk__in=[c.pk for c in later]).values_list("next_action_on", flat=True)
    ) == {MONDAY + dt.timedelta(days=3)}
    assert StepExecution.objects.get().case_id == due.pk


def test_run_beyond_the_horizon_is_refused_and_leaves_nothing(consumer_route):
    make_due_case(version=consumer_route)
    with translation.override("en"), pytest.raises(DomainError, match="beyond the allowed horizon"):
        daily_run(run_date=MONDAY + dt.timedelta(days=1), now=MONDAY_10H)
    assert not DailyRun.objects.exists() and not StepExecution.objects.exists()


def test_dry_run_changes_nothing(consumer_route):
    case = make_due_case(version=consumer_route)
    summary = run_on(MONDAY, dry_run=True)
    assert summary.executed == 1
    assert not StepExecution.objects.exists() and not DailyRun.objects.exists()
    case.refresh_from_db()
    assert case.next_action_on == MONDAY


def test_a_refused_action_is_an_error_and_the_case_stays_due(db):
    from incasso.strategies import services
    from incasso.strategies.models import Strategy

    strategy = Strategy.objects.create(name="Sluiten", debtor_role="consumer")
    version = services.version_create(strategy=strategy)
    services.step_add(
        version=version,
        position=1,
        name="Naar nieuw",
        action="change_state",
        offset_days=0,
        target_state="new",
    )  # amicable → new is not allowed
    version = services.version_publish(version=version)
    case = make_due_case(version=version)
    summary = run_on(MONDAY)
    assert summary.executed == 0 and len(summary.errors) == 1 and summary.errors[0]["case"] == case.number
    case.refresh_from_db()
    assert case.next_action_on == MONDAY and not StepExecution.objects.exists()


def test_a_contact_window_wider_than_the_law_is_refused(consumer_route, settings):
    from incasso.core.contact import RuleError

    settings.INCASSO_CONTACT_WINDOW = ("06:00", "20:00")
    with pytest.raises(RuleError, match="niet vóór 07:00 beginnen"):
        run_on(MONDAY)
    assert not DailyRun.objects.exists()


def test_a_case_with_a_lawyer_or_bailiff_gets_no_automated_step_until_it_comes_back(consumer_route):
    case = make_due_case(version=consumer_route)
    Case.objects.filter(pk=case.pk).update(state="bailiff")

    summary = run_on(MONDAY)

    assert summary.executed == 0 and summary.skipped["handed_over"] == 1
    assert not OutgoingMessage.objects.filter(case=case).exists()  # no reminder to a debtor at the bailiff
    case.refresh_from_db()
    assert case.next_action_on == MONDAY  # its place in the strategy is kept
    Case.objects.filter(pk=case.pk).update(state="amicable")  # the bailiff returned it
    assert run_on(MONDAY).executed == 1


# --- a call task is contact by phone: opt-out, a valid number and the week's call attempts hold -----


def _at_call_step(consumer_route, *, phone: bool = True) -> Case:
    from incasso.strategies.models import Step

    case = make_due_case(version=consumer_route)
    StrategyAssignment.objects.filter(case=case, is_current=True).update(
        next_step=Step.objects.get(version=consumer_route, position=4)
    )
    if phone:
        ContactPoint.objects.create(debtor=case.debtor, kind="phone", value="0612345678")
    return case


def test_a_call_task_is_made_for_a_debtor_with_a_number(consumer_route):
    case = _at_call_step(consumer_route)
    assert run_on(MONDAY).executed == 1
    assert Task.objects.filter(case=case, kind="call", done_at__isnull=True).count() == 1


def test_no_call_task_for_a_debtor_who_does_not_want_calls(consumer_route):
    case = _at_call_step(consumer_route)
    ChannelOptOut.objects.create(debtor=case.debtor, channel="phone", since=MONDAY)
    assert run_on(MONDAY).skipped["opt_out"] == 1
    assert not Task.objects.filter(case=case, kind="call").exists()
    assert StrategyAssignment.objects.get(case=case, is_current=True).next_step is None  # passed over


def test_no_valid_number_gives_a_find_contact_task_instead_of_a_call(consumer_route):
    case = _at_call_step(consumer_route, phone=False)
    ContactPoint.objects.create(debtor=case.debtor, kind="phone", value="0612345678", is_valid=False)
    assert run_on(MONDAY).skipped["invalid_contact"] == 1
    assert not Task.objects.filter(case=case, kind="call").exists()
    (task,) = Task.objects.filter(case=case, kind="find_contact")
    assert task.title == "Contactgegevens zoeken: geen geldig telefoonnummer"
    retry = MONDAY + dt.timedelta(days=7)  # still no number a week later: the open task is enough
    assert run_on(retry).skipped["invalid_contact"] == 1
    assert Task.objects.filter(case=case, kind="find_contact").count() == 1


def test_a_debtor_called_three_times_this_week_gets_no_call_task_until_the_week_allows(
    consumer_route, officer
):
    import time_machine

    from incasso.cases import timeline
    from incasso.cases.tests.factories import CaseFactory

    case = _at_call_step(consumer_route)
    sibling = CaseFactory(debtor=case.debtor)  # the officers called about another case of the debtor
    for days_ago in (6, 3, 1):
        moment = MONDAY_10H - dt.timedelta(days=days_ago)
        with time_machine.travel(moment, tick=False):
            timeline.contact_log(case=sibling, kind="call", outcome="no_answer", actor=officer, now=moment)
    summary = run_on(MONDAY)
    assert summary.skipped["contact_limit"] == 1 and summary.executed == 0
    assert not Task.objects.filter(case=case, kind="call").exists()
    case.refresh_from_db()
    assert case.next_action_on == MONDAY + dt.timedelta(days=1)
    # Tuesday: the call of six days before Monday has dropped out of the 7 days.
    assert run_on(MONDAY + dt.timedelta(days=1)).executed == 1
    assert Task.objects.filter(case=case, kind="call").count() == 1


def test_a_message_step_cannot_go_by_phone(db):
    from incasso.strategies import services
    from incasso.strategies.forms import StepForm
    from incasso.strategies.models import Step, Strategy

    version = services.version_create(
        strategy=Strategy.objects.create(name="Bel-bericht", debtor_role="consumer")
    )
    with pytest.raises(DomainError, match="een telefoongesprek is een taak"):
        services.step_add(
            version=version,
            position=1,
            name="Bellen",
            action="send_message",
            offset_days=0,
            channel="phone",
            template_code="reminder",
        )
    assert not Step.objects.filter(version=version).exists()
    assert "phone" not in dict(StepForm().fields["channel"].choices)
