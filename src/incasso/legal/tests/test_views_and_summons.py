"""Summons content (PDF text, .docx paragraphs) and the legal screens' permissions."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from docx import Document as Docx
from pypdf import PdfReader

from incasso.calculations.sheet import format_money
from incasso.cases.models import Case
from incasso.cases.statement import case_statement
from incasso.legal.package import summons_files
from incasso.legal.services import handover_request
from incasso.legal.tests.factories import case_with_claim, document

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2026, 3, 1)


def test_summons_pdf_and_docx_name_parties_court_fee_and_totals(zorg_case) -> None:
    pdf, docx = summons_files(case=zorg_case, as_of=AS_OF)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    statement = case_statement(case=zorg_case, as_of=AS_OF)
    assert statement is not None
    assert "Concept-dagvaarding" in text and "Zorggroep Noord" in text and zorg_case.debtor.last_name in text
    assert (
        "kantonrechter" in text and "€ 350,00" in text
    )  # € 1.250 + interest: band 500.01–1,500, legal person, 2026 table
    assert format_money(statement.outstanding) in text
    paragraphs = [p.text for p in Docx(io.BytesIO(docx)).paragraphs]
    assert any(p.startswith("Eiser vordert") and format_money(statement.outstanding) in p for p in paragraphs)
    assert any("[roldatum]" in p for p in paragraphs)
    cells = [c.text for t in Docx(io.BytesIO(docx)).tables for row in t.rows for c in row.cells]
    assert "ZN-1001" in cells


def test_summons_above_25000_goes_to_the_rechtbank(officer) -> None:
    case = case_with_claim(due_date=dt.date(2025, 1, 1), principal=Decimal("24800.00"))
    _pdf, docx = summons_files(case=case, as_of=AS_OF)  # interest lifts it over 25,000
    paragraphs = " ".join(p.text for p in Docx(io.BytesIO(docx)).paragraphs)
    assert "team handel" in paragraphs and "advocaat" in paragraphs


def test_summons_download_for_staff(client, officer, zorg_case) -> None:
    client.force_login(officer)
    response = client.get(f"/legal/summons/{zorg_case.number}.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    response = client.get(f"/legal/summons/{zorg_case.number}.docx")
    assert response.status_code == 200 and response.content[:2] == b"PK"


@pytest.mark.parametrize(
    "url",
    ["/legal/summons/{n}.pdf", "/legal/summons/{n}.docx", "/legal/handover/{n}/", "/legal/limitation/"],
)
def test_client_users_are_refused(client, zorg_user, zorg_case, url) -> None:
    client.force_login(zorg_user)
    assert client.get(url.format(n=zorg_case.number)).status_code == 403


def test_limitation_list_is_for_supervisors(client, officer, supervisor, zorg_case) -> None:
    client.force_login(officer)
    assert client.get("/legal/limitation/").status_code == 403
    case = case_with_claim(due_date=dt.date(2021, 3, 1))
    client.force_login(supervisor)
    response = client.get("/legal/limitation/?days=36500")
    assert response.status_code == 200
    assert case.number in response.content.decode() and "verjaard" in response.content.decode()


def test_unknown_case_is_404(client, officer) -> None:
    client.force_login(officer)
    assert client.get("/legal/handover/2099-999999/").status_code == 404


def test_handover_page_request_force_and_download(client, officer, admin_user, zorg_case) -> None:
    document(zorg_case, "contract")
    client.force_login(officer)
    page = f"/legal/handover/{zorg_case.number}/"
    assert client.get(page).status_code == 200
    client.post(page, {"action": "request", "to": "bailiff", "party": "DW Noord"})
    response = client.post(page, {"action": "handover", "to": "bailiff"}, follow=True)
    assert "nog niet goedgekeurd" in response.content.decode()
    assert Case.objects.get(pk=zorg_case.pk).state == "amicable"
    client.force_login(admin_user)
    client.post(page, {"action": "force", "to": "bailiff", "reason": "verjaring dreigt"})
    assert Case.objects.get(pk=zorg_case.pk).state == "bailiff"
    handover = zorg_case.handovers.get()
    response = client.get(f"/legal/handover/{zorg_case.number}/{handover.pk}.zip")
    assert response.status_code == 200 and response.content[:2] == b"PK"


def test_other_clients_handover_zip_is_404_for_client_user_of_other_client(
    client, energie_user, zorg_case, officer
) -> None:
    handover_request(case=zorg_case, to="bailiff", actor=officer)
    client.force_login(energie_user)
    assert client.get(f"/legal/handover/{zorg_case.number}/1.zip").status_code in (403, 404)
