"""Writes of the access log: one entry per read (`access_record`) and the retention prune.

`access_record` is called by views and API routes after the scoped selector found the case (a 404
outside the user's scope records nothing). It is one INSERT. It must not break the page a user is
entitled to see, nor hide that the log failed:

- A database error on the INSERT is logged at ERROR level with its traceback (the server log, and
  whatever alerting reads it) and the page is served. Views run in autocommit (no ATOMIC_REQUESTS),
  so a failed INSERT leaves nothing half-done behind.
- Inside a caller's transaction the error is raised instead: PostgreSQL refuses every further
  statement of a transaction after an error, so carrying on would only fail later and less clearly.
- Anything that is not a database error (a wrong kind, a programming mistake) is raised as usual.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection

from incasso.audit.models import AccessKind, AccessLogEntry, channel_for

log = logging.getLogger(__name__)

PRUNE_BATCH = 5000  # rows per DELETE: short statements, and well under SQLite's parameter limit


def access_record(*, user: Any, case: Any, kind: AccessKind, detail: str = "") -> AccessLogEntry | None:
    """Record that `user` saw `case` (`kind`: what of it). None when the entry could not be written
    (logged as an error) or there is no logged-in user to record."""
    if not getattr(user, "is_authenticated", False):
        return None  # every recorded view requires a login; nothing to say about nobody
    entry = AccessLogEntry(
        user_id=user.pk,
        user_label=user.get_username(),
        case_id=case.pk,
        kind=kind,
        channel=channel_for(kind),
        detail=detail[:200],
    )
    try:
        entry.save(force_insert=True)
    except DatabaseError:
        if connection.in_atomic_block:
            raise
        log.exception("access log: could not record %s of case %s by %s", kind, case.pk, entry.user_label)
        return None
    return entry


@dataclass(frozen=True)
class PruneResult:
    before: dt.datetime  # entries older than this are (or would be) removed
    removed: int
    dry_run: bool

    def as_dict(self) -> dict[str, Any]:
        return {"before": self.before.isoformat(), "removed": self.removed, "dry_run": self.dry_run}


def access_log_prune(
    *, now: dt.datetime, days: int | None = None, dry_run: bool = False, batch_size: int = PRUNE_BATCH
) -> PruneResult:
    """Remove the entries older than `days` (default `INCASSO_ACCESS_LOG_DAYS`) before `now`, in
    batches of `batch_size` rows, each its own short DELETE, so a large backlog never holds a long
    lock on the table the screens write to. Safe to stop and rerun."""
    keep_days = settings.INCASSO_ACCESS_LOG_DAYS if days is None else days
    if keep_days < 1:
        raise ValueError("the access log is kept at least 1 day")
    before = now - dt.timedelta(days=keep_days)
    old = AccessLogEntry.objects.filter(accessed_at__lt=before)
    if dry_run:
        return PruneResult(before=before, removed=old.count(), dry_run=True)
    removed = 0
    while ids := list(old.order_by("pk").values_list("pk", flat=True)[:batch_size]):
        removed += AccessLogEntry.objects.filter(pk__in=ids).prune_delete()
    return PruneResult(before=before, removed=removed, dry_run=False)
