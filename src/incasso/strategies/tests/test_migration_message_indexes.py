"""Migration 0003: the single-column indexes covered by a composite go (both ways reversible), and the
outbox (queued messages) has its own partial index, which the senders' query uses on PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from incasso.strategies.models import Channel, MessageStatus, OutgoingMessage

BEFORE = [("strategies", "0002_strategy_challenger")]
SINGLE = {  # table → the single columns whose own index the migration drops
    "strategies_stepexecution": {"case_id"},
    "strategies_outgoingmessage": {"case_id", "debtor_id", "template_code"},
}


def _single_column_indexes(table: str) -> set[str]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return {
        c["columns"][0]
        for c in constraints.values()
        if c["index"] and not c["unique"] and not c["primary_key"] and len(c["columns"]) == 1
    }


def _index_names(table: str) -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.get_constraints(cursor, table))


@pytest.mark.django_db(transaction=True)
def test_covered_indexes_go_and_come_back() -> None:
    for table, columns in SINGLE.items():
        assert not columns & _single_column_indexes(table), table
    assert "message_outbox_idx" in _index_names("strategies_outgoingmessage")

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        for table, columns in SINGLE.items():
            assert columns <= _single_column_indexes(table), table
        assert "message_outbox_idx" not in _index_names("strategies_outgoingmessage")
    finally:  # forward again: through AFTER to the newest migrations, as the tests after this one expect
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    for table, columns in SINGLE.items():
        assert not columns & _single_column_indexes(table), table
    # Every lookup the dropped indexes served still has an index that starts with its column.
    with connection.cursor() as cursor:
        for table, columns in SINGLE.items():
            leading = {
                c["columns"][0]
                for c in connection.introspection.get_constraints(cursor, table).values()
                if c["index"] or c["unique"]
            }
            assert columns - {"template_code"} <= leading, table


@pytest.mark.django_db
def test_senders_take_the_outbox_by_its_index() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("query plans are PostgreSQL's")
    queued = OutgoingMessage.objects.filter(
        status=MessageStatus.QUEUED, channel=Channel.LETTER, queued_on__lte=dt.date(2026, 11, 24)
    )
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # an empty table: make the planner show its index
        plan = queued.explain()
    assert "message_outbox_idx" in plan
