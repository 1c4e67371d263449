"""Undoing an instalment payment (a returned direct debit): the links go, the instalments are unpaid again."""

from __future__ import annotations

from decimal import Decimal

import pytest

from incasso.arrangements.instalments import instalment_payment_reverse, instalment_record_payment
from incasso.arrangements.models import InstalmentPayment, InstalmentStatus
from incasso.arrangements.services import arrangement_propose
from incasso.arrangements.tests.conftest import TODAY, plan
from incasso.cases.models import Event

pytestmark = pytest.mark.django_db
D = Decimal


def test_reversal_removes_the_links_and_reopens_the_instalments(zorg_case, officer):
    arrangement = arrangement_propose(case=zorg_case, schedule=plan(), officer=officer, today=TODAY)
    first, second = arrangement.instalments.order_by("number")[:2]
    instalment_record_payment(instalment=first, amount=D("300.00"), value_date=TODAY, source="banktx:7")
    instalment_record_payment(instalment=second, amount=D("10.00"), value_date=TODAY, source="banktx:8")

    removed = instalment_payment_reverse(source="banktx:7")

    assert len(removed) == 2
    assert not InstalmentPayment.objects.filter(source="banktx:7").exists()
    assert InstalmentPayment.objects.filter(source="banktx:8").count() == 1  # other payments stay
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == InstalmentStatus.OPEN and second.status == InstalmentStatus.OPEN
    assert Event.objects.filter(case=zorg_case, summary__contains="teruggedraaid").count() == 1
    # rerunnable: nothing left to undo
    assert instalment_payment_reverse(source="banktx:7") == []
    # and the payment can be counted again afterwards
    instalment_record_payment(instalment=first, amount=first.amount, value_date=TODAY, source="banktx:7")
    first.refresh_from_db()
    assert first.status == InstalmentStatus.PAID


def test_a_missed_instalment_is_missed_again(zorg_case, officer):
    arrangement = arrangement_propose(case=zorg_case, schedule=plan(), officer=officer, today=TODAY)
    first = arrangement.instalments.order_by("number").first()
    first.status, first.missed_on = InstalmentStatus.MISSED, TODAY
    first.save()
    instalment_record_payment(instalment=first, amount=first.amount, value_date=TODAY, source="banktx:9")
    first.refresh_from_db()
    assert first.status == InstalmentStatus.PAID
    instalment_payment_reverse(source="banktx:9")
    first.refresh_from_db()
    assert first.status == InstalmentStatus.MISSED


def test_the_timeline_shows_instalment_payments_and_misses_in_euros(zorg_case, officer):
    """People read the timeline: "Betaling € 300,00", not the stored "Betaling 300.00"."""
    import datetime as dt

    from incasso.arrangements.monitoring import arrangements_monitor

    arrangement = arrangement_propose(case=zorg_case, schedule=plan(), officer=officer, today=TODAY)
    first = arrangement.instalments.get(number=1)
    instalment_record_payment(instalment=first, amount=D("1000.00"), value_date=TODAY, source="banktx:7")
    instalment_payment_reverse(source="banktx:7")
    arrangements_monitor(run_date=dt.date(2026, 4, 9))  # the first instalment, due 01-04, is missed
    summaries = set(Event.objects.filter(case=zorg_case).values_list("summary", flat=True))
    assert "Betaling € 1.000,00 op regeling (termijn 1)" in summaries
    assert "Betaling € 1.000,00 op regeling teruggedraaid" in summaries
    assert f"Termijn 1 (€ {first.amount:.2f}, 01-04-2026) niet betaald".replace(".", ",") in summaries
