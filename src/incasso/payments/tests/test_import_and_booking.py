from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from incasso.bankfiles import StatementFileError
from incasso.calculations import ClaimFacts, CostsFact, PaymentFact, build_statement
from incasso.cases.models import Bucket, EntryKind, Event, EventKind, LedgerEntry, Task
from incasso.cases.selectors import case_balance
from incasso.payments import services
from incasso.payments.models import BankStatementImport, BankTransaction, TransactionStatus
from incasso.payments.selectors import transaction_entries
from incasso.payments.services import statement_import
from incasso.payments.tests.builders import SHARED_BANK, Line, camt
from incasso.payments.tests.factories import worked_case
from incasso.rates.selectors import rate_tables

pytestmark = pytest.mark.django_db


def _payments(case):  # type: ignore[no-untyped-def]
    return {e.bucket: -e.amount for e in LedgerEntry.objects.filter(case=case, kind=EntryKind.PAYMENT)}


def test_worked_example_goes_to_costs_then_interest_then_principal() -> None:
    case = worked_case()
    data = camt(
        [Line(Decimal("500.00"), dt.date(2024, 5, 20), name="J. Jansen", reference=case.payment_reference)]
    )
    summary = statement_import(data=data, name="may.xml")
    assert (summary.booked, summary.matched_automatically, summary.to_manual_queue) == (1, 1, 0)
    assert _payments(case) == {
        Bucket.COSTS: Decimal("375.00"),
        Bucket.INTEREST: Decimal("23.97"),
        Bucket.PRINCIPAL: Decimal("101.03"),
    }
    interest = LedgerEntry.objects.get(case=case, kind=EntryKind.INTEREST_BOOKED)
    assert (interest.amount, interest.value_on) == (Decimal("23.97"), dt.date(2024, 5, 20))
    txn = BankTransaction.objects.get()
    assert (txn.status, txn.match_rule, txn.case_id) == (TransactionStatus.BOOKED, "reference", case.pk)
    assert transaction_entries(txn).count() == 4
    event = case.events.get(kind=EventKind.PAYMENT)
    assert {p["bucket"]: p["amount"] for p in event.details["split"]} == {
        "costs": "375.00",
        "interest": "23.97",
        "principal": "101.03",
    }
    assert case_balance(case=case).total == Decimal("2398.97")


def test_second_payment_agrees_with_the_calculation_core_to_the_cent() -> None:
    case = worked_case()
    data = camt(
        [
            Line(Decimal("500.00"), dt.date(2024, 5, 20), reference=case.payment_reference, bank_ref="A"),
            Line(Decimal("1000.00"), dt.date(2024, 9, 2), reference=case.payment_reference, bank_ref="B"),
        ]
    )
    statement_import(data=data, name="two.xml")
    core = build_statement(
        [ClaimFacts("c", Decimal("2500.00"), dt.date(2024, 4, 1), due_date=dt.date(2024, 3, 31))],
        [CostsFact("c", Decimal("375.00"), dt.date(2024, 3, 31))],
        [
            PaymentFact(Decimal("500.00"), dt.date(2024, 5, 20)),
            PaymentFact(Decimal("1000.00"), dt.date(2024, 9, 2)),
        ],
        as_of=dt.date(2024, 9, 2),
        tables=rate_tables(),
    )
    balance = case_balance(case=case)
    assert balance.interest == core.interest.outstanding
    assert balance.principal == core.principal.outstanding
    assert balance.costs == core.costs.outstanding == 0


def test_overpayment_creates_refund_task_and_closes_case_as_paid() -> None:
    case = worked_case(principal=Decimal("100.00"), costs=Decimal("40.00"), due_date=dt.date(2024, 5, 19))
    # one day of 7 % on 100 = 0.02
    statement_import(data=camt([Line(Decimal("150.00"), reference=case.payment_reference)]), name="over.xml")
    txn = BankTransaction.objects.get()
    assert txn.unallocated == Decimal("9.98")
    assert case_balance(case=case).total == 0
    case.refresh_from_db()
    assert (case.state, case.closing_reason, case.closed_on) == ("closed", "paid", dt.date(2024, 5, 20))
    task = Task.objects.get(case=case, kind="review")
    assert "Overbetaling" in task.title and "9,98" in task.title


def test_exact_payment_closes_case_without_task() -> None:
    case = worked_case(principal=Decimal("100.00"), costs=Decimal("0"), due_date=dt.date(2024, 5, 20))
    statement_import(data=camt([Line(Decimal("100.00"), reference=case.payment_reference)]), name="exact.xml")
    case.refresh_from_db()
    assert case.state == "closed" and not Task.objects.filter(case=case).exists()


def test_same_file_twice_books_each_transaction_once() -> None:
    case = worked_case()
    data = camt(
        [Line(Decimal("500.00"), reference=case.payment_reference), Line(Decimal("-20.00"), name="Bank")]
    )
    first = statement_import(data=data, name="a.xml")
    second = statement_import(data=data, name="a.xml")
    assert (first.new, first.booked, first.ignored) == (2, 1, 1)
    assert (second.read, second.already_booked, second.booked) == (2, 2, 0)
    assert BankTransaction.objects.count() == 2
    assert LedgerEntry.objects.filter(case=case, kind=EntryKind.PAYMENT).count() == 3
    assert BankStatementImport.objects.count() == 2


def test_overlapping_file_books_only_the_new_transactions() -> None:
    case = worked_case()
    may = Line(Decimal("500.00"), dt.date(2024, 5, 20), reference=case.payment_reference, bank_ref="X1")
    june = Line(Decimal("300.00"), dt.date(2024, 6, 20), reference=case.payment_reference, bank_ref="X2")
    statement_import(data=camt([may]), name="may.xml")
    summary = statement_import(data=camt([may, june]), name="may-june.xml")
    assert (summary.already_booked, summary.booked) == (1, 1)
    assert sum(-e.amount for e in LedgerEntry.objects.filter(case=case, kind=EntryKind.PAYMENT)) == Decimal(
        "800.00"
    )


def test_failure_half_way_leaves_nothing_behind(monkeypatch: pytest.MonkeyPatch) -> None:
    cases = [worked_case() for _ in range(3)]
    before = LedgerEntry.objects.count()
    data = camt(
        [Line(Decimal("50.00"), reference=c.payment_reference, bank_ref=f"R{i}") for i, c in enumerate(cases)]
    )
    real = services.transactions_book
    calls = {"n": 0}

    def flaky(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "BOOK_CHUNK", 1)  # one booking per chunk: the 3rd chunk fails
    monkeypatch.setattr(services, "transactions_book", flaky)
    with pytest.raises(RuntimeError):
        statement_import(data=data, name="flaky.xml")
    assert calls["n"] == 3
    assert (
        BankStatementImport.objects.count(),
        BankTransaction.objects.count(),
        Event.objects.filter(kind=EventKind.PAYMENT).count(),
    ) == (0, 0, 0)
    assert LedgerEntry.objects.count() == before
    monkeypatch.setattr(services, "transactions_book", real)
    assert statement_import(data=data, name="flaky.xml").booked == 3


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"this is not a bank file at all", "bad.txt"),
        (
            b'<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>',
            "line",
        ),
        (
            b'<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.99"/>',
            "unsupported CAMT version",
        ),
    ],
)
def test_bad_file_names_the_problem_and_writes_nothing(data: bytes, expected: str) -> None:
    with pytest.raises(StatementFileError) as error:
        statement_import(data=data, name="bad.txt")
    assert expected in str(error.value) and "bad.txt" in str(error.value)
    assert BankStatementImport.objects.count() == 0


def test_amount_with_too_many_decimals_is_refused() -> None:
    data = camt([Line(Decimal("10.00"))]).replace(b">10.00<", b">10.001<")
    with pytest.raises(StatementFileError, match="Amt"):
        statement_import(data=data, name="decimals.xml")
    assert BankTransaction.objects.count() == 0


def test_wrong_encoding_is_refused() -> None:
    data = camt([Line(Decimal("10.00"), name="Jansen")]).replace(b"Jansen", "Jänsen".encode("latin-1"))
    with pytest.raises(StatementFileError, match=r"enc\.xml"):
        statement_import(data=data, name="enc.xml")
    assert BankTransaction.objects.count() == 0


def test_real_shared_bank_file_imports_and_reimports_idempotently() -> None:
    path = SHARED_BANK / "mpdroog-invoiced" / "CAMT053.xml"
    first = statement_import(path=path)
    assert first.read == 9 and first.new == 9
    assert first.ignored + first.unmatched + first.suggested == 9  # no cases: nothing booked
    again = statement_import(path=path)
    assert (again.already_booked, again.new) == (9, 0)


def test_mt940_shared_file_imports() -> None:
    summary = statement_import(path=SHARED_BANK / "jejik-mt940" / "ing-4.txt")
    assert summary.format == "MT940" and summary.new == 4


def test_each_imported_transaction_is_written_once_only_an_overpayment_is_updated() -> None:
    """The import inserts every transaction as matched and booked (ids reserved first), instead of
    inserting it unmatched and updating it: only the overpaid one gets its `unallocated` afterwards."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    paid, overpaid = worked_case(), worked_case()
    data = camt(
        [
            Line(Decimal("500.00"), dt.date(2024, 5, 20), reference=paid.payment_reference, bank_ref="A"),
            Line(
                Decimal("99999.00"), dt.date(2024, 5, 20), reference=overpaid.payment_reference, bank_ref="B"
            ),
            Line(Decimal("12.34"), dt.date(2024, 5, 20), name="Niemand Bekend", bank_ref="C"),
        ]
    )
    with CaptureQueriesContext(connection) as queries:
        summary = statement_import(data=data, name="once.xml")
    assert (summary.booked, summary.unmatched) == (2, 1)
    table = BankTransaction._meta.db_table
    updates = [q["sql"] for q in queries.captured_queries if q["sql"].startswith(f'UPDATE "{table}"')]
    assert len(updates) == 1 and '"unallocated"' in updates[0] and '"status"' not in updates[0]
    found = {t.key: t for t in BankTransaction.objects.all()}
    assert len(found) == 3
    by_amount = {t.amount: t for t in found.values()}
    assert by_amount[Decimal("500.00")].status == TransactionStatus.BOOKED
    assert by_amount[Decimal("500.00")].unallocated == 0
    assert by_amount[Decimal("99999.00")].status == TransactionStatus.BOOKED
    assert by_amount[Decimal("99999.00")].unallocated > 0
    assert by_amount[Decimal("12.34")].status == TransactionStatus.UNMATCHED
    assert by_amount[Decimal("12.34")].case_id is None
