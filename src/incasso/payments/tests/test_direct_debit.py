"""Incasso for arrangements: pain.008 files that validate, FRST then RCUR, returns that end a mandate."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
import xmlschema
from lxml import etree

from incasso.core.exceptions import DomainError
from incasso.payments.direct_debit import DebitItem, direct_debit_file, mandate_create
from incasso.payments.models import DirectDebitLine, Mandate
from incasso.payments.services import statement_import
from incasso.payments.tests.builders import SHARED_BANK, Line, camt
from incasso.payments.tests.factories import worked_case

pytestmark = pytest.mark.django_db
RUN = dt.date(2024, 6, 3)
SHARED_XSD = SHARED_BANK / "php-sepa-xml"


def _mandate(case, mandate_id: str = "MND-1") -> Mandate:  # type: ignore[no-untyped-def]
    return mandate_create(
        mandate_id=mandate_id,
        signed_on=dt.date(2024, 5, 1),
        debtor_name="Jan de Vries",
        debtor_iban="NL91 ABNA 0417 1643 00",
        case=case,
    )


def _item(mandate: Mandate, reference: str, amount: str = "125.00") -> DebitItem:
    return DebitItem(mandate, Decimal(amount), RUN, reference)


@pytest.mark.parametrize("version", ["02", "08"])
def test_file_validates_against_the_shared_xsd(version: str) -> None:
    case = worked_case()
    mandate = _mandate(case)
    other = _mandate(worked_case(), "MND-2")
    run = direct_debit_file(
        run_date=RUN,
        items=[_item(mandate, "1000000000000001"), _item(other, "1000000000000002", "80.10")],
        version=version,
    )
    assert run.collection is not None
    data = bytes(run.collection.file)
    schema_file = SHARED_XSD / f"pain.008.001.{version}.xsd"
    if schema_file.exists():  # the shipped copy is validated in the service; this is the independent check
        xmlschema.XMLSchema(schema_file).validate(data.decode())
    ns = {"p": f"urn:iso:std:iso:20022:tech:xsd:pain.008.001.{version}"}
    doc = etree.fromstring(data)
    assert doc.findtext(".//p:GrpHdr/p:CtrlSum", namespaces=ns) == "205.10"
    assert mandate.debtor_bic == "ABNANL2A"


def test_first_collection_is_frst_then_rcur_and_nothing_is_collected_twice() -> None:
    mandate = _mandate(worked_case())
    first = direct_debit_file(
        run_date=RUN, items=[_item(mandate, "1000000000000011"), _item(mandate, "1000000000000012")]
    )
    assert [line.sequence_type for line in first.collection.lines.all()] == ["FRST"]
    assert first.skipped == ["1000000000000012: waits for the first collection on MND-1"]
    second = direct_debit_file(
        run_date=RUN + dt.timedelta(days=30),
        items=[_item(mandate, "1000000000000011"), _item(mandate, "1000000000000012")],
    )
    assert [line.sequence_type for line in second.collection.lines.all()] == ["RCUR"]
    assert second.skipped == ["1000000000000011: already collected"]
    assert b"<SeqTp>RCUR</SeqTp>" in bytes(second.collection.file)
    assert DirectDebitLine.objects.count() == 2


def test_wrong_debtor_iban_is_refused() -> None:
    with pytest.raises(DomainError, match=r"is niet geldig \(de controlecijfers kloppen niet"):
        mandate_create(
            mandate_id="MND-X",
            signed_on=RUN,
            debtor_name="X",
            debtor_iban="NL91ABNA0417164301",
            case=worked_case(),
        )
    assert not Mandate.objects.exists()


def test_md01_return_marks_the_line_and_deactivates_the_mandate() -> None:
    case = worked_case()
    mandate = _mandate(case)
    run = direct_debit_file(run_date=RUN, items=[_item(mandate, "1000000000000021")])
    line = run.collection.lines.get()
    credit = Line(
        Decimal("125.00"),
        on=RUN,
        reference=case.payment_reference,
        end_to_end=line.end_to_end_id,
        mandate="MND-1",
        bank_ref="C1",
    )
    statement_import(data=camt([credit]), name="credit.xml")
    back = Line(
        Decimal("-125.00"),
        on=RUN + dt.timedelta(days=2),
        return_reason="MD01",
        end_to_end=line.end_to_end_id,
        mandate="MND-1",
        bank_ref="R1",
    )
    summary = statement_import(data=camt([back], statement_id="STMT-2"), name="return.xml")
    assert summary.returned == 1
    line.refresh_from_db()
    mandate.refresh_from_db()
    assert line.returned and line.return_reason == "MD01"
    assert not mandate.active and not mandate.first_collected
    later = direct_debit_file(
        run_date=RUN + dt.timedelta(days=30), items=[_item(mandate, "1000000000000022")]
    )
    assert later.collection is None and "not active" in later.skipped[0]


def test_a_file_that_does_not_validate_is_not_stored(settings) -> None:  # type: ignore[no-untyped-def]
    settings.INCASSO_SEPA_CREDITOR_ID = "X" * 40  # longer than Max35Text
    mandate = _mandate(worked_case())
    with pytest.raises(DomainError, match="does not validate"):
        direct_debit_file(run_date=RUN, items=[_item(mandate, "1000000000000031")])
    assert not DirectDebitLine.objects.exists()
    mandate.refresh_from_db()
    assert not mandate.first_collected


def test_shipped_xsds_are_the_iso_ones() -> None:
    shipped = Path(__file__).resolve().parents[1] / "xsd"
    for version in ("02", "08"):
        reference = SHARED_XSD / f"pain.008.001.{version}.xsd"
        if reference.exists():
            assert (shipped / reference.name).read_bytes() == reference.read_bytes()
