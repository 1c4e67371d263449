"""`writes.copy_rows` (COPY on PostgreSQL, `insert_rows` elsewhere) writes the rows it is given, with
their ids in order, the defaults filled in, and fails like an INSERT on a broken constraint."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from incasso.core.bulk import copy_rows
from incasso.payments.models import BankStatementImport, BankTransaction

pytestmark = pytest.mark.django_db


def _record() -> BankStatementImport:
    return BankStatementImport.objects.create(
        file_name="w.xml", sha256="0" * 64, format="camt.053", imported_at=timezone.now(), entries_read=3
    )


def _columns(record: BankStatementImport, keys: list[str]) -> dict[str, list[object]]:
    return {
        "statement_import_id": [record.pk] * len(keys),
        "account_iban": ["NL20INGB0001234567"] * len(keys),
        "key": keys,
        "booking_date": [dt.date(2024, 5, 20)] * len(keys),
        "value_date": [dt.date(2024, 5, 20)] * len(keys),
        "amount": [Decimal("10.00") + i for i in range(len(keys))],
        "counterparty_name": [f"Betaler {k} ‘ö’\ttab" for k in keys],
    }


def test_rows_are_written_with_their_ids_in_order_and_the_defaults() -> None:
    ids = copy_rows(BankTransaction, _columns(_record(), ["a", "b", "c"]), ids=True)
    rows = {t.pk: t for t in BankTransaction.objects.all()}
    assert [rows[pk].key for pk in ids] == ["a", "b", "c"]
    assert [rows[pk].amount for pk in ids] == [Decimal("10.00"), Decimal("11.00"), Decimal("12.00")]
    assert rows[ids[0]].counterparty_name == "Betaler a ‘ö’\ttab"
    assert {(t.status, t.currency, t.unallocated) for t in rows.values()} == {
        ("unmatched", "EUR", Decimal("0"))
    }
    assert all(t.created_at is not None for t in rows.values())


def test_a_broken_constraint_fails_like_an_insert_and_writes_nothing() -> None:
    record = _record()
    copy_rows(BankTransaction, _columns(record, ["a"]))
    with pytest.raises(IntegrityError), transaction.atomic():
        copy_rows(BankTransaction, _columns(record, ["b", "a"]))
    assert list(BankTransaction.objects.values_list("key", flat=True)) == ["a"]
