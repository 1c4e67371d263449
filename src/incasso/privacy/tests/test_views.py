"""The privacy screens: only agency-wide supervisors; the access copy; erasure on request."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pytest
from django.urls import reverse

from incasso.cases.models import Event
from incasso.debtors.models import Debtor
from incasso.privacy.services import ANONYMISED
from incasso.privacy.tests.conftest import PERSONAL, close


@pytest.fixture
def restricted_supervisor(zorg):
    from incasso.cases.tests.factories import UserFactory

    user = UserFactory(username="ria", role="supervisor")
    user.clients.add(zorg)
    return user


@pytest.mark.parametrize("who", ["officer", "zorg_user", "restricted_supervisor"])
def test_only_supervisors_without_a_client_restriction_reach_the_privacy_screens(
    request, who, full_file, client
):
    client.force_login(request.getfixturevalue(who))
    pk = full_file.debtor.pk
    assert client.get(reverse("privacy:index")).status_code == 403
    assert client.get(reverse("privacy:debtor", args=[pk])).status_code == 403
    assert client.post(reverse("privacy:export", args=[pk])).status_code == 403
    assert client.post(reverse("privacy:erase", args=[pk]), {"note": "x", "confirm": "on"}).status_code == 403
    assert Debtor.objects.get(pk=pk).anonymised_at is None
    assert not Event.objects.filter(kind="privacy").exists()


def test_anonymous_users_go_to_the_login(client):
    response = client.get(reverse("privacy:index"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_supervisor_finds_the_debtor_by_case_number_and_sees_what_is_held(full_file, supervisor, client):
    client.force_login(supervisor)
    page = client.get(reverse("privacy:index"), {"q": full_file.case.number}).content.decode()
    assert reverse("privacy:debtor", args=[full_file.debtor.pk]) in page
    debtor_page = client.get(reverse("privacy:debtor", args=[full_file.debtor.pk])).content.decode()
    assert "Er is een dossier open" in debtor_page
    assert "Niet zolang er een dossier open is" in debtor_page
    case_page = client.get(reverse("cases:detail", args=[full_file.case.number])).content.decode()
    assert 'id="privacy-link"' in case_page


def test_the_case_screen_shows_officers_no_privacy_link(full_file, officer, client):
    client.force_login(officer)
    assert (
        'id="privacy-link"'
        not in client.get(reverse("cases:detail", args=[full_file.case.number])).content.decode()
    )


def test_the_access_copy_holds_every_record_the_letter_and_the_document_and_is_recorded(
    full_file, supervisor, client
):
    client.force_login(supervisor)
    response = client.post(reverse("privacy:export", args=[full_file.debtor.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = archive.namelist()
    assert "LEESMIJ.txt" in names and "gegevens.json" in names
    assert any(n.startswith("brieven/") and n.endswith(".pdf") for n in names)
    letter = next(n for n in names if n.startswith("brieven/"))
    assert archive.read(letter).startswith(b"%PDF")
    document = next(n for n in names if n.startswith("documenten/"))
    assert archive.read(document) == b"%PDF-1.4 verwijsbrief"
    data = json.loads(archive.read("gegevens.json"))
    assert data["debtor"]["last_name"] == PERSONAL["last_name"]
    assert data["debtor"]["date_of_birth"] == "1971-06-03"
    assert {c["value"] for c in data["contact_points"]} == {PERSONAL["email"], PERSONAL["phone"]}
    assert data["bank_accounts"][0]["iban"] == PERSONAL["iban"]
    (case,) = data["cases"]
    assert case["number"] == full_file.case.number and case["client_name"] == "Zorggroep Noord"
    assert case["claims"][0]["principal"] == "1250.00"  # amounts as exact strings
    assert any(PERSONAL["note"] in n["text"] for n in case["notes"])
    assert case["disputes"][0]["description"] == PERSONAL["dispute"]
    assert case["payments_received"][0]["counterparty_name"] == PERSONAL["payer"]
    (mandate,) = case["mandates"]  # the direct-debit mandate recorded on the case screen
    assert (mandate["debtor_name"], mandate["debtor_iban"]) == (PERSONAL["payer"], PERSONAL["iban"])
    assert data["retention"]["state"] == "open"
    readme = archive.read("LEESMIJ.txt").decode()
    assert "artikel 15" in readme and "Autoriteit Persoonsgegevens" in readme
    recorded = Event.objects.get(case=full_file.case, kind="privacy")
    assert recorded.actor == supervisor and "AVG art. 15" in recorded.summary


def test_erasure_on_request_needs_the_request_and_the_yes_and_names_what_is_missing(
    full_file, supervisor, client
):
    close(full_file.case, on=dt.date(2023, 1, 5), by=supervisor)
    client.force_login(supervisor)
    url = reverse("privacy:erase", args=[full_file.debtor.pk])
    response = client.post(url, {"note": "", "confirm": ""})
    assert response.status_code == 422
    html = response.content.decode()
    assert html.count("Dit veld is verplicht") == 2
    assert Debtor.objects.get(pk=full_file.debtor.pk).last_name == PERSONAL["last_name"]

    response = client.post(url, {"note": "e-mail van 20-11-2026", "confirm": "on"})
    assert response.status_code == 302
    debtor = Debtor.objects.get(pk=full_file.debtor.pk)
    assert debtor.last_name == ANONYMISED
    page = client.get(response["Location"]).content.decode()
    assert "De persoonsgegevens van de debiteur zijn verwijderd." in page
    assert "e-mail van 20-11-2026" in Event.objects.get(case=full_file.case, kind="privacy").summary


def test_erasure_on_request_within_two_years_is_refused_on_the_page(full_file, supervisor, client):
    close(full_file.case, on=dt.date.today() - dt.timedelta(days=200), by=supervisor)
    client.force_login(supervisor)
    response = client.post(
        reverse("privacy:erase", args=[full_file.debtor.pk]), {"note": "telefoon", "confirm": "on"}
    )
    assert response.status_code == 422
    assert "moet worden bewaard tot" in response.content.decode()
    assert Debtor.objects.get(pk=full_file.debtor.pk).anonymised_at is None


def test_the_due_list_the_erase_all_button_and_the_administration_count(zorg, supervisor, client, settings):
    from incasso.cases.tests.factories import CaseFactory, DebtorFactory

    settings.INCASSO_RETENTION_YEARS = 2
    debtor = DebtorFactory(last_name="Lang-Geleden")
    case = CaseFactory(client=zorg, debtor=debtor, state="amicable")
    close(case, on=dt.date(2020, 2, 2), by=supervisor)
    client.force_login(supervisor)
    assert 'id="waiting-privacy"' in client.get(reverse("management")).content.decode()
    page = client.get(reverse("privacy:index")).content.decode()
    assert "Lang-Geleden" in page and "Te verwijderen: 1 debiteur" in page
    response = client.post(reverse("privacy:erase_due"))
    assert response.status_code == 302
    assert Debtor.objects.get(pk=debtor.pk).last_name == ANONYMISED
    assert (
        "Persoonsgegevens van 1 debiteur(en) verwijderd" in client.get(response["Location"]).content.decode()
    )
    assert client.get(reverse("privacy:erase_due")).status_code == 405  # never by a GET
