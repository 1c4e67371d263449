"""Staff restricted to one client, beside the root conftest's personas: Zara (officer) and Rik
(supervisor) work only for Zorggroep Noord (`zorg`), so Energie Zuid's cases are out of their scope.

Import the fixtures into a test module: `from incasso.accounts.tests.personas import zara, rik`;
`logged_in(user)` is a test client logged in as the user.
"""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient


def logged_in(user) -> HttpClient:
    http = HttpClient()
    http.force_login(user)
    return http


@pytest.fixture
def zara(zorg):
    from incasso.cases.tests.factories import UserFactory

    user = UserFactory(username="zara", first_name="Zara", role="officer")
    user.clients.set([zorg])
    return user


@pytest.fixture
def rik(zorg):
    from incasso.cases.tests.factories import UserFactory

    user = UserFactory(username="rik", first_name="Rik", role="supervisor")
    user.clients.set([zorg])
    return user
