"""Shared helpers for the intake tests."""

from __future__ import annotations

from pathlib import Path

from incasso.cases.models import Case, Claim, Event, LedgerEntry
from incasso.debtors.models import Debtor

EXAMPLES = Path(__file__).resolve().parents[4] / "examples"

HEADER = (
    "invoice_number,invoice_date,due_date,principal,debtor_type,debtor_role,"
    "first_names,last_name,organisation_name,street,house_number,postcode,city,email,phone,iban"
)


def csv_bytes(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def person_row(
    invoice: str,
    principal: str = "100.00",
    *,
    last_name: str = "Jansen",
    house: str = "1",
    invoice_date: str = "2026-01-05",
    due_date: str = "2026-02-04",
    iban: str = "",
) -> str:
    return (
        f"{invoice},{invoice_date},{due_date},{principal},person,consumer,Jan,{last_name},,"
        f"Kerkstraat,{house},3511 LK,Utrecht,,,{iban}"
    )


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in (Case, Claim, Debtor, LedgerEntry, Event)}
