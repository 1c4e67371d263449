"""Settlement offers on a real database: finale kwijting and the return of goods, from the offer to a
closed case whose ledger ends at exactly zero, or to a lapsed offer; and every refusal changes nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
import subprocess
from decimal import Decimal

import pytest
from django.utils import translation

from incasso.arrangements.models import ArrangementPolicy, Settlement, SettlementStatus
from incasso.arrangements.services import arrangement_propose
from incasso.arrangements.settlements import (
    goods_received,
    settlement_accept_signed,
    settlement_decide,
    settlement_paid,
    settlement_propose,
    settlement_withdraw,
    settlements_monitor,
)
from incasso.arrangements.tests.conftest import TODAY, plan
from incasso.cases.models import CaseState, EntryKind, Event, LedgerEntry, Task
from incasso.cases.position import case_position
from incasso.cases.selectors import case_balance
from incasso.core.exceptions import DomainError
from incasso.strategies.models import Hold, HoldReason

D = Decimal


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _snapshot(case):
    return (
        list(Settlement.objects.values_list("pk", "status")),
        LedgerEntry.objects.filter(case=case).count(),
        Event.objects.filter(case=case).count(),
        Hold.objects.filter(case=case).count(),
    )


def _owed(case, on=TODAY):
    return case_position(case=case, as_of=on).total


def _share(case, share):
    """A share of what the case owes today (15 % off: beyond an officer's 10 %, within the client's 20 %)."""
    return (_owed(case) * D(share)).quantize(D("0.01"))


def _lump(case, officer, amount, *, days=14, **kw):
    return settlement_propose(
        case=case,
        kind="lump_sum",
        amount=D(amount),
        deadline=TODAY + dt.timedelta(days=days),
        officer=officer,
        today=TODAY,
        **kw,
    )


def _pay(case, amount, on, key="bank-1"):
    """A bank payment booked exactly as the statement import books it (interest to that day first,
    then costs -> interest -> principal)."""
    from django.utils import timezone

    from incasso.payments.booking import transaction_book
    from incasso.payments.models import BankStatementImport, BankTransaction, MatchRule

    record = BankStatementImport.objects.create(
        file_name=f"{key}.xml", sha256=key.ljust(64, "0"), format="camt053", imported_at=timezone.now()
    )
    txn = BankTransaction.objects.create(
        statement_import=record,
        account_iban="NL20INGB0001234567",
        key=key,
        statement_id=key,
        booking_date=on,
        value_date=on,
        amount=D(amount),
        counterparty_name="J. Jansen",
        structured_reference=case.payment_reference,
    )
    return transaction_book(
        txn=txn, case=case, rule=MatchRule.REFERENCE, confidence=D("1.00"), reason="betalingskenmerk"
    )


def test_a_lump_sum_within_authority_runs_at_once_with_its_hold_and_agreement(zorg_case, officer):
    owed = _owed(zorg_case)
    amount = (owed * D("0.92")).quantize(D("0.01"))
    settlement = _lump(zorg_case, officer, amount)
    assert settlement.status == SettlementStatus.ACTIVE
    assert settlement.balance == owed and settlement.amount == amount
    hold = Hold.objects.get(case=zorg_case, reason=HoldReason.SETTLEMENT)
    assert hold.until == TODAY + dt.timedelta(days=14 + 7)  # the date plus the client's grace period
    pdf = bytes(settlement.agreement_pdf)
    assert pdf.startswith(b"%PDF") and settlement.agreement_sha256 == hashlib.sha256(pdf).hexdigest()
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "Finale kwijting" in text and zorg_case.number in text
    assert f"{amount:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".") in text
    assert Event.objects.filter(case=zorg_case, details__settlement=settlement.pk).count() >= 2


def test_kept_lump_sum_closes_the_case_as_settled_with_the_ledger_at_zero(zorg_case, officer):
    owed = _owed(zorg_case)
    settlement = _lump(zorg_case, officer, "1200.00")
    paid_on = TODAY + dt.timedelta(days=10)
    _pay(zorg_case, "700.00", TODAY + dt.timedelta(days=3), "bank-1")
    assert settlements_monitor(run_date=TODAY + dt.timedelta(days=4))["completed"] == 0  # not all in yet
    _pay(zorg_case, "500.00", paid_on, "bank-2")
    assert settlement_paid(settlement) == (D("1200.00"), paid_on)
    counts = settlements_monitor(run_date=paid_on + dt.timedelta(days=1))
    assert counts == {"looked_at": 1, "completed": 1, "lapsed": 0, "ended": 0}
    settlement.refresh_from_db()
    zorg_case.refresh_from_db()
    assert settlement.status == SettlementStatus.COMPLETED and settlement.ended_on == paid_on
    assert zorg_case.state == CaseState.CLOSED and zorg_case.closing_reason == "settled"
    assert case_balance(case=zorg_case).total == D("0.00")
    assert _owed(zorg_case, paid_on + dt.timedelta(days=400)) == D("0.00")  # no interest after
    # what was written off is what was owed on the day, less the payments
    assert settlement.written_off == _owed_before(zorg_case, paid_on) and settlement.written_off > owed - D(
        "1200.00"
    )
    assert Hold.objects.get(case=zorg_case, reason=HoldReason.SETTLEMENT).released_at is not None
    assert settlements_monitor(run_date=paid_on + dt.timedelta(days=2)) == {
        "looked_at": 0,
        "completed": 0,
        "lapsed": 0,
        "ended": 0,
    }


def _owed_before(case, on):
    """What the write-off took: the write-off entries booked by the settlement."""
    entries = LedgerEntry.objects.filter(
        case=case, kind=EntryKind.WRITE_OFF, source__startswith="settlement:"
    )
    return -sum((e.amount for e in entries), D("0.00"))


def test_an_offer_not_paid_in_full_lapses_after_the_grace_period(zorg_case, officer):
    settlement = _lump(zorg_case, officer, "1200.00")
    _pay(zorg_case, "300.00", TODAY + dt.timedelta(days=5))
    last_day = TODAY + dt.timedelta(days=14 + 7)
    assert settlements_monitor(run_date=last_day)["lapsed"] == 0
    assert settlements_monitor(run_date=last_day + dt.timedelta(days=1))["lapsed"] == 1
    settlement.refresh_from_db()
    zorg_case.refresh_from_db()
    assert settlement.status == SettlementStatus.LAPSED and zorg_case.state == CaseState.AMICABLE
    assert Hold.objects.get(case=zorg_case, reason=HoldReason.SETTLEMENT).released_at is not None
    assert Task.objects.filter(case=zorg_case, title__contains="vervallen").exists()
    assert not LedgerEntry.objects.filter(case=zorg_case, kind=EntryKind.WRITE_OFF).exists()


def test_beyond_authority_a_supervisor_decides_and_never_the_proposer(
    zorg_case, officer, supervisor, other_supervisor
):
    with pytest.raises(DomainError, match="motivation"):
        _lump(zorg_case, officer, _share(zorg_case, "0.85"))
    assert not Settlement.objects.exists()
    settlement = _lump(
        zorg_case, officer, _share(zorg_case, "0.85"), motivation="Bijstand, eenmalige schenking familie"
    )
    assert settlement.status == SettlementStatus.PENDING
    assert not Hold.objects.filter(case=zorg_case).exists()
    with pytest.raises(DomainError, match="Only a supervisor"):
        settlement_decide(settlement=settlement, supervisor=officer, approve=True, today=TODAY)
    own = _lump_by(zorg_case, supervisor)
    with pytest.raises(DomainError, match="proposed yourself"):
        settlement_decide(settlement=own, supervisor=supervisor, approve=True, today=TODAY)


def _lump_by(case, supervisor):
    """A supervisor's own offer runs at once (no limit); make one pending through the data instead."""
    Settlement.objects.filter(case=case).update(status=SettlementStatus.REJECTED)
    s = Settlement.objects.get(case=case)
    Settlement.objects.filter(pk=s.pk).update(status=SettlementStatus.PENDING, proposed_by=supervisor)
    return Settlement.objects.get(pk=s.pk)


def test_approval_starts_the_offer_and_rejection_ends_it(zorg_case, officer, supervisor):
    settlement = _lump(
        zorg_case, officer, _share(zorg_case, "0.85"), motivation="Eenmalig bedrag van familie"
    )
    settlement = settlement_decide(
        settlement=settlement, supervisor=supervisor, approve=True, note="akkoord", today=TODAY
    )
    assert settlement.status == SettlementStatus.ACTIVE and settlement.agreement_sha256
    assert settlement.hold is not None
    with pytest.raises(DomainError, match="not waiting"):
        settlement_decide(settlement=settlement, supervisor=supervisor, approve=False, today=TODAY)


def test_the_clients_limits_refuse_and_nothing_is_stored(zorg_case, officer, zorg):
    ArrangementPolicy.objects.create(
        client=zorg, settlement_max_discount_percent=D("5"), goods_return_allowed=False
    )
    before = _snapshot(zorg_case)
    for kwargs in (
        {"kind": "lump_sum", "amount": D("900.00")},  # lets go more than 5 %
        {"kind": "lump_sum", "amount": D("99999.00")},  # more than the balance
        {"kind": "goods_return", "amount": D("100.00"), "goods_description": "Bank"},  # no goods
        {"kind": "lump_sum", "amount": D("1250.00"), "deadline": TODAY + dt.timedelta(days=31)},
        {"kind": "lump_sum", "amount": D("1250.00"), "deadline": TODAY - dt.timedelta(days=1)},
        {"kind": "goods_return", "amount": D("100.00")},  # goods not described
        {"kind": "barter", "amount": D("100.00")},
    ):
        kwargs.setdefault("deadline", TODAY + dt.timedelta(days=10))
        with pytest.raises(DomainError):
            settlement_propose(case=zorg_case, officer=officer, today=TODAY, motivation="x", **kwargs)
    assert _snapshot(zorg_case) == before


def test_one_open_offer_and_none_beside_an_arrangement_or_on_a_closed_case(zorg_case, energie_case, officer):
    _lump(zorg_case, officer, "1200.00")
    with pytest.raises(DomainError, match="already has an open settlement"):
        _lump(zorg_case, officer, "1210.00")
    arrangement_propose(
        case=energie_case, schedule=plan(balance="480.50", count=2), officer=officer, today=TODAY
    )
    with pytest.raises(DomainError, match="payment arrangement"):
        _lump(energie_case, officer, "470.00")


def test_withdrawn_offer_releases_the_hold(zorg_case, officer):
    settlement = _lump(zorg_case, officer, "1200.00")
    with pytest.raises(DomainError, match="why"):
        settlement_withdraw(settlement=settlement, officer=officer, reason=" ")
    settlement = settlement_withdraw(settlement=settlement, officer=officer, reason="Debiteur wil toch niet")
    assert settlement.status == SettlementStatus.WITHDRAWN
    assert Hold.objects.get(pk=settlement.hold_id).released_at is not None
    with pytest.raises(DomainError):
        settlement_withdraw(settlement=settlement, officer=officer, reason="nogmaals")


def _goods(case, officer, value="400.00", *, in_full=False):
    return settlement_propose(
        case=case,
        kind="goods_return",
        amount=D(value),
        deadline=TODAY + dt.timedelta(days=21),
        officer=officer,
        settles_in_full=in_full,
        goods_description="Wasmachine Miele W1, serienummer 123",
        return_instructions="De opdrachtgever haalt de machine op.",
        today=TODAY,
    )


def test_goods_received_credit_the_principal_and_the_rest_stays_owed(zorg_case, officer):
    settlement = _goods(zorg_case, officer)
    principal_before = case_balance(case=zorg_case).principal
    received = TODAY + dt.timedelta(days=6)
    goods_received(
        settlement=settlement, received_on=received, value=D("400.00"), officer=officer, today=received
    )
    settlement.refresh_from_db()
    zorg_case.refresh_from_db()
    assert settlement.status == SettlementStatus.COMPLETED and settlement.credited == D("400.00")
    assert case_balance(case=zorg_case).principal == principal_before - D("400.00")
    credit = LedgerEntry.objects.get(case=zorg_case, kind=EntryKind.CORRECTION)
    assert (credit.bucket, credit.amount, credit.value_on) == ("principal", D("-400.00"), received)
    assert zorg_case.state == CaseState.AMICABLE
    assert Task.objects.filter(case=zorg_case, title__startswith="Goederen retour verwerkt").exists()
    assert Hold.objects.get(pk=settlement.hold_id).released_at is not None


def test_goods_received_with_full_release_close_the_case_at_zero(zorg_case, officer):
    settlement = _goods(zorg_case, officer, "1150.00", in_full=True)
    received = TODAY + dt.timedelta(days=6)
    goods_received(
        settlement=settlement,
        received_on=received,
        value=D("1100.00"),
        officer=officer,
        note="kras op de deur",
        today=received,
    )
    zorg_case.refresh_from_db()
    assert zorg_case.state == CaseState.CLOSED and zorg_case.closing_reason == "settled"
    assert case_balance(case=zorg_case).total == D("0.00")
    assert _owed(zorg_case, received + dt.timedelta(days=100)) == D("0.00")


def test_goods_received_refusals_change_nothing(zorg_case, officer):
    settlement = _goods(zorg_case, officer)
    before = _snapshot(zorg_case)
    day = TODAY + dt.timedelta(days=3)
    for kwargs, match in (
        ({"value": D("400.01")}, "agreed value"),
        ({"value": D("350.00")}, "say why"),
        ({"value": D("0.00")}, "more than zero"),
        ({"received_on": day + dt.timedelta(days=1)}, "future"),
        ({"received_on": TODAY - dt.timedelta(days=1)}, "before the offer"),
    ):
        args = {"received_on": day, "value": D("400.00"), **kwargs}
        with pytest.raises(DomainError, match=match):
            goods_received(settlement=settlement, officer=officer, today=day, **args)
    assert _snapshot(zorg_case) == before
    lump = Settlement.objects.create(
        case=zorg_case,
        kind="lump_sum",
        status="rejected",
        balance=1,
        principal=1,
        amount=1,
        deadline=TODAY,
        proposed_by=officer,
        proposed_at=settlement.proposed_at,
    )
    with pytest.raises(DomainError):
        goods_received(settlement=lump, officer=officer, received_on=day, value=D("1.00"), today=day)


def test_goods_not_back_in_time_lapse(zorg_case, officer):
    settlement = _goods(zorg_case, officer)
    assert settlements_monitor(run_date=TODAY + dt.timedelta(days=21 + 8))["lapsed"] == 1
    settlement.refresh_from_db()
    assert settlement.status == SettlementStatus.LAPSED


def test_a_signed_copy_is_kept_once(zorg_case, officer):
    settlement = _lump(zorg_case, officer, "1200.00")
    settlement = settlement_accept_signed(settlement=settlement, content=b"%PDF-signed", actor=officer)
    assert settlement.signed_upload_sha256 == hashlib.sha256(b"%PDF-signed").hexdigest()
    with pytest.raises(DomainError):
        settlement_accept_signed(settlement=settlement, content=b"again", actor=officer)


def test_a_client_user_cannot_make_an_offer(zorg_case, zorg_user):
    with pytest.raises(DomainError, match="agency staff"):
        _lump(zorg_case, zorg_user, "1200.00")


def test_a_case_paid_in_full_meanwhile_keeps_the_offer_or_ends_it(zorg_case, energie_case, officer):
    """Paying everything closes the case as paid at once; the monitor then marks a lump sum kept (nothing
    left to write off) and ends a goods return, without touching the closed case again."""
    lump = _lump(zorg_case, officer, "1200.00")
    goods = _goods(energie_case, officer, "100.00")
    for case, key in ((zorg_case, "bank-a"), (energie_case, "bank-b")):
        _pay(case, str(_owed(case, TODAY + dt.timedelta(days=2))), TODAY + dt.timedelta(days=2), key)
        case.refresh_from_db()
        assert case.state == CaseState.CLOSED and case.closing_reason == "paid"
    counts = settlements_monitor(run_date=TODAY + dt.timedelta(days=3))
    assert counts == {"looked_at": 2, "completed": 1, "lapsed": 0, "ended": 1}
    lump.refresh_from_db()
    goods.refresh_from_db()
    assert (lump.status, lump.written_off) == (SettlementStatus.COMPLETED, D("0.00"))
    assert goods.status == SettlementStatus.WITHDRAWN
    zorg_case.refresh_from_db()
    assert zorg_case.closing_reason == "paid"
