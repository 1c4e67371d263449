"""The officer's screens through the test client: list, case screen, actions, download, new case."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from incasso.cases.models import Case, CaseState, Claim, Event, LedgerEntry, Note, Task
from incasso.cases.tests.factories import (
    AddressFactory,
    CaseFactory,
    ClaimFactory,
    ClientFactory,
    UserFactory,
)
from incasso.debtors.models import Address, BankAccount, ContactPoint, Debtor

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Autouse, so it runs before the personas are made: hashing dominates these tests otherwise."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


def detail_url(case: Case) -> str:
    return reverse("cases:detail", args=[case.number])


# --- case list -------------------------------------------------------------------------------


def test_case_list_shows_cases_with_debtor_client_state_and_dutch_balance(officer_client, zorg_case):
    response = officer_client.get(reverse("cases:list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert zorg_case.number in html
    assert zorg_case.debtor.display_name in html
    assert "Zorggroep Noord" in html
    assert "€ 1.250,00" in html
    assert "15-01-2026" in html
    assert "Dossiers" in html  # Dutch is the default language


def test_searching_by_debtor_name_finds_only_that_case(officer_client, zorg_case, energie_case):
    response = officer_client.get(reverse("cases:list"), {"q": energie_case.debtor.last_name})
    html = response.content.decode()
    assert energie_case.number in html
    assert zorg_case.number not in html


@pytest.mark.parametrize("query", ["Johannes van der Berg", "van der Berg", "johannes berg", "Berg Johannes"])
def test_searching_by_the_whole_name_as_the_list_shows_it(officer_client, zorg, officer, zorg_case, query):
    """An officer types the name as the case list and the letters show it, not only the last name."""
    debtor = Debtor.objects.create(
        kind="person", first_names="Johannes", name_prefix="van der", last_name="Berg"
    )
    wanted = CaseFactory(client=zorg, officer=officer, debtor=debtor)
    other = Debtor.objects.create(kind="person", first_names="Johannes", last_name="Vries")
    CaseFactory(client=zorg, officer=officer, debtor=other)
    response = officer_client.get(reverse("cases:list"), {"q": query})
    assert [case.number for case in response.context["page"]] == [wanted.number]


def test_searching_by_invoice_number_and_postcode_finds_the_case(officer_client, zorg_case, energie_case):
    by_invoice = officer_client.get(reverse("cases:list"), {"q": "EZ-2001"}).content.decode()
    by_postcode = officer_client.get(reverse("cases:list"), {"q": "5611aa"}).content.decode()
    assert energie_case.number in by_invoice and zorg_case.number not in by_invoice
    assert energie_case.number in by_postcode and zorg_case.number not in by_postcode


def test_filtering_by_client_and_state(officer_client, zorg_case, energie_case, energie):
    by_client = officer_client.get(reverse("cases:list"), {"client": energie.pk}).content.decode()
    by_state = officer_client.get(reverse("cases:list"), {"state": "legal"}).content.decode()
    assert energie_case.number in by_client and zorg_case.number not in by_client
    assert zorg_case.number not in by_state and "Geen dossiers gevonden" in by_state


def test_htmx_search_returns_only_the_results_table(officer_client, zorg_case):
    response = officer_client.get(reverse("cases:list"), {"q": zorg_case.number}, **HTMX)
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="results"')
    assert zorg_case.number in html
    assert "<html" not in html
    assert "HX-Request" in response["Vary"]


def test_case_list_is_paginated_at_fifty(officer_client, zorg):
    CaseFactory.create_batch(51, client=zorg)
    first = officer_client.get(reverse("cases:list"))
    second = officer_client.get(reverse("cases:list"), {"page": 2})
    assert len(first.context["page"]) == 50
    assert len(second.context["page"]) == 1
    assert "Pagina 1 van 2" in first.content.decode()


def test_case_list_query_count_does_not_grow_with_the_number_of_cases(
    officer_client, zorg, energie, django_assert_max_num_queries
):
    officers = UserFactory.create_batch(3)
    for n in range(30):
        ClaimFactory(case=CaseFactory(client=zorg, officer=officers[n % 3]))
    with django_assert_max_num_queries(7):  # session, user, client scope, clients, officers, count, page
        response = officer_client.get(reverse("cases:list"), {"q": "Jansen", "client": zorg.pk})
    assert response.status_code == 200
    assert len(response.context["page"]) == 30


# --- case screen -----------------------------------------------------------------------------


@pytest.fixture
def full_case(zorg_case, officer):
    debtor = zorg_case.debtor
    AddressFactory(
        debtor=debtor, street="Oude Gracht", valid_from=dt.date(2018, 1, 1), valid_until=dt.date(2019, 12, 31)
    )
    ContactPoint.objects.create(debtor=debtor, kind="email", value="jan@example.nl", source="client")
    ContactPoint.objects.create(
        debtor=debtor,
        kind="phone",
        value="+31612345678",
        source="client",
        is_valid=False,
        invalid_reason="onbereikbaar",
    )
    BankAccount.objects.create(debtor=debtor, iban="NL91ABNA0417164300", source="client")
    LedgerEntry.objects.create(
        case=zorg_case,
        bucket="interest",
        kind="interest_booked",
        amount=Decimal("12.34"),
        value_on=dt.date(2026, 2, 1),
        booked_at=dt.datetime(2026, 2, 1, tzinfo=dt.UTC),
        source="test",
    )
    LedgerEntry.objects.create(
        case=zorg_case,
        bucket="costs",
        kind="costs_charged",
        amount=Decimal("187.50"),
        value_on=dt.date(2026, 2, 1),
        booked_at=dt.datetime(2026, 2, 1, tzinfo=dt.UTC),
        source="test",
    )
    Event.objects.create(
        case=zorg_case,
        kind="created",
        occurred_at=dt.datetime(2026, 1, 15, 9, tzinfo=dt.UTC),
        actor_label="import",
        summary="Dossier aangemaakt (import)",
    )
    Event.objects.create(
        case=zorg_case,
        kind="letter",
        occurred_at=dt.datetime(2026, 1, 20, 9, tzinfo=dt.UTC),
        actor_label="system",
        summary="Aanmaning verstuurd",
    )
    Task.objects.create(
        case=zorg_case, title="Debiteur bellen", due_on=dt.date(2026, 3, 1), created_by=officer
    )
    Note.objects.create(case=zorg_case, author=officer, text="Belde terug, belooft te betalen.")
    zorg_case.payment_reference = "1234567890123456"
    zorg_case.next_action_on = dt.date(2026, 11, 22)
    zorg_case.save()
    return zorg_case


def test_case_screen_header_answers_the_first_questions(officer_client, full_case):
    html = officer_client.get(detail_url(full_case)).content.decode()
    assert full_case.debtor.display_name in html
    assert "Dorpsstraat 1" in html and "1234 AB Utrecht" in html
    assert "Zorggroep Noord" in html
    assert "minnelijke incasso" in html  # state badge, in Dutch
    assert "consument" in html
    assert "1234 5678 9012 3456" in html  # payment reference in groups of four
    assert "€ 1.449,84" in html  # total
    assert "€ 1.250,00" in html and "€ 12,34" in html and "€ 187,50" in html
    assert "22-11-2026" in html  # next action


def test_a_case_with_a_lawyer_shows_no_stale_next_action(officer_client, full_case):
    Case.objects.filter(pk=full_case.pk).update(state="legal")  # the run leaves it; the date is kept
    html = officer_client.get(detail_url(full_case)).content.decode()
    assert "22-11-2026" not in html
    assert (
        "geen: het incassotraject wacht zolang een advocaat of gerechtsdeurwaarder het dossier heeft" in html
    )


def test_case_screen_shows_claims_timeline_newest_first_notes_tasks_and_debtor(officer_client, full_case):
    html = officer_client.get(detail_url(full_case)).content.decode()
    assert "ZN-1001" in html
    assert html.index("Aanmaning verstuurd") < html.index("Dossier aangemaakt (import)")
    assert "Belde terug" in html
    assert "Debiteur bellen" in html
    assert "Oude Gracht" in html  # address history
    assert "jan@example.nl" in html and "onbereikbaar" in html
    assert "NL91ABNA0417164300" in html


def test_case_screen_offers_only_the_allowed_state_changes(officer_client, full_case):
    html = officer_client.get(detail_url(full_case)).content.decode()
    assert '<option value="legal">' in html
    assert '<option value="new">' not in html  # amicable cannot go back to new


def test_case_screen_query_count_is_pinned(officer_client, full_case, django_assert_max_num_queries):
    # session, user, client scope, case, balance, address, interest freezes, 8 sections, the week's calls,
    # the access log entry, the debtor's refused channels (read once for both panels), the holds
    with django_assert_max_num_queries(19):
        response = officer_client.get(detail_url(full_case))
    assert response.status_code == 200


def test_case_screen_for_a_supervisor_adds_one_query_for_seen_by(
    client, supervisor, full_case, django_assert_max_num_queries
):
    client.force_login(supervisor)
    with django_assert_max_num_queries(20):  # the officer's 19 and the "Seen by" panel
        response = client.get(detail_url(full_case))
    assert response.status_code == 200


# --- actions on the case screen --------------------------------------------------------------


def test_adding_a_note_with_htmx_returns_the_notes_and_refreshes_the_timeline(officer_client, zorg_case):
    response = officer_client.post(
        reverse("cases:note_add", args=[zorg_case.number]), {"text": "Gebeld, geen gehoor"}, **HTMX
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="notes"')
    assert 'id="timeline" class="panel" hx-swap-oob="true"' in html
    assert "Gebeld, geen gehoor" in html
    assert zorg_case.notes.get().text == "Gebeld, geen gehoor"


def test_adding_a_note_without_htmx_redirects_back_to_the_case(officer_client, zorg_case):
    response = officer_client.post(
        reverse("cases:note_add", args=[zorg_case.number]), {"text": "Brief ontvangen"}
    )
    assert response.status_code == 302
    assert response["Location"] == detail_url(zorg_case) + "#notes"


def test_an_empty_note_shows_the_services_error_on_the_field(officer_client, zorg_case):
    response = officer_client.post(
        reverse("cases:note_add", args=[zorg_case.number]), {"text": "   "}, **HTMX
    )
    assert "errorlist" in response.content.decode()
    assert not zorg_case.notes.exists()


def test_adding_a_task_and_marking_it_done(officer_client, zorg_case, officer):
    officer_client.post(
        reverse("cases:task_add", args=[zorg_case.number]),
        {"title": "Terugbellen", "kind": "call", "due_on": "2026-12-01"},
        **HTMX,
    )
    task = zorg_case.tasks.get()
    assert (task.title, task.due_on, task.assignee) == ("Terugbellen", dt.date(2026, 12, 1), officer)
    response = officer_client.post(reverse("cases:task_done", args=[zorg_case.number, task.pk]), **HTMX)
    assert response.status_code == 200
    task.refresh_from_db()
    assert task.done_by == officer and task.done_at is not None
    assert "Terugbellen" in response.content.decode()
    done = response.content.decode().split('class="done"')[1].split("</li>")[0]
    assert "Olga" in done and "olga" not in done  # done by a person, as the open tasks show them


def test_marking_another_cases_task_done_is_404(officer_client, zorg_case, energie_case):
    task = Task.objects.create(case=energie_case, title="x", due_on=dt.date(2026, 3, 1))
    response = officer_client.post(reverse("cases:task_done", args=[zorg_case.number, task.pk]))
    assert response.status_code == 404


def test_uploading_and_downloading_a_document(officer_client, zorg_case, media):
    upload = SimpleUploadedFile("factuur ZN-1001.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    response = officer_client.post(
        reverse("cases:document_add", args=[zorg_case.number]), {"file": upload, "kind": "invoice"}, **HTMX
    )
    assert response.status_code == 200
    document = zorg_case.documents.get()
    assert "factuur ZN-1001.pdf" in response.content.decode()
    download = officer_client.get(reverse("cases:document_download", args=[zorg_case.number, document.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert "factuur ZN-1001.pdf" in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == b"%PDF-1.4 test"


def test_uploading_a_forbidden_file_type_shows_the_error_on_the_file_field(officer_client, zorg_case, media):
    upload = SimpleUploadedFile("virus.exe", b"MZ", content_type="application/x-msdownload")
    response = officer_client.post(
        reverse("cases:document_add", args=[zorg_case.number]), {"file": upload, "kind": "other"}
    )
    assert response.status_code == 400
    assert "application/x-msdownload" in response.content.decode()
    assert not zorg_case.documents.exists()


def test_changing_the_state_logs_it_and_redirects(officer_client, zorg_case):
    response = officer_client.post(reverse("cases:transition", args=[zorg_case.number]), {"state": "legal"})
    assert response.status_code == 302
    zorg_case.refresh_from_db()
    assert zorg_case.state == CaseState.LEGAL
    assert zorg_case.events.filter(kind="state_changed").exists()


def test_an_illegal_transition_shows_the_services_message(officer_client, zorg_case):
    response = officer_client.post(reverse("cases:transition", args=[zorg_case.number]), {"state": "new"})
    assert response.status_code == 400
    assert "kan niet naar" in response.content.decode()  # the state machine's message, in Dutch
    zorg_case.refresh_from_db()
    assert zorg_case.state == CaseState.AMICABLE


def test_closing_needs_a_reason(officer_client, zorg_case):
    response = officer_client.post(reverse("cases:transition", args=[zorg_case.number]), {"state": "closed"})
    assert response.status_code == 400
    assert 'data-field="closing_reason"' in response.content.decode()
    response = officer_client.post(
        reverse("cases:transition", args=[zorg_case.number]),
        {"state": "closed", "closing_reason": "withdrawn"},
    )
    zorg_case.refresh_from_db()
    assert (zorg_case.state, zorg_case.closing_reason) == ("closed", "withdrawn")
    # the closed case's page offers what still makes sense: the calculation and limitation, not new steps
    page = officer_client.get(reverse("cases:detail", args=[zorg_case.number])).content.decode()
    for still in ("cases:calculation", "legal:case"):
        assert reverse(still, args=[zorg_case.number]) in page
    for gone in (
        "arrangements:new",
        "arrangements:promise",
        "arrangements:dispute",
        "legal:handover",
        "strategies:move",
    ):
        assert reverse(gone, args=[zorg_case.number]) not in page


# --- a new case by hand ----------------------------------------------------------------------


def _new_case_data(client_pk: int, **overrides: str) -> dict[str, str]:
    data = {
        "client": str(client_pk),
        "debt_type": "",
        "debtor_role": "consumer",
        "client_reference": "REF-77",
        "debtor-kind": "person",
        "debtor-first_names": "Piet",
        "debtor-name_prefix": "de",
        "debtor-last_name": "Vries",
        "debtor-organisation_name": "",
        "debtor-date_of_birth": "1980-05-17",
        "debtor-kvk_number": "",
        "debtor-street": "Kerkstraat",
        "debtor-house_number": "12a",
        "debtor-postcode": "3511ab",
        "debtor-city": "Utrecht",
        "debtor-country": "NL",
        "debtor-email": "piet@example.nl",
        "debtor-phone": "0612345678",
        "debtor-iban": "NL91 ABNA 0417 1643 00",
        "claims-TOTAL_FORMS": "2",
        "claims-INITIAL_FORMS": "0",
        "claims-MIN_NUM_FORMS": "1",
        "claims-MAX_NUM_FORMS": "50",
        "claims-0-invoice_number": "INV-1",
        "claims-0-invoice_date": "2026-01-01",
        "claims-0-due_date": "2026-01-31",
        "claims-0-principal": "1.234,56",
        "claims-0-description": "Levering",
        "claims-1-invoice_number": "INV-2",
        "claims-1-invoice_date": "2026-02-01",
        "claims-1-due_date": "2026-02-28",
        "claims-1-principal": "100",
        "claims-1-description": "",
    }
    from incasso.cases.models import DebtType

    data["debt_type"] = str(DebtType.objects.get(code="services").pk)
    data.update(overrides)
    return data


def _row_counts() -> tuple[int, ...]:
    return tuple(
        m.objects.count()
        for m in (Case, Claim, LedgerEntry, Event, Debtor, Address, ContactPoint, BankAccount)
    )


def test_staff_open_a_case_by_hand_with_debtor_and_claims(officer_client, zorg, officer):
    response = officer_client.get(reverse("cases:create"))
    assert response.status_code == 200
    response = officer_client.post(reverse("cases:create"), _new_case_data(zorg.pk))
    case = Case.objects.get(client_reference="REF-77")
    assert response.status_code == 302 and response["Location"] == detail_url(case)
    assert case.debtor.display_name == "Piet de Vries"
    assert case.officer == officer
    assert [c.principal for c in case.claims.all()] == [Decimal("1234.56"), Decimal("100.00")]
    assert case.debtor.addresses.get().postcode == "3511 AB"
    assert case.debtor.bank_accounts.get().iban == "NL91ABNA0417164300"
    assert case.debtor.language == "nl"  # not chosen: Dutch
    officer_client.post(
        reverse("cases:create"),
        _new_case_data(
            zorg.pk,
            **{
                "client_reference": "REF-78",
                "debtor-language": "en",
                "claims-0-invoice_number": "INV-3",
                "claims-1-invoice_number": "INV-4",
            },
        ),
    )
    assert Case.objects.get(client_reference="REF-78").debtor.language == "en"


def _field_errors(response, field: str) -> list[str]:
    prefix, _sep, name = field.rpartition("-")
    if prefix == "debtor":
        return response.context["debtor_form"].errors.get(name, [])
    index = int(prefix.split("-")[1])
    return response.context["claims"].forms[index].errors.get(name, [])


@pytest.mark.parametrize(
    ("override", "field", "message"),
    [
        ({"debtor-iban": "NL00ABNA0417164300"}, "debtor-iban", "IBAN"),
        ({"claims-1-principal": "-5,00"}, "claims-1-principal", "meer dan nul"),
        (
            {"claims-0-due_date": "2025-12-01"},
            "claims-0-due_date",
            "De vervaldatum 01-12-2025 ligt vóór de factuurdatum 01-01-2026",
        ),
        ({"debtor-postcode": "12345"}, "debtor-postcode", "12345"),
    ],
)
def test_bad_input_shows_an_error_on_the_field_and_writes_nothing(
    officer_client, zorg, override, field, message
):
    before = _row_counts()
    response = officer_client.post(reverse("cases:create"), _new_case_data(zorg.pk, **override))
    assert response.status_code == 400
    errors = _field_errors(response, field)
    assert len(errors) == 1 and message in errors[0]
    assert errors[0] in response.content.decode().replace("&#x27;", "'")
    assert _row_counts() == before


def test_a_case_without_claims_says_so_in_the_officers_words(officer_client, zorg):
    """Not Django's "Please submit at least 1 form.": the officer left the claim row empty."""
    empty_row = {
        f"claims-0-{name}": ""
        for name in ("invoice_number", "invoice_date", "due_date", "principal", "description")
    }
    before = _row_counts()
    officer_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the Dutch comes with the next catalogue
    response = officer_client.post(
        reverse("cases:create"), _new_case_data(zorg.pk, **{"claims-TOTAL_FORMS": "1", **empty_row})
    )
    assert response.status_code == 400
    assert response.context["claims"].non_form_errors() == ["Enter at least one claim."]
    assert "form." not in response.content.decode()
    assert _row_counts() == before


def test_an_invoice_number_already_in_a_case_is_refused_and_nothing_is_written(officer_client, zorg):
    ClaimFactory(case=CaseFactory(client=zorg), invoice_number="INV-2")
    before = _row_counts()
    response = officer_client.post(reverse("cases:create"), _new_case_data(zorg.pk))
    assert response.status_code == 400
    assert "INV-2" in response.content.decode()
    assert _row_counts() == before


def test_client_users_cannot_open_cases(client, zorg_user, zorg):
    client.force_login(zorg_user)
    assert client.get(reverse("cases:create")).status_code == 403
    assert client.post(reverse("cases:create"), _new_case_data(zorg.pk)).status_code == 403
    assert not Case.objects.exists()


# --- chrome ----------------------------------------------------------------------------------


def test_navigation_links_every_screen_and_administration_for_supervisors(
    client, officer, supervisor, zorg_user
):
    client.force_login(officer)
    html = client.get(reverse("cases:list")).content.decode()
    assert "binnenkort" not in html and "Werkvoorraad" in html
    assert f'href="{reverse("reports:index")}"' in html
    assert 'aria-disabled="true">Beheer' in html  # an officer sees Beheer greyed: for supervisors
    assert f'href="{reverse("management")}"' not in html
    assert f'href="{reverse("strategies:queue")}"' in html  # the work queue exists: linked
    client.force_login(supervisor)
    assert f'href="{reverse("management")}"' in client.get(reverse("cases:list")).content.decode()
    client.force_login(zorg_user)  # a client's user: its cases and its reports, nothing of the agency
    html = client.get(reverse("cases:list")).content.decode()
    assert f'href="{reverse("reports:index")}"' in html
    assert "Werkvoorraad" not in html and "Beheer" not in html and "Betalingen" not in html


def test_switching_to_english(officer_client):
    response = officer_client.post(
        reverse("set_language"), {"language": "en", "next": reverse("cases:list")}, follow=True
    )
    html = response.content.decode()
    assert "Work queue" in html and "Werkvoorraad" not in html


def test_login_page_is_dutch_and_logs_in_to_the_case_list(client, officer):
    assert "Inloggen" in client.get(reverse("login")).content.decode()
    response = client.post(reverse("login"), {"username": "olga", "password": "geheim-wachtwoord-1"})
    assert response["Location"] == reverse("cases:list")


def test_an_unknown_case_is_404(officer_client):
    assert officer_client.get(reverse("cases:detail", args=["2026-999999"])).status_code == 404


def test_cases_of_another_client_cannot_be_listed_by_a_client_user(
    client, zorg_user, zorg_case, energie_case
):
    client.force_login(zorg_user)
    html = client.get(reverse("cases:list")).content.decode()
    assert zorg_case.number in html and energie_case.number not in html


def test_a_second_client_is_not_offered_to_client_users(client, zorg_user, zorg_case):
    ClientFactory(name="Ander B.V.")
    client.force_login(zorg_user)
    html = client.get(reverse("cases:list")).content.decode()
    assert "Ander B.V." not in html
    assert "Nieuw dossier" not in html
