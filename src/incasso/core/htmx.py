"""What htmx asked for: a page's fragment, or the whole page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect


def is_fragment_request(request: HttpRequest) -> bool:
    """An htmx request for a fragment; not a history restore, which needs the whole page (the
    browser's back button after `hx-push-url`)."""
    htmx = getattr(request, "htmx", None)
    return htmx is not None and bool(htmx) and not htmx.history_restore_request


def reload_page(request: HttpRequest, url: str) -> HttpResponse:
    """After a change that touches more of the page than the fragment that asked: htmx reloads the
    page it is on (HX-Refresh; the browser keeps the scroll position), a plain form post is
    redirected to `url` (post/redirect/get)."""
    if is_fragment_request(request):
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return redirect(url)


TIMELINE_CHANGED = "incasso:timeline"


def timeline_changed(response: HttpResponse) -> HttpResponse:
    """A panel's action wrote to the case's timeline: the case screen's timeline reloads itself
    (it listens for this event, `cases:timeline`)."""
    response["HX-Trigger"] = TIMELINE_CHANGED
    return response
