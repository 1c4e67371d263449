"""A bank payment booked on a case is one timeline event (kind `payment`) that carries its whole split:
the interest booked up to the booking date, the parts to costs / interest / principal per claim, and
what was left over. No `ledger` event per entry, on either path (the import's chunks and the one-payment
`transaction_book`); the ledger entries themselves are unchanged. A return is one event too. The case
page and the calculation sheet still tell the whole story."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from incasso.cases.models import Bucket, Case, EntryKind, Event, EventKind, LedgerEntry
from incasso.cases.tests.factories import ClaimFactory
from incasso.payments import services
from incasso.payments.models import BankTransaction, TransactionStatus
from incasso.payments.selectors import transaction_entries
from incasso.payments.services import statement_import, transaction_match_manual
from incasso.payments.tests.builders import Line, camt
from incasso.payments.tests.factories import worked_case
from incasso.payments.tests.one_by_one import book_one_by_one, return_one_by_one

pytestmark = pytest.mark.django_db

SUMMARY = (
    "Betaling € 500,00 ontvangen (betalingskenmerk): kosten € 375,00, rente € 23,97, hoofdsom € 101,03;"
    " rente t/m 20-05-2024 bijgeboekt € 23,97"
)


@pytest.fixture(params=["chunks", "one_by_one"])
def path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """The import books in chunks; with `one_by_one` it books each payment with `transaction_book`
    and each return with `transaction_return` (the one-payment reference path)."""
    if request.param == "one_by_one":
        monkeypatch.setattr(services, "transactions_book", book_one_by_one)
        monkeypatch.setattr(services, "transactions_return", return_one_by_one)
    return str(request.param)


def _split_of_ledger(txn: BankTransaction) -> list[dict[str, str]]:
    """The payment entries the transaction booked, as the event's split lists them."""
    return [
        {"claim": e.claim.invoice_number, "bucket": e.bucket, "amount": str(-e.amount)}
        for e in transaction_entries(txn).filter(kind=EntryKind.PAYMENT).select_related("claim")
    ]


def test_an_imported_payment_is_one_event_with_its_split(path: str) -> None:
    case = worked_case()
    before = set(Event.objects.values_list("id", flat=True))
    statement_import(data=camt([Line(Decimal("500.00"), reference=case.payment_reference)]), name="a.xml")
    txn = BankTransaction.objects.get()
    assert txn.status == TransactionStatus.BOOKED
    new = Event.objects.filter(case=case).exclude(id__in=before)
    assert [e.kind for e in new] == [EventKind.PAYMENT]  # no `ledger` event per entry
    event = new.get()
    assert event.summary == SUMMARY
    assert event.actor_label == "bank"
    claim = case.claims.get().invoice_number
    assert event.details == {
        "transaction": txn.pk,
        "amount": "500.00",
        "value_date": "2024-05-20",
        "booked_on": "2024-05-20",
        "rule": "reference",
        "interest_booked": [{"claim": claim, "amount": "23.97"}],
        "split": [
            {"claim": claim, "bucket": "costs", "amount": "375.00"},
            {"claim": claim, "bucket": "interest", "amount": "23.97"},
            {"claim": claim, "bucket": "principal", "amount": "101.03"},
        ],
        "unallocated": "0.00",
    }
    assert event.details["split"] == _split_of_ledger(txn)
    # the ledger is unchanged: one entry per bucket and claim, each with its source
    entries = transaction_entries(txn)
    assert [(e.kind, e.bucket, e.amount, e.source) for e in entries] == [
        (EntryKind.INTEREST_BOOKED, Bucket.INTEREST, Decimal("23.97"), f"bank:{txn.pk}"),
        (EntryKind.PAYMENT, Bucket.COSTS, Decimal("-375.00"), f"bank:{txn.pk}"),
        (EntryKind.PAYMENT, Bucket.INTEREST, Decimal("-23.97"), f"bank:{txn.pk}"),
        (EntryKind.PAYMENT, Bucket.PRINCIPAL, Decimal("-101.03"), f"bank:{txn.pk}"),
    ]


def test_a_payment_over_two_claims_lists_each_claim_and_the_overpayment(path: str) -> None:
    case = worked_case(principal=Decimal("100.00"), costs=Decimal("40.00"), due_date=dt.date(2024, 5, 20))
    ClaimFactory(
        case=case,
        principal=Decimal("60.00"),
        invoice_date=dt.date(2024, 4, 20),
        due_date=dt.date(2024, 5, 20),
        invoice_number=f"Y-{case.pk}",
    )
    statement_import(data=camt([Line(Decimal("250.00"), reference=case.payment_reference)]), name="b.xml")
    txn = BankTransaction.objects.get()
    event = case.events.get(kind=EventKind.PAYMENT)
    assert not case.events.filter(kind=EventKind.LEDGER).exists()
    assert event.summary == (
        "Betaling € 250,00 ontvangen (betalingskenmerk): kosten € 40,00, hoofdsom € 160,00,"
        " € 50,00 te veel betaald"
    )
    assert event.details["split"] == _split_of_ledger(txn)
    assert {p["claim"] for p in event.details["split"]} == set(
        case.claims.values_list("invoice_number", flat=True)
    )
    assert (event.details["interest_booked"], event.details["unallocated"]) == ([], "50.00")


def test_a_return_is_one_event_with_the_reversed_parts(path: str) -> None:
    case = worked_case()
    statement_import(
        data=camt(
            [Line(Decimal("500.00"), reference=case.payment_reference, end_to_end="DD-1", bank_ref="P")]
        ),
        name="pay.xml",
    )
    before = set(Event.objects.values_list("id", flat=True))
    statement_import(
        data=camt([Line(Decimal("-500.00"), return_reason="MS02", end_to_end="DD-1", bank_ref="R")]),
        name="return.xml",
    )
    txn = BankTransaction.objects.get(amount__lt=0)
    assert txn.status == TransactionStatus.RETURNED
    new = Event.objects.filter(case=case).exclude(id__in=before)
    assert sorted(e.kind for e in new) == [
        EventKind.PAYMENT,
        EventKind.TASK,
    ]  # the return + the officer's task
    event = new.get(kind=EventKind.PAYMENT)
    assert event.summary == (
        "Betaling € 500,00 gestorneerd (MS02), teruggedraaid: kosten € 375,00, rente € 23,97, hoofdsom € 101,03"
    )
    claim = case.claims.get().invoice_number
    assert event.details["reversed"] == "500.00"
    assert event.details["split"] == [
        {"claim": claim, "bucket": "costs", "amount": "375.00"},
        {"claim": claim, "bucket": "interest", "amount": "23.97"},
        {"claim": claim, "bucket": "principal", "amount": "101.03"},
    ]
    assert LedgerEntry.objects.filter(case=case, kind=EntryKind.REVERSAL).count() == 3


def test_a_manual_match_is_one_event_with_its_split(officer: Any) -> None:
    case = worked_case()
    statement_import(
        data=camt([Line(Decimal("500.00"), name="J. Jansen", text="zonder kenmerk")]), name="m.xml"
    )
    txn = BankTransaction.objects.get()
    assert txn.status == TransactionStatus.UNMATCHED
    txn = transaction_match_manual(transaction_id=txn.pk, case_number=case.number, actor=officer)
    assert [e.kind for e in case.events.exclude(kind=EventKind.TASK)] == [EventKind.PAYMENT]
    event = case.events.get(kind=EventKind.PAYMENT)
    assert event.summary == SUMMARY.replace("betalingskenmerk", "handmatig gekoppeld")
    assert event.details["split"] == _split_of_ledger(txn)


def test_the_case_page_and_the_calculation_sheet_tell_the_story_after_an_import(
    client: Any, officer: Any
) -> None:
    case: Case = worked_case()
    statement_import(data=camt([Line(Decimal("500.00"), reference=case.payment_reference)]), name="a.xml")
    client.force_login(officer)
    page = client.get(reverse("cases:detail", args=[case.number]))
    assert page.status_code == 200
    assert SUMMARY in page.text.replace("&#x27;", "'")
    sheet = client.get(reverse("cases:calculation", args=[case.number]), {"as_of": "2024-05-20"})
    assert sheet.status_code == 200
    assert "500,00" in sheet.text and "23,97" in sheet.text
