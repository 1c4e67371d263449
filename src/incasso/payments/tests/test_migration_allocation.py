"""Migration 0004 drops the Allocation table without losing a link: the entries it tied to a
transaction under another source (a return's reversals, which carried the actor) get that
transaction's `bank:<id>`, so `selectors.transaction_entries` finds them; nothing else changes."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from incasso.cases.ledger import reversal_of
from incasso.cases.models import EntryKind, LedgerEntry
from incasso.payments.models import BankTransaction, TransactionStatus
from incasso.payments.selectors import transaction_entries
from incasso.payments.services import statement_import
from incasso.payments.tests.builders import Line, camt
from incasso.payments.tests.factories import worked_case

BEFORE = [("payments", "0003_instalment_reference_rule")]
AFTER = [("payments", "0004_drop_allocation")]


@pytest.mark.django_db(transaction=True)
def test_the_links_of_the_dropped_table_move_to_the_entries_source(debt_types) -> None:  # type: ignore[no-untyped-def]
    case = worked_case()
    statement_import(data=camt([Line(Decimal("500.00"), reference=case.payment_reference)]), name="p.xml")
    payment = BankTransaction.objects.get()
    made = list(LedgerEntry.objects.filter(source=payment.entry_source).order_by("id"))
    assert len(made) == 4

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    executor.loader.build_graph()
    Allocation = executor.loader.project_state(BEFORE).apps.get_model("payments", "Allocation")
    # A return booked before this change: its reversals carried the actor, only the table linked them.
    returned = BankTransaction.objects.create(
        statement_import_id=payment.statement_import_id,
        account_iban=payment.account_iban,
        key="return-1",
        booking_date=payment.booking_date,
        value_date=payment.value_date,
        amount=Decimal("-500.00"),
        status=TransactionStatus.RETURNED,
        case_id=case.pk,
        returns_id=payment.pk,
    )
    reversals = LedgerEntry.objects.bulk_create(  # as returns made them then: source = the actor, "system"
        reversal_of(e, actor=None, reason="Storno", booked_at=e.booked_at)
        for e in made
        if e.kind == EntryKind.PAYMENT
    )
    assert {e.source for e in reversals} == {"system"}
    Allocation.objects.bulk_create(
        [Allocation(transaction_id=payment.pk, entry_id=e.pk) for e in made]
        + [Allocation(transaction_id=returned.pk, entry_id=e.pk) for e in reversals]
    )
    untouched = list(LedgerEntry.objects.exclude(pk__in=[e.pk for e in reversals]).values())

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())  # the newest schema, as the tests after this expect

    assert [e.pk for e in transaction_entries(payment)] == [e.pk for e in made]
    assert [e.pk for e in transaction_entries(returned)] == [e.pk for e in reversals]
    # only the reversals' source changed: amounts, kinds, dates and every other entry as they were
    assert list(LedgerEntry.objects.exclude(pk__in=[e.pk for e in reversals]).values()) == untouched
    assert sorted(
        LedgerEntry.objects.filter(pk__in=[e.pk for e in reversals]).values_list("amount", flat=True)
    ) == sorted(-e.amount for e in made if e.kind == EntryKind.PAYMENT)
    assert "payments_allocation" not in connection.introspection.table_names()
