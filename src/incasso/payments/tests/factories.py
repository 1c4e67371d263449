"""A case the way the worked examples describe it: claims, collection costs, a debtor account."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from incasso.calculations import generate_payment_reference
from incasso.cases.models import Bucket, Case, EntryKind, LedgerEntry
from incasso.cases.tests.factories import CaseFactory, ClaimFactory
from incasso.debtors.models import BankAccount

_counter = iter(range(500_000, 10_000_000))


def worked_case(
    *,
    principal: Decimal = Decimal("2500.00"),
    costs: Decimal = Decimal("375.00"),
    due_date: dt.date = dt.date(2024, 3, 31),
    iban: str = "",
    name: str = "",
    **case_kwargs: object,
) -> Case:
    """Consumer claim whose interest runs from the day after `due_date` (the worked example)."""
    n = next(_counter)
    kwargs: dict[str, object] = {
        "number": f"2024-{n % 1_000_000:06d}",
        "payment_reference": generate_payment_reference(2024_000_000 + n),
        "state": "amicable",
        "opened_on": dt.date(2024, 4, 15),
        **case_kwargs,
    }
    if name:
        kwargs["debtor__last_name"] = name
        kwargs["debtor__first_names"] = ""
    case = CaseFactory(**kwargs)
    claim = ClaimFactory(
        case=case,
        principal=principal,
        invoice_date=due_date - dt.timedelta(days=30),
        due_date=due_date,
        invoice_number=f"INV-{n}",
    )
    if costs:
        LedgerEntry.objects.create(
            case=case,
            claim=claim,
            bucket=Bucket.COSTS,
            kind=EntryKind.COSTS_CHARGED,
            amount=costs,
            value_on=due_date,
            booked_at=timezone.now(),
            source="factory",
        )
    if iban:
        BankAccount.objects.create(debtor=case.debtor, iban=iban)
    return case
