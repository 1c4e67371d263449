"""Pure rules: no database, no Django."""

from __future__ import annotations

import datetime as dt

import pytest

from incasso.strategies import rules
from incasso.strategies.rules import StepSpec, validate_strategy


def test_fourteen_day_term_presumes_delivery_two_postal_days_after_sending():
    # Sent Friday 24-04-2026: Saturday 25 is a postal day, Sunday 26 not, Monday 27 is King's Day,
    # so presumed delivery is Tuesday 28-04; the term runs 29-04 .. 12-05; costs from 13-05.
    assert rules.costs_allowed_from(sent_on=dt.date(2026, 4, 24)) == dt.date(2026, 5, 13)
    # A plain week: sent Monday 02-03, delivered Wednesday 04-03, costs from Thursday 19-03.
    assert rules.costs_allowed_from(sent_on=dt.date(2026, 3, 2)) == dt.date(2026, 3, 19)
    # Proven delivery wins over the presumption.
    assert rules.costs_allowed_from(sent_on=dt.date(2026, 3, 2), delivered_on=dt.date(2026, 3, 3)) == dt.date(
        2026, 3, 18
    )


def spec(position, action="create_task", offset=0, template="", next_position=None):
    return StepSpec(
        position=position,
        name=f"s{position}",
        action=action,
        offset_days=offset,
        template_code=template,
        next_position=next_position,
    )


def test_a_sound_consumer_strategy_passes():
    steps = [
        spec(1, "send_message", template="reminder"),
        spec(2, "send_message", 7, "fourteen_day_letter"),
        spec(3, "add_collection_costs"),
        spec(4, next_position=6),
        spec(6),
    ]
    assert validate_strategy(steps, debtor_role="consumer") == []


@pytest.mark.parametrize(
    ("steps", "fragment"),
    [
        ([spec(1), spec(2, next_position=1)], "lussen zijn niet toegestaan"),
        ([spec(1, next_position=1)], "lussen zijn niet toegestaan"),
        ([spec(1, next_position=9)], "maar die bestaat niet"),
        ([spec(1, "send_message")], "een berichtstap heeft een sjabloon nodig"),
        ([spec(1, offset=-1)], "kan niet onder nul liggen"),
        ([spec(1, "add_collection_costs"), spec(2, "send_message", template="fourteen_day_letter")], "6:96"),
        ([], "minstens één stap"),
        ([spec(1), spec(1)], "dezelfde positie"),
    ],
)
def test_bad_strategies_are_refused_with_a_clear_message(steps, fragment):
    problems = validate_strategy(steps, debtor_role="consumer")
    assert any(fragment in p for p in problems), problems


def test_business_strategy_may_add_costs_without_a_letter():
    assert validate_strategy([spec(1, "add_collection_costs")], debtor_role="business") == []


def test_rules_module_imports_no_django():
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(rules))
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)} | {
        a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names
    }
    assert not any(m and m.startswith(("django", "incasso.cases", "incasso.strategies")) for m in imported)
