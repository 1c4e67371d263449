"""The arrangement page (schedule, agreement, acceptance), the dispute page (ask the client,
resolve), and the arrangements index: who may open them, and bad input named on the field."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse as django_reverse

from incasso.arrangements.disputes import dispute_open
from incasso.arrangements.models import Arrangement, Dispute
from incasso.arrangements.services import arrangement_propose
from incasso.arrangements.tests.conftest import TODAY, plan
from incasso.cases.models import Event, LedgerEntry, Task


@pytest.fixture
def active(zorg_case, officer) -> Arrangement:
    return arrangement_propose(case=zorg_case, schedule=plan(), officer=officer, today=TODAY)


@pytest.fixture
def dispute(zorg_case, officer) -> Dispute:
    return dispute_open(
        case=zorg_case, reason="wrong_amount", description="Bedrag klopt niet", officer=officer
    )


# --- arrangement page --------------------------------------------------------------------------


def test_arrangement_page_shows_schedule_references_and_agreement(client, officer, active):
    client.force_login(officer)
    page = client.get(f"/arrangements/{active.pk}/").content.decode()
    first = active.instalments.order_by("number").first()
    ref = first.payment_reference
    assert f"{ref[:4]} {ref[4:8]} {ref[8:12]} {ref[12:]}" in page
    assert "€ 208,33" in page or "€ 208,35" in page  # 1250 / 6
    assert f"/arrangements/{active.pk}/agreement.pdf" in page
    assert 'name="method" value="signed_upload"' in page and active.agreement_sha256 in page


def test_client_user_reads_own_arrangement_but_cannot_accept_and_others_get_404(
    client, zorg_user, energie_user, active
):
    client.force_login(zorg_user)
    page = client.get(f"/arrangements/{active.pk}/").content.decode()
    assert "Termijnen" in page and 'name="method"' not in page
    assert client.get(f"/arrangements/{active.pk}/agreement.pdf").status_code == 200
    upload = SimpleUploadedFile("getekend.pdf", b"%PDF signed")
    assert (
        client.post(f"/arrangements/{active.pk}/", {"method": "signed_upload", "file": upload}).status_code
        == 403
    )
    client.force_login(energie_user)
    assert client.get(f"/arrangements/{active.pk}/").status_code == 404
    assert client.get(f"/arrangements/{active.pk}/agreement.pdf").status_code == 404
    assert client.get("/arrangements/999999/").status_code == 404
    active.refresh_from_db()
    assert active.accepted_at is None


def test_signed_upload_is_accepted_with_its_hash_and_shown(client, officer, active):
    client.force_login(officer)
    body = b"%PDF-1.4 getekend exemplaar"
    response = client.post(
        f"/arrangements/{active.pk}/",
        {"method": "signed_upload", "file": SimpleUploadedFile("getekend.pdf", body)},
    )
    assert response.status_code == 302 and response["Location"] == f"/arrangements/{active.pk}/"
    active.refresh_from_db()
    assert active.acceptance_method == "signed_upload"
    assert active.signed_upload_sha256 == hashlib.sha256(body).hexdigest()
    page = client.get(f"/arrangements/{active.pk}/").content.decode()
    assert "Geaccepteerd" in page and active.signed_upload_sha256 in page and 'name="method"' not in page
    assert Event.objects.filter(
        case=active.case, summary__startswith="Betalingsregeling geaccepteerd"
    ).exists()


def test_online_acceptance_needs_an_ip_and_the_stored_hash(client, officer, active):
    client.force_login(officer)
    url = f"/arrangements/{active.pk}/"
    r = client.post(url, {"method": "online", "ip": "", "document_sha256": active.agreement_sha256})
    assert r.status_code == 200 and "ip" in r.context["online_form"].errors
    r = client.post(url, {"method": "online", "ip": "192.0.2.10", "document_sha256": "0" * 64})
    assert r.status_code == 200 and "niet de opgeslagen overeenkomst" in r.content.decode()
    r = client.post(
        url,
        {
            "method": "online",
            "ip": "192.0.2.10",
            "document_sha256": active.agreement_sha256,
            "accepted_at": "2030-01-01T10:00",
        },
    )
    assert r.status_code == 200 and "toekomst" in str(r.context["online_form"].errors["accepted_at"])
    active.refresh_from_db()
    assert active.accepted_at is None
    r = client.post(url, {"method": "online", "ip": "192.0.2.10", "document_sha256": active.agreement_sha256})
    assert r.status_code == 302
    active.refresh_from_db()
    assert active.acceptance_method == "online" and active.accepted_ip == "192.0.2.10"


def test_wizard_lands_on_the_new_arrangement(client, officer, zorg_case):
    client.force_login(officer)
    r = client.post(
        f"/arrangements/new/{zorg_case.number}/",
        {"count": "5", "frequency": "monthly", "start_on": "2026-04-01", "down_payment": "0"},
    )
    arrangement = Arrangement.objects.get(case=zorg_case)
    assert r.status_code == 302 and r["Location"] == f"/arrangements/{arrangement.pk}/"


def test_approval_queue_links_to_the_arrangement_page(client, officer, supervisor, zorg_case):
    pending = arrangement_propose(
        case=zorg_case, schedule=plan(count=12), officer=officer, motivation="Laag inkomen", today=TODAY
    )
    client.force_login(supervisor)
    assert f'href="/arrangements/{pending.pk}/"' in client.get("/arrangements/approvals/").content.decode()
    page = client.get(f"/arrangements/{pending.pk}/").content.decode()
    assert "Wacht op goedkeuring" in page and 'name="method"' not in page


# --- index -------------------------------------------------------------------------------------


def test_index_lists_arrangements_and_open_disputes_for_staff_only(
    client, officer, supervisor, zorg_user, active, energie_case
):
    other = dispute_open(case=energie_case, reason="quality", description="Kapot", officer=officer)
    client.force_login(officer)
    page = client.get("/arrangements/").content.decode()
    assert (
        f'href="/arrangements/{active.pk}/"' in page and f'href="/arrangements/disputes/{other.pk}/"' in page
    )
    assert "/arrangements/approvals/" not in page.split("<main")[1]  # officers have no queue
    client.force_login(supervisor)
    page = client.get("/arrangements/").content.decode()
    assert "/arrangements/approvals/" in page.split("<main")[1]
    client.force_login(zorg_user)
    assert client.get("/arrangements/").status_code == 403


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        ("en", ["<h1>Arrangements and disputes</h1>", "Running arrangements (1)", "Still to pay",
                "Arrangements beyond your authority go to a supervisor."]),
        (None, ["<h1>Regelingen en betwistingen</h1>", "Lopende regelingen (1)", "Nog te betalen",
                "Regelingen buiten uw bevoegdheid gaan naar een teamleider."]),  # Dutch, the default
    ],
)  # fmt: skip
def test_index_is_in_the_users_language(client, officer, active, language, texts):
    client.force_login(officer)
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get("/arrangements/").content.decode()
    for text in texts:
        assert text in page
    assert ("Regelingen en betwistingen" in page) == (language is None)


# --- dispute page ------------------------------------------------------------------------------


def test_dispute_page_for_staff_only(client, officer, zorg_user, energie_user, dispute):
    client.force_login(officer)
    page = client.get(f"/arrangements/disputes/{dispute.pk}/").content.decode()
    assert "Bedrag klopt niet" in page and 'value="resolve"' in page
    for user in (zorg_user, energie_user):
        client.force_login(user)
        assert client.get(f"/arrangements/disputes/{dispute.pk}/").status_code in (403, 404)
    client.force_login(officer)
    assert client.get("/arrangements/disputes/999999/").status_code == 404


def test_dispute_form_attaches_case_documents_and_lands_on_the_dispute(
    client, officer, zorg_case, energie_case
):
    from incasso.legal.tests.factories import document

    mine = document(zorg_case, name="factuur.pdf")
    theirs = document(energie_case, name="ander.pdf")
    client.force_login(officer)
    page = client.get(f"/arrangements/dispute/{zorg_case.number}/").content.decode()
    assert "factuur.pdf" in page and "ander.pdf" not in page
    r = client.post(
        f"/arrangements/dispute/{zorg_case.number}/",
        {"reason": "quality", "description": "Slecht", "documents": [theirs.pk]},
    )
    assert r.status_code == 200 and not Dispute.objects.exists()
    r = client.post(
        f"/arrangements/dispute/{zorg_case.number}/",
        {"reason": "quality", "description": "Slecht", "documents": [mine.pk]},
    )
    created = Dispute.objects.get()
    assert r["Location"] == f"/arrangements/disputes/{created.pk}/"
    assert list(created.documents.all()) == [mine]


def test_ask_the_client_makes_a_task_and_shows_in_the_history(client, officer, dispute):
    client.force_login(officer)
    url = f"/arrangements/disputes/{dispute.pk}/"
    tasks = Task.objects.filter(
        case=dispute.case
    ).count()  # opening it may have made one (no letterhead here)
    r = client.post(url, {"action": "ask", "question": ""})
    assert r.status_code == 200 and "question" in r.context["ask_form"].errors
    assert Task.objects.filter(case=dispute.case).count() == tasks
    r = client.post(url, {"action": "ask", "question": "Klopt factuur ZN-1001?"})
    assert r.status_code == 302
    assert Task.objects.filter(case=dispute.case, title__contains="Klopt factuur").exists()
    page = client.get(url).content.decode()
    assert "Vraag aan opdrachtgever (betwisting): Klopt factuur ZN-1001?" in page  # the history
    assert 'id="question-' in page and "Klopt factuur ZN-1001?" in page  # the question, open


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"resolution": "partial_write_off", "amount": "1250.01"},
            "hoger dan de openstaande hoofdsom (€ 1.250,00)",
        ),
        ({"resolution": "partial_write_off", "amount": "-10"}, "0.01"),
        ({"resolution": "credit_note", "amount": ""}, "Vul het bedrag"),
        ({"resolution": "continue", "amount": "5"}, "Alleen bij een afboeking"),
    ],
)
def test_bad_resolution_is_named_on_the_amount_and_nothing_is_written(
    client, officer, dispute, data, message
):
    client.force_login(officer)
    r = client.post(f"/arrangements/disputes/{dispute.pk}/", {"action": "resolve", "note": "", **data})
    assert r.status_code == 200
    form = r.context["resolve_form"]
    assert any(message in e for e in form.errors.get("amount", [])), form.errors
    dispute.refresh_from_db()
    assert dispute.resolved_at is None
    assert not LedgerEntry.objects.filter(case=dispute.case, source=f"dispute:{dispute.pk}").exists()


def test_partial_write_off_books_and_shows_the_outcome(client, officer, dispute):
    client.force_login(officer)
    url = f"/arrangements/disputes/{dispute.pk}/"
    r = client.post(
        url, {"action": "resolve", "resolution": "partial_write_off", "amount": "250.00", "note": "coulance"}
    )
    assert r.status_code == 302
    dispute.refresh_from_db()
    assert dispute.resolution == "partial_write_off" and dispute.resolution_amount == Decimal("250.00")
    entry = LedgerEntry.objects.get(case=dispute.case, source=f"dispute:{dispute.pk}")
    assert entry.amount == Decimal("-250.00")
    page = client.get(url).content.decode()
    assert "Afgehandeld" in page and 'value="resolve"' not in page and "€ 250,00" in page


def test_case_screen_panel_lists_promises_and_is_scoped(client, officer, energie_user, zorg_case):
    from decimal import Decimal

    from incasso.arrangements.promises import promise_record

    promise_record(
        case=zorg_case,
        amount=Decimal("50.00"),
        due_on=dt.date(2027, 1, 15),
        officer=officer,
        today=dt.date(2027, 1, 1),
    )
    client.force_login(officer)
    html = client.get(django_reverse("arrangements:case_panel", args=[zorg_case.number])).content.decode()
    assert "€ 50,00" in html
    client.force_login(energie_user)
    assert client.get(django_reverse("arrangements:case_panel", args=[zorg_case.number])).status_code == 404


def test_a_refusal_says_why_in_the_users_language(client, officer):
    from django.urls import reverse

    client.force_login(officer)
    response = client.get(reverse("arrangements:approvals"))
    assert response.status_code == 403 and "Alleen voor teamleiders" in response.content.decode()
    client.cookies["django_language"] = "en"
    assert "Supervisors only" in client.get(reverse("arrangements:approvals")).content.decode()
