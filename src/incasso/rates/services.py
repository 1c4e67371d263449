"""Writes for rates: adding a rate change."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from incasso.calculations.rate_table import RateBasis, RateRow, packaged_table
from incasso.core.exceptions import DomainError
from incasso.rates.models import RateChange


def rate_change_add(
    *, basis: str, effective_from: dt.date, percent: Decimal, source: str, verified: bool = True
) -> RateChange:
    """Store a rate change after the last packaged row; refuse duplicates and nonsense."""
    try:
        key = RateBasis(basis)
    except ValueError:
        raise DomainError(f"unknown basis {basis!r}; use consumer or commercial", field="basis") from None
    if isinstance(percent, float) or not isinstance(percent, Decimal):
        raise TypeError("percent must be a Decimal")
    if not percent.is_finite() or percent < 0 or percent > 100:
        raise DomainError(f"rate must be between 0 and 100, got {percent}", field="percent")
    if percent.as_tuple().exponent < -4:  # type: ignore[operator]
        raise DomainError("rate has more than 4 decimals", field="percent")
    if not source.strip():
        raise DomainError("give the source (e.g. the Staatsblad number)", field="source")
    base = packaged_table(key)
    if effective_from <= base.rows[-1].effective_from:
        last = base.rows[-1].effective_from.isoformat()
        raise DomainError(f"a change must start after the last packaged row ({last})", field="effective_from")
    base.merged([RateRow(effective_from, percent, source, verified)])  # validates the merged table
    with transaction.atomic():
        if RateChange.objects.filter(basis=key.value, effective_from=effective_from).exists():
            raise DomainError(
                f"a {key.value} rate from {effective_from} is already stored", field="effective_from"
            )
        change = RateChange.objects.create(
            basis=key.value,
            effective_from=effective_from,
            percent=percent,
            source=source.strip(),
            verified=verified,
        )
    return change
