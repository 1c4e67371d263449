"""Reads for the privacy screens: whose data is due for erasure, and everything held on one debtor.

Privacy work is agency-wide (a debtor's cases may belong to several clients), so these selectors
take no user: the views admit only supervisors without a client restriction.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import Count, Max, Q, QuerySet

from incasso.cases.models import Case, Document, Event, Note
from incasso.debtors.models import Debtor
from incasso.letters.models import SentLetter
from incasso.payments.models import BankTransaction
from incasso.privacy import retention


def retention_years() -> int:
    return retention.check_years(int(settings.INCASSO_RETENTION_YEARS))


def _case_facts() -> dict[str, Any]:
    return {
        "n_cases": Count("cases", distinct=True),
        "n_open": Count("cases", filter=Q(cases__closed_on__isnull=True), distinct=True),
        "last_closed_on": Max("cases__closed_on"),
    }


def debtors_due(*, today: dt.date, years: int) -> QuerySet[Debtor]:
    """Debtors not yet erased whose cases are all closed, the last one on or before the cutoff."""
    cutoff = retention.cutoff(today=today, years=years)
    return (
        Debtor.objects.filter(anonymised_at__isnull=True)
        .annotate(
            n_cases=Count("cases", distinct=True),
            n_open=Count("cases", filter=Q(cases__closed_on__isnull=True), distinct=True),
            last_closed_on=Max("cases__closed_on"),
        )
        .filter(n_cases__gt=0, n_open=0, last_closed_on__lte=cutoff)
        .order_by("last_closed_on", "pk")
    )


def debtor_retention(debtor: Debtor, *, today: dt.date, years: int) -> retention.Retention:
    closed = Case.objects.filter(debtor=debtor).values_list("closed_on", flat=True)
    return retention.retention(closed, today=today, years=years)


def debtor_search(query: str, *, limit: int = 25) -> QuerySet[Debtor]:
    """Debtors by case number, payment reference, name or postcode, with their case facts."""
    query = query.strip()
    qs = Debtor.objects.all()
    if query:
        qs = qs.filter(
            Q(cases__number__iexact=query)
            | Q(cases__payment_reference=query.replace(" ", "").replace(".", ""))
            | Q(last_name__icontains=query)
            | Q(organisation_name__icontains=query)
            | Q(addresses__postcode__iexact=query.replace(" ", "").upper())
        )
    return qs.distinct().annotate(**_case_facts()).order_by("last_name", "organisation_name", "pk")[:limit]


def debtor_holdings(debtor: Debtor) -> dict[str, int]:
    """How many records of each kind are held on the debtor (the privacy page's overview)."""
    in_cases = Q(case__debtor=debtor)
    return {
        "addresses": debtor.addresses.count(),
        "contact_points": debtor.contact_points.count(),
        "bank_accounts": debtor.bank_accounts.count(),
        "letters": SentLetter.objects.filter(in_cases).exclude(pages=0, text="").count(),
        "documents": Document.objects.filter(in_cases).exclude(file="").count(),
        "notes": Note.objects.filter(in_cases).count(),
        "events": Event.objects.filter(in_cases).count(),
        "payments": BankTransaction.objects.filter(in_cases).count(),
    }
