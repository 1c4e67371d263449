"""Importing claim files through the services: all or nothing, idempotent, grouped by debtor."""

from __future__ import annotations

import csv
from decimal import Decimal

import pytest

from incasso.cases.models import Bucket, Case, CaseState, Claim, Event, EventKind, LedgerEntry
from incasso.cases.selectors import case_balance
from incasso.cases.services import case_transition
from incasso.intake.services import claims_import_file
from incasso.intake.tests.helpers import EXAMPLES, HEADER, counts, csv_bytes, person_row

pytestmark = pytest.mark.django_db


def example_sum() -> Decimal:
    with (EXAMPLES / "claims-example.csv").open(encoding="utf-8", newline="") as f:
        return sum((Decimal(row["principal"]) for row in csv.DictReader(f)), Decimal(0))


def import_example(client, name="claims-example.csv", **kwargs):
    return claims_import_file(client=client, data=(EXAMPLES / name).read_bytes(), file_name=name, **kwargs)


def test_the_example_file_opens_eight_cases_with_thirteen_claims(zorg, officer):
    report = import_example(zorg, actor=officer)
    assert report.ok, report.errors
    assert (len(report.opened), report.claims_created) == (8, 13)
    assert Case.objects.filter(client=zorg).count() == 8
    assert Claim.objects.filter(client=zorg).count() == 13
    principal = sum(
        (case_balance(case=case).principal for case in Case.objects.filter(client=zorg)), Decimal(0)
    )
    assert principal == report.principal == example_sum()
    jan = Case.objects.get(number=report.opened[0].case_number)
    assert jan.claims.count() == 3
    assert jan.client_reference == "PAT-88120"
    assert jan.debtor.bank_accounts.get().iban == "NL64ABNA0417164301"
    imported = jan.events.get(kind=EventKind.IMPORTED)
    assert "claims-example.csv" in imported.summary
    assert imported.details["file"] == "claims-example.csv"
    business = Case.objects.get(debtor__organisation_name="Fysiotherapie Van Dam B.V.")
    assert business.debtor_role == "business"
    assert set(business.claims.values_list("interest_basis", flat=True)) == {"commercial"}


def test_the_xlsx_example_imports_like_the_csv(zorg):
    report = import_example(zorg, "claims-example.xlsx")
    assert report.ok, report.errors
    assert (len(report.opened), report.claims_created, report.principal) == (8, 13, example_sum())


def test_importing_the_same_file_twice_creates_nothing_new(zorg):
    import_example(zorg)
    before = counts()
    again = import_example(zorg, "claims-example.xlsx")
    assert again.ok
    assert (again.opened, again.extended, len(again.skipped)) == ((), (), 13)
    assert counts() == before


def test_a_new_invoice_of_a_known_debtor_goes_into_the_open_case(zorg):
    import_example(zorg)
    jan = Case.objects.get(debtor__last_name="Vries", client=zorg)
    extra = (EXAMPLES / "claims-example.csv").read_text(encoding="utf-8").splitlines()
    new_row = extra[1].replace("ZN-2025-10412", "ZN-2026-00999")
    report = claims_import_file(
        client=zorg, data="\n".join([extra[0], extra[1], new_row]).encode(), file_name="week-2.csv"
    )
    assert report.ok, report.errors
    assert report.opened == ()
    assert [(line.case_number, line.invoice_numbers) for line in report.extended] == [
        (jan.number, ("ZN-2026-00999",))
    ]
    assert [s.row for s in report.skipped] == [2]
    assert jan.claims.count() == 4


def test_a_known_debtor_without_debtor_number_is_found_by_name_and_address(zorg):
    claims_import_file(client=zorg, data=csv_bytes(person_row("F-1")), file_name="a.csv")
    report = claims_import_file(client=zorg, data=csv_bytes(person_row("F-2")), file_name="b.csv")
    assert len(report.extended) == 1 and report.opened == ()
    assert Case.objects.get(client=zorg).claims.count() == 2


def test_a_known_debtor_whose_case_is_closed_gets_a_new_case_for_the_same_debtor(zorg, officer):
    claims_import_file(client=zorg, data=csv_bytes(person_row("F-1")), file_name="a.csv")
    case = Case.objects.get(client=zorg)
    case_transition(case=case, to=CaseState.CLOSED, actor=officer, closing_reason="withdrawn")
    report = claims_import_file(client=zorg, data=csv_bytes(person_row("F-2")), file_name="b.csv")
    assert len(report.opened) == 1
    assert Case.objects.filter(client=zorg, debtor=case.debtor).count() == 2


def test_the_broken_file_writes_nothing_and_lists_every_error(zorg):
    before = counts()
    report = import_example(zorg, "claims-broken.csv")
    assert not report.ok
    assert len(report.errors) == 11
    assert [str(e).split(":")[0] for e in report.errors][:3] == [
        "rij 2, kolom iban",
        "rij 3, kolom due_date",
        "rij 4, kolom principal",
    ]
    assert counts() == before


def test_a_dry_run_reports_but_writes_nothing(zorg):
    before = counts()
    report = import_example(zorg, dry_run=True)
    assert report.ok and report.dry_run
    assert (len(report.opened), report.claims_created) == (8, 13)
    assert all(line.case_number == "" for line in report.opened)
    assert counts() == before


def test_a_failure_while_writing_rolls_back_every_case(zorg, monkeypatch):
    from incasso.core.exceptions import DomainError
    from incasso.intake import services

    real_case_open = services.case_open
    calls = []

    def case_open_failing_third(**kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise DomainError("simulated failure", field="invoice_number")
        return real_case_open(**kwargs)

    monkeypatch.setattr(services, "case_open", case_open_failing_third)
    before = counts()
    report = import_example(zorg)
    assert [e.column for e in report.errors] == ["invoice_number"]
    assert counts() == before


def test_invoice_numbers_of_another_client_do_not_count_as_imported(zorg, energie):
    import_example(zorg)
    report = import_example(energie)
    assert report.ok and len(report.opened) == 8 and report.skipped == ()


def test_wrong_encoding_is_refused_with_the_file_name(zorg):
    data = csv_bytes(person_row("F-1", last_name="Müller")).decode().encode("cp1252")
    report = claims_import_file(client=zorg, data=data, file_name="export.csv")
    assert len(report.errors) == 1
    assert str(report.errors[0]).startswith("export.csv: geen UTF-8")
    assert counts()["Case"] == 0


def test_principal_entries_equal_the_file(zorg):
    report = import_example(zorg)
    total = sum(
        LedgerEntry.objects.filter(case__client=zorg, bucket=Bucket.PRINCIPAL).values_list(
            "amount", flat=True
        )
    )
    assert Decimal(total).quantize(Decimal("0.01")) == example_sum() == report.principal
    assert Event.objects.filter(case__client=zorg, kind=EventKind.IMPORTED).count() == 8


def test_a_taal_column_sets_the_language_of_the_debtors_letters_and_a_wrong_one_is_named(zorg, officer):
    header = HEADER + ",taal"
    good = csv_bytes(
        person_row("EN-1", last_name="Smith") + ",English",
        person_row("NL-1", last_name="Jansen", house="2") + ",",
        header=header,
    )
    report = claims_import_file(client=zorg, data=good, file_name="taal.csv", actor=officer)
    assert not report.errors
    languages = dict(Case.objects.values_list("debtor__last_name", "debtor__language"))
    assert languages == {"Smith": "en", "Jansen": "nl"}

    before = counts()
    bad = csv_bytes(person_row("DE-1", last_name="Müller", house="3") + ",Duits", header=header)
    refused = claims_import_file(client=zorg, data=bad, file_name="taal.csv", actor=officer)
    assert [(e.row, e.column) for e in refused.errors] == [(2, "language")]
    assert "Duits" in str(refused.errors[0]) and "nl, en" in str(refused.errors[0])
    assert counts() == before
