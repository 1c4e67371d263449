"""The pure rules of settlement offers: what is let go, the client's limits, the officer's authority."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from incasso.arrangements.settlement_rules import (
    Kind,
    Offer,
    SettlementLimits,
    authority_exceeded,
    offer_problems,
)

D = Decimal
TODAY = dt.date(2026, 3, 10)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def offer(
    amount: str = "800.00", *, kind: Kind = Kind.LUMP_SUM, balance: str = "1000.00", days: int = 14, **kw
) -> Offer:
    return Offer(
        kind=kind,
        balance=D(balance),
        principal=kw.pop("principal", D("900.00")),
        amount=D(amount),
        deadline=TODAY + dt.timedelta(days=days),
        **kw,
    )


def test_a_lump_sum_lets_go_the_rest_of_the_balance():
    o = offer("800.00")
    assert (o.forgiven, o.forgiven_percent, o.rest_owed) == (D("200.00"), D("20.00"), D("0.00"))
    assert offer_problems(o, today=TODAY, limits=SettlementLimits()) == []


def test_goods_credited_without_full_release_let_nothing_go():
    o = offer("300.00", kind=Kind.GOODS_RETURN, settles_in_full=False)
    assert (o.forgiven, o.rest_owed) == (D("0.00"), D("700.00"))
    assert offer_problems(o, today=TODAY, limits=SettlementLimits(max_discount_percent=D("0"))) == []
    released = offer("850.00", kind=Kind.GOODS_RETURN, settles_in_full=True)
    assert (released.forgiven, released.rest_owed) == (D("150.00"), D("0.00"))


def test_every_problem_is_named():
    limits = SettlementLimits(max_discount_percent=D("10"), max_days=30, goods_return_allowed=False)
    assert any(
        "less than the balance" in p for p in offer_problems(offer("1000.00"), today=TODAY, limits=limits)
    )
    problems = offer_problems(offer("500.00", days=45), today=TODAY, limits=limits)
    assert any("45 days" in p for p in problems) and any("at most 10" in p for p in problems)
    assert any("past" in p for p in offer_problems(offer("950.00", days=-1), today=TODAY, limits=limits))
    goods = offer_problems(
        offer("950.00", kind=Kind.GOODS_RETURN, settles_in_full=False), today=TODAY, limits=limits
    )
    assert any("does not take goods back" in p for p in goods) and any("principal" in p for p in goods)
    assert "The amount has more than two decimals" in offer_problems(
        offer("999.995"), today=TODAY, limits=SettlementLimits()
    )
    assert offer_problems(offer("10.00", balance="0.00"), today=TODAY, limits=limits) == [
        "Nothing is owed on this case, so there is nothing to settle"
    ]


def test_authority():
    assert authority_exceeded(offer("900.00"), max_discount_percent=D("10")) == []
    assert authority_exceeded(offer("899.99"), max_discount_percent=D("10")) == [
        "10,01% written off (officer: up to 10%)"  # rounded up: it is more than 10 %
    ]
    assert authority_exceeded(offer("1.00"), max_discount_percent=None) == []


@given(
    balance=st.decimals(min_value=D("0.01"), max_value=D("1000000"), places=2),
    share=st.fractions(min_value=0, max_value=1),
)
def test_what_is_paid_and_what_is_let_go_add_up_to_the_balance(balance, share):
    amount = (balance * D(share.numerator) / D(share.denominator)).quantize(D("0.01"))
    o = Offer(Kind.LUMP_SUM, balance, balance, amount, TODAY)
    assert o.amount + o.forgiven == balance
    assert D(0) <= o.forgiven_percent <= D(100)
