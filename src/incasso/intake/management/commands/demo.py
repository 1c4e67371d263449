"""`incasso demo [--cases N] [--seed S]`: build the demo portfolio (see docs/demo.md)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from incasso.intake.demo import demo_build, demo_logins_text, demo_portal_login


class Command(BaseCommand):
    help = "Create demo clients, debtors, cases and users (password: incasso-demo). Does nothing if present."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cases", type=int, default=300, help="number of cases (default 300)")
        parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        result = demo_build(cases=options["cases"], seed=options["seed"], today=timezone.localdate())
        if not result.created:
            self.stdout.write("demo data already present")
            self.stdout.write(demo_portal_login())
            return
        states = ", ".join(f"{state} {count}" for state, count in sorted(result.states.items()))
        self.stdout.write(
            f"Demo data created in {time.monotonic() - started:.1f} s: {result.clients} clients, "
            f"{result.cases} cases ({states})."
        )
        self.stdout.write(demo_logins_text(result))
        self.stdout.write(demo_portal_login())
