"""The arrangement letters' payment box and EPC QR code ask for what the debtor must pay now, with
the reference that makes the payment count on the right instalments: the confirmation the first
instalment, the reminder what is overdue (reference of the oldest unpaid instalment), the
broken-arrangement letter the whole balance with the case's own reference."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from incasso.arrangements.instalments import instalment_record_payment
from incasso.arrangements.models import ArrangementStatus, InstalmentStatus
from incasso.arrangements.services import arrangement_end
from incasso.calculations.sheet import group_by_four
from incasso.letters.compose import letter_data_from_json, letter_data_to_json
from incasso.letters.rendering import LetterData
from incasso.letters.rendering.epc import epc_payload
from incasso.letters.rendering.formatting import format_money
from incasso.letters.rendering.tests.qrdecode import decoded_qr
from incasso.letters.services import LetterAmountsChanged, letter_compose, letter_render, letter_send_check
from incasso.letters.tests.conftest import FIRST_DUE, LETTER_DAY
from incasso.letters.tests.test_render import pdf_text

OVERDUE_DAY = dt.date(2026, 4, 20)  # instalments 1 (16-03) and 2 (16-04) are due, 3 and 4 not yet


def _instalments(case):
    return list(case.arrangements.get().instalments.order_by("number"))


def _words(pdf: bytes) -> str:
    return " ".join(pdf_text(pdf).split())


def _expected_qr(data: LetterData, *, amount: Decimal, reference: str) -> str:
    return epc_payload(
        name=data.letterhead.account_holder,
        iban=data.payment_iban,
        amount=amount,
        reference=reference,
        bic=data.letterhead.bic,
    )


def test_confirmation_asks_for_the_first_instalment_with_its_reference(arrangement_case, tmp_path):
    first = _instalments(arrangement_case)[0]
    letter = letter_render(
        case=arrangement_case, template_code="arrangement_confirmation", language="nl", on=LETTER_DAY
    )
    data, text = letter.data, _words(letter.pdf)
    assert (data.payment_amount, data.payment_reference, data.pay_by) == (
        Decimal("312.50"),
        first.payment_reference,
        FIRST_DUE,
    )
    assert f"Betalingskenmerk {group_by_four(first.payment_reference)}" in text
    assert "Bedrag € 312,50" in text and "Uiterlijk betalen op 16-03-2026" in text
    assert group_by_four(arrangement_case.payment_reference) in text  # for the later instalments
    assert "Totaal openstaand € 1.250,00" in text  # the table still shows the whole balance
    qr = decoded_qr(data, tmp_path)
    assert qr == _expected_qr(data, amount=Decimal("312.50"), reference=first.payment_reference)
    assert qr.endswith(f"\nEUR312.5\n\n{first.payment_reference}")


def test_english_confirmation_asks_for_the_first_instalment(arrangement_case, tmp_path):
    first = _instalments(arrangement_case)[0]
    letter = letter_render(
        case=arrangement_case, template_code="arrangement_confirmation", language="en", on=LETTER_DAY
    )
    text = _words(letter.pdf)
    assert "Amount €312.50" in text and "Pay no later than 16-03-2026" in text
    assert f"Payment reference {group_by_four(first.payment_reference)}" in text
    assert "Each instalment has its own payment reference." in text
    qr = decoded_qr(letter.data, tmp_path)
    assert qr.endswith(f"\nEUR312.5\n\n{first.payment_reference}")


def test_reminder_asks_for_what_is_overdue_with_the_oldest_unpaid_reference(arrangement_case, tmp_path):
    first, second, third, _ = _instalments(arrangement_case)
    instalment_record_payment(instalment=first, amount=Decimal("100.00"), value_date=FIRST_DUE, source="t:1")
    letter = letter_render(
        case=arrangement_case, template_code="arrangement_reminder", language="nl", on=OVERDUE_DAY
    )
    data, text = letter.data, _words(letter.pdf)
    assert (data.payment_amount, data.payment_reference) == (Decimal("525.00"), first.payment_reference)
    assert data.pay_by == OVERDUE_DAY + dt.timedelta(days=14)
    assert "Bedrag € 525,00" in text
    assert f"Betalingskenmerk {group_by_four(first.payment_reference)}" in text
    assert "Wij boeken het bedrag dan op de vervallen termijnen, de oudste eerst." in text
    assert "dat hoeft u niet in één keer te betalen" in text
    assert letter.sms_text.startswith("Noordhoek Incasso B.V.: wij hebben uw termijn nog niet ontvangen.")
    assert f"€ 525,00 zo snel mogelijk betalen met kenmerk {group_by_four(first.payment_reference)}" in (
        letter.sms_text
    )
    qr = decoded_qr(data, tmp_path)
    assert qr == _expected_qr(data, amount=Decimal("525.00"), reference=first.payment_reference)

    # Paying exactly what the QR asks, with its reference, pays instalments 1 and 2 and nothing else.
    instalment_record_payment(
        instalment=first, amount=Decimal("525.00"), value_date=OVERDUE_DAY, source="banktx:qr"
    )
    for row in (first, second, third):
        row.refresh_from_db()
    assert (first.status, second.status, third.status) == (
        InstalmentStatus.PAID,
        InstalmentStatus.PAID,
        InstalmentStatus.OPEN,
    )
    assert not third.payments.exists()


def test_english_reminder_asks_for_what_is_overdue(arrangement_case, tmp_path):
    first = _instalments(arrangement_case)[0]
    letter = letter_render(
        case=arrangement_case, template_code="arrangement_reminder", language="en", on=OVERDUE_DAY
    )
    text = _words(letter.pdf)
    assert "Amount €625.00" in text
    assert f"Payment reference {group_by_four(first.payment_reference)}" in text
    assert "We then book the amount on the instalments that are due, the oldest first." in text
    assert decoded_qr(letter.data, tmp_path).endswith(f"\nEUR625\n\n{first.payment_reference}")


def test_reminder_with_nothing_overdue_yet_asks_for_the_instalment_due(arrangement_case):
    first = _instalments(arrangement_case)[0]
    data, *_ = letter_compose(
        case=arrangement_case, template_code="arrangement_reminder", language="nl", on=FIRST_DUE
    )
    assert (data.payment_amount, data.payment_reference) == (Decimal("312.50"), first.payment_reference)
    assert "Wilt u de termijn van € 312,50 zo snel mogelijk betalen" in " ".join(data.paragraphs)


def test_reminder_after_the_first_instalment_was_paid_carries_the_next_reference(arrangement_case):
    first, second, *_ = _instalments(arrangement_case)
    instalment_record_payment(instalment=first, amount=first.amount, value_date=FIRST_DUE, source="t:1")
    data, *_ = letter_compose(
        case=arrangement_case, template_code="arrangement_reminder", language="nl", on=OVERDUE_DAY
    )
    assert (data.payment_amount, data.payment_reference) == (Decimal("312.50"), second.payment_reference)


def test_broken_arrangement_letter_asks_for_the_whole_balance_with_the_case_reference(
    arrangement_case, officer, tmp_path
):
    arrangement = arrangement_case.arrangements.get()
    on = dt.date(2026, 5, 1)
    arrangement_end(
        arrangement=arrangement, status=ArrangementStatus.BROKEN, actor=officer, on=on, reason="t"
    )
    letter = letter_render(case=arrangement_case, template_code="broken_arrangement", language="nl", on=on)
    data, text = letter.data, _words(letter.pdf)
    balance = data.totals.total
    assert data.payment_amount is None and balance >= Decimal("1250.00")
    assert (
        f"Dat is {format_money(balance, 'nl')}." in text and f"Bedrag {format_money(balance, 'nl')}" in text
    )
    assert data.payment_reference == arrangement_case.payment_reference
    reference = group_by_four(arrangement_case.payment_reference)
    assert "in één keer moet betalen" in text
    assert f"Gebruik daarbij het betalingskenmerk van uw dossier: {reference}." in text
    qr = decoded_qr(data, tmp_path)
    assert qr == _expected_qr(data, amount=balance, reference=arrangement_case.payment_reference)


def test_a_tampered_instalment_amount_or_reference_is_refused_before_sending(arrangement_case):
    data, template, *_ = letter_compose(
        case=arrangement_case, template_code="arrangement_reminder", language="nl", on=OVERDUE_DAY
    )
    letter_send_check(case=arrangement_case, data=data, template=template, on=OVERDUE_DAY)
    tampered = dataclasses.replace(data, payment_amount=Decimal("312.50"))
    with pytest.raises(LetterAmountsChanged) as refused:
        letter_send_check(case=arrangement_case, data=tampered, template=template, on=OVERDUE_DAY)
    assert refused.value.field == "payment_amount"
    whole = dataclasses.replace(data, payment_amount=None)  # the whole balance instead
    with pytest.raises(LetterAmountsChanged):
        letter_send_check(case=arrangement_case, data=whole, template=template, on=OVERDUE_DAY)
    case_reference = dataclasses.replace(data, payment_reference=arrangement_case.payment_reference)
    with pytest.raises(LetterAmountsChanged) as refused:
        letter_send_check(case=arrangement_case, data=case_reference, template=template, on=OVERDUE_DAY)
    assert refused.value.field == "payment_reference"


def test_a_prepared_reminder_is_refused_once_an_instalment_payment_came_in(arrangement_case):
    data, template, *_ = letter_compose(
        case=arrangement_case, template_code="arrangement_reminder", language="nl", on=OVERDUE_DAY
    )
    first = _instalments(arrangement_case)[0]
    instalment_record_payment(instalment=first, amount=Decimal("50.00"), value_date=OVERDUE_DAY, source="t:2")
    with pytest.raises(LetterAmountsChanged) as refused:
        letter_send_check(case=arrangement_case, data=data, template=template, on=OVERDUE_DAY)
    assert refused.value.field == "payment_amount"


def test_the_payment_amount_survives_the_archive_and_bad_amounts_are_refused(arrangement_case):
    data, *_ = letter_compose(
        case=arrangement_case, template_code="arrangement_confirmation", language="nl", on=LETTER_DAY
    )
    assert letter_data_from_json(letter_data_to_json(data)) == data
    with pytest.raises(TypeError):
        dataclasses.replace(data, payment_amount=312.5)
    for bad in (Decimal("0.00"), Decimal("-1.00"), data.totals.total + Decimal("0.01"), Decimal("1.001")):
        with pytest.raises(ValueError):
            dataclasses.replace(data, payment_amount=bad)


def test_a_bank_payment_of_what_the_reminder_qr_asks_pays_exactly_the_overdue_instalments(
    arrangement_case, tmp_path
):
    """Through the real bank import: the decoded QR's amount and reference, as the bank reports them."""
    from incasso.payments.models import BankTransaction
    from incasso.payments.services import statement_import
    from incasso.payments.tests.builders import Line, camt

    first, second, third, fourth = _instalments(arrangement_case)
    data, *_ = letter_compose(
        case=arrangement_case, template_code="arrangement_reminder", language="nl", on=OVERDUE_DAY
    )
    lines = decoded_qr(data, tmp_path).split("\n")
    amount, reference = Decimal(lines[7].removeprefix("EUR")), lines[9]
    assert (amount, reference) == (Decimal("625"), first.payment_reference)
    statement_import(data=camt([Line(amount, on=OVERDUE_DAY, reference=reference)]), name="t.xml")
    txn = BankTransaction.objects.get()
    assert (txn.status, txn.case_id, txn.match_rule) == (
        "booked",
        arrangement_case.pk,
        "instalment_reference",
    )
    for row in (first, second, third, fourth):
        row.refresh_from_db()
    assert [row.status for row in (first, second, third, fourth)] == ["paid", "paid", "open", "open"]
    assert not third.payments.exists() and not fourth.payments.exists()


def test_a_proposal_waiting_for_a_supervisor_keeps_the_whole_balance_and_case_reference(
    zorg_letter_case, officer, time_machine
):
    """The payments app counts instalment payments only on an active arrangement."""
    from incasso.arrangements.models import ArrangementAuthority
    from incasso.arrangements.schedule import build_schedule
    from incasso.arrangements.services import arrangement_propose
    from incasso.cases.selectors import case_balance

    time_machine.move_to(dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC), tick=False)
    ArrangementAuthority.objects.create(user=officer, max_months=1, max_balance=Decimal("100.00"))
    schedule = build_schedule(balance=case_balance(case=zorg_letter_case).total, count=4, start_on=FIRST_DUE)
    arrangement = arrangement_propose(
        case=zorg_letter_case, schedule=schedule, officer=officer, today=LETTER_DAY, motivation="vier maanden"
    )
    assert arrangement.status == ArrangementStatus.PENDING
    data, *_ = letter_compose(
        case=zorg_letter_case, template_code="arrangement_confirmation", language="nl", on=LETTER_DAY
    )
    assert (data.payment_amount, data.payment_reference) == (None, zorg_letter_case.payment_reference)
