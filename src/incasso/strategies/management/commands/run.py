"""`incasso run daily [--date YYYY-MM-DD] [--dry-run] [--json] [--parts N]`: the daily strategy run."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from incasso.core.contact import RuleError
from incasso.core.exceptions import DomainError
from incasso.strategies.run import DEFAULT_CHUNK_SIZE, daily_follow_ups, daily_run, run_part
from incasso.strategies.run_processes import PartsFailed, run_in_processes


def progress_bar(done: int, total: int, width: int = 30) -> str:
    """`[#########.....................]  30 %  15000/50000 cases`"""
    filled = width * done // total if total else width
    percent = 100 * done // total if total else 100
    return f"[{'#' * filled}{'.' * (width - filled)}] {percent:3d} %  {done}/{total} cases"


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--date must look like 2026-03-31, got {value!r}") from exc


class Command(BaseCommand):
    help = "Batch runs. `run daily`: execute every due strategy step, exactly once per case, step and date."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["daily"], help="which run")
        parser.add_argument("--date", type=str, default=None, help="run date (default: today)")
        parser.add_argument("--dry-run", action="store_true", help="show what would happen; change nothing")
        parser.add_argument("--json", action="store_true", help="print the summary as one JSON object")
        parser.add_argument("--chunk-size", type=int, default=DEFAULT_CHUNK_SIZE)
        parser.add_argument(
            "--parts",
            type=int,
            default=1,
            help="split the run over this many processes, each a part of the due cases (default 1)",
        )
        # Internal: one part of a split run (started by --parts), and the moment the run counts as "now".
        parser.add_argument("--run-id", type=int, default=None, help=argparse.SUPPRESS)
        parser.add_argument("--part", type=int, default=0, help=argparse.SUPPRESS)
        parser.add_argument("--now", type=str, default=None, help=argparse.SUPPRESS)

    def handle(self, *args: Any, **options: Any) -> None:
        run_date = _date(options["date"]) if options["date"] else timezone.localdate()
        as_json = options["json"]
        if options["chunk_size"] < 1:
            raise CommandError("--chunk-size must be at least 1")
        if not 1 <= options["parts"] <= 64:
            raise CommandError("--parts must be between 1 and 64")
        now = dt.datetime.fromisoformat(options["now"]) if options["now"] else None
        if options["run_id"] is not None:  # one part of a split run, in its own process
            result = run_part(
                run_id=options["run_id"], part=options["part"], now=now, chunk_size=options["chunk_size"]
            )
            self.stdout.write(json.dumps(result))
            if "error" in result:  # no such run or part
                raise CommandError(result["error"])
            return

        tty = self.stdout.isatty()

        def progress(done: int, total: int) -> None:
            if as_json:
                return
            if tty:  # one line, redrawn: a bar on the terminal
                self.stdout.write(f"\r  {progress_bar(done, total)}", ending="")
                self.stdout.flush()
            else:  # a log file gets a line per chunk
                self.stdout.write(f"  {done}/{total} cases")

        parts = options["parts"]
        if not as_json:
            self.stdout.write(
                f"Daily run for {run_date:%d-%m-%Y}{' (dry run)' if options['dry_run'] else ''}"
                + (f" in {parts} processes" if parts > 1 else "")
            )
        try:
            if parts > 1:  # the last part to finish did the follow-ups
                result = run_in_processes(
                    run_date=run_date,
                    parts=parts,
                    dry_run=options["dry_run"],
                    chunk_size=options["chunk_size"],
                    now=now,
                    progress=progress,
                )
            else:
                summary = daily_run(
                    run_date=run_date,
                    now=now,
                    dry_run=options["dry_run"],
                    chunk_size=options["chunk_size"],
                    progress=progress,
                )
                # arrangements, promises, the sending task (not on a dry run)
                result = daily_follow_ups(summary).as_dict()
        except (DomainError, RuleError, PartsFailed) as exc:
            raise CommandError(str(exc)) from exc
        finally:
            if tty and not as_json:
                self.stdout.write("")  # end the progress bar's line
        if as_json:
            self.stdout.write(json.dumps(result))
            return
        self.stdout.write(
            f"Due: {result['due']}  executed: {result['executed']}  new cases assigned: {result['assigned']}"
        )
        for reason, count in result["skipped"].items():
            self.stdout.write(f"  skipped ({reason}): {count}")
        for key in ("arrangements", "promises", "messages_task"):
            if key in result:
                self.stdout.write(f"  {key}: {result[key]}")
        for error in result["errors"]:
            self.stderr.write(f"  error {error['case']}: {error['error']}")
        self.stdout.write(
            self.style.SUCCESS("Done") if not result["errors"] else self.style.WARNING("Done with errors")
        )
