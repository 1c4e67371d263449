"""An officer freezes the interest by hand and ends it: the rules, the screen, the sheet."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from incasso.accounts.tests.personas import zara
from incasso.calculations import ClaimFacts, build_statement
from incasso.cases.freezes import (
    interest_freeze_end,
    interest_freeze_end_by_hand,
    interest_freeze_place,
    interest_freeze_start,
)
from incasso.cases.models import Bucket, EntryKind, Event, InterestFreeze, LedgerEntry
from incasso.cases.statement import case_statement
from incasso.core.exceptions import DomainError
from incasso.core.formatting import format_money
from incasso.rates.selectors import rate_tables

pytestmark = pytest.mark.django_db
__all__ = ["zara"]  # a fixture used by name below

OPENED = dt.date(2026, 1, 15)  # CaseFactory's opened_on
FROM, UNTIL, TODAY = dt.date(2026, 2, 1), dt.date(2026, 4, 30), dt.date(2026, 6, 30)


def place(case, officer, **kwargs):
    args = {"starts_on": FROM, "reason": "klacht in onderzoek", "actor": officer, "today": TODAY} | kwargs
    return interest_freeze_place(case=case, **args)


def unchanged(case) -> tuple[list[tuple[object, ...]], int]:
    """What a refusal must leave as it was: the freezes and the timeline."""
    rows = list(InterestFreeze.objects.filter(case=case).values_list("starts_on", "ends_on", "source"))
    return rows, Event.objects.filter(case=case).count()


# --- the service's rules -------------------------------------------------------------------------


def test_a_freeze_by_hand_is_manual_with_its_actor_and_on_the_timeline(zorg_case, officer):
    freeze = place(zorg_case, officer)
    assert (freeze.source, freeze.created_by, freeze.starts_on, freeze.ends_on) == (
        "manual",
        officer,
        FROM,
        None,
    )
    event = Event.objects.get(case=zorg_case, details__interest_freeze=freeze.pk)
    assert event.actor == officer and event.actor_label == "olga"
    assert event.summary == "Rente bevroren vanaf 01-02-2026: klacht in onderzoek"

    ended = interest_freeze_end_by_hand(case=zorg_case, ends_on=UNTIL, actor=officer, today=TODAY)
    assert ended.pk == freeze.pk and ended.ends_on == UNTIL
    end_event = Event.objects.filter(case=zorg_case, details__ends_on=UNTIL.isoformat()).get()
    assert end_event.actor == officer
    assert end_event.summary == "Rentebevriezing beëindigd per 30-04-2026; rente loopt weer vanaf 01-05-2026"


def test_a_freeze_by_hand_may_have_an_agreed_end(zorg_case, officer):
    freeze = place(zorg_case, officer, ends_on=dt.date(2026, 12, 31))
    assert freeze.ends_on == dt.date(2026, 12, 31)
    assert "t/m 31-12-2026" in Event.objects.filter(case=zorg_case).latest("id").summary


@pytest.mark.parametrize(
    ("kwargs", "field", "words"),
    [
        ({"reason": "  "}, "reason", "Reden"),
        ({"reason": "x" * 201}, "reason", "te lang"),
        (
            {"starts_on": OPENED - dt.timedelta(days=1)},
            "starts_on",
            "vóór de opening van het dossier liggen (15-01-2026)",
        ),
        ({"starts_on": TODAY + dt.timedelta(days=1)}, "starts_on", "toekomst"),
        ({"ends_on": FROM - dt.timedelta(days=1)}, "ends_on", "vóór de begindatum"),
    ],
)
def test_a_freeze_by_hand_is_refused_and_nothing_is_written(zorg_case, officer, kwargs, field, words):
    before = unchanged(zorg_case)
    with pytest.raises(DomainError) as refused:
        place(zorg_case, officer, **kwargs)
    assert refused.value.field == field and words in refused.value.message
    assert unchanged(zorg_case) == before


def test_a_second_open_freeze_is_refused_with_the_one_that_runs(zorg_case, officer):
    place(zorg_case, officer)
    before = unchanged(zorg_case)
    with pytest.raises(DomainError) as refused:
        place(zorg_case, officer, starts_on=UNTIL, reason="nog eens")
    assert "al bevroren sinds 01-02-2026 (klacht in onderzoek)" in refused.value.message
    assert unchanged(zorg_case) == before


def test_a_freeze_overlapping_an_ended_one_is_refused(zorg_case, officer):
    place(zorg_case, officer, ends_on=UNTIL)
    before = unchanged(zorg_case)
    with pytest.raises(DomainError) as refused:
        place(zorg_case, officer, starts_on=dt.date(2026, 1, 20), ends_on=FROM)
    assert "van 01-02-2026 t/m 30-04-2026" in refused.value.message
    assert unchanged(zorg_case) == before
    after = place(zorg_case, officer, starts_on=UNTIL + dt.timedelta(days=1), reason="coulance")
    assert after.starts_on == dt.date(2026, 5, 1)


def test_a_closed_case_is_refused_both_ways(zorg_case, officer):
    place(zorg_case, officer)
    zorg_case.state, zorg_case.closed_on, zorg_case.closing_reason = "closed", TODAY, "paid"
    zorg_case.save(update_fields=["state", "closed_on", "closing_reason"])
    before = unchanged(zorg_case)
    with pytest.raises(DomainError, match="gesloten"):
        interest_freeze_end_by_hand(case=zorg_case, ends_on=UNTIL, actor=officer, today=TODAY)
    InterestFreeze.objects.filter(case=zorg_case).update(ends_on=UNTIL)
    with pytest.raises(DomainError, match="gesloten"):
        place(zorg_case, officer, starts_on=dt.date(2026, 6, 1))
    assert unchanged(zorg_case)[1] == before[1]


def test_a_freeze_cannot_reach_back_before_interest_was_booked(zorg_case, officer):
    LedgerEntry.objects.create(
        case=zorg_case,
        bucket=Bucket.INTEREST,
        kind=EntryKind.INTEREST_BOOKED,
        amount=Decimal("12.34"),
        value_on=dt.date(2026, 3, 1),
        booked_at=dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC),
        source="test",
    )
    before = unchanged(zorg_case)
    with pytest.raises(DomainError) as refused:
        place(zorg_case, officer)
    assert refused.value.field == "starts_on" and "01-03-2026" in refused.value.message
    assert unchanged(zorg_case) == before


def test_a_freeze_cannot_end_before_interest_was_booked(zorg_case, officer):
    place(zorg_case, officer)  # open since FROM; then a payment books interest up to 15-03-2026
    LedgerEntry.objects.create(
        case=zorg_case,
        bucket=Bucket.INTEREST,
        kind=EntryKind.INTEREST_BOOKED,
        amount=Decimal("1.23"),
        value_on=dt.date(2026, 3, 15),
        booked_at=dt.datetime(2026, 3, 16, 9, tzinfo=dt.UTC),
        source="test",
    )
    before = unchanged(zorg_case)
    with pytest.raises(DomainError) as refused:
        interest_freeze_end_by_hand(case=zorg_case, ends_on=dt.date(2026, 3, 1), actor=officer, today=TODAY)
    assert refused.value.field == "ends_on" and "15-03-2026" in refused.value.message
    assert unchanged(zorg_case) == before


def test_ending_is_refused_without_a_freeze_or_before_its_start(zorg_case, officer):
    with pytest.raises(DomainError, match="niet bevroren"):
        interest_freeze_end_by_hand(case=zorg_case, ends_on=UNTIL, actor=officer, today=TODAY)
    place(zorg_case, officer)
    before = unchanged(zorg_case)
    with pytest.raises(DomainError) as refused:
        interest_freeze_end_by_hand(
            case=zorg_case, ends_on=FROM - dt.timedelta(days=1), actor=officer, today=TODAY
        )
    assert refused.value.field == "ends_on"
    assert unchanged(zorg_case) == before


def test_ending_an_arrangement_leaves_a_manual_freeze_alone(zorg_case, officer):
    manual = place(zorg_case, officer)
    # an arrangement that freezes interest finds the manual freeze open and adds none of its own ...
    assert (
        interest_freeze_start(case=zorg_case, on=UNTIL, reason="Betalingsregeling 7", source="arrangement:7")
        == manual
    )
    # ... so when it ends, the manual freeze runs on
    assert interest_freeze_end(case=zorg_case, on=TODAY, source="arrangement:7") is None
    assert InterestFreeze.objects.get(pk=manual.pk).ends_on is None


def test_the_officer_may_end_an_arrangements_freeze_by_hand(zorg_case, officer):
    freeze = interest_freeze_start(
        case=zorg_case, on=FROM, reason="Betalingsregeling 7", source="arrangement:7"
    )
    interest_freeze_end_by_hand(case=zorg_case, ends_on=UNTIL, actor=officer, today=TODAY)
    assert InterestFreeze.objects.get(pk=freeze.pk).ends_on == UNTIL
    # the arrangement ending later has nothing left to end
    assert interest_freeze_end(case=zorg_case, on=TODAY, source="arrangement:7") is None


# --- the sheet and the balance -------------------------------------------------------------------


def _plain(claim, as_of: dt.date) -> Decimal:
    """The core's interest on the claim without any freeze."""
    facts = ClaimFacts(
        claim.invoice_number, claim.principal, claim.due_date + dt.timedelta(days=1), due_date=claim.due_date
    )
    return build_statement([facts], as_of=as_of, tables=rate_tables()).interest.charged


def test_an_open_freeze_stops_the_interest_at_the_day_before_to_the_cent(client, zorg_case, officer):
    claim = zorg_case.claims.get()
    place(zorg_case, officer)
    # frozen from 01-02 on: on 30-06 the claim has earned exactly what it had on 31-01
    expected = _plain(claim, FROM - dt.timedelta(days=1))
    statement = case_statement(case=zorg_case, as_of=TODAY)
    assert statement is not None
    assert statement.interest.charged == expected < _plain(claim, TODAY)
    client.force_login(officer)
    page = client.get(reverse("cases:calculation", args=[zorg_case.number]), {"as_of": "30-06-2026"})
    assert format_money(expected) in page.content.decode()


def test_an_ended_freeze_leaves_out_exactly_its_days(zorg_case, officer):
    claim = zorg_case.claims.get()
    place(zorg_case, officer, ends_on=UNTIL)
    frozen = case_statement(case=zorg_case, as_of=TODAY)
    assert frozen is not None
    facts = ClaimFacts(
        claim.invoice_number,
        claim.principal,
        claim.due_date + dt.timedelta(days=1),
        due_date=claim.due_date,
        interest_free=((FROM, UNTIL),),
    )
    assert (
        frozen.interest.charged
        == build_statement([facts], as_of=TODAY, tables=rate_tables()).interest.charged
    )
    # flat on every frozen day, running again the day after
    during = {case_statement(case=zorg_case, as_of=d).interest.charged for d in (FROM, UNTIL)}  # type: ignore[union-attr]
    after = case_statement(case=zorg_case, as_of=UNTIL + dt.timedelta(days=1))
    assert len(during) == 1 and after is not None and after.interest.charged > during.pop()


# --- the case screen -----------------------------------------------------------------------------


def url(case, name: str) -> str:
    return reverse(f"cases:{name}", args=[case.number])


def test_the_case_screen_offers_the_freeze_and_shows_it_in_the_header(client, zorg_case, officer):
    client.force_login(officer)
    page = client.get(url(zorg_case, "detail")).content.decode()
    assert "Rente bevriezen" in page and "Rente bevroren sinds" not in page
    response = client.post(
        url(zorg_case, "interest_freeze_add"), {"starts_on": "01-02-2026", "reason": "klacht in onderzoek"}
    )
    assert response.status_code == 302
    freeze = InterestFreeze.objects.get(case=zorg_case)
    assert freeze.source == "manual" and freeze.created_by == officer
    page = client.get(response["Location"]).content.decode()
    assert "Rente bevroren sinds 01-02-2026 (klacht in onderzoek)" in page
    assert "Bevriezing beëindigen" in page
    assert "Rente bevroren vanaf 01-02-2026" in page  # the success message

    response = client.post(url(zorg_case, "interest_freeze_end"), {"end-ends_on": "30-04-2026"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Rente bevroren sinds" not in page
    assert "30-04-2026" in page and "handmatig" in page  # the past freeze stays listed


def test_a_refusal_shows_on_the_field_in_dutch_and_writes_nothing(client, zorg_case, officer):
    client.force_login(officer)
    response = client.post(
        url(zorg_case, "interest_freeze_add"), {"starts_on": "01-01-2026", "reason": "klacht"}
    )
    assert response.status_code == 400
    assert (
        "De begindatum kan niet vóór de opening van het dossier liggen (15-01-2026)"
        in response.content.decode()
    )
    assert not InterestFreeze.objects.filter(case=zorg_case).exists()
    response = client.post(url(zorg_case, "interest_freeze_add"), {"starts_on": "01-02-2026", "reason": ""})
    assert response.status_code == 400 and not InterestFreeze.objects.exists()


def test_the_screen_says_when_the_open_freeze_came_from_an_arrangement(client, zorg_case, officer):
    interest_freeze_start(case=zorg_case, on=FROM, reason="Betalingsregeling 7", source="arrangement:7")
    client.force_login(officer)
    page = client.get(url(zorg_case, "detail")).content.decode()
    assert "Deze bevriezing komt van betalingsregeling 7" in page
    response = client.post(
        url(zorg_case, "interest_freeze_add"), {"starts_on": "01-03-2026", "reason": "klacht"}
    )
    assert response.status_code == 400 and "al bevroren sinds 01-02-2026" in response.content.decode()


def test_a_client_user_sees_the_freeze_but_cannot_freeze(client, zorg_case, zorg_user, officer):
    place(zorg_case, officer)
    client.force_login(zorg_user)
    page = client.get(url(zorg_case, "detail")).content.decode()
    assert "Rente bevroren sinds 01-02-2026" in page and "Bevriezing beëindigen" not in page
    add = client.post(url(zorg_case, "interest_freeze_add"), {"starts_on": "01-05-2026", "reason": "x"})
    end = client.post(url(zorg_case, "interest_freeze_end"), {"end-ends_on": "30-04-2026"})
    assert (add.status_code, end.status_code) == (403, 403)
    assert InterestFreeze.objects.get(case=zorg_case).ends_on is None


def test_an_officer_restricted_to_another_client_gets_404(client, zara, energie_case):
    client.force_login(zara)
    add = client.post(url(energie_case, "interest_freeze_add"), {"starts_on": "01-02-2026", "reason": "x"})
    end = client.post(url(energie_case, "interest_freeze_end"), {"end-ends_on": "30-04-2026"})
    assert (add.status_code, end.status_code) == (404, 404)
    assert not InterestFreeze.objects.exists()
