"""A payment after a write-off is split over what the calculation sheet says is owed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from incasso.arrangements.disputes import dispute_open, dispute_resolve
from incasso.cases.position import case_amount_due, case_position
from incasso.cases.statement import case_statement

pytestmark = pytest.mark.django_db


def test_the_payment_position_agrees_with_the_sheet_after_a_write_off(zorg_case, officer):
    on = dt.date(2026, 11, 24)
    dispute = dispute_open(case=zorg_case, reason="quality", description="x", officer=officer)
    dispute_resolve(
        dispute=dispute, resolution="partial_write_off", amount=Decimal("300.00"), officer=officer, today=on
    )
    later = on + dt.timedelta(days=45)
    sheet = case_statement(case=zorg_case, as_of=later)
    assert sheet is not None and sheet.principal.written_off == Decimal("300.00")
    assert case_amount_due(case=zorg_case, as_of=later) == sheet.outstanding
    position = case_position(case=zorg_case, as_of=later)
    assert sum(position.interest_to_book.values()) == sheet.interest.charged
