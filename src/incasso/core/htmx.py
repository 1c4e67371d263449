"""What htmx asked for: a page's fragment, or the whole page."""

from __future__ import annotations

from django.http import HttpRequest


def is_fragment_request(request: HttpRequest) -> bool:
    """An htmx request for a fragment; not a history restore, which needs the whole page (the
    browser's back button after `hx-push-url`)."""
    htmx = getattr(request, "htmx", None)
    return htmx is not None and bool(htmx) and not htmx.history_restore_request
