"""The administration hub leads supervisors and administrators to every setting and run."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_supervisor_sees_the_hub_with_working_links(client, supervisor):
    client.force_login(supervisor)
    response = client.get(reverse("management"))
    assert response.status_code == 200
    html = response.content.decode()
    for name in (
        "strategies:list",
        "strategies:run",
        "letters:templates",
        "legal:limitation",
        "payments:remittances",
    ):
        assert reverse(name) in html
    assert reverse("admin:index") not in html


def test_administrator_also_gets_the_django_admin(client, admin_user):
    client.force_login(admin_user)
    assert reverse("admin:index") in client.get(reverse("management")).content.decode()


@pytest.mark.parametrize("persona", ["officer", "zorg_user"])
def test_officers_and_client_users_are_refused(client, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("management")).status_code == 403


def test_the_hub_counts_what_waits(client, supervisor, officer, zorg_case):
    import datetime as dt
    from decimal import Decimal

    from incasso.arrangements import schedule as s
    from incasso.arrangements.services import arrangement_propose
    from incasso.payments.services import statement_import
    from incasso.payments.tests.builders import Line, camt

    client.force_login(supervisor)
    html = client.get(reverse("management")).content.decode()
    assert 'id="waiting-approvals"' not in html and 'id="waiting-payments"' not in html  # nothing waits
    schedule = s.build_schedule(
        balance=Decimal("1250.00"),
        count=12,
        start_on=dt.date(2026, 4, 1),
        frequency=s.Frequency.MONTHLY,
    )
    arrangement_propose(
        case=zorg_case,
        schedule=schedule,
        officer=officer,
        motivation="Laag inkomen",
        today=dt.date(2026, 3, 10),
    )
    statement_import(
        data=camt([Line(Decimal("5.00"), name="A", text="gift"), Line(Decimal("6.00"), name="B", text="?")]),
        name="x.xml",
    )
    html = client.get(reverse("management")).content.decode()
    assert 'id="waiting-approvals">1</span>' in html
    assert 'id="waiting-payments">2</span>' in html
    assert reverse("payments:queue") in html
