"""The upload page: staff only, same import as the command, nothing written on error."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from incasso.cases.models import Case
from incasso.intake.tests.helpers import EXAMPLES, counts

pytestmark = pytest.mark.django_db
URL = "/intake/claims/"


def upload(client, zorg, name, **extra):
    data = {"client": zorg.pk, "file": SimpleUploadedFile(name, (EXAMPLES / name).read_bytes()), **extra}
    return client.post(URL, data)


def test_the_url_is_named():
    assert reverse("intake:claims") == URL


def test_anonymous_users_are_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_client_users_get_403(client, zorg_user):
    client.force_login(zorg_user)
    assert client.get(URL).status_code == 403
    assert client.post(URL).status_code == 403


def test_officer_sees_the_form(client, officer, zorg):
    client.force_login(officer)
    response = client.get(URL)
    assert response.status_code == 200
    assert 'type="file"' in response.content.decode()
    assert "Zorggroep Noord" in response.content.decode()
    assert "Vorderingen importeren" in response.content.decode()  # Dutch by default


def test_officer_imports_the_example_file(client, officer, zorg):
    client.force_login(officer)
    response = upload(client, zorg, "claims-example.csv")
    assert response.status_code == 200
    page = response.content.decode()
    assert Case.objects.filter(client=zorg).count() == 8
    first = Case.objects.filter(client=zorg).order_by("number").first()
    assert first is not None and first.number in page
    assert response.context["report"].claims_created == 13
    assert Case.objects.get(number=first.number).events.filter(actor=officer).exists()


def test_the_error_page_lists_every_error_and_writes_nothing(client, supervisor, zorg):
    client.force_login(supervisor)
    before = counts()
    response = upload(client, zorg, "claims-broken.csv")
    page = response.content.decode()
    assert 'id="import-errors"' in page
    assert "rij 3, kolom due_date: vervaldatum 01-01-2026 ligt vóór factuurdatum 05-01-2026" in page
    assert page.count("<li>rij ") == 11
    assert counts() == before


def test_check_only_writes_nothing(client, officer, zorg):
    client.force_login(officer)
    response = upload(client, zorg, "claims-example.xlsx", dry_run="on")
    assert response.context["report"].dry_run
    assert Case.objects.count() == 0
