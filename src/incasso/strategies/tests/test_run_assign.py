"""The daily run puts new cases (opened on a screen, by the API or a claims import) on their strategy."""

from __future__ import annotations

import datetime as dt

from incasso.cases.models import Event
from incasso.strategies import assignment, holds, services
from incasso.strategies.models import OutgoingMessage, SkipReason, Strategy, StrategyAssignment
from incasso.strategies.tests.conftest import MONDAY
from incasso.strategies.tests.test_run import run_on


def new_case(**kwargs):
    """A case as `cases.services.case_open` leaves it: due on its opening day, on no strategy yet."""
    from incasso.cases.tests.factories import AddressFactory, CaseFactory, ClaimFactory

    case = CaseFactory(state="new", opened_on=MONDAY, next_action_on=MONDAY, **kwargs)
    AddressFactory(debtor=case.debtor)
    ClaimFactory(case=case)
    return case


def _strategy(name, *, client=None, first_offset=0, role="consumer"):
    strategy = Strategy.objects.create(name=name, debtor_role=role, client=client)
    version = services.version_create(strategy=strategy)
    services.step_add(
        version=version,
        position=1,
        name="Herinnering",
        action="send_message",
        offset_days=first_offset,
        channel="letter",
        template_code="reminder",
    )
    return services.version_publish(version=version)


def test_a_new_case_gets_its_clients_strategy_and_its_first_step_the_same_day(db):
    _strategy("Algemeen")
    case = new_case()
    own = _strategy("Eigen", client=case.client)

    summary = run_on(MONDAY)

    assert (summary.assigned, summary.executed) == (1, 1)
    assignment = StrategyAssignment.objects.get(case=case, is_current=True)
    assert assignment.version == own and assignment.started_on == MONDAY
    message = OutgoingMessage.objects.get(case=case)
    assert (message.template_code, message.queued_on) == ("reminder", MONDAY)
    assert Event.objects.filter(case=case, summary__startswith="Incassotraject: Eigen").exists()
    assert summary.as_dict()["assigned"] == 1


def test_a_first_step_due_later_is_scheduled_not_run(db):
    _strategy("Later", first_offset=3)
    case = new_case()

    summary = run_on(MONDAY)

    assert (summary.assigned, summary.executed) == (1, 0)
    case.refresh_from_db()
    assert case.next_action_on == MONDAY + dt.timedelta(days=3)
    assert not OutgoingMessage.objects.filter(case=case).exists()
    assert run_on(MONDAY + dt.timedelta(days=3)).executed == 1  # and on its day it runs


def test_a_case_no_strategy_matches_stays_due_and_is_counted_until_one_is_published(db):
    _strategy("Zakelijk", role="business")
    case = new_case()

    summary = run_on(MONDAY)

    assert summary.assigned == 0 and summary.skipped[SkipReason.NO_STRATEGY] == 1
    assert summary.as_dict()["skipped"] == {"no_strategy": 1}
    case.refresh_from_db()
    assert case.next_action_on == MONDAY  # not dropped from the schedule
    assert not StrategyAssignment.objects.filter(case=case).exists()

    _strategy("Consument")
    again = run_on(MONDAY)
    assert (again.assigned, again.executed) == (1, 1)


def test_a_dry_run_assigns_nothing(db):
    _strategy("Algemeen")
    case = new_case()

    summary = run_on(MONDAY, dry_run=True)

    assert (summary.assigned, summary.executed) == (1, 1)  # what a real run would do
    assert not StrategyAssignment.objects.filter(case=case).exists()
    case.refresh_from_db()
    assert case.next_action_on == MONDAY


def test_a_held_new_case_is_not_assigned_until_released(db):
    _strategy("Algemeen")
    case = new_case()
    hold = holds.hold_place(case=case, reason="dispute", starts_on=MONDAY)

    assert run_on(MONDAY).assigned == 0
    assert not StrategyAssignment.objects.filter(case=case).exists()
    holds.hold_release(hold=hold)
    assert run_on(MONDAY).assigned == 1


def test_new_cases_split_between_champion_and_challenger_as_strategy_for_case_chooses(db):
    champion = _strategy("Kampioen")
    challenger = _strategy("Uitdager")
    services.strategy_update(strategy=champion.strategy, challenger=challenger.strategy, challenger_share=50)
    cases = [new_case() for _ in range(16)]

    summary = run_on(MONDAY, chunk_size=5)  # several chunks

    assert summary.assigned == 16
    arms = set()
    for case in cases:
        version = StrategyAssignment.objects.get(case=case, is_current=True).version
        assert version == assignment.strategy_for_case(case=case)  # the one rule, case by case
        arms.add(version.strategy.name)
    assert arms == {"Kampioen", "Uitdager"}
