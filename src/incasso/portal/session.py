"""The portal's session: only the case id, written by the server at login, separate from staff login.

A session is either a staff login or a portal login, never both: a portal login first ends a staff
login in the same browser (`auth.logout`), and a portal page refuses a session that also carries a
staff user (a staff login after a portal login keeps the session's data, see `auth.login`). The case
comes from the session only, never from the URL, and an idle session ends after `IDLE_TIMEOUT`.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any

from django.contrib import auth, messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from incasso.cases.models import Case
from incasso.portal.selectors import portal_case

CASE_KEY = "portal_case_id"
SEEN_KEY = "portal_seen_at"
IDLE_TIMEOUT = 30 * 60  # seconds
# The session row itself lives a little longer than the idle timeout, so that the check below (not
# the session store's expiry) ends it and can tell the debtor why.
SESSION_AGE = IDLE_TIMEOUT + 10 * 60


def portal_session_start(request: HttpRequest, case: Case) -> None:
    if request.user.is_authenticated:
        auth.logout(request)  # flushes the staff session: one browser, one kind of login
    request.session.cycle_key()  # a new session id: a planted one is worthless after login
    request.session[CASE_KEY] = case.pk
    request.session[SEEN_KEY] = int(time.time())
    request.session.set_expiry(SESSION_AGE)


def portal_session_end(request: HttpRequest) -> None:
    request.session.flush()


def _session_case(request: HttpRequest) -> tuple[Case | None, bool]:
    """The session's case, and whether the session just timed out."""
    case_id = request.session.get(CASE_KEY)
    if not isinstance(case_id, int):
        return None, False
    if request.user.is_authenticated:  # a staff login on top of a portal one: no portal access
        for key in (CASE_KEY, SEEN_KEY):
            request.session.pop(key, None)
        return None, False
    seen = request.session.get(SEEN_KEY)
    now = int(time.time())
    if not isinstance(seen, int) or now - seen > IDLE_TIMEOUT:
        portal_session_end(request)
        return None, True
    request.session[SEEN_KEY] = now
    request.session.set_expiry(SESSION_AGE)
    return portal_case(case_id=case_id), False


def portal_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The view gets the session's case as its second argument; no portal session: to the login."""

    @functools.wraps(view)
    @never_cache  # the debtor's figures are not left in a shared computer's browser cache
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        case, timed_out = _session_case(request)
        if case is None:
            if timed_out:
                messages.info(
                    request, _("You were away for a while, so we logged you out. Please log in again.")
                )
            return redirect("portal:login")
        return view(request, case, *args, **kwargs)

    return wrapper
