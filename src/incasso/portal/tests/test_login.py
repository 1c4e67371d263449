"""Logging in to the portal: three facts from the letter, a throttle, a session of its own."""

from __future__ import annotations

import datetime as dt

import pytest

from incasso.cases.models import Event
from incasso.cases.tests.factories import AddressFactory, CaseFactory
from incasso.portal.models import PortalLoginAttempt
from incasso.portal.session import CASE_KEY
from incasso.portal.tests.conftest import NOW, login_data

WRONG = "Deze gegevens kennen we niet"


def test_debtor_logs_in_with_the_details_on_the_letter(client, debtor_case):
    response = client.post("/portaal/", login_data(debtor_case), follow=True)
    assert response.redirect_chain == [("/portaal/dossier/", 302)]
    assert client.session[CASE_KEY] == debtor_case.pk
    event = Event.objects.get(case=debtor_case, kind="portal")
    assert (event.actor_id, event.actor_label, event.details["action"]) == (None, "portal", "login")
    assert PortalLoginAttempt.objects.get().outcome == "succeeded"


def test_the_details_may_be_typed_as_people_type_them(client, debtor_case):
    ref = debtor_case.payment_reference
    typed = f"{ref[:4]} {ref[4:8]}.{ref[8:12]} {ref[12:]}"
    response = client.post(
        "/portaal/",
        login_data(debtor_case, number=f" {debtor_case.number} ", payment_reference=typed, postcode="1234ab"),
    )
    assert response.status_code == 302 and client.session[CASE_KEY] == debtor_case.pk


@pytest.mark.parametrize(
    "wrong",
    [{"number": "2026-999999"}, {"payment_reference": "1234567890123456"}, {"postcode": "9999 ZZ"}],
    ids=["case number", "payment reference", "postcode"],
)
def test_each_wrong_field_is_refused_with_the_same_message_and_only_the_attempt_is_kept(
    client, debtor_case, wrong
):
    response = client.post("/portaal/", login_data(debtor_case, **wrong))
    assert response.status_code == 200
    assert WRONG in response.content.decode()
    assert CASE_KEY not in client.session
    assert not Event.objects.filter(case=debtor_case).exists()
    attempt = PortalLoginAttempt.objects.get()
    assert attempt.outcome == "failed" and attempt.ip == "127.0.0.1"


def test_an_old_address_postcode_does_not_open_the_case(client, debtor_case):
    """The debtor moved: only the postcode of the current, valid address counts."""
    debtor_case.debtor.addresses.update(valid_until=dt.date(2026, 1, 31))
    AddressFactory(debtor=debtor_case.debtor, postcode="5611 AA", valid_from=dt.date(2026, 2, 1))
    assert WRONG in client.post("/portaal/", login_data(debtor_case)).content.decode()
    assert client.post("/portaal/", login_data(debtor_case, postcode="5611aa")).status_code == 302


def test_an_address_marked_invalid_does_not_open_the_case(client, debtor_case):
    debtor_case.debtor.addresses.update(is_valid=False)
    assert WRONG in client.post("/portaal/", login_data(debtor_case)).content.decode()


def _fail(client, case, **extra):
    return client.post("/portaal/", login_data(case, postcode="0000 XX"), **extra)


def test_five_failures_for_one_case_number_lock_it_for_fifteen_minutes(client, debtor_case, time_machine):
    for _ in range(5):
        assert WRONG in _fail(client, debtor_case).content.decode()
    refused = client.post("/portaal/", login_data(debtor_case))  # even the right details
    assert "U heeft het te vaak geprobeerd" in refused.content.decode()
    assert CASE_KEY not in client.session
    assert PortalLoginAttempt.objects.filter(outcome="refused").count() == 1
    time_machine.move_to(NOW + dt.timedelta(minutes=14), tick=False)
    assert (
        "U heeft het te vaak geprobeerd" in client.post("/portaal/", login_data(debtor_case)).content.decode()
    )
    time_machine.move_to(NOW + dt.timedelta(minutes=15, seconds=1), tick=False)
    assert client.post("/portaal/", login_data(debtor_case)).status_code == 302


def test_five_failures_from_one_ip_lock_that_ip_for_other_case_numbers_too(client, debtor_case):
    other = CaseFactory()
    for n in range(5):
        client.post("/portaal/", login_data(debtor_case, number=f"2026-{n:06d}"))
    assert (
        "U heeft het te vaak geprobeerd" in client.post("/portaal/", login_data(debtor_case)).content.decode()
    )
    # another IP may still try this case number
    elsewhere = client.post("/portaal/", login_data(debtor_case), REMOTE_ADDR="10.0.0.7")
    assert elsewhere.status_code == 302
    assert other.pk != debtor_case.pk


def test_the_session_case_is_the_one_logged_in_and_urls_carry_no_case(debtor, debtor_case, energie_case):
    page = debtor.get("/portaal/dossier/").content.decode()
    assert debtor_case.number in page and energie_case.number not in page
    assert f"/{debtor_case.number}" not in page and f"/{debtor_case.pk}/" not in page


def test_a_session_of_case_a_cannot_reach_case_b(debtor, debtor_case, energie_case):
    """There is no parameter to change: query strings and form fields naming another case are ignored."""
    for url in (
        f"/portaal/dossier/?case={energie_case.pk}",
        f"/portaal/dossier/?number={energie_case.number}",
    ):
        page = debtor.get(url).content.decode()
        assert "ZN-1001" in page and "EZ-2001" not in page  # the invoices of A, not of B
    debtor.post("/portaal/contactgegevens/", {"email": "jan@example.nl", "case": energie_case.pk})
    assert not energie_case.tasks.exists() and debtor_case.tasks.count() == 1


def test_every_portal_page_needs_a_portal_session(client, debtor_case):
    for url in (
        "/portaal/dossier/",
        "/portaal/regeling/",
        "/portaal/betaalbelofte/",
        "/portaal/betwisting/",
        "/portaal/contactgegevens/",
    ):
        assert client.get(url).url == "/portaal/"
        assert client.post(url, {}).url == "/portaal/"
    assert not Event.objects.exists()


def test_a_staff_login_gives_no_portal_access(client, officer, debtor_case):
    client.force_login(officer)
    assert client.get("/portaal/dossier/").url == "/portaal/"


def test_a_portal_session_gives_no_staff_pages(debtor, debtor_case):
    for url in ("/cases/", f"/cases/{debtor_case.number}/", "/arrangements/"):
        response = debtor.get(url)
        assert response.status_code == 302 and response.url.startswith("/login/")


def test_a_portal_login_ends_a_staff_login_in_the_same_browser(client, officer, debtor_case):
    client.force_login(officer)
    client.post("/portaal/", login_data(debtor_case))
    assert client.get("/cases/").url.startswith("/login/")
    assert client.get("/portaal/dossier/").status_code == 200


def test_a_staff_login_on_top_of_a_portal_session_drops_the_portal(debtor, officer):
    debtor.force_login(officer)
    assert debtor.get("/portaal/dossier/").url == "/portaal/"
    assert CASE_KEY not in debtor.session


def test_the_login_cycles_the_session_key(client, debtor_case):
    client.get("/portaal/")
    session = client.session
    session["planted"] = True
    session.save()
    before = session.session_key
    client.post("/portaal/", login_data(debtor_case))
    assert client.session.session_key != before


def test_after_thirty_idle_minutes_the_debtor_is_logged_out(debtor, time_machine):
    time_machine.move_to(NOW + dt.timedelta(minutes=29), tick=False)
    assert debtor.get("/portaal/dossier/").status_code == 200  # activity keeps it alive
    time_machine.move_to(NOW + dt.timedelta(minutes=29 + 31), tick=False)
    response = debtor.get("/portaal/dossier/", follow=True)
    assert response.redirect_chain == [("/portaal/", 302)]
    assert "Daarom hebben we u uitgelogd" in response.content.decode()
    assert CASE_KEY not in debtor.session


def test_logging_out_ends_the_session(debtor):
    response = debtor.post("/portaal/uitloggen/", follow=True)
    assert "U bent uitgelogd" in response.content.decode()
    assert debtor.get("/portaal/dossier/").url == "/portaal/"


def test_portal_pages_are_not_cached_by_the_browser(debtor):
    assert "no-store" in debtor.get("/portaal/dossier/")["Cache-Control"]


def test_an_english_speaking_debtor_gets_the_portal_in_english_unless_the_browser_chose(client, debtor_case):
    debtor_case.debtor.language = "en"
    debtor_case.debtor.save(update_fields=["language"])
    response = client.post("/portaal/", login_data(debtor_case))
    assert response.cookies["django_language"].value == "en"
    assert "What you owe today" in client.get("/portaal/dossier/").content.decode()
    client.post("/portaal/uitloggen/")
    client.cookies["django_language"] = "nl"  # switched to Dutch on this browser: that choice stays
    response = client.post("/portaal/", login_data(debtor_case))
    assert "django_language" not in response.cookies
    assert "Wat u vandaag moet betalen" in client.get("/portaal/dossier/").content.decode()
