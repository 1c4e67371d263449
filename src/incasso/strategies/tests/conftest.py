"""Fixtures for strategy tests: a published consumer route and a clock fixed on a Monday morning."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

AMS = zoneinfo.ZoneInfo("Europe/Amsterdam")
MONDAY = dt.date(2026, 3, 2)
MONDAY_10H = dt.datetime(2026, 3, 2, 10, 0, tzinfo=AMS)


@pytest.fixture
def consumer_route(db):
    """Reminder letter (day 0), 14-day letter (+7), collection costs (+0), call task (+3)."""
    from incasso.strategies import services
    from incasso.strategies.models import Strategy

    strategy = Strategy.objects.create(name="Consument standaard", debtor_role="consumer")
    version = services.version_create(strategy=strategy)
    services.step_add(
        version=version,
        position=1,
        name="Herinnering",
        action="send_message",
        offset_days=0,
        channel="letter",
        template_code="reminder",
    )
    services.step_add(
        version=version,
        position=2,
        name="Veertiendagenbrief",
        action="send_message",
        offset_days=7,
        channel="letter",
        template_code="fourteen_day_letter",
    )
    services.step_add(
        version=version, position=3, name="Incassokosten", action="add_collection_costs", offset_days=0
    )
    services.step_add(
        version=version, position=4, name="Bellen", action="create_task", offset_days=3, task_kind="call"
    )
    return services.version_publish(version=version)


@pytest.fixture
def email_route(db):
    from incasso.strategies import services
    from incasso.strategies.models import Strategy

    strategy = Strategy.objects.create(name="E-mail eerst", debtor_role="consumer")
    version = services.version_create(strategy=strategy)
    services.step_add(
        version=version,
        position=1,
        name="E-mail",
        action="send_message",
        offset_days=0,
        channel="email",
        template_code="reminder",
    )
    services.step_add(
        version=version, position=2, name="Review", action="create_task", offset_days=5, task_kind="review"
    )
    return services.version_publish(version=version)


def make_due_case(*, version, on=MONDAY, **kwargs):
    """A consumer case with an address and one claim, put on `version` so its first step is due `on`."""
    from incasso.cases.tests.factories import AddressFactory, CaseFactory, ClaimFactory
    from incasso.strategies.assignment import case_assign_strategy

    case = CaseFactory(state="amicable", **kwargs)
    AddressFactory(debtor=case.debtor)
    ClaimFactory(case=case)
    case_assign_strategy(case=case, version=version, on=on)
    case.refresh_from_db()
    return case
