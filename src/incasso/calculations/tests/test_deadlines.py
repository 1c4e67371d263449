"""14-day letter term, commercial default date and limitation edge cases."""

from __future__ import annotations

import datetime as dt

import pytest

from incasso.calculations.deadlines import add_postal_days, commercial_default, fourteen_day_term
from incasso.calculations.errors import CalculationError
from incasso.calculations.limitation import ClaimKind, Interruption, InterruptionKind, limitation

D = dt.date


def test_presumed_delivery_skips_sundays_and_public_holidays() -> None:
    assert add_postal_days(D(2025, 4, 17), 2) == D(2025, 4, 22)  # Good Friday, Easter Sunday and Monday
    assert add_postal_days(D(2025, 12, 24), 2) == D(2025, 12, 29)  # Christmas, Boxing Day, Sunday
    assert add_postal_days(D(2025, 6, 6), 1, saturday_delivery=False) == D(2025, 6, 10)  # Whit Monday


def test_fourteen_day_term_from_sending_or_proven_delivery() -> None:
    term = fourteen_day_term(sent_on=D(2025, 6, 2))  # Monday, presumed delivered Wednesday
    assert (term.delivered_on, term.first_day, term.last_day) == (
        D(2025, 6, 4),
        D(2025, 6, 5),
        D(2025, 6, 18),
    )
    assert not term.delivery_proven
    proven = fourteen_day_term(sent_on=D(2025, 6, 2), delivered_on=D(2025, 6, 3))
    assert proven.delivery_proven and proven.costs_owed_from == D(2025, 6, 18)
    extended = fourteen_day_term(delivered_on=D(2025, 6, 7), extend_to_working_day=True)  # ends Saturday
    assert extended.last_day == D(2025, 6, 23)  # Saturday 21 -> Monday 23
    with pytest.raises(CalculationError):
        fourteen_day_term()
    with pytest.raises(CalculationError):
        fourteen_day_term(sent_on=D(2025, 6, 3), delivered_on=D(2025, 6, 2))


def test_commercial_default_after_30_days() -> None:
    sub_a = commercial_default(invoice_received=D(2025, 1, 10))
    assert (sub_a.last_payment_day, sub_a.first_interest_day) == (D(2025, 2, 9), D(2025, 2, 10))
    sub_b = commercial_default(invoice_received=D(2025, 1, 10), goods_received=D(2025, 1, 20))
    assert sub_b.first_interest_day == D(2025, 2, 20) and "sub b" in sub_b.rule
    sub_c = commercial_default(invoice_received=D(2025, 1, 10), accepted_on=D(2025, 1, 15))
    assert sub_c.first_interest_day == D(2025, 2, 15) and "sub c" in sub_c.rule


def test_limitation_interruptions() -> None:
    late = Interruption(InterruptionKind.WRITTEN_REMINDER, D(2025, 5, 1))
    result = limitation(ClaimKind.INVOICE, D(2020, 4, 1), [late])
    assert result.last_day == D(2025, 4, 1) and result.ignored[0][1].startswith("received after")
    # an early reminder can never shorten the term (3:319 lid 2)
    early = limitation(
        ClaimKind.JUDGMENT, D(2024, 3, 5), [Interruption(InterruptionKind.SERVICE_OF_JUDGMENT, D(2024, 4, 1))]
    )
    assert early.last_day == D(2044, 3, 5)
    # damages: a reminder needs legal action within 6 months (3:317 lid 2); long stop 20 years (3:310)
    reminder = Interruption(InterruptionKind.WRITTEN_REMINDER, D(2024, 1, 1))
    damages = limitation(ClaimKind.DAMAGES, D(2020, 1, 1), [reminder], event_date=D(2019, 1, 1))
    assert damages.last_day == D(2025, 1, 1) and damages.ignored
    acted = Interruption(
        InterruptionKind.WRITTEN_REMINDER, D(2024, 1, 1), followed_by_action_within_6_months=True
    )
    assert limitation(ClaimKind.DAMAGES, D(2020, 1, 1), [acted]).last_day == D(2029, 1, 1)
    assert limitation(ClaimKind.DAMAGES, D(2020, 1, 1), event_date=D(2001, 6, 1)).last_day == D(2021, 6, 1)
    assert limitation(ClaimKind.INVOICE, D(2020, 2, 29)).last_day == D(2025, 2, 28)
