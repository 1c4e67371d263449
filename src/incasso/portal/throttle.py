"""The login throttle's rule, pure: after `LIMIT` failed tries within `WINDOW`, refuse for `LOCKOUT`.

Counted per key (one case number, or one client IP); the service reads the failed tries of the last
`WINDOW + LOCKOUT` and asks `locked_until`. The lock runs from the try that made it `LIMIT` failures
within the window, so it lasts `LOCKOUT` and then lifts by itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

LIMIT = 5
WINDOW = dt.timedelta(minutes=15)
LOCKOUT = dt.timedelta(minutes=15)
LOOKBACK = WINDOW + LOCKOUT  # older failures can neither start nor extend a lock


def locked_until(
    failures: Iterable[dt.datetime],
    *,
    now: dt.datetime,
    limit: int = LIMIT,
    window: dt.timedelta = WINDOW,
    lockout: dt.timedelta = LOCKOUT,
) -> dt.datetime | None:
    """When the lock lifts, or None when tries are allowed now."""
    times = sorted(failures)
    until: dt.datetime | None = None
    for i in range(limit - 1, len(times)):
        if times[i] - times[i - limit + 1] <= window:
            until = times[i] + lockout
    return until if until is not None and until > now else None
