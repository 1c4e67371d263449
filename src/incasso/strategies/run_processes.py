"""The daily run split over processes on this machine: `incasso run daily --parts N`.

The parent makes the DailyRun row (`parts` = N), starts N processes of `incasso run daily --run-id R
--part k`, each running its part of the due cases (`run.run_part`: the debtors whose id is k modulo N,
so the contact limits per debtor stay in one process), follows the progress on the row, and returns
the run's summary, which the parts add up under a row lock. The part that finishes last does the
follow-ups. Each part is as crash-safe as a whole run: a killed part leaves its cases due for the
next run, and nothing is done twice.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from typing import Any

from django.utils import timezone

from incasso.strategies.models import DailyRun
from incasso.strategies.run import new_run, run_rules


class PartsFailed(Exception):
    """One or more parts ended with an error; the message has what they printed."""


def run_in_processes(
    *,
    run_date: dt.date,
    parts: int,
    dry_run: bool = False,
    chunk_size: int,
    now: dt.datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
    poll_seconds: float = 0.5,
) -> dict[str, Any]:
    now = now or timezone.now()
    run_rules(run_date, now=now)  # refused before any process starts
    run = new_run(run_date=run_date, dry_run=dry_run, parts=parts)
    command = [sys.executable, "-m", "incasso.cli", "run", "daily", "--run-id", str(run.pk), "--skip-checks"]
    command += ["--chunk-size", str(chunk_size), "--now", now.isoformat()]
    with ExitStack() as files:  # each part's output, read when it has ended
        outputs = [files.enter_context(tempfile.TemporaryFile()) for _ in range(parts)]
        processes = [
            subprocess.Popen([*command, "--part", str(k)], stdout=out, stderr=subprocess.STDOUT)
            for k, out in enumerate(outputs)
        ]
        _follow(run.pk, processes, progress, poll_seconds)
        failed = []
        for k, (process, out) in enumerate(zip(processes, outputs, strict=True)):
            if process.returncode != 0:
                out.seek(0)
                text = out.read().decode(errors="replace").strip()[-2000:]
                failed.append(f"part {k + 1} of {parts} (exit {process.returncode}): {text}")
    if failed:
        raise PartsFailed("\n".join(failed))
    return dict(DailyRun.objects.get(pk=run.pk).counts)


def _follow(
    run_id: int,
    processes: list[subprocess.Popen[bytes]],
    progress: Callable[[int, int], None] | None,
    poll_seconds: float,
) -> None:
    """Wait for the parts, showing the run's progress (cases done of the due cases the parts found)."""
    shown = (-1, -1)
    while True:
        running = any(p.poll() is None for p in processes)
        done, due = DailyRun.objects.values_list("done", "due").get(pk=run_id)
        if progress is not None and due and (done, due) != shown:
            progress(done, due)
            shown = (done, due)
        if not running:
            return
        time.sleep(poll_seconds)
