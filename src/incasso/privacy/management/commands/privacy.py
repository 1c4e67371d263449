"""`incasso privacy erase-due [--date YYYY-MM-DD] [--dry-run] [--json]`
`incasso privacy export --case NUMBER --out FILE.zip [--user USERNAME]`

`erase-due` erases the personal data of every debtor whose last case closed more than
INCASSO_RETENTION_YEARS ago (schedule it daily, after the daily run); running it twice does nothing
the second time. `--date` may lie in the past (erases less), never in the future: that would erase
data the term still protects. `export` writes the copy for an access request (GDPR art. 15) of the
debtor of a case, and records that on each of the debtor's cases.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from incasso.cases.models import Case
from incasso.privacy import retention, services


class Command(BaseCommand):
    help = "Privacy (GDPR): erase the personal data past the retention term; export a debtor's data."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["erase-due", "export"])
        parser.add_argument(
            "--date", default="", help="erase-due: the day to judge the term on (default today)"
        )
        parser.add_argument("--dry-run", action="store_true", help="erase-due: count, change nothing")
        parser.add_argument("--json", action="store_true", help="erase-due: print the summary as JSON")
        parser.add_argument("--case", default="", help="export: a case number of the debtor")
        parser.add_argument("--out", default="", help="export: the ZIP file to write (must not exist)")
        parser.add_argument("--user", default="", help="who does it (recorded on the timeline)")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = self._actor(options["user"])
        if options["what"] == "export":
            self._export(options, actor)
            return
        today = timezone.localdate()
        on = today
        if options["date"]:
            try:
                on = dt.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(f"--date {options['date']!r} is not a date (YYYY-MM-DD)") from exc
            if on > today:
                raise CommandError(
                    f"--date {on} lies in the future: that would erase data the term still protects"
                )
        try:
            result = services.erase_due(by=actor, today=on, dry_run=options["dry_run"])
        except retention.RetentionError as exc:
            raise CommandError(f"INCASSO_RETENTION_YEARS: {exc}") from exc
        if options["json"]:
            self.stdout.write(json.dumps(result.as_json()))
            return
        verb = "would erase" if result.dry_run else "erased"
        self.stdout.write(
            f"{on}: {result.due} debtor(s) past {result.years} years, {verb} "
            f"{result.due if result.dry_run else result.erased}; direct-debit files cleared: "
            f"{result.collection_files_cleared}"
        )

    def _export(self, options: dict[str, Any], actor: Any) -> None:
        if not options["case"] or not options["out"]:
            raise CommandError("export needs --case NUMBER and --out FILE.zip")
        case = Case.objects.select_related("debtor").filter(number=options["case"]).first()
        if case is None:
            raise CommandError(f"No case {options['case']}")
        out = Path(options["out"])
        if out.exists():
            raise CommandError(f"{out} exists; choose a new file")
        copy = services.debtor_access_copy(
            debtor=case.debtor, by=actor, agency=settings.INCASSO_AGENCY["name"]
        )
        out.write_bytes(copy.content)
        self.stdout.write(f"{out}: {len(copy.data['cases'])} case(s), {len(copy.files)} file(s)")

    def _actor(self, username: str) -> Any:
        if not username:
            return None
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}")
        return user
