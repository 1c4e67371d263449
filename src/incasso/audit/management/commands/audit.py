"""`incasso audit prune [--dry-run] [--days N]`: remove access log entries past their retention.

    incasso audit prune --dry-run    # how many entries are older than INCASSO_ACCESS_LOG_DAYS
    incasso audit prune              # remove them, in batches

The daily run does the same after its steps; this is for a first clean-up or a different schedule.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from incasso.audit.services import access_log_prune


class Command(BaseCommand):
    help = "The access log (who saw which case). `prune`: remove entries older than INCASSO_ACCESS_LOG_DAYS."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="{prune}")
        prune = sub.add_parser("prune", help="remove entries past the retention period")
        prune.add_argument("--dry-run", action="store_true", help="count them; remove nothing")
        prune.add_argument(
            "--days",
            type=int,
            default=None,
            help=f"keep this many days instead of INCASSO_ACCESS_LOG_DAYS ({settings.INCASSO_ACCESS_LOG_DAYS})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"]
        if days is not None and days < 1:
            raise CommandError("--days must be 1 or more")
        result = access_log_prune(now=timezone.now(), days=days, dry_run=options["dry_run"])
        before = timezone.localtime(result.before)
        verb = "would remove" if result.dry_run else "removed"
        self.stdout.write(f"{verb} {result.removed} access log entries from before {before:%Y-%m-%d %H:%M}")
