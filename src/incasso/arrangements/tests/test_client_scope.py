"""Arrangements, promises and disputes for staff restricted to some clients: the lists hold their
clients' cases only, and another client's arrangement or dispute answers 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

from incasso.accounts.tests.personas import logged_in, rik, zara
from incasso.arrangements.disputes import dispute_open
from incasso.arrangements.models import Arrangement
from incasso.arrangements.selectors import approval_queue, disputes_open, disputes_open_too_long
from incasso.arrangements.services import arrangement_propose
from incasso.arrangements.tests.conftest import TODAY, plan
from incasso.cases.selectors import case_balance

__all__ = ["rik", "zara"]  # fixtures used by name below

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(officer, zorg_case, energie_case) -> tuple[Arrangement, Arrangement]:
    def propose(case):
        return arrangement_propose(
            case=case,
            schedule=plan(balance=str(case_balance(case=case).total), count=12),
            officer=officer,
            motivation="Laag inkomen",
            today=TODAY,
        )

    return propose(zorg_case), propose(energie_case)


@pytest.fixture
def disputes(officer, zorg_case, energie_case):
    return tuple(
        dispute_open(case=case, reason="quality", description="Klacht", officer=officer)
        for case in (zorg_case, energie_case)
    )


def test_restricted_supervisor_approves_only_her_clients_proposals(rik, supervisor, pending):
    mine, theirs = pending
    assert list(approval_queue(user=rik)) == [mine]
    assert set(approval_queue(user=supervisor)) == {mine, theirs}
    http = logged_in(rik)
    page = http.get(reverse("arrangements:approvals")).content.decode()
    assert mine.case.number in page and theirs.case.number not in page
    assert http.post(reverse("arrangements:decide", args=[theirs.pk, "approve"])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "pending"


def test_arrangements_home_lists_only_the_officers_clients(zara, pending, disputes):
    page = logged_in(zara).get(reverse("arrangements:index")).content.decode()
    mine, theirs = pending
    assert mine.case.number in page and theirs.case.number not in page


def test_other_clients_arrangement_and_dispute_are_404(zara, pending, disputes):
    _mine, theirs = pending
    _my_dispute, their_dispute = disputes
    http = logged_in(zara)
    assert http.get(reverse("arrangements:detail", args=[theirs.pk])).status_code == 404
    assert http.get(reverse("arrangements:agreement", args=[theirs.pk])).status_code == 404
    assert http.get(reverse("arrangements:dispute_detail", args=[their_dispute.pk])).status_code == 404
    assert http.get(reverse("arrangements:detail", args=[pending[0].pk])).status_code == 200


def test_dispute_lists_hold_only_the_users_clients(zara, rik, officer, disputes):
    mine, theirs = disputes
    assert disputes_open(user=zara) == [mine]
    assert set(disputes_open(user=officer)) == {mine, theirs}
    assert list(disputes_open_too_long(user=rik, today=TODAY, days=0)) == [mine]
