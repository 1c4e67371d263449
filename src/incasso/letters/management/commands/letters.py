"""`incasso letters ...`: render one letter, run the print batch, send queued messages, load texts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from incasso.cases.models import Case
from incasso.core.exceptions import DomainError
from incasso.letters.models import TemplateCode


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"not a date (YYYY-MM-DD): {value!r}") from exc


class Command(BaseCommand):
    help = "Letters: render one, print the daily batch, send queued e-mail/SMS, load the default texts."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        render = sub.add_parser("render", help="Render one letter to a PDF without sending it")
        render.add_argument("--case", required=True, help="case number")
        render.add_argument("--type", required=True, choices=TemplateCode.values)
        render.add_argument("--language", default="nl", choices=["nl", "en"])
        render.add_argument("--date", type=_date, default=None, help="letter date (default today)")
        render.add_argument("--out", required=True, type=Path)
        batch = sub.add_parser("print-batch", help="Merge today's letters into one PDF + manifest, mark sent")
        batch.add_argument("--date", type=_date, required=True)
        batch.add_argument("--out", type=Path, required=True, help="directory")
        sub.add_parser("process", help="Send due queued e-mails and SMS now")
        sub.add_parser("seed", help="Add the shipped texts for types/languages that have none")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, "_" + options["action"].replace("-", "_"))(options)
        except DomainError as exc:
            raise CommandError(exc.message) from exc

    def _render(self, options: dict[str, Any]) -> None:
        from incasso.letters.services import letter_render

        case = Case.objects.select_related("client", "debtor").filter(number=options["case"]).first()
        if case is None:
            raise CommandError(f"no case {options['case']}")
        letter = letter_render(
            case=case,
            template_code=options["type"],
            language=options["language"],
            on=options["date"] or timezone.localdate(),
        )
        options["out"].write_bytes(letter.pdf)
        self.stdout.write(
            f"{options['out']}: {letter.pages} page(s), total {letter.data.totals.total}, sha256 {letter.sha256}"
        )

    def _print_batch(self, options: dict[str, Any]) -> None:
        from incasso.letters.print_batch import print_batch

        result = print_batch(on=options["date"], out_dir=options["out"])
        self.stdout.write(
            f"{result.letters} letter(s), {result.pages} page(s), {result.failed} not printable\n"
            f"{result.pdf_path}\n{result.manifest_path}"
        )

    def _process(self, options: dict[str, Any]) -> None:
        from incasso.letters.sending import messages_process

        s = messages_process(now=timezone.now())
        self.stdout.write(f"sent {s.sent}, failed {s.failed}, retry later {s.retry}, skipped {s.skipped}")

    def _seed(self, options: dict[str, Any]) -> None:
        from incasso.letters.services import templates_seed

        self.stdout.write(f"{templates_seed()} template(s) added")
