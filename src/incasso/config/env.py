"""Tiny typed helpers to read settings from the environment; nonsense fails loudly."""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {raw!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be {minimum} or more, got {value}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [part.strip() for part in raw.split(",") if part.strip()]


def env_url(name: str, default: str) -> str:
    """An absolute http(s) address such as `https://mijn.example.nl/portaal/`, or empty."""
    raw = os.environ.get(name, default).strip()
    if not raw:
        return ""
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(ch.isspace() for ch in raw):
        raise ImproperlyConfigured(
            f"{name} must be an absolute http(s) address such as https://example.nl/portaal/, got {raw!r}"
        )
    return raw


def env_secret(name: str, *, min_length: int) -> str:
    """A shared secret (e.g. the one in a webhook's URL), or empty for none; a short one is refused."""
    raw = os.environ.get(name, "").strip()
    if raw and len(raw) < min_length:
        raise ImproperlyConfigured(f"{name} must be at least {min_length} characters (a long random string)")
    if any(ch in raw for ch in "/?#% ") or not raw.isascii():
        raise ImproperlyConfigured(
            f"{name} must be plain ASCII letters, digits, '-' or '_' (it goes in a URL)"
        )
    return raw
