"""`incasso legal limitation-report [--days 90] [--json]`: claims whose limitation ends soon or has ended.

`incasso legal handover ...` is the same as `incasso cases handover ...` (see that command)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from incasso.core.formatting import format_date
from incasso.legal.selectors import limitation_watch_list


class Command(BaseCommand):
    help = "Legal follow-up. `limitation-report`: claims within --days of their limitation date, and barred ones."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["limitation-report"])
        parser.add_argument("--days", type=int, default=90, help="look ahead this many days (default 90)")
        parser.add_argument("--json", action="store_true", help="machine-readable output")

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        rows = limitation_watch_list(today=today, days=options["days"])
        if options["json"]:
            out = [
                {
                    "case": r.case.number,
                    "claim": r.claim.invoice_number,
                    "last_day": r.limitation.last_day.isoformat(),
                    "days_left": r.days_left,
                    "barred": r.barred,
                    "basis": r.limitation.basis,
                    "client": r.case.client.name,
                    "debtor": str(r.case.debtor),
                }
                for r in rows
            ]
            self.stdout.write(json.dumps(out, ensure_ascii=False, indent=2))
            return
        if not rows:
            self.stdout.write(f"No claims within {options['days']} days of their limitation date.")
            return
        for r in rows:
            flag = "VERJAARD" if r.barred else f"{r.days_left:>4} d"
            self.stdout.write(
                f"{flag:>8}  {r.case.number}  {r.claim.invoice_number:<14} "
                f"t/m {format_date(r.limitation.last_day)}  {r.case.client.name} / {r.case.debtor}"
            )
        self.stdout.write(f"{len(rows)} claim(s); barred: {sum(r.barred for r in rows)}")
