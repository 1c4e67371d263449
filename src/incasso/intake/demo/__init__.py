"""A realistic Dutch demo portfolio, built through our own services so it obeys the same rules as
real data: clients, debtors (some moved, some with invalid contact details), cases in every state
with claims, collection costs, payments, write-offs, notes and tasks, and the demo users.

Deterministic for a given seed (random.Random + Faker nl_NL seeded); dates are relative to `today`.
"""

from incasso.intake.demo.build import (
    DemoResult,
    demo_build,
    demo_logins_text,
    demo_portal_login,
    demo_present,
)
from incasso.intake.demo.people import Builder
from incasso.intake.demo.specs import CLIENTS, DEMO_PASSWORD

__all__ = [
    "CLIENTS",
    "DEMO_PASSWORD",
    "Builder",
    "DemoResult",
    "demo_build",
    "demo_logins_text",
    "demo_portal_login",
    "demo_present",
]
