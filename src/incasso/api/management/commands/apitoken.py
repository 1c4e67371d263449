"""`incasso apitoken create|list|revoke`: tokens for the JSON API (`/api/v1/`).

    incasso apitoken create --user zoe --name "ERP koppeling"   # prints the token once
    incasso apitoken list [--user zoe]
    incasso apitoken revoke inc_1a2b3c4d                          # the prefix is enough

A token acts as its user: same role, same client scope.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from incasso.api.models import ApiToken
from incasso.api.services import TOKEN_START, api_token_create, api_token_revoke
from incasso.core.exceptions import DomainError


class Command(BaseCommand):
    help = "Create, list or revoke API tokens."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="{create,list,revoke}")
        create = sub.add_parser("create", help="make a token and print it once")
        create.add_argument("--user", required=True, help="the user the token acts as")
        create.add_argument("--name", required=True, help='what it is for, e.g. "ERP koppeling"')
        listing = sub.add_parser("list", help="show tokens (never their secrets)")
        listing.add_argument("--user", help="only this user's tokens")
        revoke = sub.add_parser("revoke", help="stop a token from working")
        revoke.add_argument("prefix", help="the token or its first characters (inc_xxxxxxxx)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action']}")(options)
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc

    def _create(self, options: dict[str, Any]) -> None:
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"no user {options['user']!r}")
        record, token = api_token_create(user=user, name=options["name"])
        self.stdout.write(token)
        self.stderr.write(
            f"token {TOKEN_START}{record.prefix} for {user.get_username()} ({record.name}): "
            "store it now, it is not shown again"
        )

    def _list(self, options: dict[str, Any]) -> None:
        tokens = ApiToken.objects.select_related("user")
        if options["user"]:
            tokens = tokens.filter(user__username=options["user"])
        for t in tokens:
            state = f"revoked {t.revoked_at:%Y-%m-%d}" if t.revoked_at else "active"
            used = f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "never used"
            self.stdout.write(
                f"{TOKEN_START}{t.prefix}  {t.user.get_username():<12} {state:<18} {used:<17} {t.name}"
            )

    def _revoke(self, options: dict[str, Any]) -> None:
        record = api_token_revoke(prefix=options["prefix"])
        self.stdout.write(f"revoked {TOKEN_START}{record.prefix} ({record.name})")
