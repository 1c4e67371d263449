"""The import (matching with the batch cache, booking and returns in chunks, the name rule asked once at
the end) gives what matching and booking each transaction on its own gives, in file order: every
ledger entry, allocation, transaction, event, task and closing. The file mixes payments that close a
case, names close to a case closed before or after them, a known IBAN, direct debits and their returns
(in the same chunk and in a later one)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from incasso.bankfiles import parse_statement_bytes
from incasso.cases.models import Case
from incasso.cases.position import case_amount_due
from incasso.payments import services
from incasso.payments.booking import transaction_book, transaction_return
from incasso.payments.matching import match_transaction
from incasso.payments.models import BankStatementImport, BankTransaction, TransactionStatus
from incasso.payments.services import statement_import
from incasso.payments.tests.builders import Line, camt
from incasso.payments.tests.factories import worked_case
from incasso.payments.tests.test_chunked_booking import _snapshot

pytestmark = pytest.mark.django_db

ON = dt.date(2024, 5, 20)
IBAN_C = "NL91ABNA0417164300"
IBAN_G = "NL02ABNA0123456789"
PK_IN_TEXT = re.compile(r"(transactie |betaling )(\d+)")


def _reference_import(data: bytes) -> None:
    """Each transaction matched without the cache (the rules' own queries) and booked on its own."""
    result = parse_statement_bytes(data, "ref.xml")
    record = BankStatementImport.objects.create(
        file_name="ref.xml",
        sha256=hashlib.sha256(data).hexdigest(),
        format=result.format,
        imported_at=timezone.now(),
        entries_read=len(result.entries),
    )
    for entry in result.entries:
        txn = services._transaction_new(services._template(record), entry)
        txn.save()
        match = match_transaction(txn)
        if match.status == TransactionStatus.MATCHED and match.case is not None:
            assert match.confidence is not None
            transaction_book(
                txn=txn,
                case=match.case,
                rule=match.rule,
                confidence=match.confidence,
                reason=match.reason,
                instalment=match.instalment,
            )
        elif match.status == TransactionStatus.RETURNED and match.original is not None:
            transaction_return(txn=txn, original=match.original)
        else:
            txn.status, txn.match_rule, txn.confidence = match.status, match.rule, match.confidence
            txn.reason = match.reason[:500]
            txn.case = match.case if match.status == TransactionStatus.SUGGESTED else None
            txn.save()


def _normalised(value: Any, index: dict[str, str]) -> Any:
    """Transaction ids in reasons replaced by their place in the file (the two runs number differently)."""
    if isinstance(value, str):
        return PK_IN_TEXT.sub(lambda m: m[1] + index.get(m[2], m[2]), value)
    if isinstance(value, tuple):
        return tuple(_normalised(v, index) for v in value)
    if isinstance(value, list):
        items = [_normalised(v, index) for v in value]
        return sorted(items) if all(isinstance(v, tuple) for v in items) else items
    if isinstance(value, dict):
        return {k: _normalised(v, index) for k, v in value.items()}
    return value


def _file() -> bytes:
    a = worked_case(name="Brinkhorst")
    worked_case(name="Brinkhorst")  # b: the same name
    c = worked_case(name="Oosterwijk", iban=IBAN_C)
    d = worked_case(name="Vandermolen")
    e = worked_case(name="Zonneveld")
    f = worked_case(name="Kleinjan")
    g = worked_case(name="Hoogeveen", iban=IBAN_G)
    due = {case.pk: case_amount_due(case=case, as_of=ON) for case in (a, c, f, g)}
    lines = [
        Line(Decimal("12.00"), name="Brinkhorts"),  # two open cases by that name: manual queue
        Line(due[a.pk], reference=a.payment_reference),  # closes a
        Line(Decimal("13.00"), name="Brinkhorts"),  # only b is open now: a suggestion
        Line(Decimal("14.00"), name="Kleinjann"),  # f is still open here: a suggestion
        Line(due[f.pk], reference=f.payment_reference),  # closes f
        Line(Decimal("15.00"), name="Kleinjann"),  # f closed before: nothing
        Line(due[c.pk], iban=IBAN_C, text="betaling", name="Oosterwijk"),  # IBAN, the exact balance
        Line(Decimal("50.00"), reference=d.payment_reference, end_to_end="DD-D"),
        Line(Decimal("40.00"), reference=e.payment_reference, end_to_end="DD-E"),
        Line(Decimal("-40.00"), return_reason="MS02", end_to_end="DD-E"),  # its payment still waiting
        Line(Decimal("20.00"), reference=d.payment_reference),
        Line(Decimal("-50.00"), return_reason="MS02", end_to_end="DD-D"),
        Line(Decimal("-50.00"), return_reason="MS02", end_to_end="DD-D"),  # twice: nothing left to take back
        Line(Decimal("30.00"), reference=d.payment_reference),
        Line(Decimal("9.00"), name="Qqxyzw Onbekend"),
        Line(Decimal("16.00"), iban=IBAN_C, name="Oosterwijk"),  # c closed: no IBAN match, no name
        Line(Decimal("17.00"), name="Zonnevelt"),
        Line(Decimal("100.00"), reference=g.payment_reference),
        Line(due[g.pk], iban=IBAN_G, text="betaling"),  # the balance before that payment: a suggestion
        Line(due[g.pk] - 100, iban=IBAN_G, text="rest"),  # the balance after it: booked by IBAN
    ]
    return camt([line for line in lines], statement_id="EQ")


@pytest.mark.parametrize("chunk", [1, 3, 500])
def test_import_equals_matching_and_booking_one_by_one(chunk: int, monkeypatch: pytest.MonkeyPatch) -> None:
    data = _file()
    results = []
    for run in ("reference", "import"):
        monkeypatch.setattr(services, "BOOK_CHUNK", chunk)
        with transaction.atomic():
            if run == "reference":
                _reference_import(data)
            else:
                statement_import(data=data, name="eq.xml")
            ids = list(BankTransaction.objects.order_by("id").values_list("id", flat=True))
            index = {str(pk): f"#{i}" for i, pk in enumerate(ids)}
            results.append(_normalised(_snapshot(ids), index))
            transaction.set_rollback(True)
    reference, imported = results
    statuses = [t[0] for t in reference["txns"]]
    assert statuses.count("returned") == 4 and "suggested" in statuses and "unmatched" in statuses
    assert Case.objects.count() == 7
    for key in reference:
        assert imported[key] == reference[key], key
