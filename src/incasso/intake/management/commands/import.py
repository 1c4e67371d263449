"""`incasso import claims FILE --client CODE [--dry-run]` and
`incasso import statement FILE... [--dry-run] [--json]`.

Exit code 0 when all is well, 1 (CommandError) otherwise; errors go to stderr, one per line.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from incasso.clients.selectors import client_get_by_code
from incasso.core.formatting import format_money
from incasso.intake.services import ImportReport, claims_import_file


class Command(BaseCommand):
    help = "Import claims (CSV/XLSX) for a client, or check bank statement files."

    def add_arguments(self, parser: CommandParser) -> None:
        subparsers = parser.add_subparsers(dest="what", required=True, metavar="{claims,statement}")
        claims = subparsers.add_parser("claims", help="Import a claim file (CSV or XLSX) for one client.")
        claims.add_argument("file", help="the .csv or .xlsx file, one row per invoice")
        claims.add_argument("--client", required=True, help="the client's code, e.g. ZORG")
        claims.add_argument("--dry-run", action="store_true", help="check everything, write nothing")
        statement = subparsers.add_parser(
            "statement", help="Read bank statement files (CAMT.053/.054, MT940)."
        )
        statement.add_argument("files", nargs="+", metavar="FILE")
        statement.add_argument("--dry-run", action="store_true", help="parse and report, book nothing")
        statement.add_argument("--json", action="store_true", help="print the report as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["what"] == "claims":
            self._claims(Path(options["file"]), code=options["client"], dry_run=options["dry_run"])
        else:
            self._statement(
                [Path(f) for f in options["files"]], dry_run=options["dry_run"], as_json=options["json"]
            )

    def _claims(self, path: Path, *, code: str, dry_run: bool) -> None:
        client = client_get_by_code(code=code)
        if client is None:
            raise CommandError(_("Unknown client code %(code)r") % {"code": code})
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(
                _("%(file)s: cannot read file (%(reason)s)") % {"file": path, "reason": exc.strerror or exc}
            ) from None
        report = claims_import_file(client=client, data=data, file_name=path.name, dry_run=dry_run)
        for warning in report.warnings:
            self.stderr.write(_("warning: %(warning)s") % {"warning": warning})
        if not report.ok:
            for error in report.errors:
                self.stderr.write(str(error))
            count = len(report.errors)
            raise CommandError(
                ngettext(
                    "%(file)s: %(count)s error; nothing was imported",
                    "%(file)s: %(count)s errors; nothing was imported",
                    count,
                )
                % {"file": path.name, "count": count}
            )
        self.stdout.write(_summary(report))

    def _statement(self, paths: list[Path], *, dry_run: bool, as_json: bool) -> None:
        if not dry_run:
            self._statement_book(paths, as_json=as_json)
            return
        from incasso import bankfiles

        try:
            report = bankfiles.dry_run_report(paths)
        except bankfiles.StatementFileError as exc:
            raise CommandError(str(exc)) from None
        if as_json:
            self.stdout.write(json.dumps(report, indent=2))
            return
        count = len(report.get("entries", []))
        self.stdout.write(
            ngettext(
                "%(count)s entry read; nothing booked (dry run)",
                "%(count)s entries read; nothing booked (dry run)",
                count,
            )
            % {"count": count}
        )
        for warning in report.get("warnings", []):
            self.stderr.write(_("warning: %(warning)s") % {"warning": warning})

    def _statement_book(self, paths: list[Path], *, as_json: bool) -> None:
        """Book each file in its own transaction (incasso.payments); a rerun books nothing twice."""
        from incasso.bankfiles import StatementFileError
        from incasso.payments.services import statement_import

        results = []
        for path in paths:
            try:
                summary = statement_import(path=path)
            except StatementFileError as exc:
                raise CommandError(_("%(error)s (nothing booked from this file)") % {"error": exc}) from None
            for warning in summary.warnings:
                self.stderr.write(_("warning: %(warning)s") % {"warning": warning})
            results.append(summary)
            if not as_json:
                self.stdout.write(
                    _(
                        "%(file)s: %(read)s read, %(booked)s booked (%(automatic)s matched automatically, "
                        "%(amount)s), %(already)s imported before, %(returned)s returned, %(manual)s to the "
                        "manual queue, %(ignored)s ignored, %(warnings)s warning(s)"
                    )
                    % {
                        "file": path.name,
                        "read": summary.read,
                        "booked": summary.booked,
                        "automatic": summary.matched_automatically,
                        "amount": format_money(summary.booked_amount),
                        "already": summary.already_booked,
                        "returned": summary.returned,
                        "manual": summary.to_manual_queue,
                        "ignored": summary.ignored,
                        "warnings": len(summary.warnings),
                    }
                )
        if as_json:
            self.stdout.write(
                json.dumps(
                    [
                        {
                            "file": s.file_name,
                            "read": s.read,
                            "booked": s.booked,
                            "already_booked": s.already_booked,
                            "matched_automatically": s.matched_automatically,
                            "returned": s.returned,
                            "to_manual_queue": s.to_manual_queue,
                            "ignored": s.ignored,
                            "booked_amount": str(s.booked_amount),
                            "warnings": s.warnings,
                        }
                        for s in results
                    ],
                    indent=2,
                )
            )


def _summary(report: ImportReport) -> str:
    head = _(
        "%(file)s: %(opened)s case(s) opened, %(claims)s claim(s) (%(principal)s), %(skipped)s row(s) skipped"
    ) % {
        "file": report.file_name,
        "opened": len(report.opened),
        "claims": report.claims_created,
        "principal": format_money(report.principal),
        "skipped": len(report.skipped),
    }
    lines = [head + (_(" — dry run, nothing written") if report.dry_run else "")]
    for line in report.opened:
        lines.append(
            "  "
            + _("new case %(case)s: %(debtor)s, rows %(rows)s, %(principal)s")
            % {
                "case": line.case_number or _("(new)"),
                "debtor": line.debtor_name,
                "rows": ", ".join(map(str, line.rows)),
                "principal": format_money(line.principal),
            }
        )
    for line in report.extended:
        lines.append(
            "  "
            + _("added to case %(case)s: %(debtor)s, rows %(rows)s, %(principal)s")
            % {
                "case": line.case_number,
                "debtor": line.debtor_name,
                "rows": ", ".join(map(str, line.rows)),
                "principal": format_money(line.principal),
            }
        )
    if report.skipped:
        skipped_line = (
            _("%(count)s row(s) would be skipped (already imported):")
            if report.dry_run
            else _("%(count)s row(s) were skipped (already imported):")
        )
        lines.append("  " + skipped_line % {"count": len(report.skipped)})
        lines.extend(f"    {skipped}" for skipped in report.skipped)
    return "\n".join(lines)
