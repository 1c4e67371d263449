"""The officer records that a debtor refuses a channel; the daily run passes it over from then on."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from incasso.cases.models import Event
from incasso.cases.tests.factories import CaseFactory
from incasso.core.exceptions import DomainError
from incasso.debtors.models import ContactPoint
from incasso.strategies.models import ChannelOptOut, OutgoingMessage
from incasso.strategies.opt_outs import channel_opt_out_set
from incasso.strategies.tests.conftest import MONDAY, make_due_case
from incasso.strategies.tests.test_run import run_on

pytestmark = pytest.mark.django_db


def test_a_refused_channel_is_recorded_on_every_case_and_the_run_passes_it_over(email_route, officer):
    case = make_due_case(version=email_route)
    other = CaseFactory(debtor=case.debtor)
    ContactPoint.objects.create(debtor=case.debtor, kind="email", value="jan@example.nl")
    channel_opt_out_set(case=case, channel="email", opted_out=True, actor=officer, today=MONDAY)
    assert ChannelOptOut.objects.get(debtor=case.debtor).since == MONDAY
    for each in (case, other):
        event = Event.objects.get(case=each, kind="debtor_changed")
        assert event.summary == f"Debiteur wil geen e-mail meer ontvangen (vanaf {MONDAY:%d-%m-%Y})"
    assert run_on(MONDAY).skipped["opt_out"] == 1
    assert not OutgoingMessage.objects.filter(case=case).exists()


def test_allowing_it_again_removes_the_opt_out_and_a_double_click_records_nothing(zorg_case, officer):
    channel_opt_out_set(case=zorg_case, channel="phone", opted_out=True, actor=officer)
    channel_opt_out_set(case=zorg_case, channel="phone", opted_out=True, actor=officer)  # again: no-op
    assert Event.objects.filter(case=zorg_case, kind="debtor_changed").count() == 1
    assert channel_opt_out_set(case=zorg_case, channel="phone", opted_out=False, actor=officer) is None
    assert not ChannelOptOut.objects.exists()
    summaries = Event.objects.filter(case=zorg_case, kind="debtor_changed").order_by("pk")
    assert [e.summary for e in summaries][-1] == "Debiteur: bellen mag weer"


def test_letters_by_post_cannot_be_refused(zorg_case, officer):
    with pytest.raises(DomainError, match="geen brieven per post"):
        channel_opt_out_set(case=zorg_case, channel="letter", opted_out=True, actor=officer)
    assert not ChannelOptOut.objects.exists()


def test_the_case_screen_switches_a_channel_off_and_on(client, zorg_case, officer, zorg_user):
    url = reverse("strategies:opt_out", args=[zorg_case.number])
    client.force_login(officer)
    page = client.get(reverse("cases:detail", args=[zorg_case.number])).content.decode()
    assert "sms: toegestaan" in page
    response = client.post(url, {"channel": "sms", "opted_out": "1"}, headers={"HX-Request": "true"})
    assert response.status_code == 204 and response["HX-Refresh"] == "true"
    page = client.get(reverse("cases:detail", args=[zorg_case.number])).content.decode()
    assert "sms: geweigerd door de debiteur sinds" in page
    # a refusal is named at the top of the page it reloads (htmx does not show a 400), nothing stored
    refused = client.post(url, {"channel": "letter", "opted_out": "1"}, headers={"HX-Request": "true"})
    assert refused.status_code == 204 and refused["HX-Refresh"] == "true"
    page = client.get(reverse("cases:detail", args=[zorg_case.number])).content.decode()
    assert "geen brieven per post" in page
    assert ChannelOptOut.objects.get().channel == "sms"
    assert client.post(url, {"channel": "sms", "opted_out": "0"}).status_code == 302
    assert not ChannelOptOut.objects.exists()
    client.force_login(zorg_user)  # a client user reads, never writes
    assert client.post(url, {"channel": "sms", "opted_out": "1"}).status_code == 403
    assert not ChannelOptOut.objects.exists()


def test_dates_are_the_day_it_was_recorded(zorg_case, officer):
    day = dt.date(2026, 3, 2)
    assert (
        channel_opt_out_set(case=zorg_case, channel="sms", opted_out=True, actor=officer, today=day).since
        == day
    )


def test_a_call_to_a_debtor_who_refused_calls_is_flagged_on_the_screen_in_the_api_and_on_the_timeline(
    client, zorg_case, officer
):
    from incasso.api.services import api_token_create
    from incasso.cases import timeline
    from incasso.cases.contact import contacts_against_the_rules

    channel_opt_out_set(case=zorg_case, channel="phone", opted_out=True, actor=officer)
    client.force_login(officer)
    page = client.get(reverse("cases:detail", args=[zorg_case.number])).content.decode()
    assert 'id="phone-refused"' in page and "De debiteur wil niet gebeld worden" in page

    _, token = api_token_create(user=officer, name="dialler")
    check = client.get(
        f"/api/v1/cases/{zorg_case.number}/contact-check", headers={"Authorization": f"Bearer {token}"}
    ).json()
    assert check["phone_refused"] is True

    event = timeline.contact_log(case=zorg_case, kind="call", outcome="no_answer", actor=officer)
    assert event.details["phone_refused"] is True
    assert event.summary.endswith("de debiteur wil niet gebeld worden]")  # after the hours, if any
    assert event in contacts_against_the_rules(since=dt.date(2000, 1, 1), user=officer)
    visit = timeline.contact_log(case=zorg_case, kind="visit", outcome="reached", actor=officer)
    assert "phone_refused" not in visit.details  # the refusal is the phone's
