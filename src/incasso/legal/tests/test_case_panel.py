"""The limitation panel on the case screen: each claim's last day, a warning within 90 days."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_panel_warns_for_a_claim_close_to_limitation(client, officer, zorg_case):
    # zorg_case's claim is due 01-12-2025 (services, 3:307): 5 years → last day 01-12-2030
    url = reverse("legal:case_limitation", args=[zorg_case.number])
    with time_machine.travel(dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC)):
        client.force_login(officer)
        calm = client.get(url).content.decode()
    with time_machine.travel(dt.datetime(2030, 10, 1, 12, tzinfo=dt.UTC)):
        client.force_login(officer)
        close = client.get(url).content.decode()
    assert "01-12-2030" in calm and 'class="warn"' not in calm
    assert 'class="warn"' in close


def test_panel_is_scoped_to_the_users_client(client, energie_user, zorg_user, zorg_case):
    url = reverse("legal:case_limitation", args=[zorg_case.number])
    client.force_login(energie_user)
    assert client.get(url).status_code == 404
    client.force_login(zorg_user)
    assert client.get(url).status_code == 200


def test_case_screen_loads_the_panel(client, officer, zorg_case):
    client.force_login(officer)
    html = client.get(reverse("cases:detail", args=[zorg_case.number])).content.decode()
    assert reverse("legal:case_limitation", args=[zorg_case.number]) in html
    assert reverse("legal:handover", args=[zorg_case.number]) in html
