"""A payment that pays no case is set aside with a reason, listed, never booked, and can be put back."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from incasso.accounts.tests.personas import zara
from incasso.cases.models import LedgerEntry
from incasso.core.exceptions import DomainError
from incasso.payments.models import BankTransaction
from incasso.payments.services import statement_import, transaction_match_manual
from incasso.payments.set_aside import transaction_back_to_queue, transaction_set_aside
from incasso.payments.tests.builders import Line, camt
from incasso.payments.tests.factories import worked_case

pytestmark = pytest.mark.django_db
__all__ = ["zara"]  # a fixture used by name below
NOW = dt.datetime(2026, 11, 24, 9, 30, tzinfo=zoneinfo.ZoneInfo("Europe/Amsterdam"))


@pytest.fixture
def gift() -> BankTransaction:
    statement_import(
        data=camt([Line(Decimal("25.00"), name="Stichting Buurtkracht", text="Gift")]), name="g.xml"
    )
    return BankTransaction.objects.get()


def test_set_aside_leaves_the_queue_with_reason_name_and_time_and_books_nothing(gift, officer) -> None:  # type: ignore[no-untyped-def]
    done = transaction_set_aside(
        transaction_id=gift.pk, reason="  gift,\n terugstorten  ", actor=officer, now=NOW
    )
    assert done.status == "set_aside" and done.matched_by == officer and done.case is None
    who = officer.get_full_name() or officer.username
    assert done.reason == f"Apart gezet op 24-11-2026 09:30 door {who}: gift, terugstorten"
    assert not LedgerEntry.objects.exists()
    with pytest.raises(DomainError):  # set aside is not matchable until it is put back
        transaction_match_manual(transaction_id=gift.pk, case_number=worked_case().number, actor=officer)
    back = transaction_back_to_queue(transaction_id=gift.pk, actor=officer, now=NOW)
    assert back.status == "unmatched" and back.matched_by is None
    assert back.reason.startswith(f"Terug in de wachtrij op 24-11-2026 09:30 door {who} (Apart gezet op")


def test_refusals_change_nothing(gift, officer) -> None:  # type: ignore[no-untyped-def]
    with translation.override("en"):
        with pytest.raises(DomainError, match="Say why"):
            transaction_set_aside(transaction_id=gift.pk, reason=" \n ", actor=officer)
        with pytest.raises(DomainError, match="301 characters long; at most 300"):
            transaction_set_aside(transaction_id=gift.pk, reason="x" * 301, actor=officer)
        with pytest.raises(DomainError, match="Only a payment that was set aside"):
            transaction_back_to_queue(transaction_id=gift.pk, actor=officer)
        with pytest.raises(DomainError, match="No such transaction"):
            transaction_set_aside(transaction_id=gift.pk + 99, reason="gift", actor=officer)
    gift.refresh_from_db()
    assert (gift.status, gift.reason) == ("unmatched", BankTransaction.objects.get().reason)
    case = worked_case()
    transaction_match_manual(transaction_id=gift.pk, case_number=case.number, actor=officer)
    with translation.override("en"), pytest.raises(DomainError, match="is booked; only a payment waiting"):
        transaction_set_aside(transaction_id=gift.pk, reason="gift", actor=officer)
    gift.refresh_from_db()
    assert gift.status == "booked"


def test_the_screen_sets_aside_lists_and_puts_back(client, officer, gift) -> None:  # type: ignore[no-untyped-def]
    client.force_login(officer)
    page = client.get(reverse("payments:queue")).text
    assert "Voor geen enkel dossier? Apart zetten" in page and "Apart gezette betalingen" not in page
    refused = client.post(reverse("payments:set_aside", args=[gift.pk]), {"reason": ""})
    assert refused.status_code == 400 and '<details class="set-aside" open>' in refused.text
    gift.refresh_from_db()
    assert gift.status == "unmatched"
    done = client.post(reverse("payments:set_aside", args=[gift.pk]), {"reason": "gift"}, follow=True)
    assert "Betaling van € 25,00 van Stichting Buurtkracht apart gezet" in done.text
    assert "Apart gezette betalingen" in done.text and f'id="aside-{gift.pk}"' in done.text
    row = done.text.split(f'id="aside-{gift.pk}"')[1].split("</tr>")[0]
    assert "€ 25,00" in row and "Stichting Buurtkracht" in row and "Gift" in row and "Apart gezet op" in row
    assert f'id="txn-{gift.pk}"' not in done.text  # out of the queue
    back = client.post(reverse("payments:back_to_queue", args=[gift.pk]), follow=True)
    assert "staat weer in de wachtrij" in back.text and f'id="txn-{gift.pk}"' in back.text
    gift.refresh_from_db()
    assert gift.status == "unmatched"


def test_restricted_staff_and_client_users_cannot_set_aside(client, zorg_user, gift, zara) -> None:  # type: ignore[no-untyped-def]
    for user in (zara, zorg_user):
        client.force_login(user)
        assert (
            client.post(reverse("payments:set_aside", args=[gift.pk]), {"reason": "gift"}).status_code == 403
        )
    client.force_login(zara)
    assert "Apart zetten" not in client.get(reverse("payments:queue")).text
    gift.refresh_from_db()
    assert gift.status == "unmatched"
