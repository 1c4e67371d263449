"""Default strategies: published, valid, idempotent; champion/challenger at assignment."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from incasso.cases.tests.factories import CaseFactory, ClaimFactory
from incasso.strategies import assignment, services
from incasso.strategies.models import Strategy, StrategyVersion
from incasso.strategies.rules import in_challenger
from incasso.strategies.seeds import (
    CHALLENGER,
    CONSUMER,
    strategies_assign_unassigned,
    strategies_seed_defaults,
)


def test_seed_creates_published_consumer_and_business_routes_once(db):
    strategies_seed_defaults()
    strategies_seed_defaults()
    assert Strategy.objects.count() == 2
    assert StrategyVersion.objects.filter(is_published=True).count() == 2
    consumer = Strategy.objects.get(name=CONSUMER).versions.get()
    actions = list(consumer.steps.order_by("position").values_list("template_code", "action", "offset_days"))
    assert actions[1] == ("fourteen_day_letter", "send_message", 14)
    assert actions[3] == ("", "add_collection_costs", 35)
    assert actions[-1] == ("", "ask_client_approval", 60)


def test_seed_command_with_a_challenger(db):
    call_command("strategies", "seed", "--challenger-share", "20")
    call_command("strategies", "seed", "--challenger-share", "20")
    consumer = Strategy.objects.get(name=CONSUMER)
    assert consumer.challenger.name == CHALLENGER and consumer.challenger_share == 20
    assert Strategy.objects.count() == 3


def test_new_cases_split_between_champion_and_challenger_by_case_number(db):
    strategies_seed_defaults(challenger_share=50)
    cases = [CaseFactory(state="amicable", debtor_role="consumer") for _ in range(12)]
    for case in cases:
        ClaimFactory(case=case)
    assert strategies_assign_unassigned() == 12
    for case in cases:
        version = case.strategy_assignments.get(is_current=True).version
        expected = CHALLENGER if in_challenger(case.number, share_pct=50) else CONSUMER
        assert version.strategy.name == expected
        assert assignment.strategy_for_case(case=case) == version  # reproducible


def test_a_strategy_cannot_challenge_itself_or_another_role(db):
    strategies_seed_defaults()
    consumer = Strategy.objects.get(name=CONSUMER)
    with pytest.raises(services.DomainError):
        services.strategy_update(strategy=consumer, challenger=consumer, challenger_share=10)
    business = Strategy.objects.get(debtor_role="business")
    with pytest.raises(services.DomainError):
        services.strategy_update(strategy=consumer, challenger=business, challenger_share=10)


def test_closed_cases_get_their_strategy_only_when_asked_and_are_never_scheduled(db):
    strategies_seed_defaults()
    closed = CaseFactory(
        state="closed",
        closed_on=dt.date(2026, 3, 2),
        closing_reason="paid",
        debtor_role="consumer",
        next_action_on=None,
    )
    ClaimFactory(case=closed)
    assert strategies_assign_unassigned() == 0  # the daily run's rule: open cases only
    assert strategies_assign_unassigned(closed_too=True) == 1  # the demo's history
    assignment = closed.strategy_assignments.get(is_current=True)
    assert assignment.version.strategy.name == CONSUMER
    closed.refresh_from_db()
    assert closed.next_action_on is None
