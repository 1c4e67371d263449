"""Limitation per class and with interruptions, through the selector; the 90-day watch list."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from incasso.cases.ledger import ledger_book, ledger_reverse
from incasso.cases.models import Bucket, EntryKind, Event
from incasso.core.testing import SHARED_DIR
from incasso.legal.selectors import claim_limitation, limitation_watch_list
from incasso.legal.services import limitation_interrupt, limitation_record
from incasso.legal.tests.factories import case_with_claim

D = dt.date
CLASS_OF = {"invoice (3:307)": "3:307", "consumer purchase price (7:28)": "7:28", "judgment (3:324)": "3:324"}


def _limitation_examples() -> list[dict]:
    data = json.loads((SHARED_DIR / "domain" / "worked-examples.json").read_text())
    return [e for group in ("published", "computed") for e in data[group] if e.get("kind") == "limitation"]


@pytest.mark.django_db
@pytest.mark.parametrize("example", _limitation_examples(), ids=lambda e: e["inputs"]["claim"])
def test_worked_limitation_examples_through_the_selector(example: dict, officer) -> None:
    inputs, expected = example["inputs"], example["expected"]
    due = D.fromisoformat(inputs.get("opeisbaar_date") or inputs["judgment_date"])
    case = case_with_claim(limitation_class=CLASS_OF[inputs["claim"]], due_date=due)
    claim = case.claims.get()
    if "interruption" in inputs:
        limitation_record(
            claim=claim,
            kind="written_interruption",
            occurred_on=D.fromisoformat(inputs["interruption"]["received"]),
            actor=officer,
        )
    last_day, basis = claim_limitation(claim)
    assert last_day == D.fromisoformat(expected.get("last_day") or expected["enforcement_last_day"])
    assert "verjaard na" in basis


@pytest.mark.django_db
def test_judgment_recorded_on_an_invoice_gives_twenty_years(officer) -> None:
    case = case_with_claim(due_date=D(2020, 4, 1))
    claim = case.claims.get()
    limitation_record(claim=claim, kind="judgment", occurred_on=D(2024, 3, 5), actor=officer)
    last_day, basis = claim_limitation(claim)
    assert last_day == D(2044, 3, 5)
    assert "3:324" in basis


@pytest.mark.django_db
def test_payment_on_the_ledger_counts_as_acknowledgement(officer) -> None:
    case = case_with_claim(due_date=D(2020, 4, 1))
    claim = case.claims.get()
    ledger_book(
        case=case,
        bucket=Bucket.PRINCIPAL,
        kind=EntryKind.PAYMENT,
        amount=Decimal("-10.00"),
        value_on=D(2024, 6, 10),
        source="bank:1",
        claim=claim,
    )
    assert claim_limitation(claim)[0] == D(2029, 6, 10)


@pytest.mark.django_db
def test_payment_does_not_interrupt_when_the_setting_is_off(officer, settings) -> None:
    settings.INCASSO_PAYMENT_INTERRUPTS_LIMITATION = False
    case = case_with_claim(due_date=D(2020, 4, 1))
    claim = case.claims.get()
    limitation_record(claim=claim, kind="payment", occurred_on=D(2024, 6, 10), actor=officer)
    assert claim_limitation(claim)[0] == D(2025, 4, 1)


@pytest.mark.django_db
def test_reversed_payment_does_not_interrupt(officer) -> None:
    case = case_with_claim(due_date=D(2020, 4, 1))
    claim = case.claims.get()
    entry = ledger_book(
        case=case,
        bucket=Bucket.PRINCIPAL,
        kind=EntryKind.PAYMENT,
        amount=Decimal("-10.00"),
        value_on=D(2024, 6, 10),
        source="bank:1",
        claim=claim,
    )
    ledger_reverse(entry=entry, actor=officer, reason="storno")
    assert claim_limitation(claim)[0] == D(2025, 4, 1)


@pytest.mark.django_db
def test_interruption_after_the_claim_is_barred_is_named_and_ignored(officer) -> None:
    case = case_with_claim(due_date=D(2020, 4, 1))
    claim = case.claims.get()
    limitation_record(claim=claim, kind="acknowledgement", occurred_on=D(2025, 5, 1), actor=officer)
    last_day, basis = claim_limitation(claim)
    assert last_day == D(2025, 4, 1)
    assert "niet gestuit 01-05-2025: ontvangen nadat de vordering al verjaard was" in basis
    assert "received after" not in basis  # the core's reason, in the Dutch of the rest of the text


@pytest.mark.django_db
def test_interruption_letter_records_every_open_claim_and_the_timeline(officer) -> None:
    from incasso.cases.tests.factories import ClaimFactory

    case = case_with_claim(due_date=D(2022, 1, 1))
    ClaimFactory(case=case, invoice_date=D(2022, 1, 1), due_date=D(2022, 2, 1))
    events = limitation_interrupt(case=case, sent_on=D(2026, 1, 5), received_on=D(2026, 1, 7), actor=officer)
    assert len(events) == 2
    assert {claim_limitation(c)[0] for c in case.claims.all()} == {D(2031, 1, 7)}
    assert Event.objects.filter(case=case, summary__startswith="Verjaring").count() == 2


@pytest.mark.django_db
def test_watch_list_holds_claims_within_90_days_and_flags_barred_ones(officer) -> None:
    soon = case_with_claim(due_date=D(2021, 8, 1))  # last day 01-08-2026
    barred = case_with_claim(due_date=D(2021, 3, 1))  # last day 01-03-2026
    case_with_claim(due_date=D(2021, 12, 1))  # 01-12-2026: outside 90 days
    case_with_claim(due_date=D(2021, 8, 1), state="closed", closed_on=D(2026, 1, 1), closing_reason="paid")
    rows = limitation_watch_list(today=D(2026, 6, 1), days=90)
    assert [(r.case, r.barred) for r in rows] == [(barred, True), (soon, False)]
    assert rows[1].days_left == 61


@pytest.mark.django_db
def test_limitation_report_command_json(officer, capsys) -> None:
    import time_machine

    case = case_with_claim(due_date=D(2021, 8, 1))
    with time_machine.travel(dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)):
        call_command("legal", "limitation-report", "--days", "90", "--json")
    rows = json.loads(capsys.readouterr().out)
    assert rows == [
        {
            "case": case.number,
            "claim": case.claims.get().invoice_number,
            "last_day": "2026-08-01",
            "days_left": 61,
            "barred": False,
            "basis": rows[0]["basis"],
            "client": case.client.name,
            "debtor": rows[0]["debtor"],
        }
    ]
