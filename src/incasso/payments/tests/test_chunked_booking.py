"""The chunked booking (`chunked_booking.transactions_book`, used by the import) books to the cent what the
one-by-one path (`booking.transaction_book`, the reference) books: every ledger entry, allocation,
transaction, event, task and closing, for random payments (several per case, back-dated ones)."""

from __future__ import annotations

import datetime as dt
import json
import random
import re
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from incasso.cases.models import Case, Event, LedgerEntry, Task
from incasso.cases.tests.factories import ClaimFactory
from incasso.payments import matching, services
from incasso.payments.chunked_booking import BookRequest, transactions_book
from incasso.payments.models import BankStatementImport, BankTransaction
from incasso.payments.selectors import transaction_entries
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

    def reason(text: str) -> str:  # "van betaling <id>", "van transactie <id>": by its place in the list
        return re.sub(r"(betaling|transactie) (\d+)", lambda m: f"{m[1]} #{index.get(int(m[2]))}", text)

    entries = sorted(
        (e.case_id, e.claim_id, e.bucket, e.kind, e.amount, e.value_on, src(e.source), reason(e.reason))
        for e in LedgerEntry.objects.all()
    )
    made = [  # what each transaction booked, as the case screen and a return read it
        (index[t.pk], e.kind, e.bucket, e.amount)
        for t in BankTransaction.objects.filter(pk__in=txn_ids).order_by("id")
        for e in transaction_entries(t)
    ]
    txns = [
        (t.status, t.case_id, t.match_rule, t.confidence, reason(t.reason), t.unallocated)
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
        "made": sorted(made),
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


def _return_of(line: Line, bank_ref: str) -> Line:
    """The bank taking `line` back three days later (MS02): by its end-to-end id, mandate, or else reference."""
    return Line(
        -line.amount,
        line.on + dt.timedelta(days=3),
        return_reason="MS02",
        end_to_end=line.end_to_end,
        mandate=line.mandate,
        reference="" if line.end_to_end or line.mandate else line.reference,
        bank_ref=bank_ref,
    )


def _with_returns(rng: random.Random, payments: list[tuple[Case, Decimal, dt.date]], tag: str) -> list[Line]:
    """The payments, some collected by direct debit (end-to-end id, mandate), and returns of some of
    them: right after (the payment still waiting in the chunk) or later, a few returned twice (the
    second finds nothing left to take back)."""
    lines: list[Line] = []
    paid: list[Line] = []
    for i, (case, amount, on) in enumerate(payments):
        line = Line(
            amount,
            on,
            reference=case.payment_reference,
            bank_ref=f"{tag}P{i}",
            end_to_end=f"{tag}-E2E-{i}" if rng.random() < 0.5 else "",
            mandate=f"M-{case.pk}" if rng.random() < 0.3 else "",
        )
        lines.append(line)
        paid.append(line)
        if rng.random() < 0.5:
            back = rng.choice(paid[-2:] if rng.random() < 0.5 else paid)
            lines.extend(_return_of(back, f"{tag}R{i}-{n}") for n in range(2 if rng.random() < 0.25 else 1))
    return lines


@pytest.mark.parametrize("seed", range(4))
def test_returns_match_in_chunks_as_against_the_database_one_by_one(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Returns found through the match cache (payments booked before the import and by it, in memory)
    take back what the database, asked one transaction at a time, names: also a payment of an earlier
    import, one still waiting in the chunk, and none for a second return of the same payment."""
    rng = random.Random(300 + seed)
    cases = _cases(rng)
    old_lines = _with_returns(rng, _payments(rng, cases)[:5], "OLD")
    lines = _with_returns(rng, _payments(rng, cases), "NEW")
    for old in old_lines:  # returns of the earlier import's payments, anywhere in the new file
        if old.amount > 0 and rng.random() < 0.5:
            lines.insert(rng.randrange(len(lines) + 1), _return_of(old, f"NEWR-{old.bank_ref}"))
    earlier, data = camt(old_lines, statement_id="OLD"), camt(lines)
    to_database = matching._match_return
    results = []
    for one_by_one in (True, False):
        monkeypatch.setattr(
            services, "transactions_book", book_one_by_one if one_by_one else transactions_book
        )
        monkeypatch.setattr(services, "BOOK_CHUNK", 1 if one_by_one else 500)
        monkeypatch.setattr(
            matching,
            "_match_return",
            (lambda txn, cache=None: to_database(txn, None)) if one_by_one else to_database,
        )
        with transaction.atomic():
            statement_import(data=earlier, name="old.xml")
            summary = statement_import(data=data, name="new.xml")
            ids = list(BankTransaction.objects.order_by("id").values_list("id", flat=True))
            results.append((summary.booked, summary.returned, summary.unmatched, _snapshot(ids)))
            transaction.set_rollback(True)
    reference, chunked = results
    assert reference[1] > 0 and reference[2] > 0  # returns taken back, and some that find nothing
    assert chunked[:3] == reference[:3]
    for key in reference[3]:
        assert chunked[3][key] == reference[3][key], key
