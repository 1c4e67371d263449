"""Default strategies the agency starts from (idempotent), and putting unassigned open cases on one.

Consumer (art. 6:96 lid 6 BW: costs only after the 14-day letter's term), days from the case's start:
reminder letter 0 · 14-day letter 14 · call 21 · collection costs 35 · summons letter 36 ·
final notice 50 · ask the client's approval to propose legal action 60.
Business (no 14-day letter needed; the WIK scale's € 40 minimum applies): reminder 0 · collection
costs 14 · summons letter 15 · call 21 · final notice 35.
Optionally a consumer challenger ("e-mail first") takes a share of the new consumer cases.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from incasso.cases.models import Case, CaseState
from incasso.core.exceptions import DomainError
from incasso.strategies import assignment, services
from incasso.strategies.models import Strategy

CONSUMER = "Consument standaard"
BUSINESS = "Zakelijk standaard"
CHALLENGER = "Consument e-mail eerst"

_LETTER = {"action": "send_message", "channel": "letter"}
ROUTES: dict[str, tuple[str, list[dict[str, Any]]]] = {
    CONSUMER: (
        "consumer",
        [
            {"name": "Herinnering", "offset_days": 0, "template_code": "reminder", **_LETTER},
            {"name": "Veertiendagenbrief", "offset_days": 14, "template_code": "fourteen_day_letter", **_LETTER},
            {"name": "Bellen", "offset_days": 21, "action": "create_task", "task_kind": "call"},
            {"name": "Incassokosten", "offset_days": 35, "action": "add_collection_costs"},
            {"name": "Sommatie", "offset_days": 36, "template_code": "summons", **_LETTER},
            {"name": "Laatste aanmaning", "offset_days": 50, "template_code": "final_notice", **_LETTER},
            {"name": "Gerechtelijke stappen voorstellen", "offset_days": 60, "action": "ask_client_approval"},
        ],
    ),
    BUSINESS: (
        "business",
        [
            {"name": "Herinnering", "offset_days": 0, "template_code": "reminder", **_LETTER},
            {"name": "Incassokosten (min. € 40)", "offset_days": 14, "action": "add_collection_costs"},
            {"name": "Sommatie", "offset_days": 15, "template_code": "summons", **_LETTER},
            {"name": "Bellen", "offset_days": 21, "action": "create_task", "task_kind": "call"},
            {"name": "Laatste aanmaning", "offset_days": 35, "template_code": "final_notice", **_LETTER},
        ],
    ),
    CHALLENGER: (
        "consumer",
        [
            {"name": "Herinnering per e-mail", "offset_days": 0, "action": "send_message", "channel": "email",
             "template_code": "reminder"},
            {"name": "Veertiendagenbrief", "offset_days": 7, "template_code": "fourteen_day_letter", **_LETTER},
            {"name": "Bellen", "offset_days": 14, "action": "create_task", "task_kind": "call"},
            {"name": "Incassokosten", "offset_days": 28, "action": "add_collection_costs"},
            {"name": "Sommatie", "offset_days": 29, "template_code": "summons", **_LETTER},
            {"name": "Gerechtelijke stappen voorstellen", "offset_days": 50, "action": "ask_client_approval"},
        ],
    ),
}  # fmt: skip


def _ensure(name: str) -> Strategy:
    role, steps = ROUTES[name]
    strategy = Strategy.objects.filter(name=name, client__isnull=True).first()
    if strategy is None:
        strategy = services.strategy_create(name=name, debtor_role=role)
    if strategy.versions.filter(is_published=True).exists():
        return strategy
    version = strategy.versions.filter(is_published=False).order_by("-number").first()
    if version is None or version.steps.exists():
        version = services.version_create(strategy=strategy)
    for position, step in enumerate(steps, start=1):
        services.step_add(version=version, position=position, offset_from="case_start", **step)
    services.version_publish(version=version)
    return strategy


def strategies_seed_defaults(*, challenger_share: int = 0) -> list[Strategy]:
    """Create the agency's default consumer and business strategies, published; safe to call again.

    With `challenger_share` > 0 the "e-mail first" consumer strategy is created too and named the
    consumer default's challenger for that share of new cases.
    """
    with transaction.atomic():
        made = [_ensure(CONSUMER), _ensure(BUSINESS)]
        if challenger_share:
            challenger = _ensure(CHALLENGER)
            services.strategy_update(
                strategy=made[0], challenger=challenger, challenger_share=challenger_share
            )
            made.append(challenger)
        return made


def strategies_assign_unassigned(*, on: dt.date | None = None, closed_too: bool = False) -> int:
    """Put every open case without a current strategy on its strategy (champion or challenger).

    `closed_too` also gives closed cases the strategy they would have started in, unscheduled: the demo
    does so for its history, so the champion/challenger report counts cases paid in full."""
    cases = Case.objects.exclude(strategy_assignments__is_current=True).order_by("pk")
    if not closed_too:
        cases = cases.exclude(state=CaseState.CLOSED)
    assigned = 0
    for case in cases:
        try:
            assignment.case_assign_strategy(case=case, on=on or case.opened_on)
        except DomainError:
            continue  # no published strategy matches: leave it for a supervisor
        assigned += 1
    return assigned
