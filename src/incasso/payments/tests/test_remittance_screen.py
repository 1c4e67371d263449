"""The remittances screen: a client chosen from those the user may see, the period as Dutch text
dates (no browser date picker), and the list styled like the other list screens."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from incasso.accounts.tests.personas import logged_in, zara
from incasso.payments.models import Remittance
from incasso.payments.services import statement_import
from incasso.payments.tests.builders import Line, camt
from incasso.payments.tests.factories import worked_case

__all__ = ["zara"]

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_the_client_is_a_choice_of_the_users_clients_and_the_period_takes_dutch_dates(zara, zorg, energie):
    html = logged_in(zara).get(reverse("payments:remittances")).content.decode()
    select = re.search(r'<select name="client"[^>]*>(.*?)</select>', html, re.S)
    assert select is not None
    assert 'value="ZORG"' in select.group(1) and "Zorggroep Noord" in select.group(1)
    assert "ENERGIE" not in select.group(1)  # not one of hers
    assert 'name="period_from"' in html and 'type="date"' not in html
    assert '<table class="data">' in html


def test_a_remittance_is_prepared_from_dutch_dates(officer):
    case = worked_case()
    statement_import(
        data=camt([Line(Decimal("600.00"), on=dt.date(2024, 5, 10), reference=case.payment_reference)]),
        name="m.xml",
    )
    response = logged_in(officer).post(
        reverse("payments:remittances"),
        {"client": case.client.code, "period_from": "01-05-2024", "period_to": "31-05-2024"},
    )
    assert response.status_code == 302
    made = Remittance.objects.get()
    assert (made.client, made.period_from, made.period_to) == (
        case.client,
        dt.date(2024, 5, 1),
        dt.date(2024, 5, 31),
    )
