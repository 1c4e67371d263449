"""The case table carries no index nothing uses (each costs every insert and non-HOT update)."""

from __future__ import annotations

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_no_pattern_ops_indexes_beside_the_unique_case_number_and_payment_reference():
    if connection.vendor != "postgresql":
        pytest.skip("the LIKE indexes exist on PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'cases_case'")
        indexes = dict(cursor.fetchall())
    assert not [name for name, definition in indexes.items() if "pattern_ops" in definition], indexes
    # the exact lookups (payments matcher, screens) keep their unique indexes
    assert "cases_case_number_key" in indexes and "cases_case_payment_reference_key" in indexes
