"""Every screen, download and API read that shows a case's personal data records exactly one access
log entry with the right user, case and kind; a case outside the user's scope (404) records none."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.db import DatabaseError
from django.test import Client as HttpClient
from django.urls import reverse

from incasso.api.services import api_token_create
from incasso.arrangements.disputes import dispute_open
from incasso.arrangements.models import Arrangement
from incasso.arrangements.services import arrangement_propose
from incasso.arrangements.tests.conftest import TODAY, plan
from incasso.audit.models import AccessKind, AccessLogEntry, Channel
from incasso.audit.services import access_record
from incasso.cases.selectors import case_balance
from incasso.legal.models import Handover
from incasso.legal.tests.factories import document

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def logged_in(user) -> HttpClient:
    http = HttpClient()
    http.force_login(user)
    return http


def api(user) -> HttpClient:
    _, token = api_token_create(user=user, name="test")
    return HttpClient(headers={"Authorization": f"Bearer {token}"})


def the_one_entry():
    entry = AccessLogEntry.objects.get()  # exactly one, or this raises
    return entry


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def arrangement(zorg_case, officer) -> Arrangement:
    made = arrangement_propose(
        case=zorg_case,
        schedule=plan(balance=str(case_balance(case=zorg_case).total), count=12),
        officer=officer,
        motivation="Laag inkomen",
        today=TODAY,
    )
    Arrangement.objects.filter(pk=made.pk).update(agreement_pdf=b"%PDF-1.4 regeling")
    return made


@pytest.fixture
def handed_over(zorg_case, officer, tmp_path) -> Handover:
    package = tmp_path / "pakket"
    package.mkdir()
    (package / "samenvatting.pdf").write_bytes(b"%PDF-1.4 pakket")
    return Handover.objects.create(
        case=zorg_case,
        to="bailiff",
        status="handed_over",
        requested_by=officer,
        handed_over_by=officer,
        handed_over_at=dt.datetime(2026, 3, 1, 10, tzinfo=dt.UTC),
        package_path=str(package),
    )


SCREENS = {
    "case screen": (lambda c: reverse("cases:detail", args=[c.number]), AccessKind.CASE_SCREEN),
    "calculation sheet": (lambda c: reverse("cases:calculation", args=[c.number]), AccessKind.CALCULATION),
    "calculation as text": (
        lambda c: reverse("cases:calculation", args=[c.number]) + "?format=txt",
        AccessKind.CALCULATION_DOWNLOAD,
    ),
    "summons pdf": (lambda c: f"/legal/summons/{c.number}.pdf", AccessKind.SUMMONS),
    "summons docx": (lambda c: f"/legal/summons/{c.number}.docx", AccessKind.SUMMONS),
}


@pytest.mark.parametrize("name", SCREENS)
def test_a_screen_or_download_records_one_entry(officer, zorg_case, name):
    url, kind = SCREENS[name]
    response = logged_in(officer).get(url(zorg_case))
    assert response.status_code == 200
    entry = the_one_entry()
    assert (entry.user, entry.user_label, entry.case, entry.kind, entry.channel) == (
        officer,
        "olga",
        zorg_case,
        kind,
        Channel.SCREEN,
    )


@pytest.mark.parametrize("name", ["case screen", "calculation sheet", "summons pdf"])
def test_another_clients_case_answers_404_and_records_nothing(zorg_user, energie_case, name):
    url, _kind = SCREENS[name]
    response = logged_in(zorg_user).get(url(energie_case))
    assert response.status_code in (403, 404)  # the summons is staff-only: 403 before the case is looked up
    assert not AccessLogEntry.objects.exists()


def test_a_client_users_own_case_is_recorded_as_theirs(zorg_user, zorg_case):
    assert logged_in(zorg_user).get(reverse("cases:detail", args=[zorg_case.number])).status_code == 200
    entry = the_one_entry()
    assert (entry.user, entry.case, entry.kind) == (zorg_user, zorg_case, AccessKind.CASE_SCREEN)


def test_the_htmx_panels_of_the_case_screen_record_nothing(officer, zorg_case):
    http = logged_in(officer)
    for name in (
        "cases:owed_today",
        "legal:case_limitation",
        "letters:case_messages",
        "arrangements:case_panel",
    ):
        assert http.get(reverse(name, args=[zorg_case.number]), HTTP_HX_REQUEST="true").status_code == 200
    assert not AccessLogEntry.objects.exists()


def test_an_action_on_the_case_screen_records_no_read(officer, zorg_case):
    http = logged_in(officer)
    http.post(reverse("cases:note_add", args=[zorg_case.number]), {"text": "Gebeld"}, HTTP_HX_REQUEST="true")
    assert not AccessLogEntry.objects.exists()  # the note is on the timeline, with its author


def test_a_document_download_records_the_document(officer, zorg_case, media):
    doc = document(zorg_case, "invoice", name="factuur-1001.pdf")
    response = logged_in(officer).get(reverse("cases:document_download", args=[zorg_case.number, doc.pk]))
    assert response.status_code == 200
    entry = the_one_entry()
    assert (entry.case, entry.kind, entry.detail) == (zorg_case, AccessKind.DOCUMENT, "factuur-1001.pdf")


def test_another_clients_document_records_nothing(zorg_user, energie_case, media):
    doc = document(energie_case, "invoice")
    url = reverse("cases:document_download", args=[energie_case.number, doc.pk])
    assert logged_in(zorg_user).get(url).status_code == 404
    assert not AccessLogEntry.objects.exists()


def test_the_arrangement_screen_and_agreement_pdf_each_record_one_entry(zorg_user, zorg_case, arrangement):
    http = logged_in(zorg_user)  # a client user reads its own client's arrangement
    assert http.get(reverse("arrangements:detail", args=[arrangement.pk])).status_code == 200
    assert http.get(reverse("arrangements:agreement", args=[arrangement.pk])).status_code == 200
    kinds = list(AccessLogEntry.objects.order_by("pk").values_list("user__username", "case", "kind"))
    assert kinds == [
        ("zoe", zorg_case.pk, AccessKind.ARRANGEMENT),
        ("zoe", zorg_case.pk, AccessKind.AGREEMENT_PDF),
    ]


def test_another_clients_arrangement_records_nothing(energie_user, arrangement):
    http = logged_in(energie_user)
    assert http.get(reverse("arrangements:detail", args=[arrangement.pk])).status_code == 404
    assert http.get(reverse("arrangements:agreement", args=[arrangement.pk])).status_code == 404
    assert not AccessLogEntry.objects.exists()


def test_the_dispute_screen_records_one_entry(officer, zorg_case):
    dispute = dispute_open(case=zorg_case, reason="quality", description="Klacht", officer=officer)
    assert (
        logged_in(officer).get(reverse("arrangements:dispute_detail", args=[dispute.pk])).status_code == 200
    )
    entry = the_one_entry()
    assert (entry.user, entry.case, entry.kind) == (officer, zorg_case, AccessKind.DISPUTE)


def test_the_hand_over_package_download_records_one_entry(officer, zorg_case, handed_over):
    url = reverse("legal:package", args=[zorg_case.number, handed_over.pk])
    response = logged_in(officer).get(url)
    assert response.status_code == 200 and response.content[:2] == b"PK"
    entry = the_one_entry()
    assert (entry.case, entry.kind, entry.detail) == (zorg_case, AccessKind.LEGAL_PACKAGE, "bailiff")


API_ROUTES = {
    "case": ("/api/v1/cases/{n}", AccessKind.API_CASE),
    "statement": ("/api/v1/cases/{n}/statement?as_of=2026-06-01", AccessKind.API_STATEMENT),
    "timeline": ("/api/v1/cases/{n}/events", AccessKind.API_TIMELINE),
}


@pytest.mark.parametrize("name", API_ROUTES)
def test_an_api_read_records_one_entry_on_the_api_channel(zorg_user, zorg_case, name):
    path, kind = API_ROUTES[name]
    assert api(zorg_user).get(path.format(n=zorg_case.number)).status_code == 200
    entry = the_one_entry()
    assert (entry.user, entry.case, entry.kind, entry.channel) == (zorg_user, zorg_case, kind, Channel.API)


@pytest.mark.parametrize("name", API_ROUTES)
def test_an_api_read_of_another_clients_case_is_404_and_records_nothing(zorg_user, energie_case, name):
    path, _kind = API_ROUTES[name]
    assert api(zorg_user).get(path.format(n=energie_case.number)).status_code == 404
    assert not AccessLogEntry.objects.exists()


def test_the_case_list_and_the_api_contact_check_record_nothing(officer, zorg_case):
    assert logged_in(officer).get(reverse("cases:list")).status_code == 200
    assert api(officer).get(f"/api/v1/cases/{zorg_case.number}/contact-check").status_code == 200
    assert not AccessLogEntry.objects.exists()


# --- when the INSERT fails ------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_failing_insert_is_logged_as_an_error_and_the_page_is_served(
    debt_types,
    officer,
    zorg_case,
    monkeypatch,
    caplog,  # debt_types first: zorg_case needs them
):
    def broken(self, *args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(AccessLogEntry, "save", broken)
    with caplog.at_level(logging.ERROR, logger="incasso.audit.services"):
        response = logged_in(officer).get(reverse("cases:detail", args=[zorg_case.number]))
    assert response.status_code == 200
    assert "access log: could not record case_screen" in caplog.text and "disk full" in caplog.text


def test_a_failing_insert_inside_a_transaction_is_raised(officer, zorg_case, monkeypatch):
    """The test runs inside a transaction: carrying on after a failed statement is not safe there."""

    def broken(self, *args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(AccessLogEntry, "save", broken)
    with pytest.raises(DatabaseError):
        access_record(user=officer, case=zorg_case, kind=AccessKind.CASE_SCREEN)


def test_entries_are_append_only(officer, zorg_case):
    entry = access_record(user=officer, case=zorg_case, kind=AccessKind.CASE_SCREEN)
    assert entry is not None
    entry.kind = AccessKind.DOCUMENT
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        AccessLogEntry.objects.all().delete()
    with pytest.raises(TypeError):
        AccessLogEntry.objects.update(kind=AccessKind.DOCUMENT)
    assert AccessLogEntry.objects.get().kind == AccessKind.CASE_SCREEN
