"""The statement: replaying claims, costs and payments up to `as_of`."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from decimal import Decimal

from incasso.calculations.interest import InterestBasis, RatePeriod, contractual_interest, statutory_interest
from incasso.calculations.rate_table import packaged_table
from incasso.calculations.sheet import format_amount, format_money, render_statement
from incasso.calculations.statement import ClaimFacts, CostsFact, LineKind, PaymentFact, build_statement

TABLES = {b: packaged_table(b) for b in ("consumer", "commercial")}
D = dt.date


def test_a_payment_does_not_restart_the_yearly_cycle() -> None:
    claim = ClaimFacts("a", Decimal(10000), D(2023, 3, 15))
    s = build_statement(
        [claim], [], [PaymentFact(Decimal(1000), D(2023, 9, 1))], as_of=D(2025, 6, 30), tables=TABLES
    )
    assert [c.on for c in s.claims[0].capitalisations] == [D(2024, 3, 15), D(2025, 3, 15)]
    # after the payment interest runs on the reduced base
    after = [seg for seg in s.claims[0].segments if seg.start >= D(2023, 9, 2)]
    assert after[0].base == Decimal(10000) - (Decimal(1000) - s.claims[0].interest.paid)


def test_statement_without_payments_equals_interest_for_the_period() -> None:
    claim = ClaimFacts("a", Decimal(1000), D(2023, 3, 15))
    s = build_statement([claim], as_of=D(2025, 6, 30), tables=TABLES)
    assert s.interest.charged == Decimal("148.13") == s.interest.outstanding
    assert s.outstanding == Decimal("1148.13")


def test_designation_goes_first_then_the_default_order() -> None:
    claims = [
        ClaimFacts("old", Decimal(100), D(2024, 1, 1), InterestBasis.NONE),
        ClaimFacts("new", Decimal(100), D(2024, 6, 1), InterestBasis.NONE),
    ]
    s = build_statement(
        claims, [], [PaymentFact(Decimal(150), D(2024, 7, 1), "new")], as_of=D(2024, 7, 1), tables=TABLES
    )
    paid = {c.claim.id: c.principal.paid for c in s.claims}
    assert paid == {"new": Decimal(100), "old": Decimal(50)}


def test_equal_claims_are_paid_pro_rata_and_the_excess_is_unallocated() -> None:
    claims = [ClaimFacts(x, Decimal(100), D(2024, 1, 1), InterestBasis.NONE) for x in ("a", "b", "c")]
    s = build_statement(
        claims, [], [PaymentFact(Decimal(100), D(2024, 2, 1))], as_of=D(2024, 2, 1), tables=TABLES
    )
    assert sorted(c.principal.paid for c in s.claims) == [
        Decimal("33.33"),
        Decimal("33.33"),
        Decimal("33.34"),
    ]
    s = build_statement(
        claims, [], [PaymentFact(Decimal(400), D(2024, 2, 1))], as_of=D(2024, 2, 1), tables=TABLES
    )
    assert s.unallocated == Decimal(100) and s.outstanding == 0
    assert any(line.kind is LineKind.UNALLOCATED for line in s.lines)


def test_claims_not_yet_due_come_last() -> None:
    claims = [
        ClaimFacts("future", Decimal(100), D(2024, 9, 1), InterestBasis.NONE),
        ClaimFacts("due", Decimal(100), D(2024, 1, 1), InterestBasis.NONE),
    ]
    s = build_statement(
        claims, [], [PaymentFact(Decimal(100), D(2024, 2, 1))], as_of=D(2024, 2, 1), tables=TABLES
    )
    assert {c.claim.id: c.principal.paid for c in s.claims} == {"future": 0, "due": Decimal(100)}


def test_contractual_monthly_rate_and_no_interest() -> None:
    monthly = ClaimFacts(
        "m",
        Decimal(1000),
        D(2025, 1, 1),
        InterestBasis.CONTRACTUAL,
        Decimal(1),
        RatePeriod.MONTH,
        compound=False,
    )
    none = ClaimFacts("n", Decimal(1000), D(2025, 1, 1), InterestBasis.NONE)
    s = build_statement([monthly, none], as_of=D(2025, 12, 31), tables=TABLES)
    assert s.claims[0].interest.charged == Decimal("120.00")  # 1% a month = 12% a year, 365 days
    assert s.claims[1].interest.charged == 0 and not s.claims[1].segments
    compounded = contractual_interest(
        Decimal(1000), D(2025, 1, 1), D(2026, 12, 31), percent=Decimal(12), compound=True
    )
    assert compounded.interest == Decimal("254.40")  # 120 + 12% of 1120


def test_first_and_last_day_are_both_included() -> None:
    result = statutory_interest(Decimal(36500), D(2025, 2, 1), D(2025, 2, 1), TABLES["consumer"])
    assert result.days == 1 and result.interest == Decimal("6.00")


def test_29_february_start_has_its_anniversary_on_1_march() -> None:
    result = statutory_interest(Decimal(1000), D(2024, 2, 29), D(2026, 3, 2), TABLES["consumer"])
    assert [c.on for c in result.capitalisations] == [D(2025, 3, 1), D(2026, 3, 1)]


def test_unverified_rates_are_flagged_on_the_statement() -> None:
    claim = ClaimFacts("a", Decimal(1000), D(2026, 1, 1), InterestBasis.COMMERCIAL)
    assert build_statement([claim], as_of=D(2026, 6, 30), tables=TABLES).unverified_rates == ()
    s = build_statement([claim], as_of=D(2026, 11, 22), tables=TABLES)
    assert s.unverified_rates == ("commercial 2026-07-01 10.40%",)
    assert "WAARSCHUWING" in render_statement(s)


def test_sheet_uses_dutch_notation_and_prints_the_convention() -> None:
    assert format_money(Decimal("1234.56")) == "€ 1.234,56"
    assert format_amount(Decimal("-1234567.5")) == "-1.234.567,50"
    claims = [ClaimFacts("INV-1", Decimal("1234.56"), D(2026, 1, 1))]
    costs = [CostsFact("INV-1", Decimal("40"), D(2026, 2, 1))]
    text = render_statement(build_statement(claims, costs, [], as_of=D(2026, 11, 22), tables=TABLES))
    assert "per 22-11-2026" in text and "€ 1.234,56" in text and "Rekenwijze" in text
    assert "eerste en laatste rentedag tellen beide mee" in text and "ACT/365" in text


def test_the_core_imports_no_django() -> None:
    code = (
        "import sys, incasso.calculations, incasso.calculations.sheet, incasso.calculations.batch, "
        "incasso.calculations.deadlines, incasso.calculations.limitation\n"
        "bad = [m for m in sys.modules if m.split('.')[0] == 'django' or "
        "(m.startswith('incasso.') and not m.startswith('incasso.calculations'))]\n"
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
