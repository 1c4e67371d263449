"""Who may do what in the web screens.

Two questions, asked in this order by every view:
1. May this user see the object? Selectors answer that: anything outside the user's scope is a 404,
   so a client user cannot even learn that another client's case exists.
2. May this user change it? Only agency staff (officer, supervisor, administrator) write; client
   users read their own client's cases and get 403 on every write.

Anonymous users are sent to the login page. Roles are plain strings here: `core` sits below
`accounts` and does not import it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

STAFF_ROLES = frozenset({"officer", "supervisor", "administrator"})
SUPERVISOR_ROLES = frozenset({"supervisor", "administrator"})  # approve, build strategies, run the day

View = Callable[..., HttpResponse]


def can_write(user: Any) -> bool:
    """Agency staff write; client users and anyone without a known role only read."""
    return bool(getattr(user, "is_authenticated", False)) and getattr(user, "role", None) in STAFF_ROLES


def is_supervisor(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and getattr(user, "role", None) in SUPERVISOR_ROLES


def is_administrator(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and getattr(user, "role", None) == "administrator"


def require_write(user: Any) -> None:
    """Raise PermissionDenied (403) unless the user may write."""
    if not can_write(user):
        raise PermissionDenied("Read-only access")


def staff_required(view: View) -> View:
    """Anonymous: login redirect. Logged in but not agency staff: 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        require_write(request.user)
        return view(request, *args, **kwargs)

    return login_required(wrapper)


def supervisor_required(view: View) -> View:
    """Anonymous: login redirect. Logged in but not a supervisor or administrator: 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_supervisor(request.user):
            raise PermissionDenied("Supervisors and administrators only")
        return view(request, *args, **kwargs)

    return login_required(wrapper)
