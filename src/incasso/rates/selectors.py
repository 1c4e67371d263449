"""Reads for rates: the merged rate table the app and the statement use."""

from __future__ import annotations

from decimal import Decimal

from django.db import DatabaseError

from incasso.calculations.rate_table import RateBasis, RateRow, RateTable, packaged_table
from incasso.rates.models import RateChange


def rate_change_rows(*, basis: str) -> list[RateRow]:
    """Rate changes stored in the database for `basis`, as calculation rows."""
    return [
        RateRow(c.effective_from, Decimal(format(c.percent.normalize(), "f")), c.source, c.verified)
        for c in RateChange.objects.filter(basis=basis).order_by("effective_from")
    ]


def rate_table(basis: str) -> RateTable:
    """The packaged table for `basis` with the stored changes laid over it."""
    key = RateBasis(basis)
    return packaged_table(key).merged(rate_change_rows(basis=key.value))


def rate_table_or_packaged(basis: str) -> tuple[RateTable, bool]:
    """`rate_table(basis)` when the database can be read, else the packaged table.

    Returns the table and whether stored changes were consulted. Used by the `calc` command, which
    must work without a (migrated) database.
    """
    key = RateBasis(basis)
    try:
        return rate_table(key.value), True
    except DatabaseError:
        return packaged_table(key), False


def rate_tables() -> dict[str, RateTable]:
    """Both merged tables, keyed by basis, as `calculations.build_statement` takes them."""
    return {b.value: rate_table(b.value) for b in RateBasis}
