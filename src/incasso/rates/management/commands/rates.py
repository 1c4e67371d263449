"""`incasso rates list|add`: the statutory rate tables (packaged CSV + stored changes).

    incasso rates list [--basis consumer|commercial] [--json]
    incasso rates add --basis consumer --from 2027-01-01 --percent 4 --source "Stb. 2026, 123" [--unverified]

`list` marks unverified rows with a warning; `add` stores a future change in the database.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from incasso.calculations.rate_table import RateBasis
from incasso.core.exceptions import DomainError
from incasso.rates.selectors import rate_change_rows, rate_table
from incasso.rates.services import rate_change_add


class Command(BaseCommand):
    help = "List the statutory interest rate tables or add a future rate change (stored in the database)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="{list,add}")
        listing = sub.add_parser("list", help="show the merged tables")
        listing.add_argument("--basis", help="consumer or commercial (default both)")
        listing.add_argument("--json", action="store_true")
        add = sub.add_parser("add", help="add a rate change after the packaged table")
        add.add_argument("--basis", required=True, help="consumer (6:119) or commercial (6:119a)")
        add.add_argument("--from", dest="effective_from", required=True, help="YYYY-MM-DD")
        add.add_argument("--percent", required=True, help="yearly percentage, e.g. 4 or 10.15")
        add.add_argument("--source", required=True, help='e.g. "Stb. 2026, 123"')
        add.add_argument("--unverified", action="store_true", help="flag the row as not yet verified")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            self.list(options)
        else:
            self.add(options)

    def list(self, options: dict[str, Any]) -> None:
        bases = [options["basis"]] if options["basis"] else [b.value for b in RateBasis]
        if not set(bases) <= {b.value for b in RateBasis}:
            raise CommandError(f"unknown --basis {options['basis']!r}; use consumer or commercial")
        result: dict[str, list[dict[str, Any]]] = {}
        for basis in bases:
            stored = {r.effective_from for r in rate_change_rows(basis=basis)}
            result[basis] = [
                {
                    "effective_from": row.effective_from.isoformat(),
                    "percent": str(row.percent),
                    "verified": row.verified,
                    "origin": "database" if row.effective_from in stored else "packaged",
                    "source": row.source,
                }
                for row in rate_table(basis).rows
            ]
        if options["json"]:
            self.stdout.write(json.dumps(result, indent=2, sort_keys=True, ensure_ascii=False))
            return
        for basis, rows in result.items():
            article = "6:119" if basis == "consumer" else "6:119a"
            self.stdout.write(f"{basis} (art. {article} BW)")
            for row in rows:
                flag = "  WAARSCHUWING: niet geverifieerd" if not row["verified"] else ""
                line = f"  {row['effective_from']}  {row['percent']:>6}%  {row['origin']:<8}"
                self.stdout.write(f"{line}  {row['source'][:60]}{flag}")

    def add(self, options: dict[str, Any]) -> None:
        try:
            effective_from = dt.date.fromisoformat(options["effective_from"])
        except ValueError:
            raise CommandError(
                f"--from: {options['effective_from']!r} is not a date (use YYYY-MM-DD)"
            ) from None
        try:
            percent = Decimal(options["percent"])
        except InvalidOperation:
            raise CommandError(f"--percent: {options['percent']!r} is not a number") from None
        try:
            change = rate_change_add(
                basis=options["basis"],
                effective_from=effective_from,
                percent=percent,
                source=options["source"],
                verified=not options["unverified"],
            )
        except DomainError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Added {change}")
