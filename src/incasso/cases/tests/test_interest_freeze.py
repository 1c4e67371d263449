"""Interest freezes on a case: recorded once, ended once, on the timeline, and applied by the sheet."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from incasso.calculations import ClaimFacts, build_statement
from incasso.cases.freezes import interest_freeze_end, interest_freeze_start
from incasso.cases.models import Event, InterestFreeze
from incasso.cases.statement import case_statement
from incasso.core.exceptions import DomainError
from incasso.rates.selectors import rate_tables

pytestmark = pytest.mark.django_db

FROM, UNTIL, AS_OF = dt.date(2026, 2, 1), dt.date(2026, 4, 30), dt.date(2026, 6, 30)


def test_a_freeze_is_started_once_and_ended_once_with_both_on_the_timeline(zorg_case, officer):
    freeze = interest_freeze_start(case=zorg_case, on=FROM, reason="betalingsregeling", actor=officer)
    again = interest_freeze_start(case=zorg_case, on=UNTIL, reason="nog eens", actor=officer)
    assert again.pk == freeze.pk and again.starts_on == FROM
    ended = interest_freeze_end(case=zorg_case, on=UNTIL, actor=officer)
    assert ended is not None and ended.ends_on == UNTIL
    assert interest_freeze_end(case=zorg_case, on=AS_OF, actor=officer) is None
    summaries = list(Event.objects.filter(case=zorg_case).values_list("summary", flat=True))
    assert "Rente bevroren vanaf 01-02-2026: betalingsregeling" in summaries
    assert any(s.startswith("Rentebevriezing beëindigd per 30-04-2026") for s in summaries)
    assert sum("Rente bevroren" in s for s in summaries) == 1


def test_a_freeze_cannot_end_before_it_started(zorg_case, officer):
    interest_freeze_start(case=zorg_case, on=FROM, reason="regeling", actor=officer)
    with pytest.raises(DomainError):
        interest_freeze_end(case=zorg_case, on=FROM - dt.timedelta(days=1), actor=officer)


def test_the_database_allows_one_open_freeze_per_case(zorg_case):
    InterestFreeze.objects.create(case=zorg_case, starts_on=FROM, reason="a")
    with pytest.raises(IntegrityError), transaction.atomic():
        InterestFreeze.objects.create(case=zorg_case, starts_on=UNTIL, reason="b")


def test_the_sheet_gives_no_interest_on_frozen_days(zorg_case, officer):
    plain = case_statement(case=zorg_case, as_of=AS_OF)
    interest_freeze_start(case=zorg_case, on=FROM, reason="regeling", actor=officer)
    interest_freeze_end(case=zorg_case, on=UNTIL, actor=officer)
    frozen = case_statement(case=zorg_case, as_of=AS_OF)
    assert plain is not None and frozen is not None
    claim = zorg_case.claims.get()
    expected = build_statement(
        [
            ClaimFacts(
                "ZN-1001",
                Decimal("1250.00"),
                claim.due_date + dt.timedelta(days=1),
                due_date=claim.due_date,
                interest_free=((FROM, UNTIL),),
            )
        ],
        as_of=AS_OF,
        tables=rate_tables(),
    )
    assert frozen.interest.charged == expected.interest.charged < plain.interest.charged
    # flat while frozen
    during = [case_statement(case=zorg_case, as_of=d) for d in (FROM, dt.date(2026, 3, 15), UNTIL)]
    assert len({s.interest.charged for s in during if s is not None}) == 1


def test_the_calculation_page_shows_the_freeze(client, officer, zorg_case):
    interest_freeze_start(case=zorg_case, on=FROM, reason="regeling", actor=officer)
    client.force_login(officer)
    response = client.get(reverse("cases:calculation", args=[zorg_case.number]), {"as_of": "30-06-2026"})
    assert "rente bevroren van 01-02-2026 t/m 30-06-2026" in response.content.decode()
