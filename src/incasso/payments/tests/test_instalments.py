"""Payments on an arrangement: an instalment's own reference, the case reference during an arrangement,
a known IBAN paying an instalment's amount, and a returned direct debit that unpays the instalment."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from incasso.arrangements import schedule as sched
from incasso.arrangements.models import Arrangement, Instalment, InstalmentPayment, InstalmentStatus
from incasso.arrangements.services import arrangement_propose
from incasso.cases.models import Case, EntryKind, LedgerEntry
from incasso.cases.selectors import case_balance
from incasso.payments.models import BankTransaction
from incasso.payments.services import statement_import
from incasso.payments.tests.builders import Line, camt
from incasso.payments.tests.factories import worked_case

pytestmark = pytest.mark.django_db
ON = dt.date(2024, 5, 20)


def _arranged(supervisor, **kwargs) -> tuple[Case, Arrangement, list[Instalment]]:
    case = worked_case(**kwargs)
    balance = case_balance(case=case).total
    schedule = sched.build_schedule(balance=balance, count=5, start_on=dt.date(2024, 6, 1))
    arrangement = arrangement_propose(case=case, schedule=schedule, officer=supervisor, today=ON)
    assert arrangement.status == "active"
    return case, arrangement, list(arrangement.instalments.order_by("number"))


def _import(*lines: Line, statement_id: str = "STMT-1") -> list[BankTransaction]:
    statement_import(data=camt(list(lines), statement_id=statement_id), name="t.xml")
    return list(BankTransaction.objects.order_by("id"))


def _paid(instalment: Instalment) -> Decimal:
    return sum((p.amount for p in InstalmentPayment.objects.filter(instalment=instalment)), Decimal(0))


def test_an_instalment_reference_books_on_its_case_and_pays_that_instalment(supervisor) -> None:
    case, _, rows = _arranged(supervisor)
    second = rows[1]
    (txn,) = _import(Line(second.amount, reference=second.payment_reference))
    assert (txn.status, txn.case_id, txn.match_rule, txn.confidence) == (
        "booked",
        case.pk,
        "instalment_reference",
        Decimal("1.00"),
    )
    assert "termijn 2" in txn.reason
    assert (
        -sum(e.amount for e in LedgerEntry.objects.filter(case=case, kind=EntryKind.PAYMENT)) == second.amount
    )
    links = list(InstalmentPayment.objects.all())
    assert [(link.instalment_id, link.amount, link.source) for link in links] == [
        (second.pk, second.amount, f"banktx:{txn.pk}")
    ]
    second.refresh_from_db()
    assert second.status == InstalmentStatus.PAID
    # the same file again books nothing and counts nothing twice
    _import(Line(second.amount, reference=second.payment_reference))
    assert InstalmentPayment.objects.count() == 1


def test_an_instalment_reference_in_the_description_matches(supervisor) -> None:
    case, _, rows = _arranged(supervisor)
    ref = rows[0].payment_reference
    grouped = " ".join(ref[i : i + 4] for i in range(0, 16, 4))
    (txn,) = _import(Line(Decimal("100.00"), text=f"termijn kenmerk {grouped}"))
    assert (txn.status, txn.case_id, txn.match_rule) == ("booked", case.pk, "instalment_reference")
    assert _paid(rows[0]) == Decimal("100.00")


def test_a_mistyped_instalment_reference_does_not_match(supervisor) -> None:
    _, _, rows = _arranged(supervisor)
    ref = rows[0].payment_reference
    wrong = ref[:-1] + str((int(ref[-1]) + 1) % 10)
    (txn,) = _import(Line(Decimal("100.00"), text=f"kenmerk {wrong}"))
    assert txn.status == "unmatched" and txn.case_id is None
    assert not InstalmentPayment.objects.exists()


def test_the_case_reference_during_an_arrangement_pays_the_earliest_instalment(supervisor) -> None:
    case, _, rows = _arranged(supervisor)
    (txn,) = _import(Line(Decimal("50.00"), reference=case.payment_reference))
    assert (txn.status, txn.match_rule) == ("booked", "reference")
    assert [(link.instalment_id, link.amount, link.source) for link in InstalmentPayment.objects.all()] == [
        (rows[0].pk, Decimal("50.00"), f"banktx:{txn.pk}")
    ]


def test_a_known_iban_paying_an_instalment_amount_is_booked_on_that_instalment(supervisor) -> None:
    case, _, rows = _arranged(supervisor, iban="NL91ABNA0417164300")
    (txn,) = _import(Line(rows[0].amount, iban="NL91ABNA0417164300", name="Iemand"))
    assert (txn.status, txn.match_rule, txn.case_id) == ("booked", "iban", case.pk)
    assert "termijn 1" in txn.reason
    rows[0].refresh_from_db()
    assert rows[0].status == InstalmentStatus.PAID


def test_a_known_iban_with_another_amount_stays_a_suggestion(supervisor) -> None:
    _, _, rows = _arranged(supervisor, iban="NL91ABNA0417164300")
    (txn,) = _import(Line(rows[0].amount - 1, iban="NL91ABNA0417164300", name="Iemand"))
    assert txn.status == "suggested"
    assert not InstalmentPayment.objects.exists()


def test_a_returned_direct_debit_unpays_the_instalment(supervisor) -> None:
    case, _, rows = _arranged(supervisor)
    first = rows[0]
    e2e = f"{first.payment_reference}-FRST"
    _import(Line(first.amount, reference=first.payment_reference, end_to_end=e2e, mandate="M-1"))
    first.refresh_from_db()
    assert first.status == InstalmentStatus.PAID
    payment, returned = _import(
        Line(-first.amount, end_to_end=e2e, mandate="M-1", return_reason="MS02", bank_ref="R1"),
        statement_id="STMT-2",
    )
    assert (payment.status, returned.status, returned.returns_id) == ("returned", "returned", payment.pk)
    assert not InstalmentPayment.objects.exists()
    first.refresh_from_db()
    assert first.status == InstalmentStatus.OPEN
    assert case_balance(case=case).total > 0


def _mandate_for(case: Case, mandate_id: str, *, active: bool = True):  # type: ignore[no-untyped-def]
    from incasso.payments.direct_debit import mandate_create

    mandate = mandate_create(
        mandate_id=mandate_id,
        signed_on=dt.date(2024, 5, 1),
        debtor_name="Jan de Vries",
        debtor_iban="NL91ABNA0417164300",
        case=case,
    )
    if not active:
        mandate.active = False
        mandate.save()
    return mandate


def test_due_instalments_with_an_active_mandate_become_debit_items(supervisor) -> None:
    from incasso.arrangements.instalments import instalment_record_payment
    from incasso.payments.selectors import instalments_due_for_direct_debit

    case, _, rows = _arranged(supervisor)
    mandate = _mandate_for(case, "MND-A")
    no_mandate, _, _ = _arranged(supervisor)
    inactive, _, _ = _arranged(supervisor)
    _mandate_for(inactive, "MND-X", active=False)
    instalment_record_payment(instalment=rows[0], amount=Decimal("10.00"), value_date=ON, source="cash:1")

    items = instalments_due_for_direct_debit(run_date=dt.date(2024, 7, 1))

    assert [(i.mandate.pk, i.reference, i.amount, i.due_on) for i in items] == [
        (mandate.pk, rows[0].payment_reference, rows[0].amount - Decimal("10.00"), rows[0].due_on),
        (mandate.pk, rows[1].payment_reference, rows[1].amount, rows[1].due_on),
    ]
    assert no_mandate.pk != case.pk
    assert instalments_due_for_direct_debit(run_date=dt.date(2024, 5, 31)) == []


def test_the_command_collects_the_due_instalments_once(supervisor, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    from django.core.management import call_command

    from incasso.payments.models import DirectDebitLine

    case, _, rows = _arranged(supervisor)
    _mandate_for(case, "MND-B")
    out = tmp_path / "dd.xml"
    call_command("payments", "direct-debit", "--date", "2024-06-03", "--out", str(out), "--version", "08")
    data = out.read_bytes()
    assert b"pain.008.001.08" in data and rows[0].payment_reference.encode() in data
    assert "1 debit(s)" in capsys.readouterr().out
    assert list(DirectDebitLine.objects.values_list("reference", flat=True)) == [rows[0].payment_reference]
    # a second run on the same date collects nothing more
    call_command("payments", "direct-debit", "--date", "2024-06-03", "--out", str(tmp_path / "again.xml"))
    assert "Nothing to collect" in capsys.readouterr().out
    assert DirectDebitLine.objects.count() == 1
