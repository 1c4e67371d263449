"""`incasso run daily [--date YYYY-MM-DD] [--dry-run] [--json]`: the daily strategy run."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from incasso.core.contact import RuleError
from incasso.core.exceptions import DomainError
from incasso.strategies.run import DEFAULT_CHUNK_SIZE, daily_follow_ups, daily_run


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

    def handle(self, *args: Any, **options: Any) -> None:
        run_date = _date(options["date"]) if options["date"] else timezone.localdate()
        as_json = options["json"]
        if options["chunk_size"] < 1:
            raise CommandError("--chunk-size must be at least 1")

        tty = self.stdout.isatty()

        def progress(done: int, total: int) -> None:
            if as_json:
                return
            if tty:  # one line, redrawn: a bar on the terminal
                self.stdout.write(f"\r  {progress_bar(done, total)}", ending="")
                if done == total:
                    self.stdout.write("")
                self.stdout.flush()
            else:  # a log file gets a line per chunk
                self.stdout.write(f"  {done}/{total} cases")

        if not as_json:
            self.stdout.write(
                f"Daily run for {run_date:%d-%m-%Y}{' (dry run)' if options['dry_run'] else ''}"
            )
        try:
            summary = daily_run(
                run_date=run_date,
                dry_run=options["dry_run"],
                chunk_size=options["chunk_size"],
                progress=progress,
            )
        except (DomainError, RuleError) as exc:
            raise CommandError(str(exc)) from exc
        summary = daily_follow_ups(summary)  # arrangements, promises, the sending task (not on a dry run)
        result = summary.as_dict()
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
