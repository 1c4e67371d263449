from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from incasso.cases.models import EntryKind, LedgerEntry, Task
from incasso.cases.selectors import case_balance
from incasso.core.exceptions import DomainError
from incasso.payments.models import BankTransaction, TransactionStatus
from incasso.payments.services import statement_import, transaction_match_manual
from incasso.payments.tests.builders import Line, camt
from incasso.payments.tests.factories import worked_case

pytestmark = pytest.mark.django_db


def _import_one(line: Line) -> BankTransaction:
    statement_import(data=camt([line]), name="t.xml")
    return BankTransaction.objects.get()


def test_structured_reference_matches_its_case() -> None:
    case = worked_case()
    txn = _import_one(Line(Decimal("10.00"), reference=case.payment_reference))
    assert (txn.status, txn.case_id, txn.match_rule, txn.confidence) == (
        "booked",
        case.pk,
        "reference",
        Decimal("1.00"),
    )
    assert case.number in txn.reason


def test_payment_reference_in_the_description_matches() -> None:
    case = worked_case()
    ref = case.payment_reference
    grouped = " ".join(ref[i : i + 4] for i in range(0, 16, 4))
    txn = _import_one(Line(Decimal("10.00"), text=f"Betaling kenmerk {grouped} dank u"))
    assert (txn.status, txn.case_id, txn.match_rule) == ("booked", case.pk, "text_reference")


def test_case_number_in_the_description_matches() -> None:
    case = worked_case()
    txn = _import_one(Line(Decimal("10.00"), text=f"dossier {case.number} termijn 1"))
    assert (txn.status, txn.case_id, txn.match_rule) == ("booked", case.pk, "case_number")


def test_invoice_number_in_the_description_matches() -> None:
    case = worked_case()
    invoice = case.claims.get().invoice_number
    txn = _import_one(Line(Decimal("10.00"), text=f"factuur {invoice.lower()}"))
    assert (txn.status, txn.case_id, txn.match_rule) == ("booked", case.pk, "invoice_number")


def test_an_invoice_number_that_contains_a_case_number_is_not_read_as_that_case() -> None:
    """'EN2024-000006' is an invoice number of one case, not case 2024-000006 glued to two letters."""
    other = worked_case()
    case = worked_case()
    case.claims.update(invoice_number=f"EN{other.number}")
    txn = _import_one(Line(Decimal("10.00"), text=f"Betaling factuur EN{other.number}"))
    assert (txn.status, txn.case_id, txn.match_rule) == ("booked", case.pk, "invoice_number")


def test_a_case_number_after_punctuation_still_counts() -> None:
    case = worked_case()
    txn = _import_one(Line(Decimal("10.00"), text=f"dossiernr.{case.number}"))
    assert (txn.status, txn.case_id, txn.match_rule) == ("booked", case.pk, "case_number")


def test_two_case_numbers_go_to_the_manual_queue() -> None:
    a, b = worked_case(), worked_case()
    txn = _import_one(Line(Decimal("10.00"), text=f"{a.number} en {b.number}"))
    assert (txn.status, txn.case_id) == ("unmatched", None)
    assert a.number in txn.reason and b.number in txn.reason
    assert not LedgerEntry.objects.filter(kind=EntryKind.PAYMENT).exists()


def test_reference_of_a_closed_case_is_not_booked() -> None:
    case = worked_case(state="closed", closed_on=dt.date(2024, 5, 1), closing_reason="settled")
    txn = _import_one(Line(Decimal("10.00"), reference=case.payment_reference))
    assert txn.status == "unmatched" and "gesloten" in txn.reason


def test_known_iban_with_the_exact_balance_is_booked() -> None:
    case = worked_case(iban="NL91ABNA0417164300")
    due = Decimal("2500.00") + Decimal("375.00") + Decimal("23.97")  # interest through 2024-05-20
    txn = _import_one(Line(due, iban="NL91ABNA0417164300", name="Iemand Anders"))
    assert (txn.status, txn.match_rule, txn.case_id) == ("booked", "iban", case.pk)
    assert case_balance(case=case).total == 0


def test_known_iban_with_another_amount_is_only_a_suggestion() -> None:
    case = worked_case(iban="NL91ABNA0417164300")
    txn = _import_one(Line(Decimal("100.00"), iban="NL91ABNA0417164300"))
    assert (txn.status, txn.match_rule, txn.case_id) == ("suggested", "iban", case.pk)
    assert not LedgerEntry.objects.filter(kind=EntryKind.PAYMENT).exists()


def test_known_iban_with_two_open_cases_goes_to_the_manual_queue() -> None:
    first = worked_case(iban="NL91ABNA0417164300")
    worked_case(debtor=first.debtor)
    txn = _import_one(Line(Decimal("2898.97"), iban="NL91ABNA0417164300"))
    assert (txn.status, txn.case_id) == ("unmatched", None) and "2 open" in txn.reason


def test_similar_name_is_a_suggestion_never_booked() -> None:
    case = worked_case(name="Van der Berg-Pietersen")
    txn = _import_one(Line(Decimal("75.00"), name="VAN DER BERG PIETERSEN"))
    assert (txn.status, txn.match_rule, txn.case_id) == ("suggested", "name", case.pk)
    assert txn.confidence is not None and txn.confidence >= Decimal("0.90")
    assert not LedgerEntry.objects.filter(kind=EntryKind.PAYMENT).exists()


def test_name_fitting_two_cases_is_not_suggested() -> None:
    worked_case(name="Pietersen")
    worked_case(name="Pietersen")
    txn = _import_one(Line(Decimal("75.00"), name="Pietersen"))
    assert (txn.status, txn.case_id) == ("unmatched", None)


def test_debit_without_return_reason_is_ignored() -> None:
    txn = _import_one(Line(Decimal("-12.50"), name="KPN", text="abonnement"))
    assert txn.status == "ignored"


def test_returned_direct_debit_reverses_the_payment_and_creates_a_task() -> None:
    case = worked_case()
    statement_import(
        data=camt(
            [Line(Decimal("500.00"), reference=case.payment_reference, end_to_end="E2E-1", mandate="M-1")]
        ),
        name="collect.xml",
    )
    after_payment = case_balance(case=case)
    summary = statement_import(
        data=camt(
            [Line(Decimal("-500.00"), dt.date(2024, 5, 24), end_to_end="E2E-1", return_reason="MD06")],
            statement_id="S2",
        ),
        name="return.xml",
    )
    assert summary.returned == 1
    original, storno = BankTransaction.objects.order_by("id")
    assert (original.status, storno.status, storno.returns_id, storno.case_id) == (
        "returned",
        "returned",
        original.pk,
        case.pk,
    )
    assert case_balance(case=case).total == after_payment.total + Decimal("500.00")
    assert LedgerEntry.objects.filter(case=case, kind=EntryKind.REVERSAL).count() == 3
    assert Task.objects.filter(case=case, title__contains="MD06").exists()
    case.refresh_from_db()
    assert case.state == "amicable"


def test_return_without_the_original_goes_to_the_manual_queue() -> None:
    txn = _import_one(Line(Decimal("-50.00"), end_to_end="UNKNOWN", return_reason="AC04"))
    assert txn.status == "unmatched" and "niet gevonden" in txn.reason


def test_manual_match_books_like_an_automatic_one(officer) -> None:  # type: ignore[no-untyped-def]
    case = worked_case()
    txn = _import_one(Line(Decimal("500.00"), name="Onbekend"))
    assert txn.status == "unmatched"
    booked = transaction_match_manual(transaction_id=txn.pk, case_number=case.number, actor=officer)
    assert (booked.status, booked.match_rule, booked.matched_by_id) == ("booked", "manual", officer.pk)
    assert "Olga" in booked.reason
    assert case_balance(case=case).total == Decimal("2398.97")
    with pytest.raises(DomainError):
        transaction_match_manual(transaction_id=txn.pk, case_number=case.number, actor=officer)


def test_manual_match_refuses_unknown_case(officer) -> None:  # type: ignore[no-untyped-def]
    txn = _import_one(Line(Decimal("5.00")))
    with pytest.raises(DomainError, match="Dossier 2099-000001 niet gevonden"):
        transaction_match_manual(transaction_id=txn.pk, case_number="2099-000001", actor=officer)
    txn.refresh_from_db()
    assert txn.status == TransactionStatus.UNMATCHED
