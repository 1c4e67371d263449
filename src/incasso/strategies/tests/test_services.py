"""Building, publishing and assigning strategies; refusals save nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from incasso.cases.models import Case, DebtType, Event
from incasso.cases.tests.factories import CaseFactory, ClaimFactory
from incasso.core.exceptions import DomainError
from incasso.strategies import services
from incasso.strategies.assignment import case_assign_strategy, case_move_strategy, strategy_for_case
from incasso.strategies.holds import hold_place
from incasso.strategies.models import Step, Strategy, StrategyAssignment
from incasso.strategies.tests.conftest import MONDAY


@pytest.fixture
def draft(db):
    strategy = Strategy.objects.create(name="Concept", debtor_role="consumer")
    return services.version_create(strategy=strategy)


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        (
            {"position": 2, "action": "create_task", "offset_days": 0, "next_position": 1},
            "loops are not allowed",
        ),
        (
            {"position": 1, "action": "send_message", "offset_days": 0, "channel": "letter"},
            "needs a template",
        ),
        (
            {"position": 1, "action": "send_message", "offset_days": 0, "template_code": "x"},
            "needs a channel",
        ),
        (
            {
                "position": 1,
                "action": "send_message",
                "offset_days": 0,
                "channel": "letter",
                "template_code": "herinnering",
            },
            "there is no letter template 'herinnering'",
        ),
        (  # the client's progress report goes to the client, never to a debtor
            {
                "position": 1,
                "action": "send_message",
                "offset_days": 0,
                "channel": "letter",
                "template_code": "client_progress_report",
            },
            "no letter template 'client_progress_report'",
        ),
        ({"position": 1, "action": "create_task", "offset_days": -3}, "below zero"),
        ({"position": 1, "action": "fly_to_the_moon", "offset_days": 0}, "Unknown action"),
    ],
)
def test_bad_step_is_refused_and_nothing_is_saved(draft, kwargs, fragment):
    with translation.override("en"), pytest.raises(DomainError, match=fragment):
        services.step_add(version=draft, name="fout", **kwargs)
    assert not Step.objects.exists()


def test_consumer_strategy_with_costs_before_the_letter_cannot_be_published(draft):
    services.step_add(version=draft, position=1, name="Kosten", action="add_collection_costs", offset_days=0)
    services.step_add(
        version=draft,
        position=2,
        name="Brief",
        action="send_message",
        offset_days=0,
        channel="letter",
        template_code="fourteen_day_letter",
    )
    with pytest.raises(DomainError, match="6:96"):
        services.version_publish(version=draft)
    draft.refresh_from_db()
    assert not draft.is_published


def test_published_version_is_frozen(consumer_route):
    with translation.override("en"), pytest.raises(DomainError, match="cannot change"):
        services.step_add(
            version=consumer_route, position=9, name="Extra", action="create_task", offset_days=1
        )


def test_new_version_copies_steps_and_stays_editable(consumer_route):
    v2 = services.version_create(strategy=consumer_route.strategy, copy_from=consumer_route)
    assert v2.number == 2 and v2.steps.count() == 4
    services.step_add(version=v2, position=9, name="Extra", action="create_task", offset_days=1)
    assert consumer_route.steps.count() == 4


def test_strategy_is_picked_by_client_role_debt_type_and_band(zorg, energie, consumer_route):
    services_type = DebtType.objects.get(code="services")

    def published(name, **kw):
        strategy = Strategy.objects.create(name=name, debtor_role=kw.pop("role", "consumer"), **kw)
        version = services.version_create(strategy=strategy)
        services.step_add(version=version, position=1, name="Taak", action="create_task", offset_days=0)
        return services.version_publish(version=version)

    zorg_route = published("Zorg", client=zorg)
    zorg_small = published("Zorg klein", client=zorg, debt_type=services_type, max_amount=Decimal("100.00"))
    business = published("Zakelijk", role="business")

    def case_for(client, principal, role="consumer"):
        case = CaseFactory(client=client, debtor_role=role)
        ClaimFactory(case=case, principal=Decimal(principal))
        return case

    assert strategy_for_case(case=case_for(zorg, "50.00")) == zorg_small
    assert strategy_for_case(case=case_for(zorg, "500.00")) == zorg_route
    assert strategy_for_case(case=case_for(energie, "500.00")) == consumer_route  # agency default
    assert strategy_for_case(case=case_for(energie, "500.00", role="business")) == business


def test_assign_picks_and_schedules_the_first_step(consumer_route):
    case = CaseFactory()
    ClaimFactory(case=case)
    assignment = case_assign_strategy(case=case, on=MONDAY)
    assert assignment.version == consumer_route and assignment.next_step.position == 1
    case.refresh_from_db()
    assert case.next_action_on == MONDAY
    with translation.override("en"), pytest.raises(DomainError, match="already follows"):
        case_assign_strategy(case=case, on=MONDAY)


def test_case_keeps_its_version_until_moved_on_purpose(consumer_route, supervisor):
    case = CaseFactory()
    ClaimFactory(case=case)
    case_assign_strategy(case=case, version=consumer_route, on=MONDAY)
    v2 = services.version_publish(
        version=services.version_create(strategy=consumer_route.strategy, copy_from=consumer_route)
    )
    assert StrategyAssignment.objects.get(case=case, is_current=True).version == consumer_route

    with translation.override("en"), pytest.raises(DomainError, match="needs a reason"):
        case_move_strategy(case=case, version=v2, actor=supervisor, reason=" ")
    moved = case_move_strategy(
        case=case, version=v2, actor=supervisor, reason="nieuwe brieven", on=MONDAY + dt.timedelta(days=2)
    )
    assert StrategyAssignment.objects.get(case=case, is_current=True) == moved
    assert StrategyAssignment.objects.filter(case=case).count() == 2
    assert Event.objects.filter(case=case, summary__contains="nieuwe brieven", actor=supervisor).exists()
    case.refresh_from_db()
    assert case.next_action_on == MONDAY + dt.timedelta(days=2)


def test_a_closed_case_is_not_moved_to_another_strategy(consumer_route, supervisor):
    case = CaseFactory()
    ClaimFactory(case=case)
    case_assign_strategy(case=case, version=consumer_route, on=MONDAY)
    v2 = services.version_publish(
        version=services.version_create(strategy=consumer_route.strategy, copy_from=consumer_route)
    )
    Case.objects.filter(pk=case.pk).update(state="closed", closed_on=MONDAY, closing_reason="withdrawn")
    with translation.override("en"), pytest.raises(DomainError, match="A closed case takes no steps"):
        case_move_strategy(case=case, version=v2, actor=supervisor, reason="nieuwe brieven")
    assert StrategyAssignment.objects.get(case=case, is_current=True).version == consumer_route


def test_a_hold_cannot_end_before_it_starts(zorg_case):
    with translation.override("en"), pytest.raises(DomainError, match="cannot end before"):
        hold_place(case=zorg_case, reason="dispute", starts_on=MONDAY, until=MONDAY - dt.timedelta(days=1))
