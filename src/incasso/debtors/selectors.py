"""Reads for debtors."""

from __future__ import annotations

from incasso.debtors.models import Address, BankAccount, Debtor


def debtor_current_address(*, debtor: Debtor) -> Address | None:
    """The valid address in force now (no end date), or None: letters need one."""
    return (
        debtor.addresses.filter(valid_until__isnull=True, is_valid=True)
        .order_by("-valid_from", "-id")
        .first()
    )


def debtor_iban_latest(*, debtor_id: int) -> str:
    """The debtor's most recently recorded bank account (IBAN), or "": a default for a mandate form."""
    iban: str | None = (
        BankAccount.objects.filter(debtor_id=debtor_id)
        .order_by("-created_at", "-id")
        .values_list("iban", flat=True)
    ).first()
    return iban or ""
