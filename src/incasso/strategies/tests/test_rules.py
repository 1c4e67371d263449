"""Pure rules: no database, no Django."""

from __future__ import annotations

import datetime as dt

import pytest

from incasso.strategies import rules
from incasso.strategies.rules import StepSpec, contact_window, outside_contact_window, validate_strategy


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute))


MONDAY = dt.date(2026, 3, 2)
SUNDAY = dt.date(2026, 3, 1)
KINGS_DAY = dt.date(2026, 4, 27)  # a Monday


@pytest.mark.parametrize(
    ("moment", "channel", "why"),
    [
        (at(MONDAY, 10), "phone", ""),
        (at(MONDAY, 7), "sms", ""),
        (at(MONDAY, 6, 59), "sms", "outside_hours"),
        (at(MONDAY, 19, 59), "email", ""),
        (at(MONDAY, 20), "email", "outside_hours"),
        (at(MONDAY, 21), "phone", "outside_hours"),
        (at(SUNDAY, 12), "email", "sunday"),
        (at(KINGS_DAY, 12), "sms", "public_holiday"),
        (at(dt.date(2026, 12, 25), 12), "phone", "public_holiday"),
        (at(SUNDAY, 23), "letter", ""),  # letters are posted, not windowed
    ],
)
def test_contact_window(moment, channel, why):
    assert outside_contact_window(moment, channel=channel) == why


def test_contact_window_may_be_narrower():
    window = contact_window(dt.time(9), dt.time(17))
    assert outside_contact_window(at(MONDAY, 8), channel="phone", window=window) == "outside_hours"
    assert outside_contact_window(at(MONDAY, 17), channel="phone", window=window) == "outside_hours"
    assert outside_contact_window(at(MONDAY, 16, 59), channel="phone", window=window) == ""


@pytest.mark.parametrize(("start", "end"), [(6, 20), (7, 21), (12, 12), (18, 9)])
def test_contact_window_never_wider_nor_empty(start, end):
    with pytest.raises(rules.RuleError):
        contact_window(dt.time(start), dt.time(end) if end < 24 else dt.time(23, 59))


def test_contact_limit_counts_the_last_seven_days_inclusive():
    on = dt.date(2026, 3, 10)
    assert rules.contact_limit_reached([on - dt.timedelta(days=6)], on=on, limit=1)
    assert not rules.contact_limit_reached([on - dt.timedelta(days=7)], on=on, limit=1)
    assert not rules.contact_limit_reached([on, on], on=on, limit=3)
    assert rules.contact_limit_reached([on, on, on - dt.timedelta(days=1)], on=on, limit=3)


def test_contact_limits_defaults_and_overrides():
    assert rules.contact_limits() == {"phone": 3, "letter": 1, "email": 2, "sms": 2}
    assert rules.contact_limits({"email": 5})["email"] == 5
    with pytest.raises(rules.RuleError):
        rules.contact_limits({"sms": -1})


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
