"""Random payment sequences: the ledger always adds up and nothing is booked twice."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from incasso.cases.models import Bucket, EntryKind, LedgerEntry
from incasso.payments.models import BankTransaction
from incasso.payments.selectors import transaction_entries
from incasso.payments.services import statement_import
from incasso.payments.tests.builders import Line, camt_statements
from incasso.payments.tests.factories import worked_case

payments = st.lists(
    st.tuples(st.integers(min_value=1, max_value=400_000), st.integers(min_value=0, max_value=400)),
    min_size=1,
    max_size=6,
)


def _sum(**filters: object) -> Decimal:
    total = LedgerEntry.objects.filter(**filters).aggregate(s=Sum("amount", default=Decimal(0)))["s"]
    return Decimal(total).quantize(Decimal("0.01"))  # SQLite sums decimals as floats


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(payments=payments, split=st.integers(min_value=0, max_value=6))
def test_ledger_adds_up_and_nothing_is_booked_twice(payments: list[tuple[int, int]], split: int) -> None:
    with transaction.atomic():
        case = worked_case(principal=Decimal("1200.00"), costs=Decimal("180.00"))
        days = [
            (
                f"S{i}",
                [
                    Line(
                        Decimal(cents) / 100,
                        dt.date(2024, 4, 1) + dt.timedelta(days=day),
                        reference=case.payment_reference,
                    )
                ],
            )
            for i, (cents, day) in enumerate(payments)
        ]
        lines = [line for _, day_lines in days for line in day_lines]
        # the same statements arrive in two overlapping files and then once more in full
        statement_import(data=camt_statements(days[: split + 1]), name="first.xml")
        statement_import(data=camt_statements(days[split:]), name="second.xml")
        statement_import(data=camt_statements(days), name="all.xml")

        assert BankTransaction.objects.count() == len(lines)
        booked = BankTransaction.objects.filter(status="booked")
        # only a payment after the case was closed as paid is left for the manual queue
        assert all("gesloten" in t.reason for t in BankTransaction.objects.exclude(status="booked"))
        received = sum((t.amount - t.unallocated for t in booked), Decimal(0))
        interest = _sum(case=case, kind=EntryKind.INTEREST_BOOKED)
        total = _sum(case=case)
        assert total == Decimal("1200.00") + Decimal("180.00") + interest - received
        assert _sum(case=case, kind=EntryKind.PAYMENT) == -received
        for bucket in Bucket.values:
            assert _sum(case=case, bucket=bucket) >= 0
        for txn in booked:
            paid = -sum(
                (e.amount for e in transaction_entries(txn).filter(kind=EntryKind.PAYMENT)), Decimal(0)
            )
            assert paid + txn.unallocated == txn.amount
        transaction.set_rollback(True)
