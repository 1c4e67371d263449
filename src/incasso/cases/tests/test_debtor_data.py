"""Keeping the debtor's contact data right from the case screen: a move, a new phone number or e-mail
address, and marking what bounced as invalid; each on the timeline of every case of the debtor."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from incasso.accounts.tests.personas import zara  # noqa: F401
from incasso.cases import debtor_data
from incasso.cases.models import Event
from incasso.cases.tests.factories import CaseFactory
from incasso.core.exceptions import DomainError
from incasso.debtors.models import Address, ContactPoint
from incasso.debtors.selectors import debtor_current_address
from incasso.debtors.services import AddressInput

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 24)
NEW = AddressInput(
    street="Kerkstraat", house_number="12a", postcode="3511 lk", city="Utrecht", source="debtor"
)


def _snapshot(debtor):
    return (
        list(Address.objects.filter(debtor=debtor).values_list("street", "valid_until", "is_valid")),
        list(ContactPoint.objects.filter(debtor=debtor).values_list("value", "is_valid")),
        Event.objects.filter(case__debtor=debtor).count(),
    )


def test_a_move_ends_the_old_address_and_is_on_the_timeline_of_every_case_of_the_debtor(zorg_case, officer):
    other = CaseFactory(debtor=zorg_case.debtor)
    old = zorg_case.debtor.addresses.get()
    new = debtor_data.debtor_address_add(
        case=zorg_case, address=NEW, moved_on=dt.date(2026, 11, 1), actor=officer, today=TODAY
    )
    old.refresh_from_db()
    assert old.valid_until == dt.date(2026, 10, 31)
    assert (new.postcode, new.valid_from, new.source) == ("3511 LK", dt.date(2026, 11, 1), "debtor")
    assert debtor_current_address(debtor=zorg_case.debtor) == new
    for case in (zorg_case, other):
        event = Event.objects.get(case=case, kind="debtor_changed")
        assert (
            event.summary
            == "Nieuw adres vanaf 01-11-2026: Kerkstraat 12a, 3511 LK Utrecht (bron: de debiteur)"
        )
        assert event.actor == officer


@pytest.mark.parametrize(
    ("address", "moved_on", "message"),
    [
        (NEW, dt.date(2026, 11, 25), "in de toekomst"),
        (NEW, dt.date(2019, 1, 1), "moet na"),
        (
            AddressInput(street="Kerkstraat", house_number="1", postcode="35111", city="Utrecht"),
            TODAY,
            "postcode",
        ),
        (
            AddressInput(street="", house_number="1", postcode="3511 LK", city="Utrecht"),
            TODAY,
            "niet compleet",
        ),
    ],
    ids=["future", "before-the-current", "bad-postcode", "no-street"],
)
def test_a_move_that_cannot_be_right_is_refused_and_nothing_changes(
    zorg_case, officer, address, moved_on, message
):
    before = _snapshot(zorg_case.debtor)
    with pytest.raises(DomainError, match=message):
        debtor_data.debtor_address_add(
            case=zorg_case, address=address, moved_on=moved_on, actor=officer, today=TODAY
        )
    assert _snapshot(zorg_case.debtor) == before


def test_an_address_marked_invalid_is_no_longer_the_letter_address(zorg_case, officer):
    address = zorg_case.debtor.addresses.get()
    debtor_data.debtor_address_mark_invalid(
        case=zorg_case, address_id=address.pk, reason="retour afzender: verhuisd", actor=officer
    )
    assert debtor_current_address(debtor=zorg_case.debtor) is None
    assert "retour afzender: verhuisd" in Event.objects.get(case=zorg_case, kind="debtor_changed").summary
    with pytest.raises(DomainError, match="al als ongeldig"):
        debtor_data.debtor_address_mark_invalid(
            case=zorg_case, address_id=address.pk, reason="x", actor=officer
        )


def test_another_debtors_address_or_number_cannot_be_touched_from_this_case(zorg_case, energie_case, officer):
    theirs = energie_case.debtor.addresses.get()
    point = ContactPoint.objects.create(debtor=energie_case.debtor, kind="email", value="e@example.nl")
    before = _snapshot(energie_case.debtor)
    with pytest.raises(DomainError, match="niet van deze debiteur"):
        debtor_data.debtor_address_mark_invalid(
            case=zorg_case, address_id=theirs.pk, reason="x", actor=officer
        )
    with pytest.raises(DomainError, match="niet van deze debiteur"):
        debtor_data.debtor_contact_mark_invalid(
            case=zorg_case, contact_point_id=point.pk, reason="x", actor=officer
        )
    assert _snapshot(energie_case.debtor) == before


def test_a_new_phone_number_is_stored_as_e164_and_a_second_time_refused(zorg_case, officer):
    point = debtor_data.debtor_contact_add(
        case=zorg_case, kind="phone", value="06-12 34 56 78", source="debtor", actor=officer
    )
    assert (point.value, point.is_valid) == ("+31612345678", True)
    assert Event.objects.get(case=zorg_case, kind="debtor_changed").summary == (
        "Nieuw telefoonnummer: +31612345678 (bron: de debiteur)"
    )
    with pytest.raises(DomainError, match=r"heeft al \+31612345678"):
        debtor_data.debtor_contact_add(
            case=zorg_case, kind="phone", value="0612345678", source="", actor=officer
        )


def test_an_address_that_bounced_is_marked_and_made_valid_again_when_the_debtor_confirms_it(
    zorg_case, officer
):
    point = ContactPoint.objects.create(debtor=zorg_case.debtor, kind="email", value="jan@example.nl")
    debtor_data.debtor_contact_mark_invalid(
        case=zorg_case, contact_point_id=point.pk, reason="e-mail onbestelbaar", actor=officer
    )
    point.refresh_from_db()
    assert (point.is_valid, point.invalid_reason) == (False, "e-mail onbestelbaar")
    again = debtor_data.debtor_contact_add(
        case=zorg_case, kind="email", value=" Jan@Example.nl ", source="debtor", actor=officer
    )
    assert again.pk == point.pk and again.is_valid and again.invalid_reason == ""
    summaries = list(
        Event.objects.filter(case=zorg_case, kind="debtor_changed")
        .order_by("pk")
        .values_list("summary", flat=True)
    )
    assert summaries == [
        "E-mailadres ongeldig: jan@example.nl (e-mail onbestelbaar)",
        "E-mailadres weer geldig: jan@example.nl (bron: de debiteur)",
    ]


def test_a_bad_email_address_is_named_and_nothing_is_stored(zorg_case, officer):
    with pytest.raises(DomainError) as caught:
        debtor_data.debtor_contact_add(
            case=zorg_case, kind="email", value="jan@", source="debtor", actor=officer
        )
    assert caught.value.field == "email"
    assert not ContactPoint.objects.filter(debtor=zorg_case.debtor).exists()


def test_an_erased_debtor_takes_no_new_data(zorg_case, officer):
    from django.utils import timezone

    zorg_case.debtor.anonymised_at = timezone.now()
    zorg_case.debtor.save()
    with pytest.raises(DomainError, match="verwijderd"):
        debtor_data.debtor_contact_add(
            case=zorg_case, kind="phone", value="0612345678", source="", actor=officer
        )


# --- the screen ---------------------------------------------------------------------------------------


def _url(case, name, *args):
    return reverse(f"cases:{name}", args=[case.number, *args])


def test_the_officer_adds_a_number_with_htmx_and_the_page_reloads(client, zorg_case, officer):
    client.force_login(officer)
    page = client.get(_url(zorg_case, "detail")).content.decode()
    assert "Nieuw e-mailadres of telefoonnummer" in page and "Nieuw adres (de debiteur is verhuisd)" in page
    response = client.post(
        _url(zorg_case, "debtor_contact_add"),
        {
            "contact_point-kind": "phone",
            "contact_point-value": "0612345678",
            "contact_point-source": "debtor",
        },
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 204
    assert response["HX-Refresh"] == "true"
    assert ContactPoint.objects.filter(debtor=zorg_case.debtor, value="+31612345678").exists()


def test_a_bad_move_is_shown_in_the_debtor_section_with_the_field_named(client, zorg_case, officer):
    client.force_login(officer)
    response = client.post(
        _url(zorg_case, "debtor_address_add"),
        {
            "address-street": "Kerkstraat",
            "address-house_number": "1",
            "address-postcode": "35111",
            "address-city": "Utrecht",
            "address-country": "NL",
            "address-moved_on": "01-11-2026",
            "address-source": "debtor",
        },
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert (
        response.status_code == 200 and html.startswith('\n  <section id="debtor"')
    ) or 'id="debtor"' in html
    assert "postcode" in html.lower() and 'id="address-add" open' in html
    assert zorg_case.debtor.addresses.count() == 1


def test_marking_invalid_without_a_reason_says_so(client, zorg_case, officer):
    client.force_login(officer)
    address = zorg_case.debtor.addresses.get()
    response = client.post(
        _url(zorg_case, "debtor_mark_invalid", "address"),
        {"target": address.pk, "reason": ""},
        headers={"HX-Request": "true"},
    )
    assert 'id="invalid-errors"' in response.content.decode()
    address.refresh_from_db()
    assert address.is_valid
    assert (
        client.post(_url(zorg_case, "debtor_mark_invalid", "bank"), {"target": 1, "reason": "x"}).status_code
        == 404
    )


def test_client_users_cannot_change_debtor_data_and_other_clients_cases_are_not_found(
    client,
    zorg_case,
    energie_case,
    zorg_user,
    zara,  # noqa: F811
):
    data = {
        "contact_point-kind": "phone",
        "contact_point-value": "0612345678",
        "contact_point-source": "debtor",
    }
    client.force_login(zorg_user)
    assert client.post(_url(zorg_case, "debtor_contact_add"), data).status_code == 403
    assert "Nieuw e-mailadres of telefoonnummer" not in client.get(_url(zorg_case, "detail")).content.decode()
    client.force_login(zara)  # an officer for Zorggroep Noord only
    assert client.post(_url(energie_case, "debtor_contact_add"), data).status_code == 404
    assert not ContactPoint.objects.exists()


def test_the_language_of_letters_is_changed_on_the_screen_and_recorded(client, zorg_case, officer, zorg_user):
    url = _url(zorg_case, "debtor_language")
    client.force_login(officer)
    page = client.get(_url(zorg_case, "detail")).content.decode()
    assert 'name="debtor-language"' in page and '<option value="nl" selected>' in page
    response = client.post(url, {"debtor-language": "en"}, headers={"HX-Request": "true"})
    assert response.status_code == 204
    zorg_case.debtor.refresh_from_db()
    assert zorg_case.debtor.language == "en"
    assert Event.objects.get(case=zorg_case, kind="debtor_changed").summary == "Taal van brieven: Engels"
    client.post(url, {"debtor-language": "en"})  # the same again: nothing more recorded
    assert Event.objects.filter(case=zorg_case, kind="debtor_changed").count() == 1
    refused = client.post(url, {"debtor-language": "de"}, headers={"HX-Request": "true"})
    assert "Selecteer een geldige keuze" in refused.content.decode()
    client.force_login(zorg_user)
    assert client.post(url, {"debtor-language": "nl"}).status_code == 403
    zorg_case.debtor.refresh_from_db()
    assert zorg_case.debtor.language == "en"
