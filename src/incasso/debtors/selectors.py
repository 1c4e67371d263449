"""Reads for debtors."""

from __future__ import annotations

from incasso.debtors.models import Address, Debtor


def debtor_current_address(*, debtor: Debtor) -> Address | None:
    """The valid address in force now (no end date), or None: letters need one."""
    return (
        debtor.addresses.filter(valid_until__isnull=True, is_valid=True)
        .order_by("-valid_from", "-id")
        .first()
    )
