"""Reads of the access log, for supervisors and administrators, scoped to their clients' cases.

A supervisor restricted to some clients sees the entries of those clients' cases only
(`core.access.scope_to_clients`), as everywhere else.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from incasso.audit.models import AccessLogEntry
from incasso.core.access import scope_to_clients

CASE_PANEL_SIZE = 10


def access_log_for_user(
    *,
    user: Any,
    case_number: str = "",
    user_id: int | None = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
) -> QuerySet[AccessLogEntry]:
    """Newest first; `start` inclusive, `end` exclusive."""
    qs = scope_to_clients(AccessLogEntry.objects.all(), user=user, field="case__client_id")
    if case_number:
        qs = qs.filter(case__number=case_number.strip())
    if user_id is not None:
        qs = qs.filter(user_id=user_id)
    if start is not None:
        qs = qs.filter(accessed_at__gte=start)
    if end is not None:
        qs = qs.filter(accessed_at__lt=end)
    return qs.select_related("user", "case", "case__client", "case__debtor").order_by("-accessed_at", "-id")


def access_log_for_case(*, case: Any, limit: int = CASE_PANEL_SIZE) -> list[AccessLogEntry]:
    """The newest `limit` entries of one case (the case screen's "Seen by" panel): one query. The
    caller has found the case through its scoped selector."""
    return list(
        AccessLogEntry.objects.filter(case_id=case.pk)
        .select_related("user")
        .order_by("-accessed_at", "-id")[:limit]
    )
