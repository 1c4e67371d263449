"""Hand-over: refused without approval or documents (nothing changes), forced by an administrator
only, the package's figures equal the calculation core, bailiff updates booked."""

from __future__ import annotations

import csv
import datetime as dt
import json
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from incasso.calculations.sheet import format_money
from incasso.cases.models import Case, EntryKind, Event, LedgerEntry
from incasso.cases.selectors import case_balance
from incasso.cases.statement import case_statement
from incasso.core.exceptions import DomainError
from incasso.legal.models import ClientLegalPolicy, Handover
from incasso.legal.selectors import claim_limitation
from incasso.legal.services import bailiff_update_record, case_handover, handover_approve, handover_request
from incasso.legal.tests.factories import document

AS_OF = dt.date(2026, 3, 1)


def _pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


@pytest.fixture
def ready_case(zorg_case):
    document(zorg_case, "invoice")
    return zorg_case


@pytest.mark.django_db
def test_handover_refused_without_client_approval_and_nothing_changes(ready_case, officer, tmp_path) -> None:
    events = Event.objects.count()
    with pytest.raises(DomainError, match="nog niet goedgekeurd"):
        case_handover(case=ready_case, to="bailiff", actor=officer, out_dir=tmp_path / "p")
    assert Case.objects.get(pk=ready_case.pk).state == "amicable"
    assert Handover.objects.count() == 0 and Event.objects.count() == events
    assert not (tmp_path / "p").exists()


@pytest.mark.django_db
def test_handover_refused_without_invoice_or_contract(zorg_case, officer, zorg_user, tmp_path) -> None:
    document(zorg_case, "correspondence")
    handover_approve(
        handover=handover_request(case=zorg_case, to="bailiff", actor=officer), approver=zorg_user
    )
    with pytest.raises(DomainError, match="factuur of overeenkomst"):
        case_handover(case=zorg_case, to="bailiff", actor=officer, out_dir=tmp_path / "p")
    assert Case.objects.get(pk=zorg_case.pk).state == "amicable"


@pytest.mark.django_db
def test_approved_handover_writes_a_package_whose_figures_equal_the_statement(
    ready_case, officer, zorg_user, tmp_path
) -> None:
    request = handover_request(case=ready_case, to="bailiff", party="Deurwaarders Noord", actor=officer)
    handover_approve(handover=request, approver=zorg_user)
    out = tmp_path / "pakket"
    done = case_handover(case=ready_case, to="bailiff", actor=officer, out_dir=out, as_of=AS_OF)
    assert Case.objects.get(pk=ready_case.pk).state == "bailiff"
    assert done.pk == request.pk and done.status == "handed_over" and done.forced_by is None
    statement = case_statement(case=ready_case, as_of=AS_OF)
    assert statement is not None and statement.interest.charged > 0

    summary = _pdf_text(out / "samenvatting.pdf")
    for amount in (statement.outstanding, statement.principal.charged, statement.interest.charged):
        assert format_money(amount) in summary
    assert "Deurwaarders Noord" in summary and ready_case.number in summary

    data = json.loads((out / "case.json").read_text())
    assert Decimal(data["outstanding"]) == statement.outstanding
    per_claim = sum(Decimal(c["outstanding"]) for c in data["claims"])
    per_bucket = sum(Decimal(b["outstanding"]) for b in data["totals"].values())
    assert per_claim == per_bucket == statement.outstanding
    rows = list(csv.DictReader((out / "claims.csv").open()))
    assert sum(Decimal(r["outstanding"]) for r in rows) == statement.outstanding
    assert sum(Decimal(r["interest_charged"]) for r in rows) == statement.interest.charged

    copied = list((out / "documents").iterdir())
    assert len(copied) == 1 and copied[0].read_bytes() == b"%PDF-1.4 test"
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest == done.package_sha256 and "concept-dagvaarding.docx" in manifest


@pytest.mark.django_db
def test_force_by_a_non_administrator_is_refused(ready_case, supervisor, tmp_path) -> None:
    with pytest.raises(DomainError, match="beheerder"):
        case_handover(
            case=ready_case,
            to="bailiff",
            actor=supervisor,
            force=True,
            reason="spoed",
            out_dir=tmp_path / "p",
        )
    assert Case.objects.get(pk=ready_case.pk).state == "amicable"


@pytest.mark.django_db
def test_force_by_an_administrator_is_logged_with_the_name(ready_case, admin_user, tmp_path) -> None:
    done = case_handover(
        case=ready_case,
        to="lawyer",
        actor=admin_user,
        force=True,
        reason="verjaring dreigt",
        out_dir=tmp_path / "p",
    )
    assert done.forced_by == admin_user and done.force_reason == "verjaring dreigt"
    assert Case.objects.get(pk=ready_case.pk).state == "legal"
    event = Event.objects.filter(case=ready_case, summary__startswith="Overgedragen").get()
    assert "beheerder anna" in event.summary and event.details["forced_by"] == "anna"


@pytest.mark.django_db
def test_client_without_approval_requirement_hands_over_directly(ready_case, officer, zorg, tmp_path) -> None:
    ClientLegalPolicy.objects.create(client=zorg, handover_approval_required=False)
    done = case_handover(case=ready_case, to="bailiff", actor=officer, out_dir=tmp_path / "p")
    assert done.forced_by is None and Case.objects.get(pk=ready_case.pk).state == "bailiff"


@pytest.mark.django_db
def test_staff_approval_on_behalf_of_the_client_needs_a_note(ready_case, officer) -> None:
    request = handover_request(case=ready_case, to="bailiff", actor=officer)
    with pytest.raises(DomainError, match="note"):
        handover_approve(handover=request, approver=officer)
    assert handover_approve(handover=request, approver=officer, note="per mail 3-3").approved_at


@pytest.mark.django_db
def test_other_clients_user_cannot_approve(ready_case, officer, energie_user) -> None:
    request = handover_request(case=ready_case, to="bailiff", actor=officer)
    with pytest.raises(DomainError):
        handover_approve(handover=request, approver=energie_user)


@pytest.mark.django_db
def test_bailiff_updates_are_booked(ready_case, officer) -> None:
    claim = ready_case.claims.get()
    before = case_balance(case=ready_case)
    bailiff_update_record(
        case=ready_case, kind="costs", on=AS_OF, amount=Decimal("112.50"), actor=officer, note="exploot"
    )
    bailiff_update_record(
        case=ready_case, kind="payment_received", on=AS_OF, amount=Decimal("200.00"), actor=officer
    )
    bailiff_update_record(case=ready_case, kind="judgment", on=dt.date(2026, 2, 20), actor=officer)
    bailiff_update_record(case=ready_case, kind="note", on=AS_OF, actor=officer, note="beslag gelegd")
    after = case_balance(case=ready_case)
    assert after.total == before.total + Decimal("112.50") - Decimal("200.00")
    assert after.costs == Decimal("0.00")  # 6:44: the payment goes to the costs first
    assert LedgerEntry.objects.filter(
        case=ready_case, kind=EntryKind.COSTS_CHARGED, source__startswith="bailiff:"
    ).exists()
    assert claim_limitation(claim)[0] == dt.date(2046, 2, 20)
    assert Event.objects.filter(case=ready_case, summary__startswith="Bericht deurwaarder").count() == 4


@pytest.mark.django_db
def test_cli_refuses_without_approval_and_changes_nothing(ready_case, admin_user, tmp_path) -> None:
    with pytest.raises(CommandError, match="refused"):
        call_command(
            "cases", "handover", "--case", ready_case.number, "--to", "bailiff", "--out", str(tmp_path / "p")
        )
    assert Case.objects.get(pk=ready_case.pk).state == "amicable"


@pytest.mark.django_db
def test_cli_force_by_non_admin_is_refused(ready_case, officer, tmp_path) -> None:
    args = ["--case", ready_case.number, "--to", "bailiff", "--out", str(tmp_path / "p")]
    with pytest.raises(CommandError, match="administrator"):
        call_command("cases", "handover", *args, "--force", "--user", "olga", "--reason", "spoed")
    assert Case.objects.get(pk=ready_case.pk).state == "amicable"


@pytest.mark.django_db
def test_cli_force_by_admin_writes_the_package(ready_case, admin_user, tmp_path) -> None:
    out = StringIO()
    args = [
        "--case",
        ready_case.number,
        "--to",
        "bailiff",
        "--out",
        str(tmp_path / "p"),
        "--party",
        "DW Noord",
    ]
    call_command("cases", "handover", *args, "--force", "--user", "anna", "--reason", "spoed", stdout=out)
    assert "overridden by anna" in out.getvalue()
    assert (tmp_path / "p" / "samenvatting.pdf").exists()


@pytest.mark.django_db
def test_a_closed_case_is_not_handed_over(zorg_case, officer):
    from django.utils import translation

    Case.objects.filter(pk=zorg_case.pk).update(state="closed", closed_on=AS_OF, closing_reason="withdrawn")
    before = Event.objects.filter(case=zorg_case).count()
    with translation.override("en"), pytest.raises(DomainError, match="A closed case is not handed over"):
        handover_request(case=zorg_case, to="bailiff", actor=officer)
    assert not Handover.objects.filter(case=zorg_case).exists()
    assert Event.objects.filter(case=zorg_case).count() == before
