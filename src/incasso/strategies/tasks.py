"""Background work: the daily run a supervisor starts on the "Run today" page (run by `incasso db_worker`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from incasso.core.exceptions import DomainError
from incasso.core.formatting import format_date
from incasso.strategies.models import DailyRun
from incasso.strategies.run import new_run, run_part
from incasso.strategies.selectors import daily_run_in_progress


@task()
def daily_run_task(run_id: int, part: int = 0) -> dict[str, Any]:
    """Carry out (part `part` of) the queued DailyRun `run_id`; its row shows the progress and, at the
    end, the summary."""
    return run_part(run_id=run_id, part=part)


def daily_run_start(
    *, actor: Any, dry_run: bool, now: dt.datetime | None = None, parts: int | None = None
) -> DailyRun:
    """Queue today's run (or dry run) for a background worker; refused while another run is in progress.

    In `parts` tasks (default `INCASSO_RUN_PARTS`, 1): with as many `db_worker` processes, on one
    machine or several against the same PostgreSQL, the parts run side by side.

    Two runs at once would do no harm (each step is done once per case, step and date, under a row
    lock), but the second would only wait for the first and its summary would say nothing happened.
    A run whose worker stopped (no progress for `DailyRun.STALLED_AFTER`) does not block a new one.
    """
    now = now or timezone.now()
    parts = parts or int(getattr(settings, "INCASSO_RUN_PARTS", 1))
    busy = daily_run_in_progress(now=now)
    if busy is not None:
        raise DomainError(
            _("A run for %(date)s is already in progress (started at %(time)s); wait for it to finish")
            % {
                "date": format_date(busy.run_date),
                "time": timezone.localtime(busy.started_at).strftime("%H:%M"),
            }
        )
    with transaction.atomic():
        run = new_run(run_date=timezone.localdate(now), dry_run=dry_run, actor=actor, parts=parts, now=now)
        first = daily_run_task.enqueue(run.pk, 0)
        DailyRun.objects.filter(pk=run.pk).update(task_id=str(first.id))
        for part in range(1, parts):
            daily_run_task.enqueue(run.pk, part)
    run.refresh_from_db()  # a backend that runs the task at once has finished it by now
    return run
