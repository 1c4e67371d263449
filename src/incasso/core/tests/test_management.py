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
