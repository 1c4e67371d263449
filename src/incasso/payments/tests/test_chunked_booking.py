"""The chunked booking (`chunked_booking.transactions_book`, used by the import) books to the cent what the
one-by-one path (`booking.transaction_book`, the reference) books: every ledger entry, allocation,
transaction, event, task and closing, for random payments (several per case, back-dated ones)."""

from __future__ import annotations

import datetime as dt
import json
import random
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from incasso.cases.models import Case, Event, LedgerEntry, Task
from incasso.cases.tests.factories import ClaimFactory
from incasso.payments import services
from incasso.payments.chunked_booking import BookRequest, transactions_book
from incasso.payments.models import Allocation, BankStatementImport, BankTransaction
from incasso.payments.services import statement_import
from incasso.payments.tests.builders import Line, camt
from incasso.payments.tests.factories import worked_case
from incasso.payments.tests.one_by_one import book_one_by_one

pytestmark = pytest.mark.django_db


def _cases(rng: random.Random) -> list[Case]:
    cases = []
    for _ in range(6):
        case = worked_case(
            principal=Decimal(rng.randint(5_000, 300_000)) / 100,
            costs=Decimal(rng.choice([0, 4_000, 37_500])) / 100,
            due_date=dt.date(2024, 3, 1) + dt.timedelta(days=rng.randint(0, 60)),
        )
        if rng.random() < 0.5:  # a second claim
            due = dt.date(2024, 2, 1) + dt.timedelta(days=rng.randint(0, 90))
            ClaimFactory(
                case=case,
                principal=Decimal(rng.randint(1_000, 50_000)) / 100,
                invoice_date=due - dt.timedelta(days=14),
                due_date=due,
                invoice_number=f"X-{case.pk}-{rng.randint(0, 10**6)}",
            )
        cases.append(case)
    return cases


def _payments(rng: random.Random, cases: list[Case]) -> list[tuple[Case, Decimal, dt.date]]:
    return [
        (
            rng.choice(cases),
            Decimal(rng.choice([rng.randint(100, 80_000), rng.randint(100_000, 400_000)])) / 100,
            dt.date(2024, 4, 20) + dt.timedelta(days=rng.randint(0, 300)),
        )
        for _ in range(14)
    ]


def _snapshot(txn_ids: list[int]) -> dict[str, Any]:
    index = {pk: i for i, pk in enumerate(txn_ids)}

    def src(source: str) -> str:
        return (
            f"bank:#{index[int(source[5:])]}"
            if source.startswith("bank:") and int(source[5:]) in index
            else source
        )

    entries = sorted(
        (e.case_id, e.claim_id, e.bucket, e.kind, e.amount, e.value_on, src(e.source), e.reason)
        for e in LedgerEntry.objects.all()
    )
    allocations = sorted(
        (index[a.transaction_id], a.entry.kind, a.entry.bucket, a.entry.amount)
        for a in Allocation.objects.select_related("entry")
    )
    txns = [
        (t.status, t.case_id, t.match_rule, t.confidence, t.reason, t.unallocated)
        for t in sorted(BankTransaction.objects.filter(pk__in=txn_ids), key=lambda t: index[t.pk])
    ]

    def details(event: Event) -> str:  # transaction ids by their place in the list
        return json.dumps(
            {
                k: f"#{index.get(v)}" if k in ("transaction", "original") else v
                for k, v in event.details.items()
            },
            sort_keys=True,
        )

    events = sorted(
        (e.case_id, e.kind, e.summary, src(e.actor_label), details(e) if e.kind == "payment" else "")
        for e in Event.objects.all()
    )
    tasks = sorted((t.case_id, t.kind, t.title, t.due_on) for t in Task.objects.all())
    states = sorted(Case.objects.values_list("id", "state", "closed_on", "closing_reason", "next_action_on"))
    return {
        "entries": entries,
        "allocations": allocations,
        "txns": txns,
        "events": events,
        "tasks": tasks,
        "states": states,
    }


@pytest.mark.parametrize("seed", range(6))
def test_transactions_book_equals_transaction_book_one_by_one(seed: int) -> None:
    """Direct: one chunk with several payments per case (applied one after another in memory)."""
    rng = random.Random(seed)
    cases = _cases(rng)
    payments = _payments(rng, cases)
    results = []
    for book in (book_one_by_one, transactions_book):
        with transaction.atomic():
            record = BankStatementImport.objects.create(
                file_name="t.xml",
                sha256="0" * 64,
                format="camt.053",
                imported_at=timezone.now(),
                entries_read=0,
            )
            txns = [
                BankTransaction.objects.create(
                    statement_import=record,
                    account_iban="NL20INGB0001234567",
                    key=f"K{seed}-{i}",
                    booking_date=on,
                    value_date=on,
                    amount=amount,
                    counterparty_name=f"Payer {i}",
                )
                for i, (_case, amount, on) in enumerate(payments)
            ]
            book(
                [
                    BookRequest(txn, case, "reference", Decimal("1.00"), f"test {i}")
                    for i, (txn, (case, _a, _o)) in enumerate(zip(txns, payments, strict=True))
                ]
            )
            results.append(_snapshot([t.pk for t in txns]))
            transaction.set_rollback(True)
    reference, chunked = results
    for key in reference:
        assert chunked[key] == reference[key], key


@pytest.mark.parametrize("seed", range(4))
def test_import_in_chunks_equals_import_one_by_one(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Through the import (matching included): chunked with small chunks vs the one-by-one path."""
    rng = random.Random(100 + seed)
    cases = _cases(rng)
    payments = _payments(rng, cases)
    data = camt(
        [
            Line(amount, on, reference=case.payment_reference, bank_ref=f"E{i}")
            for i, (case, amount, on) in enumerate(payments)
        ]
    )
    results = []
    for book, chunk in ((book_one_by_one, 1), (transactions_book, 4), (transactions_book, 500)):
        monkeypatch.setattr(services, "transactions_book", book)
        monkeypatch.setattr(services, "BOOK_CHUNK", chunk)
        with transaction.atomic():
            summary = statement_import(data=data, name="eq.xml")
            ids = list(BankTransaction.objects.order_by("id").values_list("id", flat=True))
            results.append((summary.booked, summary.unmatched, _snapshot(ids)))
            transaction.set_rollback(True)
    assert results[1] == results[0]
    assert results[2] == results[0]
