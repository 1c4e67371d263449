"""The typed env helpers fail loudly on nonsense."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from incasso.config.env import env_secret, env_url


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


def test_a_secret_is_empty_or_long_and_fit_for_a_url(monkeypatch):
    monkeypatch.delenv("INCASSO_TEST_SECRET", raising=False)
    assert env_secret("INCASSO_TEST_SECRET", min_length=24) == ""
    monkeypatch.setenv("INCASSO_TEST_SECRET", " k9Xr2-sms-reports-4FqLw7Zp0Vb ")
    assert env_secret("INCASSO_TEST_SECRET", min_length=24) == "k9Xr2-sms-reports-4FqLw7Zp0Vb"
    for raw in ("short", "k9Xr2/sms-reports/4FqLw7Zp0Vb", "k9Xr2 sms reports 4FqLw7Zp0Vb"):
        monkeypatch.setenv("INCASSO_TEST_SECRET", raw)
        with pytest.raises(ImproperlyConfigured, match="INCASSO_TEST_SECRET"):
            env_secret("INCASSO_TEST_SECRET", min_length=24)
