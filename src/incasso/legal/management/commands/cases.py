"""`incasso cases handover --case NUMBER --to bailiff|lawyer --out DIR [--party NAME]
[--force --user ADMIN_USERNAME --reason TEXT] [--user USERNAME]`

Hands a case over and writes the package into DIR. Refused (exit 1, nothing changed) without the
client's approval where the client requires it, without an invoice or contract document, or when
the state machine does not allow it. `--force` overrides a missing approval and needs `--user` to be
an administrator and a `--reason`; the override is logged with that name.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from incasso.cases.models import Case
from incasso.core.access import is_administrator
from incasso.core.exceptions import DomainError
from incasso.legal.services import case_handover


class Command(BaseCommand):
    help = "Case actions from the legal app. `handover`: hand a case to a bailiff or lawyer with its package."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["handover"])
        parser.add_argument("--case", required=True, help="case number")
        parser.add_argument("--to", required=True, choices=["bailiff", "lawyer"])
        parser.add_argument("--out", required=True, help="directory for the package (created, must be empty)")
        parser.add_argument("--party", default="", help="name of the bailiff's or lawyer's office")
        parser.add_argument(
            "--user", default="", help="who does it (required with --force: an administrator)"
        )
        parser.add_argument("--force", action="store_true", help="override a missing client approval")
        parser.add_argument("--reason", default="", help="why the approval is overridden")

    def handle(self, *args: Any, **options: Any) -> None:
        case = Case.objects.filter(number=options["case"]).first()
        if case is None:
            raise CommandError(f"No case {options['case']}")
        actor = self._actor(options)
        out = Path(options["out"])
        if out.exists() and any(out.iterdir()):
            raise CommandError(f"{out} is not empty")
        try:
            handover = case_handover(
                case=case,
                to=options["to"],
                party=options["party"],
                actor=actor,
                force=options["force"],
                reason=options["reason"],
                out_dir=out,
            )
        except DomainError as exc:
            raise CommandError(f"Hand-over refused: {exc.message}") from exc
        for name in sorted(handover.package_sha256):
            self.stdout.write(f"  {name}")
        note = f" (approval overridden by {actor.username})" if handover.forced_by_id else ""
        self.stdout.write(
            self.style.SUCCESS(f"Case {case.number} handed over to {options['to']}{note}; package in {out}")
        )

    def _actor(self, options: dict[str, Any]) -> Any:
        username = options["user"]
        if options["force"] and not username:
            raise CommandError("--force needs --user with an administrator's username")
        if not username:
            user = (
                get_user_model().objects.filter(role="administrator", is_active=True).order_by("id").first()
            )
            if user is None:
                raise CommandError("No user given (--user) and no administrator exists")
            return user
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {username!r}")
        if options["force"] and not is_administrator(user):
            raise CommandError(f"Hand-over refused: --force needs an administrator; {username} is not one")
        return user
