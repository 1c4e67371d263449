"""`incasso strategies seed [--challenger-share N] [--assign]`: the default strategies."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from incasso.core.exceptions import DomainError
from incasso.strategies.seeds import strategies_assign_unassigned, strategies_seed_defaults


class Command(BaseCommand):
    help = "Strategies. `seed`: create the default consumer and business strategies (safe to rerun)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["seed"])
        parser.add_argument(
            "--challenger-share",
            type=int,
            default=0,
            help="also an 'e-mail first' challenger for N %% of cases",
        )
        parser.add_argument("--assign", action="store_true", help="put open cases without a strategy on one")

    def handle(self, *args: Any, **options: Any) -> None:
        share = options["challenger_share"]
        if not 0 <= share <= 100:
            raise CommandError("--challenger-share must lie between 0 and 100")
        try:
            made = strategies_seed_defaults(challenger_share=share)
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        for strategy in made:
            self.stdout.write(f"  {strategy.name} ({strategy.get_debtor_role_display()})")
        if options["assign"]:
            self.stdout.write(f"  {strategies_assign_unassigned()} case(s) put on a strategy")
        self.stdout.write(self.style.SUCCESS("Default strategies in place"))
