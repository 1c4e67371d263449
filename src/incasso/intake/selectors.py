"""Reads for the claim import: which invoices a client already handed over, and which case a
debtor of an earlier import lives in."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from incasso.cases.models import Case, CaseState, Claim, DebtType, Event, EventKind
from incasso.debtors.models import Debtor
from incasso.debtors.services import AddressInput, DebtorInput
from incasso.intake.claims import debtor_key


@dataclass(frozen=True)
class DebtorMatch:
    debtor: Debtor
    open_case: Case | None  # the newest case of this debtor at the client that is not closed


def debt_type_codes() -> dict[str, DebtType]:
    return {t.code: t for t in DebtType.objects.filter(is_active=True)}


def invoices_already_imported(*, client_id: int, invoice_numbers: Collection[str]) -> dict[str, str]:
    """invoice number -> case number, for the invoices of this client that exist already."""
    rows = Claim.objects.filter(client_id=client_id, invoice_number__in=list(invoice_numbers)).values_list(
        "invoice_number", "case__number"
    )
    return dict(rows)


def debtor_match_for_key(*, client_id: int, key: str, postcode: str, house_number: str) -> DebtorMatch | None:
    """Find the debtor an earlier import (by its `imported` event) or a case at the same address
    (by name + postcode + house number) already knows at this client."""
    cases = (
        Case.objects.filter(
            client_id=client_id,
            pk__in=Event.objects.filter(kind=EventKind.IMPORTED, details__debtor_key=key).values("case_id"),
        )
        .select_related("debtor")
        .order_by("-opened_on", "-id")
    )
    found = list(cases)
    if not found and key.startswith("name:"):
        candidates = (
            Case.objects.filter(
                client_id=client_id,
                debtor__addresses__postcode=postcode,
                debtor__addresses__valid_until__isnull=True,
            )
            .select_related("debtor")
            .prefetch_related("debtor__addresses")
            .order_by("-opened_on", "-id")
            .distinct()
        )
        found = [case for case in candidates if _name_key(case.debtor, postcode, house_number) == key]
    if not found:
        return None
    open_case = next((case for case in found if case.state != CaseState.CLOSED), None)
    return DebtorMatch(debtor=(open_case or found[0]).debtor, open_case=open_case)


def _name_key(debtor: Debtor, postcode: str, house_number: str) -> str:
    current = [a for a in debtor.addresses.all() if a.valid_until is None and a.postcode == postcode]
    if not any(
        a.house_number.replace(" ", "").lower() == house_number.replace(" ", "").lower() for a in current
    ):
        return ""
    data = DebtorInput(
        kind=debtor.kind,
        first_names=debtor.first_names,
        name_prefix=debtor.name_prefix,
        last_name=debtor.last_name,
        organisation_name=debtor.organisation_name,
        address=AddressInput(street="", house_number=house_number, postcode=postcode, city=""),
    )
    return debtor_key(debtor_number="", debtor=data)
