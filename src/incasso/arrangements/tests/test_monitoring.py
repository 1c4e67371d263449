"""Monitoring over simulated months, promises to pay and disputes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from incasso.arrangements import schedule as sched
from incasso.arrangements.disputes import dispute_ask_client, dispute_open, dispute_resolve
from incasso.arrangements.instalments import instalment_record_payment
from incasso.arrangements.models import (
    ArrangementPolicy,
    ArrangementStatus,
    InstalmentPayment,
    InstalmentStatus,
    PromiseStatus,
)
from incasso.arrangements.monitoring import arrangements_monitor
from incasso.arrangements.promises import promise_record, promise_stats, promises_evaluate
from incasso.arrangements.services import arrangement_propose
from incasso.arrangements.tests.conftest import TODAY, plan
from incasso.cases.ledger import ledger_book
from incasso.cases.models import Event, Task
from incasso.cases.selectors import case_balance
from incasso.core.exceptions import DomainError
from incasso.legal.models import Handover
from incasso.strategies.models import Hold

D = Decimal


def _pay(case, instalment, amount, on, key):
    """What the payments app does: book the ledger entry, then link it to the instalment."""
    entry = ledger_book(
        case=case, bucket="principal", kind="payment", amount=-amount, value_on=on, source=key
    )
    instalment_record_payment(
        instalment=instalment, amount=amount, value_date=on, source=f"ledger:{entry.pk}"
    )
    return entry


def _month_end(n: int) -> dt.date:
    return dt.date(2026, 4 + n, 20) if 4 + n <= 12 else dt.date(2027, 4 + n - 12, 20)


def test_on_time_payments_keep_it_active_and_complete_it(zorg_case, officer):
    arrangement = arrangement_propose(case=zorg_case, schedule=plan(count=3), officer=officer, today=TODAY)
    for n, inst in enumerate(arrangement.instalments.order_by("number")):
        _pay(zorg_case, inst, inst.amount, inst.due_on, f"t{n}")
        counts = arrangements_monitor(run_date=_month_end(n))
        arrangement.refresh_from_db()
        if n < 2:
            assert arrangement.status == ArrangementStatus.ACTIVE and counts["missed"] == 0
    assert arrangement.status == ArrangementStatus.COMPLETED
    assert case_balance(case=zorg_case).total == D("0.00")
    assert Hold.objects.get(case=zorg_case).released_at is not None


def test_a_miss_gets_a_reminder_after_grace_and_two_misses_break_it(zorg_case, officer):
    arrangement = arrangement_propose(case=zorg_case, schedule=plan(count=6), officer=officer, today=TODAY)
    first = arrangement.instalments.get(number=1)
    assert arrangements_monitor(run_date=dt.date(2026, 4, 8))["missed"] == 0  # within grace
    counts = arrangements_monitor(run_date=dt.date(2026, 4, 9))
    assert counts == {"looked_at": 1, "missed": 1, "reminders": 1, "broken": 0, "completed": 0}
    assert arrangements_monitor(run_date=dt.date(2026, 4, 10))["reminders"] == 0  # rerun: once
    first.refresh_from_db()
    assert first.status == InstalmentStatus.MISSED and first.reminded_on == dt.date(2026, 4, 9)
    # the reminder letter is queued (or its refusal recorded) once, not an officer task to send it
    assert not Task.objects.filter(case=zorg_case, title__contains="arrangement_reminder").exists()
    reminder = Event.objects.filter(
        case=zorg_case, kind="letter", details__reason_key=f"instalment:{first.pk}"
    )
    assert reminder.count() == 1
    counts = arrangements_monitor(run_date=dt.date(2026, 5, 9))
    arrangement.refresh_from_db()
    zorg_case.refresh_from_db()
    assert counts["broken"] == 1 and arrangement.status == ArrangementStatus.BROKEN
    assert zorg_case.state == "amicable"
    assert not Hold.objects.filter(case=zorg_case, released_at__isnull=True).exists()
    assert Task.objects.filter(case=zorg_case, title__startswith="Betalingsregeling vervallen").exists()
    assert arrangements_monitor(run_date=dt.date(2026, 6, 9))["looked_at"] == 0


def test_catching_up_a_missed_instalment_repairs_the_plan(zorg_case, officer):
    arrangement = arrangement_propose(case=zorg_case, schedule=plan(count=6), officer=officer, today=TODAY)
    first = arrangement.instalments.get(number=1)
    arrangements_monitor(run_date=dt.date(2026, 4, 9))
    _pay(zorg_case, first, first.amount, dt.date(2026, 4, 20), "late")
    first.refresh_from_db()
    assert first.status == InstalmentStatus.PAID
    assert arrangements_monitor(run_date=dt.date(2026, 5, 9))["broken"] == 0


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    cents=st.integers(min_value=30000, max_value=250000),
    count=st.integers(min_value=2, max_value=6),
    pattern=st.lists(st.tuples(st.integers(0, 5), st.integers(1, 40000), st.booleans()), max_size=8),
)
def test_random_payment_patterns_keep_the_ledger_balanced_and_count_nothing_twice(
    zorg, officer, cents, count, pattern
):
    from incasso.cases.tests.factories import CaseFactory, ClaimFactory

    case = CaseFactory(client=zorg, officer=officer, state="amicable")
    balance = D(cents).scaleb(-2)
    ClaimFactory(case=case, principal=balance)
    arrangement = arrangement_propose(
        case=case, schedule=plan(str(balance), count), officer=officer, today=TODAY
    )
    instalments = list(arrangement.instalments.order_by("number"))
    booked = D("0.00")
    for i, (which, pay_cents, repeat) in enumerate(pattern):
        amount = D(pay_cents).scaleb(-2)
        inst = instalments[which % count]
        entry = ledger_book(
            case=case, bucket="principal", kind="payment", amount=-amount, value_on=TODAY, source="h"
        )
        booked += amount
        for _ in range(2 if repeat else 1):
            instalment_record_payment(
                instalment=inst, amount=amount, value_date=TODAY, source=f"ledger:{entry.pk}"
            )
        arrangements_monitor(run_date=dt.date(2026, 4, 1) + dt.timedelta(days=20 * i))
    linked = sum(
        (p.amount for p in InstalmentPayment.objects.filter(instalment__arrangement=arrangement)), D("0")
    )
    assert case_balance(case=case).total == balance - booked
    assert linked == min(booked, balance)
    for inst in instalments:
        paid = sum((p.amount for p in inst.payments.all()), D("0"))
        assert paid <= inst.amount
        inst.refresh_from_db()
        assert (inst.status == InstalmentStatus.PAID) == (paid == inst.amount)


def test_promise_kept_from_a_payment_within_a_day_of_grace(zorg_case, officer):
    promise = promise_record(
        case=zorg_case, amount=D("200.00"), due_on=dt.date(2026, 3, 20), officer=officer, today=TODAY
    )
    assert Hold.objects.get(pk=promise.hold_id).until == dt.date(2026, 3, 21)
    ledger_book(
        case=zorg_case,
        bucket="principal",
        kind="payment",
        amount=D("-200.00"),
        value_on=dt.date(2026, 3, 21),
        source="bank",
    )
    assert promises_evaluate(run_date=dt.date(2026, 3, 22)) == {"kept": 1, "broken": 0}
    promise.refresh_from_db()
    assert promise.status == PromiseStatus.KEPT and promise.paid_amount == D("200.00")
    assert Hold.objects.get(pk=promise.hold_id).released_at is not None


def test_promise_broken_when_too_little_or_too_late(zorg_case, energie_case, officer):
    short = promise_record(
        case=zorg_case, amount=D("200.00"), due_on=dt.date(2026, 3, 20), officer=officer, today=TODAY
    )
    late = promise_record(
        case=energie_case, amount=D("50.00"), due_on=dt.date(2026, 3, 20), officer=officer, today=TODAY
    )
    ledger_book(
        case=zorg_case,
        bucket="principal",
        kind="payment",
        amount=D("-199.99"),
        value_on=dt.date(2026, 3, 19),
        source="bank",
    )
    ledger_book(
        case=energie_case,
        bucket="principal",
        kind="payment",
        amount=D("-50.00"),
        value_on=dt.date(2026, 3, 22),
        source="bank",
    )
    assert promises_evaluate(run_date=dt.date(2026, 3, 21)) == {"kept": 0, "broken": 0}  # grace day
    assert promises_evaluate(run_date=dt.date(2026, 3, 22)) == {"kept": 0, "broken": 2}
    short.refresh_from_db()
    late.refresh_from_db()
    assert short.status == late.status == PromiseStatus.BROKEN
    assert Task.objects.filter(case=zorg_case, title__contains="niet nagekomen").count() == 1
    stats = promise_stats(officer=officer)
    assert (stats.open, stats.kept, stats.broken, stats.kept_rate) == (0, 0, 2, D("0.0"))
    assert promise_stats(client=zorg_case.client).broken == 1


def test_dispute_holds_the_case_and_a_partial_write_off_lands_to_the_cent(zorg_case, officer):
    dispute = dispute_open(
        case=zorg_case, reason="quality", description="Zorg niet geleverd", officer=officer
    )
    assert Hold.objects.get(pk=dispute.hold_id).reason == "dispute"
    question = dispute_ask_client(
        dispute=dispute, question="Is de zorg geleverd op 3 maart?", officer=officer
    )
    assert "Is de zorg geleverd" in question.chase_task.title and question.is_open
    before = case_balance(case=zorg_case)
    dispute_resolve(dispute=dispute, resolution="partial_write_off", amount=D("123.45"), officer=officer)
    after = case_balance(case=zorg_case)
    assert after.total == before.total - D("123.45")
    assert after.principal == before.principal - D("123.45")
    assert Hold.objects.get(pk=dispute.hold_id).released_at is not None
    question.refresh_from_db()  # the resolved dispute's open question needs no answer any more
    assert question.withdrawn_reason == "betwisting afgehandeld" and question.chase_task.done_at is not None
    with pytest.raises(Exception, match="al afgehandeld"):
        dispute_resolve(dispute=dispute, resolution="continue", officer=officer)


def test_credit_note_and_withdrawal(zorg_case, energie_case, officer):
    d1 = dispute_open(case=zorg_case, reason="wrong_amount", description="Te hoog", officer=officer)
    dispute_resolve(dispute=d1, resolution="credit_note", amount=D("50.00"), officer=officer)
    assert zorg_case.ledger_entries.filter(kind="correction", amount=D("-50.00")).exists()
    assert zorg_case.events.filter(
        summary="Betwisting afgehandeld: creditnota van opdrachtgever (€ 50,00)"
    ).exists()
    d2 = dispute_open(case=energie_case, reason="not_mine", description="Onbekend", officer=officer)
    dispute_resolve(dispute=d2, resolution="withdrawn", officer=officer, today=TODAY)
    energie_case.refresh_from_db()
    assert energie_case.state == "closed" and energie_case.closing_reason == "withdrawn"


def test_write_off_beyond_the_principal_is_refused(zorg_case, officer):
    dispute = dispute_open(case=zorg_case, reason="quality", description="x", officer=officer)
    with pytest.raises(Exception, match=r"hoger dan de openstaande hoofdsom \(€ 1\.250,00\)"):
        dispute_resolve(dispute=dispute, resolution="partial_write_off", amount=D("1250.01"), officer=officer)


def test_a_write_off_and_a_credit_note_reach_the_calculation_sheet(zorg_case, officer):
    """The sheet, the letters and the summons replay the ledger: what was let go is not claimed again,
    and interest stops on it from the next day."""
    import dataclasses

    from incasso.cases.statement import case_statement, case_statement_inputs
    from incasso.rates.selectors import rate_tables

    on = dt.date(2026, 11, 24)
    before = case_statement(case=zorg_case, as_of=on)
    d1 = dispute_open(case=zorg_case, reason="quality", description="x", officer=officer)
    dispute_resolve(dispute=d1, resolution="partial_write_off", amount=D("200.00"), officer=officer, today=on)
    d2 = dispute_open(case=zorg_case, reason="wrong_amount", description="y", officer=officer)
    dispute_resolve(dispute=d2, resolution="credit_note", amount=D("50.00"), officer=officer, today=on)
    after = case_statement(case=zorg_case, as_of=on)
    assert before is not None and after is not None
    assert after.principal.written_off == D("250.00")
    assert after.outstanding == before.outstanding - D("250.00")
    later_on = on + dt.timedelta(days=30)
    later = case_statement(case=zorg_case, as_of=later_on)
    inputs = case_statement_inputs(case=zorg_case, as_of=later_on)
    without = dataclasses.replace(inputs, reductions=()).statement(as_of=later_on, tables=rate_tables())
    assert later is not None
    # from the day after, interest runs on 250.00 less: 30 days x 4 % (2026) x 250.00 / 365 = 0.82
    difference = without.interest.charged - later.interest.charged
    assert abs(difference - D("0.82")) <= D("0.01")
    assert zorg_case.claims.get().principal == D("1250.00")  # the claim itself is as handed over


def test_the_timeline_stays_dutch_when_an_english_officer_acts(zorg_case, officer):
    from django.utils import translation

    from incasso.cases.models import Event
    from incasso.cases.services import case_transition

    with translation.override("en"):
        dispute_open(case=zorg_case, reason="wrong_amount", description="Bedrag klopt niet", officer=officer)
        case_transition(case=zorg_case, to="legal", actor=officer, reason="test")
        assert translation.get_language() == "en"  # the user's language is left as it was
    summaries = set(Event.objects.filter(case=zorg_case).values_list("summary", flat=True))
    assert "Betwisting geopend: onjuist bedrag" in summaries
    assert any(s.startswith("Status: ") and "gerechtelijk" in s for s in summaries), summaries


def test_the_clients_terms_after_a_broken_arrangement_request_the_bailiff(
    client, zorg_case, officer, supervisor
):

    ArrangementPolicy.objects.create(client=zorg_case.client, after_broken="bailiff", misses_to_break=1)
    arrangement = arrangement_propose(case=zorg_case, schedule=plan(count=6), officer=officer, today=TODAY)
    arrangements_monitor(run_date=dt.date(2026, 4, 9))
    arrangement.refresh_from_db()
    assert arrangement.status == ArrangementStatus.BROKEN
    handover = Handover.objects.get(case=zorg_case)
    assert (handover.to, handover.status, handover.requested_by) == ("bailiff", "requested", None)
    event = Event.objects.get(case=zorg_case, details__legal="handover_requested")
    assert event.summary == (
        "Overdracht aan gerechtsdeurwaarder aangevraagd: betalingsregeling vervallen (afspraak met de opdrachtgever)"
    )
    assert Task.objects.filter(
        case=zorg_case, title__contains="overdracht aan gerechtsdeurwaarder aangevraagd"
    ).exists()
    arrangements_monitor(run_date=dt.date(2026, 4, 10))  # a rerun asks nothing twice
    assert Handover.objects.filter(case=zorg_case).count() == 1

    # A next arrangement on this case waits for a supervisor, even within the officer's authority.
    balance = case_balance(case=zorg_case).total

    again = sched.build_schedule(balance=balance, count=3, start_on=dt.date(2026, 4, 20))
    with pytest.raises(DomainError, match="brak eerder"):
        arrangement_propose(case=zorg_case, schedule=again, officer=officer, today=dt.date(2026, 4, 10))
    pending = arrangement_propose(
        case=zorg_case,
        schedule=again,
        officer=officer,
        motivation="Nieuwe baan sinds april; loonstrook gezien",
        today=dt.date(2026, 4, 10),
    )
    assert pending.status == ArrangementStatus.PENDING
    client.force_login(supervisor)  # the supervisor sees why it waits
    page = client.get("/arrangements/approvals/").content.decode()
    assert "een eerdere regeling in dit dossier is vervallen: de opdrachtgever wil een leidinggevende" in page


def test_by_default_a_broken_arrangement_resumes_the_strategy_and_asks_no_hand_over(zorg_case, officer):

    ArrangementPolicy.objects.create(
        client=zorg_case.client, misses_to_break=1, supervisor_after_broken=False
    )
    arrangement_propose(case=zorg_case, schedule=plan(count=6), officer=officer, today=TODAY)
    arrangements_monitor(run_date=dt.date(2026, 4, 9))
    assert not Handover.objects.filter(case=zorg_case).exists()
    assert Task.objects.filter(case=zorg_case, title__contains="incasso hervat").exists()

    balance = case_balance(case=zorg_case).total
    again = sched.build_schedule(balance=balance, count=3, start_on=dt.date(2026, 4, 20))
    second = arrangement_propose(case=zorg_case, schedule=again, officer=officer, today=dt.date(2026, 4, 10))
    assert second.status == ArrangementStatus.ACTIVE  # this client lets the officer decide again
