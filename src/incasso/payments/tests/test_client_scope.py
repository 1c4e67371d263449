"""Payments for staff restricted to some clients: the bank lines are the agency's money and visible
to every officer, but a suggested case, a reason that names a case, a booking, a remittance and a
statement import stay within the officer's clients."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from incasso.accounts.tests.personas import logged_in, rik, zara
from incasso.payments.models import BankStatementImport, BankTransaction, Remittance
from incasso.payments.selectors import HIDDEN_REASON
from incasso.payments.tests.factories import worked_case

__all__ = ["rik", "zara"]  # fixtures used by name below

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def cases(zorg, energie):
    return worked_case(client=zorg, name="Zwart"), worked_case(client=energie, name="Eikelboom")


@pytest.fixture
def suggested(cases) -> tuple[BankTransaction, BankTransaction]:
    """One suggestion per client, each naming its case in the reason, as the name rule does."""
    record = BankStatementImport.objects.create(
        file_name="t.xml", sha256="0" * 64, format="camt.053", imported_at=timezone.now(), entries_read=2
    )
    made = []
    for n, case in enumerate(cases):
        made.append(
            BankTransaction.objects.create(
                statement_import=record,
                account_iban="NL20INGB0001234567",
                key=f"S{n}",
                booking_date=dt.date(2024, 5, 20),
                value_date=dt.date(2024, 5, 20),
                amount=Decimal("99.00"),
                counterparty_name=f"Betaler {case.debtor.last_name}",
                remittance_text=f"betaling {n}",
                status="suggested",
                case=case,
                reason=f"naam lijkt op debiteur {case.debtor.last_name} van dossier {case.number}",
            )
        )
    return made[0], made[1]


def test_restricted_officer_sees_every_bank_line_but_only_her_suggestions(zara, cases, suggested):
    zorg_case, energie_case = cases
    page = logged_in(zara).get(reverse("payments:queue")).content.decode()
    assert "Betaler Zwart" in page and "Betaler Eikelboom" in page  # agency money: both lines
    assert f'value="{zorg_case.number}"' in page and "debiteur Zwart" in page
    assert energie_case.number not in page and "debiteur Eikelboom" not in page
    assert HIDDEN_REASON in page


def test_restricted_officer_finds_no_other_clients_case_by_number(zara, cases, suggested):
    _zorg_case, energie_case = cases
    response = logged_in(zara).get(reverse("payments:queue"), {"q": energie_case.number})
    assert response.context["page"].paginator.count == 0


def test_unrestricted_officer_sees_every_suggestion(officer, cases, suggested):
    page = logged_in(officer).get(reverse("payments:queue")).content.decode()
    assert all(f'value="{case.number}"' in page for case in cases)
    assert "debiteur Eikelboom" in page and HIDDEN_REASON not in page


def test_restricted_officer_cannot_book_on_another_clients_case(zara, cases, suggested):
    zorg_case, energie_case = cases
    _mine, theirs = suggested
    http = logged_in(zara)
    refused = http.post(reverse("payments:match", args=[theirs.pk]), {"case_number": energie_case.number})
    assert refused.status_code == 400 and "niet gevonden" in refused.content.decode()
    theirs.refresh_from_db()
    assert theirs.status == "suggested"
    booked = http.post(reverse("payments:match", args=[theirs.pk]), {"case_number": zorg_case.number})
    assert booked.status_code == 302
    theirs.refresh_from_db()
    assert (theirs.status, theirs.case_id) == ("booked", zorg_case.pk)


def test_restricted_officer_cannot_import_a_statement(zara, rik):
    for user in (zara, rik):
        response = logged_in(user).get(reverse("payments:import"))
        assert response.status_code == 403
        assert "beperkt tot een deel van de opdrachtgevers" in response.content.decode()


def test_remittances_only_for_clients_in_scope(zara, officer, zorg, energie):
    for client in (zorg, energie):
        Remittance.objects.create(
            client=client,
            period_from=dt.date(2026, 1, 1),
            period_to=dt.date(2026, 1, 31),
            created_at=timezone.now(),
            created_by=officer,
            collected_total=Decimal("10.00"),
            client_amount=Decimal("10.00"),
            agency_amount=Decimal("0.00"),
        )
    http = logged_in(zara)
    listed = http.get(reverse("payments:remittances")).context["page"]
    assert [r.client.code for r in listed] == ["ZORG"]
    theirs = Remittance.objects.get(client=energie)
    assert http.get(reverse("payments:remittance_download", args=[theirs.pk, "csv"])).status_code == 404
    refused = http.post(
        reverse("payments:remittances"),
        {"client": "ENERGIE", "period_from": "2026-02-01", "period_to": "2026-02-28"},
    )
    assert refused.status_code == 400 and Remittance.objects.filter(client=energie).count() == 1
