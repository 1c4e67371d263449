"""The debtor's requests: each one task for the officer and one portal event, once, or nothing at all."""

from __future__ import annotations

import datetime as dt

import pytest

from incasso.cases.models import Case, Event, Task
from incasso.portal.tests.conftest import NOW, TODAY, login_data
from incasso.strategies.models import Hold, StepExecution
from incasso.strategies.run import daily_run
from incasso.strategies.tests.conftest import make_due_case

START = (TODAY + dt.timedelta(days=7)).strftime("%d-%m-%Y")
PROPOSAL = {
    "step": "send",
    "count": "6",
    "monthly_amount": "",
    "start_on": START,
    "explanation": "Ik verdien weinig",
}
PROMISE = {"amount": "200,00", "due_on": (TODAY + dt.timedelta(days=10)).strftime("%d-%m-%Y")}
DISPUTE = {"reason": "already_paid", "description": "Ik heb op 3 januari al betaald."}
CONTACT = {"email": "jan@example.nl", "phone": "06 12345678"}

REQUESTS = [
    ("/portaal/regeling/", PROPOSAL, "proposal", "Regelingsvoorstel van debiteur via portaal beoordelen"),
    ("/portaal/betaalbelofte/", PROMISE, "promise", "Betaalbelofte van debiteur via portaal"),
    ("/portaal/betwisting/", DISPUTE, "dispute", "betwisting van debiteur via portaal beoordelen"),
    ("/portaal/contactgegevens/", CONTACT, "contact", "Contactgegevens van debiteur via portaal controleren"),
]


def _portal_events(case, action):
    return Event.objects.filter(case=case, kind="portal", details__action=action)


@pytest.mark.parametrize(("url", "data", "action", "title"), REQUESTS, ids=[r[2] for r in REQUESTS])
def test_a_request_makes_one_task_and_one_event_for_the_officer(
    debtor, debtor_case, officer, url, data, action, title
):
    response = debtor.post(url, data, follow=True)
    assert response.redirect_chain == [("/portaal/dossier/", 302)]
    assert "Dank u wel" in response.content.decode() or "Thank you" in response.content.decode()
    task = Task.objects.get(case=debtor_case)
    assert title in task.title and task.assignee == officer and task.kind == "review" and task.due_on == TODAY
    event = _portal_events(debtor_case, action).get()
    assert event.details["task"] == task.pk and event.actor_label == "portal" and event.actor_id is None


@pytest.mark.parametrize(("url", "data", "action", "title"), REQUESTS, ids=[r[2] for r in REQUESTS])
def test_a_double_submit_makes_one_task(debtor, debtor_case, time_machine, url, data, action, title):
    debtor.post(url, data)
    time_machine.move_to(NOW + dt.timedelta(seconds=20), tick=False)
    debtor.post(url, data)
    assert Task.objects.filter(case=debtor_case).count() == 1
    assert _portal_events(debtor_case, action).count() == 1
    time_machine.move_to(NOW + dt.timedelta(minutes=5), tick=False)  # the same request later: a new one
    debtor.post(url, data)
    assert Task.objects.filter(case=debtor_case).count() == 2


def test_the_proposal_is_in_the_event_and_no_arrangement_is_made(debtor, debtor_case):
    debtor.post("/portaal/regeling/", PROPOSAL)
    details = _portal_events(debtor_case, "proposal").get().details
    assert details["count"] == 6 and details["start_on"] == (TODAY + dt.timedelta(days=7)).isoformat()
    assert len(details["schedule"]) == 6 and details["explanation"] == "Ik verdien weinig"
    assert not debtor_case.arrangements.exists()


def test_the_preview_shows_the_schedule_and_writes_nothing(debtor, debtor_case):
    response = debtor.post(
        "/portaal/regeling/", {**PROPOSAL, "step": "preview", "count": "", "monthly_amount": "300"}
    )
    plan = response.context["plan"]
    assert plan.regular_amount == 300 and plan.total == response.context["owed"].total
    assert 'name="step" value="send"' in response.content.decode()
    assert (
        not Task.objects.exists()
        and not Event.objects.filter(kind="portal", details__action="proposal").exists()
    )


BAD = [
    ("/portaal/regeling/", {**PROPOSAL, "count": "50"}, "count"),
    (
        "/portaal/regeling/",
        {**PROPOSAL, "start_on": (TODAY - dt.timedelta(days=1)).strftime("%d-%m-%Y")},
        "start_on",
    ),
    ("/portaal/regeling/", {**PROPOSAL, "count": "", "monthly_amount": "5"}, "monthly_amount"),
    ("/portaal/regeling/", {**PROPOSAL, "count": ""}, "count"),
    (
        "/portaal/betaalbelofte/",
        {**PROMISE, "due_on": (TODAY - dt.timedelta(days=1)).strftime("%d-%m-%Y")},
        "due_on",
    ),
    (
        "/portaal/betaalbelofte/",
        {**PROMISE, "due_on": (TODAY + dt.timedelta(days=31)).strftime("%d-%m-%Y")},
        "due_on",
    ),
    ("/portaal/betaalbelofte/", {**PROMISE, "amount": "0"}, "amount"),
    ("/portaal/betaalbelofte/", {**PROMISE, "amount": "99999"}, "amount"),
    ("/portaal/betwisting/", {**DISPUTE, "description": "   "}, "description"),
    ("/portaal/betwisting/", {**DISPUTE, "reason": "boredom"}, "reason"),
    ("/portaal/contactgegevens/", {"email": "geen-adres", "phone": ""}, "email"),
    ("/portaal/contactgegevens/", {"email": "", "phone": "12"}, "phone"),
    ("/portaal/contactgegevens/", {"email": "", "phone": ""}, "email"),
]


@pytest.mark.parametrize(("url", "data", "field"), BAD)
def test_bad_input_names_the_field_and_writes_nothing(debtor, debtor_case, url, data, field):
    events = Event.objects.count()
    response = debtor.post(url, data)
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    assert f'href="#id_{field}"' in response.content.decode()  # the summary names the field
    assert not Task.objects.exists() and not Hold.objects.exists()
    assert Event.objects.count() == events


@pytest.mark.parametrize(("url", "data", "action", "title"), REQUESTS, ids=[r[2] for r in REQUESTS])
def test_a_closed_case_takes_no_requests(debtor, debtor_case, url, data, action, title):
    Case.objects.filter(pk=debtor_case.pk).update(state="closed", closed_on=TODAY, closing_reason="paid")
    response = debtor.post(url, data)
    assert response.url == "/portaal/dossier/"
    assert debtor.get(url).url == "/portaal/dossier/"
    assert not Task.objects.exists() and not _portal_events(debtor_case, action).exists()


def test_a_dispute_holds_the_case_for_fourteen_days(debtor, debtor_case):
    debtor.post("/portaal/betwisting/", DISPUTE)
    hold = Hold.objects.get(case=debtor_case)
    assert (hold.reason, hold.starts_on, hold.until, hold.created_by) == (
        "dispute",
        TODAY,
        TODAY + dt.timedelta(days=14),
        None,
    )
    assert _portal_events(debtor_case, "dispute").get().details["hold"] == hold.pk


def test_the_dispute_hold_makes_the_daily_run_skip_the_case(client, consumer_route):
    case = make_due_case(version=consumer_route, on=TODAY)
    client.post("/portaal/", login_data(case))
    client.post("/portaal/betwisting/", DISPUTE)
    summary = daily_run(run_date=TODAY, now=NOW)
    assert summary.executed == 0 and summary.skipped["on_hold"] == 1
    assert not StepExecution.objects.filter(case=case).exists()


def test_a_second_dispute_while_held_places_no_second_hold(debtor, debtor_case, time_machine):
    debtor.post("/portaal/betwisting/", DISPUTE)
    time_machine.move_to(NOW + dt.timedelta(minutes=5), tick=False)
    debtor.post("/portaal/betwisting/", {**DISPUTE, "description": "Nog een keer: al betaald."})
    assert Hold.objects.filter(case=debtor_case).count() == 1
    assert Task.objects.filter(case=debtor_case).count() == 2


def test_a_promise_holds_the_automated_steps_until_its_date_and_says_so(debtor, debtor_case):
    response = debtor.post("/portaal/betaalbelofte/", PROMISE, follow=True)
    assert "Tot die datum sturen we u geen herinneringen." in response.content.decode()
    hold = Hold.objects.get(case=debtor_case)
    promised_on = TODAY + dt.timedelta(days=10)
    assert (hold.reason, hold.starts_on, hold.until, hold.created_by) == ("promise", TODAY, promised_on, None)
    event = _portal_events(debtor_case, "promise").get()
    assert event.details["hold"] == hold.pk and event.details["hold_until"] == promised_on.isoformat()
    assert Task.objects.get(case=debtor_case).title.endswith(f"aanhouding tot {promised_on:%d-%m-%Y}")


def test_the_promise_hold_keeps_the_daily_run_off_the_case_until_the_promised_day(client, consumer_route):
    case = make_due_case(version=consumer_route, on=TODAY)
    client.post("/portaal/", login_data(case))
    client.post("/portaal/betaalbelofte/", PROMISE)
    summary = daily_run(run_date=TODAY, now=NOW)
    assert summary.executed == 0 and summary.skipped["on_hold"] == 1
    assert not StepExecution.objects.filter(case=case).exists()


def test_the_login_event_keeps_no_ip_address(debtor, debtor_case):
    login = _portal_events(debtor_case, "login").get()
    assert "ip" not in login.details
