"""Every example in shared/domain/worked-examples.json, to the cent."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from incasso.calculations.allocation import OpenClaim, allocate_payment, allocate_within_claim
from incasso.calculations.costs import (
    b2b_collection_costs,
    collection_costs,
    collection_costs_after_capitalisation,
    collection_costs_after_partial_payment,
    collection_costs_for_letter,
)
from incasso.calculations.deadlines import fourteen_day_term
from incasso.calculations.interest import InterestBasis, contractual_interest, statutory_interest
from incasso.calculations.limitation import ClaimKind, Interruption, InterruptionKind, limitation
from incasso.calculations.money import round_cents
from incasso.calculations.payment_reference import (
    check_digit,
    generate_payment_reference,
    generate_short_reference,
    is_valid_payment_reference,
    weighted_sum,
)
from incasso.calculations.rate_table import packaged_table
from incasso.calculations.statement import ClaimFacts, CostsFact, PaymentFact, build_statement
from incasso.calculations.tests.examples import day, dec, load_examples

TABLES = {b: packaged_table(b) for b in ("consumer", "commercial")}
ONE = dt.timedelta(days=1)


def table_for(rate_type: str) -> str:
    return "commercial" if "handelsrente" in rate_type else "consumer"


def check_wik(inputs: dict[str, Any], expected: dict[str, Any]) -> None:
    result = collection_costs(inputs["principal"])
    assert result.costs == dec(expected["bik"])
    if "breakdown" in expected:
        assert [round_cents(b) for b in result.breakdown] == [dec(b) for b in expected["breakdown"]]
    if "flat_15_percent_would_be" in expected:
        assert round_cents(inputs["principal"] * Decimal("0.15")) == dec(expected["flat_15_percent_would_be"])


def check_wik_vat(inputs: dict[str, Any], expected: dict[str, Any]) -> None:
    surcharge = not inputs["creditor_vat_deductible"] and inputs["declaration_made"]
    result = collection_costs(inputs["principal"], vat_percent=inputs["vat_percent"] if surcharge else 0)
    assert (result.costs, result.vat, result.total) == tuple(
        dec(expected[k]) for k in ("bik_excl_vat", "vat_surcharge", "bik_total")
    )
    assert collection_costs(inputs["principal"]).total == dec(expected["bik_excl_vat"])  # VAT deductible


def check_wik_multiple(inputs: dict[str, Any], expected: dict[str, Any]) -> None:
    invoices = inputs.get("invoices") or [
        Decimal("850.00"),
        Decimal("850.00"),
    ]  # qualitative: two months' rent
    combined = collection_costs_for_letter(invoices)
    assert combined.costs == collection_costs(sum(invoices)).costs
    assert combined.costs <= sum(collection_costs(i).costs for i in invoices)
    if "bik" in expected and not isinstance(expected["bik"], str):
        assert combined.principal == dec(expected["principal_for_scale"])
        assert combined.costs == dec(expected["bik"])
        assert sum(collection_costs(i).costs for i in invoices) == dec(expected["wrong_per_invoice_sum"])


def check_wik_b2b(inputs: dict[str, Any], expected: dict[str, Any]) -> None:
    result = b2b_collection_costs(inputs["principal"])
    assert result.costs == dec(expected["bik_minimum"]) == dec(expected["scale_amount"])
    assert result.minimum_applied and result.scale_amount == Decimal("22.50")


def check_wik_partial(inputs: dict[str, Any], expected: dict[str, Any]) -> None:
    paid = collection_costs_after_partial_payment(inputs["principal"], inputs["paid_within_14_day_term"])
    assert paid.costs == dec(expected["bik"])
    assert collection_costs(inputs["principal"]).costs == dec(expected["bik_if_no_payment"])


def check_wik_capitalisation(inputs: dict[str, Any], expected: dict[str, Any]) -> None:
    cap_day = day(inputs["capitalised_on"])
    result = statutory_interest(
        inputs["principal"], day(inputs["first_interest_day"]), cap_day, TABLES["consumer"]
    )
    cap = result.capitalisations[0]
    assert (cap.on, cap.amount, cap.new_base) == (
        cap_day,
        dec(expected["capitalised_interest"]),
        dec(expected["new_principal"]),
    )
    assert collection_costs(inputs["principal"]).costs == dec(expected["bik_before"])
    after = collection_costs_after_capitalisation(inputs["principal"], cap.amount)
    assert after.costs == dec(expected["bik_after"])


def _period(inputs: dict[str, Any]) -> tuple[dt.date, dt.date]:
    if "first_interest_day" in inputs:
        return day(inputs["first_interest_day"]), day(inputs["last_interest_day"])
    if "due_date" in inputs:  # 6:119a lid 1: from the day after the due date through the payment day
        return day(inputs["due_date"]) + ONE, day(inputs["payment_date"])
    first = dt.date(2025, 1, 1)
    return first, first + dt.timedelta(days=inputs["days_late"] - 1)


def check_interest(inputs: dict[str, Any], expected: dict[str, Any]) -> None:
    first, last = _period(inputs)
    if "days" in inputs or "days" in expected:
        assert (last - first).days + 1 == inputs.get("days", expected.get("days"))
    if "fixed" in inputs["rate_type"]:
        result = contractual_interest(inputs["principal"], first, last, percent=Decimal(8))
        assert result.interest == dec(expected["interest"])
        return
    table = TABLES[table_for(inputs["rate_type"])]
    if "rate_percent" in inputs:
        assert table.rate_on(first).percent == inputs["rate_percent"]

    def run(**kw: Any) -> Any:
        return statutory_interest(inputs["principal"], first, last, table, **kw)

    variants = {
        "interest": {},
        "interest_ACT365": {},
        "interest_ACT365_per_segment_rounding": {"per_segment_rounding": True},
        "interest_ACTACT": {"day_basis": "actact"},
        "interest_simple_no_compounding_ACT365": {"compound": False},
    }
    for key, kwargs in variants.items():
        if key in expected:
            assert run(**kwargs).interest == dec(expected[key]), key
    exact = run()
    if "capitalisations_ACT365" in expected:
        got = [(c.on.isoformat(), c.amount, c.new_base) for c in exact.capitalisations]
        want = [(c["date"], dec(c["amount"]), dec(c["new_base"])) for c in expected["capitalisations_ACT365"]]
        assert got == want
    if "segments_ACT365" in expected:
        got_segments = [
            (s.start.isoformat(), s.end.isoformat(), s.days, s.rate, s.base, s.amount) for s in exact.segments
        ]
        want_segments = [
            (a, b, n, Decimal(r), dec(base), dec(amt))
            for a, b, n, r, base, amt in expected["segments_ACT365"]
        ]
        assert got_segments == want_segments


def check_allocation(inputs: dict[str, Any], expected: dict[str, Any]) -> None:
    if "claim" in inputs and "interest_accrued" in inputs["claim"]:
        claim = inputs["claim"]
        result = allocate_within_claim(
            inputs["payment"],
            costs=claim["costs"],
            interest=claim["interest_accrued"],
            principal=claim["principal"],
        )
        part = result.parts[0]
        assert (part.costs, part.interest, part.principal) == tuple(
            dec(expected[k]) for k in ("to_costs", "to_interest", "to_principal")
        )
        assert claim["principal"] - part.principal == dec(expected["remaining_principal"])
    elif "claim" in inputs:
        _allocation_with_costs(inputs, expected)
    elif "payment_date" in inputs:
        _allocation_over_claims(inputs, expected)
    else:  # the more onerous claim goes before the older one (6:43 lid 2)
        older = OpenClaim("A", 0, 0, 30000, rate=Decimal(4), due_date=dt.date(2023, 1, 1))
        newer = OpenClaim("B", 0, 0, 30000, rate=Decimal(12), due_date=dt.date(2024, 1, 1))
        result = allocate_payment(int(inputs["payment"] * 100), [older, newer])
        assert result.parts[0].claim_id == expected["first_claim_paid"]
        assert result.parts[0].principal == inputs["payment"]


def _allocation_with_costs(inputs: dict[str, Any], expected: dict[str, Any]) -> None:
    claim, paid_on = inputs["claim"], day(inputs["payment_date"])
    facts = ClaimFacts(
        "C", claim["principal"], day(claim["first_interest_day"]), InterestBasis(table_for(claim["rate"]))
    )
    costs = CostsFact("C", claim["bik"], day(claim["first_interest_day"]))
    statement = build_statement(
        [facts], [costs], [PaymentFact(inputs["payment"], paid_on)], as_of=paid_on, tables=TABLES
    )
    result = statement.claims[0]
    assert result.interest.charged == dec(expected["interest_to_payment_date"])
    assert result.costs.paid == dec(expected["to_bik"])
    assert result.interest.paid == dec(expected["to_interest"])
    assert result.principal.paid == dec(expected["to_principal"])
    assert result.principal.outstanding == dec(expected["remaining_principal"])


def _allocation_over_claims(inputs: dict[str, Any], expected: dict[str, Any]) -> None:
    paid_on = day(inputs["payment_date"])
    claims = [
        ClaimFacts(c["id"], c["principal"], day(c["due_date"]) + ONE, InterestBasis(table_for(c["rate"])))
        for c in inputs["claims"]
    ]
    payment = PaymentFact(inputs["payment"], paid_on, inputs["designation"])
    statement = build_statement(claims, [], [payment], as_of=paid_on, tables=TABLES)
    paid_order = [line.claim_id for line in statement.lines if line.kind == "allocation"]
    assert list(dict.fromkeys(paid_order)) == [o.split()[0] for o in expected["order"]]
    for result in statement.claims:
        want = expected[result.claim.id]
        assert result.interest.charged == dec(want["interest_to_payment_date"])
        assert result.interest.paid == dec(want["to_interest"])
        assert result.principal.paid == dec(want["to_principal"])
        assert result.principal.outstanding == dec(want["remaining_principal"])


def check_fourteen_day_letter(inputs: dict[str, Any], expected: dict[str, Any]) -> None:
    if "letter_delivered" not in inputs:  # qualitative: for any receipt day R, R+1 .. R+14, costs from R+15
        for received in (dt.date(2025, 1, 3), dt.date(2024, 2, 28), dt.date(2025, 12, 24)):
            term = fourteen_day_term(delivered_on=received)
            assert (term.first_day - received).days == 1
            assert (term.last_day - received).days == 14
            assert (term.costs_owed_from - received).days == 15
        return
    term = fourteen_day_term(delivered_on=day(inputs["letter_delivered"]))
    assert term.first_day == day(expected["term_day_1"])
    assert term.last_day == day(expected["term_day_14"]) == day(expected["paid_in_time_if_paid_by"])
    assert term.costs_owed_from == day(expected["bik_owed_from"])


KINDS = {
    "invoice": ClaimKind.INVOICE,
    "consumer purchase": ClaimKind.CONSUMER_PURCHASE,
    "judgment": ClaimKind.JUDGMENT,
}


def check_limitation(inputs: dict[str, Any], expected: dict[str, Any]) -> None:
    kind = next(v for k, v in KINDS.items() if inputs["claim"].startswith(k))
    trigger = day(inputs.get("opeisbaar_date") or inputs["judgment_date"])
    events = []
    if "interruption" in inputs:
        events.append(
            Interruption(InterruptionKind.WRITTEN_REMINDER, day(inputs["interruption"]["received"]))
        )
    result = limitation(kind, trigger, events)
    if "term_start" in expected:
        assert result.term_start == day(expected["term_start"])
    if "barred_from" in expected:
        assert result.barred_from == day(expected["barred_from"])
    if "original_last_day" in expected:
        assert result.original_last_day == day(expected["original_last_day"])
    if "new_term_start" in expected:
        assert result.counted and result.counted[-1].received_on + ONE == day(expected["new_term_start"])
    assert result.last_day == day(expected.get("last_day") or expected["enforcement_last_day"])


def check_reference(inputs: dict[str, Any], expected: dict[str, Any]) -> None:
    if "reference_15_digits" in inputs:
        body = inputs["reference_15_digits"]
        assert generate_payment_reference(body) == expected["betalingskenmerk"]
    elif "digits" in inputs:
        body = f"{inputs['length_code']}{inputs['digits']}"
        if "length" in inputs:
            assert (
                generate_short_reference(int(inputs["digits"]), inputs["length"])
                == expected["betalingskenmerk"]
            )
        assert f"{check_digit(body)}{body}" == expected["betalingskenmerk"]
    else:
        body = inputs["betalingskenmerk"][1:]
        assert is_valid_payment_reference(inputs["betalingskenmerk"]) is expected["valid"]
    assert weighted_sum(body) == expected["weighted_sum"]
    assert check_digit(body) == expected["check_digit"]
    if "mod11" in expected:
        assert weighted_sum(body) % 11 == expected["mod11"]
    if "betalingskenmerk" in expected:
        assert is_valid_payment_reference(expected["betalingskenmerk"])


CHECKS: dict[str, Callable[[dict[str, Any], dict[str, Any]], None]] = {
    "wik": check_wik,
    "wik_vat": check_wik_vat,
    "wik_multiple_invoices": check_wik_multiple,
    "wik_b2b_minimum": check_wik_b2b,
    "wik_partial_payment": check_wik_partial,
    "wik_after_capitalisation": check_wik_capitalisation,
    "interest": check_interest,
    "allocation": check_allocation,
    "fourteen_day_letter": check_fourteen_day_letter,
    "limitation": check_limitation,
    "betalingskenmerk": check_reference,
}


@pytest.mark.parametrize("example", load_examples())
def test_worked_example(example: dict[str, Any]) -> None:
    CHECKS[example["kind"]](example["inputs"], example["expected"])


def test_actact_per_segment_variant_from_the_notes() -> None:
    """The note on the commercial example: 'ACT/ACT per-segment variant: 670.02'."""
    result = statutory_interest(
        Decimal(2500), dt.date(2023, 11, 1), dt.date(2025, 12, 31), TABLES["commercial"],
        day_basis="actact", per_segment_rounding=True,
    )  # fmt: skip
    assert result.interest == Decimal("670.02")
