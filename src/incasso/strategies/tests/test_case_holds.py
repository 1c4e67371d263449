"""Holds placed by hand on the case screen: debt counselling, insolvency, deceased. The daily run
leaves the case alone while one runs; the holds of arrangements, promises and disputes stay theirs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from incasso.cases.models import Event
from incasso.core.exceptions import DomainError
from incasso.strategies.holds import case_hold_place, case_hold_release, hold_place
from incasso.strategies.models import Hold, StepExecution
from incasso.strategies.tests.conftest import MONDAY, make_due_case
from incasso.strategies.tests.test_run import run_on

pytestmark = pytest.mark.django_db


def test_a_debt_counselling_hold_keeps_the_run_off_the_case_until_it_is_ended(consumer_route, officer):
    case = make_due_case(version=consumer_route)
    hold = case_hold_place(
        case=case,
        reason="debt_counselling",
        until=None,
        note="Gemeente Utrecht, traject gestart",
        actor=officer,
        today=MONDAY,
    )
    assert run_on(MONDAY).skipped["on_hold"] == 1
    assert not StepExecution.objects.filter(case=case).exists()
    assert Event.objects.filter(case=case, summary="Aangehouden: schuldhulpverlening").exists()
    case_hold_release(case=case, hold_id=hold.pk, actor=officer)
    assert run_on(MONDAY + dt.timedelta(days=1)).executed == 1


@pytest.mark.parametrize(
    ("reason", "until", "message"),
    [
        ("dispute", None, "eigen scherm"),
        ("deceased", dt.date(2026, 2, 1), "in het verleden"),
    ],
)
def test_a_hold_that_cannot_be_placed_here_is_refused_and_nothing_is_held(
    zorg_case, officer, reason, until, message
):
    with pytest.raises(DomainError, match=message):
        case_hold_place(case=zorg_case, reason=reason, until=until, note="", actor=officer, today=MONDAY)
    assert not Hold.objects.exists()


def test_the_same_reason_twice_is_refused_and_another_apps_hold_cannot_be_ended_here(zorg_case, officer):
    case_hold_place(case=zorg_case, reason="insolvency", until=None, note="", actor=officer, today=MONDAY)
    with pytest.raises(DomainError, match="al aangehouden"):
        case_hold_place(case=zorg_case, reason="insolvency", until=None, note="", actor=officer, today=MONDAY)
    promise = hold_place(
        case=zorg_case, reason="promise", starts_on=MONDAY, until=MONDAY + dt.timedelta(days=9)
    )
    with pytest.raises(DomainError, match="niet worden beëindigd"):
        case_hold_release(case=zorg_case, hold_id=promise.pk, actor=officer)
    assert Hold.objects.get(pk=promise.pk).released_at is None


def test_the_case_screen_shows_the_holds_places_one_and_ends_it(client, zorg_case, officer, zorg_user):
    client.force_login(officer)
    detail = reverse("cases:detail", args=[zorg_case.number])
    assert "Geen aanhoudingen" in client.get(detail).content.decode()
    response = client.post(
        reverse("strategies:hold", args=[zorg_case.number]),
        {"reason": "deceased", "until": "", "note": "Overleden volgens BRP"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 204 and response["HX-Refresh"] == "true"
    page = client.get(detail).content.decode()
    assert "overleden" in page and "Overleden volgens BRP" in page and "Aanhouding beëindigen" in page
    hold = Hold.objects.get(case=zorg_case)
    refused = client.post(
        reverse("strategies:hold", args=[zorg_case.number]), {"reason": "deceased", "until": "", "note": ""}
    )
    assert refused.status_code == 302
    assert "al aangehouden" in client.get(detail).content.decode()  # named at the top after the reload
    client.post(reverse("strategies:hold_end", args=[zorg_case.number, hold.pk]))
    assert Hold.objects.get(pk=hold.pk).released_at is not None
    client.force_login(zorg_user)
    assert (
        client.post(reverse("strategies:hold", args=[zorg_case.number]), {"reason": "deceased"}).status_code
        == 403
    )
