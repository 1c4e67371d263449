"""Afdracht: what was collected goes to the client (minus costs and commission), to the cent, once."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from lxml import etree
from openpyxl import load_workbook

from incasso.cases.ledger import ledger_reverse
from incasso.cases.models import Bucket, EntryKind, LedgerEntry
from incasso.core.exceptions import DomainError
from incasso.payments.models import ClientContract, Remittance, RemittanceLine
from incasso.payments.remittance import (
    remittance_prepare,
    remittance_statement,
    split_collected,
    statement_csv,
    statement_xlsx,
)
from incasso.payments.services import statement_import
from incasso.payments.tests.builders import Line, camt
from incasso.payments.tests.factories import worked_case

pytestmark = pytest.mark.django_db
MAY = (dt.date(2024, 5, 1), dt.date(2024, 5, 31))
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}


def _pay(*lines: tuple[object, str, dt.date]) -> None:
    statement_import(
        data=camt(
            [Line(Decimal(str(a)), reference=ref, on=on, bank_ref=f"R{ref}{on}{a}") for a, ref, on in lines]
        ),
        name="may.xml",
    )


def _ledger_collected(client, period) -> Decimal:  # type: ignore[no-untyped-def]
    payments = LedgerEntry.objects.filter(
        case__client=client, kind=EntryKind.PAYMENT, value_on__range=period
    ).values_list("amount", flat=True)
    return -sum(payments, Decimal(0))


def test_split_parts_add_up_and_commission_is_on_what_the_client_gets() -> None:
    split = split_collected(
        principal=Decimal("100.00"),
        interest=Decimal("10.01"),
        costs=Decimal("15.00"),
        commission_percent=Decimal("12.5"),
        interest_to_client=True,
    )
    assert split.commission == Decimal("13.75")  # 12.5 % of 110.01 = 13.75125
    assert split.to_client == Decimal("96.26")
    assert split.to_client + split.to_agency == Decimal("125.01")


def test_remittance_adds_up_to_the_cent_with_the_ledger_and_pays_the_client_part() -> None:
    case = worked_case()
    other = worked_case(client=case.client)
    ClientContract.objects.create(client=case.client, commission_percent=Decimal("7.5"))
    _pay(
        ("300.00", case.payment_reference, dt.date(2024, 5, 10)),
        ("123.45", other.payment_reference, dt.date(2024, 5, 20)),
        ("2000.00", case.payment_reference, dt.date(2024, 5, 28)),
        ("50.00", case.payment_reference, dt.date(2024, 6, 2)),  # next period
    )
    remittance = remittance_prepare(client=case.client, period_from=MAY[0], period_to=MAY[1], actor=None)

    collected = _ledger_collected(case.client, MAY)
    assert collected == Decimal("2423.45")
    assert remittance.collected_total == collected
    assert remittance.client_amount + remittance.agency_amount == collected
    statement = remittance_statement(remittance=remittance)
    assert len(statement.rows) == 3
    assert statement.total("collected") == collected
    assert statement.total("to_client") == remittance.client_amount
    costs_paid = -sum(
        LedgerEntry.objects.filter(case__client=case.client, kind=EntryKind.PAYMENT, bucket=Bucket.COSTS)
        .filter(value_on__range=MAY)
        .values_list("amount", flat=True),
        Decimal(0),
    )
    assert remittance.agency_amount == costs_paid + remittance.commission_amount

    rows = list(csv.reader(io.StringIO(statement_csv(statement).decode("utf-8-sig")), delimiter=";"))
    body, totals = rows[1:-1], rows[-1]
    money = [sum(Decimal(r[i].replace(",", ".")) for r in body) for i in range(4, 9)]
    assert [Decimal(v.replace(",", ".")) for v in totals[4:9]] == money
    assert money[0] + money[1] + money[2] == collected
    assert money[4] == remittance.client_amount

    ws = load_workbook(io.BytesIO(statement_xlsx(statement))).active
    cells = list(ws.iter_rows(values_only=True))
    assert round(Decimal(str(cells[-1][8])), 2) == remittance.client_amount

    doc = etree.fromstring(bytes(remittance.pain001))
    assert doc.findtext(".//p:GrpHdr/p:CtrlSum", namespaces=NS) == f"{remittance.client_amount:.2f}"
    assert doc.findtext(".//p:CdtrAcct/p:Id/p:IBAN", namespaces=NS) == "NL91ABNA0417164300"
    assert doc.findtext(".//p:InstdAmt", namespaces=NS) == f"{remittance.client_amount:.2f}"


def test_a_ledger_entry_is_never_remitted_twice() -> None:
    case = worked_case()
    _pay(("400.00", case.payment_reference, dt.date(2024, 5, 10)))
    first = remittance_prepare(client=case.client, period_from=MAY[0], period_to=MAY[1], actor=None)
    with pytest.raises(DomainError, match="Nothing collected"):
        remittance_prepare(client=case.client, period_from=MAY[0], period_to=MAY[1], actor=None)
    _pay(("100.00", case.payment_reference, dt.date(2024, 5, 30)))
    second = remittance_prepare(
        client=case.client, period_from=dt.date(2024, 4, 1), period_to=MAY[1], actor=None
    )
    assert second.collected_total == Decimal("100.00")
    entry_ids = list(RemittanceLine.objects.values_list("entry_id", flat=True))
    assert len(entry_ids) == len(set(entry_ids))
    assert first.collected_total + second.collected_total == _ledger_collected(case.client, MAY)


def test_reversed_payment_in_the_period_is_taken_back() -> None:
    case = worked_case()
    _pay(
        ("400.00", case.payment_reference, dt.date(2024, 5, 10)),
        ("250.00", case.payment_reference, dt.date(2024, 5, 12)),
    )
    returned = LedgerEntry.objects.filter(kind=EntryKind.PAYMENT, value_on=dt.date(2024, 5, 12))
    for entry in returned:
        ledger_reverse(entry=entry, actor=None, reason="storno MD01")
    remittance = remittance_prepare(client=case.client, period_from=MAY[0], period_to=MAY[1], actor=None)
    assert remittance.collected_total == Decimal("400.00")
    statement = remittance_statement(remittance=remittance)
    assert {r.kind for r in statement.rows} == {"betaling", "storno"}
    live = LedgerEntry.objects.filter(case=case, value_on__range=MAY).filter(kind__in=["payment", "reversal"])
    assert -sum(live.values_list("amount", flat=True), Decimal(0)) == remittance.collected_total


def test_wrong_client_iban_is_refused_and_nothing_is_saved() -> None:
    case = worked_case()
    _pay(("400.00", case.payment_reference, dt.date(2024, 5, 10)))
    ClientContract.objects.create(client=case.client, remittance_iban="NL91ABNA0417164301")
    with pytest.raises(DomainError, match="is niet geldig"):
        remittance_prepare(client=case.client, period_from=MAY[0], period_to=MAY[1], actor=None)
    assert not Remittance.objects.exists() and not RemittanceLine.objects.exists()


def test_interest_can_stay_with_the_agency() -> None:
    case = worked_case()
    ClientContract.objects.create(client=case.client, interest_to_client=False)
    _pay(("3000.00", case.payment_reference, dt.date(2024, 5, 10)))
    remittance = remittance_prepare(client=case.client, period_from=MAY[0], period_to=MAY[1], actor=None)
    principal = -sum(
        LedgerEntry.objects.filter(kind=EntryKind.PAYMENT, bucket=Bucket.PRINCIPAL).values_list(
            "amount", flat=True
        ),
        Decimal(0),
    )
    assert remittance.client_amount == principal
