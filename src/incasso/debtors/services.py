"""Writes for debtors: creation with validated identifiers, moves, invalid contact points."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from incasso.core.exceptions import DomainError
from incasso.core.identifiers import (
    normalise_email,
    normalise_iban,
    normalise_kvk,
    normalise_phone,
    normalise_postcode,
)
from incasso.debtors.models import (
    Address,
    BankAccount,
    ContactKind,
    ContactPoint,
    CorrespondenceLanguage,
    Debtor,
    DebtorKind,
)


@dataclass(frozen=True)
class AddressInput:
    street: str
    house_number: str
    postcode: str
    city: str
    country: str = "NL"
    source: str = ""


@dataclass(frozen=True)
class DebtorInput:
    kind: str
    last_name: str = ""
    first_names: str = ""
    name_prefix: str = ""
    organisation_name: str = ""
    date_of_birth: dt.date | None = None
    kvk_number: str = ""
    address: AddressInput | None = None
    emails: Sequence[str] = field(default_factory=tuple)
    phones: Sequence[str] = field(default_factory=tuple)
    ibans: Sequence[str] = field(default_factory=tuple)
    source: str = ""
    language: str = CorrespondenceLanguage.NL  # of the letters, e-mails and SMS


@dataclass(frozen=True)
class CleanDebtor:
    data: DebtorInput
    kvk_number: str
    address: AddressInput | None
    emails: tuple[str, ...]
    phones: tuple[str, ...]
    ibans: tuple[str, ...]


def _clean(value: str, normalise: object, field_name: str) -> str:
    try:
        return normalise(value)  # type: ignore[operator,no-any-return]
    except ValidationError as exc:
        raise DomainError(exc.messages[0], field=field_name) from None


def address_clean(address: AddressInput, *, source: str = "") -> AddressInput:
    """An address checked and normalised (the postcode by country); raise DomainError naming the field."""
    for name in ("street", "house_number", "postcode", "city"):
        if not getattr(address, name).strip():
            raise DomainError(_("Address is incomplete"), field=name)
    return AddressInput(
        street=address.street.strip(),
        house_number=address.house_number.strip(),
        postcode=_clean(address.postcode, lambda v: normalise_postcode(v, address.country), "postcode"),
        city=address.city.strip(),
        country=address.country.upper(),
        source=address.source or source,
    )


def contact_value_clean(kind: str, value: str) -> str:
    """An e-mail address or phone number checked and normalised; raise DomainError naming the field."""
    if kind == ContactKind.EMAIL:
        return _clean(value, normalise_email, "email")
    return _clean(value, normalise_phone, "phone")


def debtor_validate(data: DebtorInput) -> CleanDebtor:
    """Check and normalise every field; raise DomainError naming the first bad field."""
    if data.kind not in DebtorKind.values:
        raise DomainError(
            _("Unknown debtor kind %(kind)r (person or organisation)") % {"kind": data.kind}, field="kind"
        )
    if data.kind == DebtorKind.PERSON and not data.last_name.strip():
        raise DomainError(_("A person needs a last name"), field="last_name")
    if data.kind == DebtorKind.ORGANISATION and not data.organisation_name.strip():
        raise DomainError(_("An organisation needs a name"), field="organisation_name")
    if data.language not in CorrespondenceLanguage.values:
        raise DomainError(_("Choose Dutch or English"), field="language")
    return CleanDebtor(
        data=data,
        kvk_number=_clean(data.kvk_number, normalise_kvk, "kvk_number") if data.kvk_number else "",
        address=address_clean(data.address, source=data.source) if data.address is not None else None,
        emails=tuple(contact_value_clean(ContactKind.EMAIL, v) for v in data.emails if v.strip()),
        phones=tuple(contact_value_clean(ContactKind.PHONE, v) for v in data.phones if v.strip()),
        ibans=tuple(_clean(v, normalise_iban, "iban") for v in data.ibans if v.strip()),
    )


@transaction.atomic
def debtor_create(*, data: DebtorInput, today: dt.date) -> Debtor:
    clean = debtor_validate(data)
    debtor = Debtor.objects.create(
        kind=data.kind,
        first_names=data.first_names.strip(),
        name_prefix=data.name_prefix.strip(),
        last_name=data.last_name.strip(),
        organisation_name=data.organisation_name.strip(),
        date_of_birth=data.date_of_birth,
        kvk_number=clean.kvk_number,
        language=data.language,
    )
    if clean.address is not None:
        Address.objects.create(debtor=debtor, valid_from=today, **clean.address.__dict__)
    for kind, values in ((ContactKind.EMAIL, clean.emails), (ContactKind.PHONE, clean.phones)):
        for value in dict.fromkeys(values):
            ContactPoint.objects.create(debtor=debtor, kind=kind, value=value, source=data.source)
    for iban in dict.fromkeys(clean.ibans):
        BankAccount.objects.create(debtor=debtor, iban=iban, source=data.source)
    return debtor


@transaction.atomic
def debtor_move(*, debtor: Debtor, address: AddressInput, moved_on: dt.date) -> Address:
    """Close the current address the day before `moved_on` and add the new one: history is kept."""
    clean = address_clean(address)
    Address.objects.filter(debtor=debtor, valid_until__isnull=True).update(
        valid_until=moved_on - dt.timedelta(days=1)
    )
    return Address.objects.create(debtor=debtor, valid_from=moved_on, **clean.__dict__)


def contact_point_mark_invalid(*, contact_point: ContactPoint, reason: str) -> ContactPoint:
    contact_point.is_valid = False
    contact_point.invalid_reason = reason[:200]
    contact_point.save(update_fields=["is_valid", "invalid_reason"])
    return contact_point
