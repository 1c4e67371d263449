"""Writes for clients."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from incasso.clients.models import Client
from incasso.core.exceptions import DomainError
from incasso.core.identifiers import normalise_iban, normalise_kvk, normalise_vat_number


def client_create(
    *,
    name: str,
    code: str,
    kvk_number: str = "",
    vat_number: str = "",
    vat_deductible: bool = True,
    remittance_iban: str = "",
    letterhead_text: str = "",
) -> Client:
    fields = {"kvk_number": (kvk_number, normalise_kvk), "vat_number": (vat_number, normalise_vat_number)}
    cleaned: dict[str, str] = {}
    for field, (value, normalise) in fields.items():
        try:
            cleaned[field] = normalise(value) if value else ""
        except ValidationError as exc:
            raise DomainError(exc.messages[0], field=field) from None
    try:
        iban = normalise_iban(remittance_iban) if remittance_iban else ""
    except ValidationError as exc:
        raise DomainError(exc.messages[0], field="remittance_iban") from None
    if not name.strip():
        raise DomainError(_("A client needs a name"), field="name")
    if Client.objects.filter(code=code).exists():
        raise DomainError(_("Client code %(code)s is already used") % {"code": code}, field="code")
    with transaction.atomic():
        return Client.objects.create(
            name=name.strip(),
            code=code,
            vat_deductible=vat_deductible,
            remittance_iban=iban,
            letterhead_text=letterhead_text,
            **cleaned,
        )
