"""The typed env helpers fail loudly on nonsense."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from incasso.config.env import env_url


def test_an_absolute_address_is_kept_and_empty_means_none(monkeypatch):
    monkeypatch.setenv("INCASSO_TEST_URL", " https://mijn.incassobureau.nl/portaal/ ")
    assert env_url("INCASSO_TEST_URL", "") == "https://mijn.incassobureau.nl/portaal/"
    monkeypatch.setenv("INCASSO_TEST_URL", "")
    assert env_url("INCASSO_TEST_URL", "https://default.example/") == ""
    monkeypatch.delenv("INCASSO_TEST_URL")
    assert env_url("INCASSO_TEST_URL", "http://127.0.0.1:8000/portaal/") == "http://127.0.0.1:8000/portaal/"


@pytest.mark.parametrize(
    "raw",
    [
        "mijn.incassobureau.nl/portaal/",
        "/portaal/",
        "ftp://example.nl/",
        "https:///portaal/",
        "https://a b.nl/",
    ],
)
def test_a_relative_or_odd_address_is_refused(monkeypatch, raw):
    monkeypatch.setenv("INCASSO_TEST_URL", raw)
    with pytest.raises(ImproperlyConfigured, match="INCASSO_TEST_URL"):
        env_url("INCASSO_TEST_URL", "")
