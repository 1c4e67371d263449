"""Bad input: floats raise TypeError, nonsense raises a clear CalculationError."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from incasso.calculations.allocation import allocate_within_claim
from incasso.calculations.costs import collection_costs, collection_costs_after_partial_payment
from incasso.calculations.errors import (
    CalculationError,
    DateOutOfRangeError,
    PaymentReferenceError,
    RateTableError,
)
from incasso.calculations.interest import contractual_interest, statutory_interest
from incasso.calculations.money import money, split
from incasso.calculations.payment_reference import generate_payment_reference, validate_payment_reference
from incasso.calculations.rate_table import packaged_table
from incasso.calculations.statement import ClaimFacts, CostsFact, PaymentFact, build_statement

CONSUMER = packaged_table("consumer")
TABLES = {"consumer": CONSUMER, "commercial": packaged_table("commercial")}
D1, D2 = dt.date(2024, 1, 1), dt.date(2024, 12, 31)


@pytest.mark.parametrize(
    "call",
    [
        lambda: money(0.1),
        lambda: statutory_interest(1000.0, D1, D2, CONSUMER),  # type: ignore[arg-type]
        lambda: collection_costs(2500.0),  # type: ignore[arg-type]
        lambda: collection_costs(Decimal(2500), vat_percent=21.0),  # type: ignore[arg-type]
        lambda: allocate_within_claim(500.0, costs=Decimal(0), interest=Decimal(0), principal=Decimal(1)),  # type: ignore[arg-type]
        lambda: split(Decimal(10), [1.5]),  # type: ignore[list-item]
        lambda: contractual_interest(Decimal(1), D1, D2, percent=8.0),  # type: ignore[arg-type]
        lambda: build_statement([ClaimFacts("a", 100.0, D1)], as_of=D2, tables=TABLES),  # type: ignore[arg-type]
        lambda: build_statement(
            [ClaimFacts("a", Decimal(1), D1)], [], [PaymentFact(1.0, D2)], as_of=D2, tables=TABLES
        ),  # type: ignore[arg-type]
    ],
)
def test_a_float_for_money_raises_type_error(call) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(TypeError, match="float"):
        call()


def test_money_refuses_garbage_and_accepts_decimal_strings() -> None:
    assert money("12.34") == Decimal("12.34")
    for bad in ("12,34", "abc", "NaN", "Infinity"):
        with pytest.raises(CalculationError):
            money(bad)
    with pytest.raises(TypeError):
        money(True)


@pytest.mark.parametrize("principal", [Decimal(0), Decimal(-1), Decimal("0.001")])
def test_interest_refuses_a_principal_that_is_not_positive_cents(principal: Decimal) -> None:
    with pytest.raises(CalculationError):
        statutory_interest(principal, D1, D2, CONSUMER)


def test_interest_refuses_a_reversed_period() -> None:
    with pytest.raises(CalculationError, match="before the first interest day"):
        statutory_interest(Decimal(100), D2, D1, CONSUMER)


def test_a_date_before_the_first_rate_row_is_a_clear_error() -> None:
    with pytest.raises(DateOutOfRangeError, match="before the first row of the commercial rate table"):
        statutory_interest(Decimal(100), dt.date(2002, 8, 7), D2, TABLES["commercial"])
    with pytest.raises(DateOutOfRangeError):
        statutory_interest(Decimal(100), dt.date(2000, 12, 31), D2, CONSUMER)


def test_unknown_basis_and_unknown_claims_are_refused() -> None:
    with pytest.raises(RateTableError, match="unknown rate basis"):
        packaged_table("mortgage")
    claim = ClaimFacts("a", Decimal(100), D1)
    with pytest.raises(CalculationError, match="unknown claim"):
        build_statement([claim], [CostsFact("b", Decimal(1), D1)], as_of=D2, tables=TABLES)
    with pytest.raises(CalculationError, match="designated claim"):
        build_statement([claim], [], [PaymentFact(Decimal(1), D2, "zzz")], as_of=D2, tables=TABLES)
    with pytest.raises(CalculationError, match="duplicate claim"):
        build_statement([claim, claim], as_of=D2, tables=TABLES)
    with pytest.raises(CalculationError, match="contractual_rate"):
        build_statement([ClaimFacts("a", Decimal(1), D1, "contractual")], as_of=D2, tables=TABLES)  # type: ignore[arg-type]
    with pytest.raises(CalculationError, match="payment must be positive"):
        build_statement([claim], [], [PaymentFact(Decimal(0), D2)], as_of=D2, tables=TABLES)


def test_costs_refuse_bad_input() -> None:
    for bad in (Decimal(0), Decimal(-5)):
        with pytest.raises(CalculationError):
            collection_costs(bad)
    with pytest.raises(CalculationError, match="VAT"):
        collection_costs(Decimal(100), vat_percent=Decimal(101))
    with pytest.raises(CalculationError, match="paid within the term"):
        collection_costs_after_partial_payment(Decimal(100), Decimal(100))


@pytest.mark.parametrize(
    "ref", ["", "12345678", "123456789012345", "abcdefg", "50000567890123456", "5000056789012346"]
)
def test_malformed_payment_references_are_refused(ref: str) -> None:
    with pytest.raises(PaymentReferenceError):
        validate_payment_reference(ref)


def test_reference_generation_refuses_nonsense() -> None:
    for bad in ("-1", "12a", "1" * 16):
        with pytest.raises(PaymentReferenceError):
            generate_payment_reference(bad)
    with pytest.raises(TypeError):
        generate_payment_reference(1.0)  # type: ignore[arg-type]
