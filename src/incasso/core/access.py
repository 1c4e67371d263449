"""Who may do what in the web screens.

Two questions, asked in this order by every view:
1. May this user see the object? Selectors answer that: anything outside the user's scope is a 404,
   so a client user cannot even learn that another client's case exists.
2. May this user change it? Only agency staff (officer, supervisor, administrator) write; client
   users read their own client's cases and get 403 on every write.

Anonymous users are sent to the login page. Roles are plain strings here: `core` sits below
`accounts` and does not import it.

Which clients a user may see is decided in one place, `client_scope`: a client user sees its own
client; agency staff see every client unless their account is restricted to some clients
(`User.clients`, e.g. a team that works only for hospitals). Every selector that reads cases filters
with `scope_to_clients`, so an out-of-scope case answers 404 exactly as for a client user. Actions
that touch every client's cases at once (the daily run, a bank statement import, strategy and
template editing) need an unrestricted supervisor (`agency_supervisor_required`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

STAFF_ROLES = frozenset({"officer", "supervisor", "administrator"})
SUPERVISOR_ROLES = frozenset({"supervisor", "administrator"})  # approve, build strategies, run the day

View = Callable[..., HttpResponse]
_SCOPE_ATTRIBUTE = "_incasso_client_scope"  # memo on the user instance: one query per request


def client_scope(user: Any) -> frozenset[int] | None:
    """The ids of the clients whose cases `user` may see; None: every client (unrestricted staff).

    A client user: its own client. Agency staff: the clients of `user.clients`, or None when that
    is empty. Anyone else (anonymous, no role): the empty set. Staff pay one query, once per user
    instance (a request loads its user afresh, so a changed restriction counts from the next request).
    """
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    role = getattr(user, "role", None)
    if role == "client_user":
        client_id = getattr(user, "client_id", None)
        return frozenset() if client_id is None else frozenset({client_id})
    if role not in STAFF_ROLES:
        return frozenset()
    # getattr/setattr, not __dict__: request.user is a lazy proxy, and the memo belongs on the user
    if not hasattr(user, _SCOPE_ATTRIBUTE):
        setattr(user, _SCOPE_ATTRIBUTE, frozenset(user.clients.values_list("pk", flat=True)) or None)
    scope: frozenset[int] | None = getattr(user, _SCOPE_ATTRIBUTE)
    return scope


def forget_client_scope(user: Any) -> None:
    """Drop the memo after changing `user.clients` on an instance that is still in use."""
    if hasattr(user, _SCOPE_ATTRIBUTE):
        delattr(user, _SCOPE_ATTRIBUTE)


def scope_to_clients[M: Model](qs: QuerySet[M], *, user: Any, field: str = "client_id") -> QuerySet[M]:
    """`qs` narrowed to the user's clients; `field` is the path to the client id (`case__client_id`)."""
    scope = client_scope(user)
    return qs if scope is None else qs.filter(**{f"{field}__in": scope})


def is_restricted(user: Any) -> bool:
    """Agency staff limited to some clients (client users are not staff: they have their own rules)."""
    return can_write(user) and client_scope(user) is not None


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
        raise PermissionDenied(_("Read-only access"))


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
            raise PermissionDenied(_("Supervisors and administrators only"))
        return view(request, *args, **kwargs)

    return login_required(wrapper)


def require_agency_wide(user: Any) -> None:
    """Raise PermissionDenied (403) for staff restricted to some clients: the action touches all clients."""
    if is_restricted(user):
        raise PermissionDenied(
            _(
                "This touches the cases of every client; your account is restricted to some clients. "
                "Ask a supervisor or administrator without that restriction."
            )
        )


def agency_supervisor_required(view: View) -> View:
    """Like `supervisor_required`, and the supervisor must not be restricted to some clients (403)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_supervisor(request.user):
            raise PermissionDenied(_("Supervisors and administrators only"))
        require_agency_wide(request.user)
        return view(request, *args, **kwargs)

    return login_required(wrapper)
