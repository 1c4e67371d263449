from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from incasso.cases.models import EntryKind, LedgerEntry
from incasso.payments.models import BankStatementImport, BankTransaction
from incasso.payments.services import statement_import
from incasso.payments.tests.builders import Line, camt
from incasso.payments.tests.factories import worked_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued() -> BankTransaction:
    statement_import(
        data=camt(
            [
                Line(Decimal("500.00"), name="Onbekende Betaler", text="voor mijn schuld", bank_ref="Q1"),
                Line(Decimal("12.34"), name="Iemand", text="gift", bank_ref="Q2"),
            ]
        ),
        name="queue.xml",
    )
    return BankTransaction.objects.get(amount=Decimal("500.00"))


def test_officer_sees_the_queue_newest_first_and_searches(client, officer, queued) -> None:  # type: ignore[no-untyped-def]
    client.force_login(officer)
    response = client.get(reverse("payments:queue"))
    assert response.status_code == 200
    assert "Onbekende Betaler" in response.text and "Iemand" in response.text
    by_name = client.get(reverse("payments:queue"), {"q": "onbekende"})
    assert "Onbekende Betaler" in by_name.text and "gift" not in by_name.text
    by_amount = client.get(reverse("payments:queue"), {"q": "12,34"})
    assert "gift" in by_amount.text and "voor mijn schuld" not in by_amount.text


def test_a_foreign_currency_line_shows_its_own_currency(client, officer, queued) -> None:  # type: ignore[no-untyped-def]
    BankTransaction.objects.filter(pk=queued.pk).update(currency="SEK", amount=Decimal("30000.00"))
    client.force_login(officer)
    text = client.get(reverse("payments:queue")).text
    assert "SEK 30.000,00" in text and "€ 30.000,00" not in text
    assert "€ 12,34" in text  # euro lines as before


def test_officer_matches_a_transaction_to_a_case(client, officer, queued) -> None:  # type: ignore[no-untyped-def]
    case = worked_case()
    client.force_login(officer)
    response = client.post(reverse("payments:match", args=[queued.pk]), {"case_number": case.number})
    assert response.status_code == 302
    queued.refresh_from_db()
    assert (queued.status, queued.match_rule, queued.case_id) == ("booked", "manual", case.pk)
    assert LedgerEntry.objects.filter(case=case, kind=EntryKind.PAYMENT).count() == 3
    assert "Onbekende Betaler" not in client.get(reverse("payments:queue")).text


def test_matching_to_an_unknown_case_shows_the_error(client, officer, queued) -> None:  # type: ignore[no-untyped-def]
    client.force_login(officer)
    response = client.post(reverse("payments:match", args=[queued.pk]), {"case_number": "2099-999999"})
    assert response.status_code == 400 and "Dossier 2099-999999 niet gevonden" in response.text
    queued.refresh_from_db()
    assert queued.status == "unmatched"


@pytest.mark.parametrize("name", ["payments:queue", "payments:import"])
def test_client_user_gets_403(client, zorg_user, queued, name) -> None:  # type: ignore[no-untyped-def]
    client.force_login(zorg_user)
    assert client.get(reverse(name)).status_code == 403


def test_client_user_cannot_match(client, zorg_user, zorg_case, queued) -> None:  # type: ignore[no-untyped-def]
    client.force_login(zorg_user)
    response = client.post(reverse("payments:match", args=[queued.pk]), {"case_number": zorg_case.number})
    assert response.status_code == 403
    queued.refresh_from_db()
    assert queued.status == "unmatched"


def test_anonymous_is_sent_to_login(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get(reverse("payments:queue"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_upload_books_and_shows_the_summary(client, officer) -> None:  # type: ignore[no-untyped-def]
    case = worked_case()
    client.force_login(officer)
    upload = SimpleUploadedFile("may.xml", camt([Line(Decimal("500.00"), reference=case.payment_reference)]))
    response = client.post(reverse("payments:import"), {"file": upload})
    assert response.status_code == 200
    assert "may.xml" in response.text and "€" in response.text
    assert BankTransaction.objects.get().status == "booked"


@pytest.mark.parametrize(
    "content",
    [
        b"not a bank file",
        b'<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>',
    ],
)
def test_upload_of_a_bad_file_shows_the_error_and_books_nothing(client, officer, content) -> None:  # type: ignore[no-untyped-def]
    client.force_login(officer)
    response = client.post(reverse("payments:import"), {"file": SimpleUploadedFile("broken.xml", content)})
    assert response.status_code == 400
    assert "broken.xml" in response.text
    assert BankStatementImport.objects.count() == 0
