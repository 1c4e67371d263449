"""An arrangement whose client freezes interest: no interest while it runs, interest again after it ends."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from incasso.arrangements.models import ArrangementPolicy, ArrangementStatus
from incasso.arrangements.monitoring import arrangements_monitor
from incasso.arrangements.services import arrangement_approve, arrangement_propose
from incasso.arrangements.tests.conftest import TODAY, plan
from incasso.calculations import ClaimFacts, build_statement
from incasso.cases.models import EntryKind, InterestFreeze, LedgerEntry
from incasso.cases.statement import case_statement
from incasso.rates.selectors import rate_tables

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)
BROKEN_ON = dt.date(2026, 5, 9)  # two instalments overdue after grace: see test_monitoring


def interest(case, on: dt.date) -> Decimal:
    statement = case_statement(case=case, as_of=on)
    assert statement is not None
    return statement.interest.charged


def test_an_active_frozen_arrangement_keeps_the_interest_flat(zorg_case, officer):
    arrangement = arrangement_propose(case=zorg_case, schedule=plan(count=6), officer=officer, today=TODAY)
    assert arrangement.status == ArrangementStatus.ACTIVE and arrangement.interest_frozen
    freeze = InterestFreeze.objects.get(case=zorg_case)
    assert (freeze.starts_on, freeze.ends_on, freeze.source) == (TODAY, None, f"arrangement:{arrangement.pk}")
    before = interest(zorg_case, TODAY - DAY)
    assert before > interest(zorg_case, TODAY - 2 * DAY)  # it was running until the arrangement
    months = [TODAY, dt.date(2026, 4, 1), dt.date(2026, 6, 30), dt.date(2026, 9, 1)]
    assert {interest(zorg_case, on) for on in months} == {before}


def test_breaking_it_resumes_interest_from_the_day_after(zorg_case, officer):
    arrangement = arrangement_propose(case=zorg_case, schedule=plan(count=6), officer=officer, today=TODAY)
    arrangements_monitor(run_date=dt.date(2026, 4, 9))
    arrangements_monitor(run_date=BROKEN_ON)
    arrangement.refresh_from_db()
    assert arrangement.status == ArrangementStatus.BROKEN
    assert InterestFreeze.objects.get(case=zorg_case).ends_on == BROKEN_ON
    flat = interest(zorg_case, TODAY - DAY)
    assert interest(zorg_case, BROKEN_ON) == flat < interest(zorg_case, BROKEN_ON + DAY)
    claim = zorg_case.claims.get()
    later = dt.date(2026, 12, 31)
    expected = build_statement(
        [
            ClaimFacts(
                claim.invoice_number,
                claim.principal,
                claim.due_date + DAY,
                due_date=claim.due_date,
                interest_free=((TODAY, BROKEN_ON),),
            )
        ],
        as_of=later,
        tables=rate_tables(),
    )
    assert interest(zorg_case, later) == expected.interest.charged


def test_completing_it_ends_the_freeze_on_that_day(zorg_case, officer):
    from incasso.arrangements.tests.test_monitoring import _pay

    arrangement = arrangement_propose(case=zorg_case, schedule=plan(count=2), officer=officer, today=TODAY)
    for n, inst in enumerate(arrangement.instalments.order_by("number")):
        _pay(zorg_case, inst, inst.amount, inst.due_on, f"t{n}")
    done_on = dt.date(2026, 5, 20)
    arrangements_monitor(run_date=done_on)
    arrangement.refresh_from_db()
    assert arrangement.status == ArrangementStatus.COMPLETED
    assert InterestFreeze.objects.get(case=zorg_case).ends_on == done_on


def test_an_approved_arrangement_freezes_from_the_approval_day(zorg_case, officer, supervisor, settings):
    settings.INCASSO_ARRANGEMENT_OFFICER_MAX_MONTHS = 1
    arrangement = arrangement_propose(
        case=zorg_case, schedule=plan(count=6), officer=officer, motivation="lang", today=TODAY
    )
    assert arrangement.status == ArrangementStatus.PENDING
    assert not InterestFreeze.objects.filter(case=zorg_case).exists()
    approved_on = TODAY + 3 * DAY
    arrangement_approve(arrangement=arrangement, supervisor=supervisor, today=approved_on)
    assert InterestFreeze.objects.get(case=zorg_case).starts_on == approved_on


def test_an_arrangement_without_frozen_interest_changes_nothing(zorg_case, officer, zorg):
    ArrangementPolicy.objects.create(client=zorg, interest_frozen=False)
    plain = [interest(zorg_case, on) for on in (TODAY, dt.date(2026, 6, 30))]
    arrangement = arrangement_propose(case=zorg_case, schedule=plan(count=6), officer=officer, today=TODAY)
    assert not arrangement.interest_frozen
    assert not InterestFreeze.objects.filter(case=zorg_case).exists()
    assert [interest(zorg_case, on) for on in (TODAY, dt.date(2026, 6, 30))] == plain
    assert plain[1] > plain[0]


def _interest_booked(case) -> Decimal:
    rows = LedgerEntry.objects.filter(case=case, kind=EntryKind.INTEREST_BOOKED)
    return sum((e.amount for e in rows), Decimal("0.00"))


def _import_payment(case, arrangement, on: dt.date, *, matched: bool):
    from incasso.payments.services import statement_import
    from incasso.payments.tests.builders import Line, camt

    first = arrangement.instalments.get(number=1)
    reference = first.payment_reference if matched else ""
    line = Line(first.amount, on=on, reference=reference, text="" if matched else "regeling")
    statement_import(data=camt([line]), name=f"{on}-{matched}.xml")


def test_a_manually_matched_payment_books_no_interest_for_the_frozen_days(zorg_case, officer, time_machine):
    from incasso.payments.models import BankTransaction
    from incasso.payments.services import transaction_match_manual

    arrangement = arrangement_propose(case=zorg_case, schedule=plan(count=6), officer=officer, today=TODAY)
    paid_on = dt.date(2026, 4, 1)
    time_machine.move_to(dt.datetime(2026, 4, 2, 10, 0, tzinfo=dt.UTC), tick=False)
    _import_payment(zorg_case, arrangement, paid_on, matched=False)
    txn = BankTransaction.objects.get(value_date=paid_on)
    transaction_match_manual(transaction_id=txn.pk, case_number=zorg_case.number, actor=officer)
    assert _interest_booked(zorg_case) == interest(zorg_case, TODAY - DAY) > 0


def test_an_imported_instalment_payment_books_no_interest_for_the_frozen_days(
    zorg_case, officer, time_machine
):
    arrangement = arrangement_propose(case=zorg_case, schedule=plan(count=6), officer=officer, today=TODAY)
    paid_on = dt.date(2026, 4, 1)
    time_machine.move_to(dt.datetime(2026, 4, 2, 10, 0, tzinfo=dt.UTC), tick=False)
    _import_payment(zorg_case, arrangement, paid_on, matched=True)
    assert LedgerEntry.objects.filter(case=zorg_case, kind=EntryKind.PAYMENT).exists()
    assert _interest_booked(zorg_case) == interest(zorg_case, TODAY - DAY)
