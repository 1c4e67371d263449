"""`incasso mail bounces PATH...`: read e-mail that came back and mark what did not arrive.

PATH is a Maildir, an mbox, a single message file (.eml), or `-` for one message on standard input,
so the MTA can pipe each bounce to it (Postfix: an alias `incasso-bounces: "|incasso mail bounces -"`).
Each message is applied in its own transaction (`letters.delivery_reports`); a message that cannot
be read or applied is reported with its file and the others go through. Exit status: 0, 1 when a
message had an error, 75 (EX_TEMPFAIL: the MTA tries again later) when the database was not there.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from incasso.letters.bounces import BounceSummary, bounces_process
from incasso.letters.mail_sources import mail_inputs

EX_TEMPFAIL = 75


class Command(BaseCommand):
    help = "E-mail that came back: read bounces (DSN) and mark what did not arrive."
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        bounces = sub.add_parser(
            "bounces", help="Read bounces: failed messages, invalid addresses, find-contact tasks"
        )
        bounces.add_argument(
            "paths",
            nargs="+",
            metavar="PATH",
            help="a Maildir, an mbox or a message file; - reads one message from standard input",
        )
        bounces.add_argument("--json", action="store_true", help="print the summary as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        stdin = options.get("stdin") or sys.stdin.buffer
        summary = bounces_process(inputs=mail_inputs(options["paths"], stdin=stdin), now=timezone.now())
        for source, error in summary.errors:
            self.stderr.write(f"{source}: {error}")
        if options["json"]:
            self.stdout.write(json.dumps(summary.as_dict(), indent=2))
        else:
            self.stdout.write(_text(summary))
        if summary.errors:
            raise CommandError(
                f"{len(summary.errors)} message(s) not processed, see above",
                returncode=EX_TEMPFAIL if summary.database_errors else 1,
            )


def _text(s: BounceSummary) -> str:
    return (
        f"processed {s.processed}: bounced {s.bounced} (address marked invalid {s.address_invalid}), "
        f"delayed {s.delayed}, not a bounce {s.not_a_bounce}, unmatched {s.unmatched}, "
        f"already done {s.unchanged}, errors {len(s.errors)}"
    )
