"""SEPA files the agency sends to its bank: pain.001 (credit transfer, the remittance to a client) and
pain.008 (direct debit). Built with `sepaxml`, then validated with `xmlschema` against the ISO schemas
shipped in `payments/xsd/` before anyone stores or writes them.

`sepaxml` accepts an IBAN with a wrong checksum, so every IBAN goes through `iban_check` (schwifty) first.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import xmlschema
from django.conf import settings
from django.utils.translation import gettext as _
from schwifty import IBAN
from schwifty.exceptions import (
    InvalidChecksumDigits,
    InvalidCountryCode,
    InvalidLength,
    InvalidStructure,
    SchwiftyException,
)

from incasso.core.exceptions import DomainError

XSD_DIR = Path(__file__).resolve().parent / "xsd"
DIRECT_DEBIT_SCHEMAS = {"02": "pain.008.001.02", "08": "pain.008.001.08"}
TRANSFER_SCHEMA = "pain.001.001.03"


@dataclass(frozen=True)
class CheckedIban:
    iban: str
    bic: str  # "" when schwifty cannot derive it


def iban_check(value: str, *, field: str = "iban", who: str = "") -> CheckedIban:
    """A valid IBAN in compact form and its BIC (derived when schwifty knows the bank); DomainError if not."""
    text = (value or "").replace(" ", "").upper()
    label = f"{who}: " if who else ""
    if not text:
        raise DomainError(label + _("no IBAN"), field=field)
    try:
        iban = IBAN(text)
    except SchwiftyException as exc:
        why = _iban_problem(exc)
        raise DomainError(
            label + _("IBAN %(iban)s is not valid (%(why)s)") % {"iban": text, "why": why}, field=field
        ) from None
    bic = iban.bic
    return CheckedIban(iban.compact, str(bic.compact) if bic else "")


def _iban_problem(exc: SchwiftyException) -> str:
    """Why schwifty refused an IBAN, in the user's language (schwifty itself speaks English)."""
    if isinstance(exc, InvalidChecksumDigits):
        return _("the check digits do not match: a typing error?")
    if isinstance(exc, InvalidLength):
        return _("wrong length for its country")
    if isinstance(exc, InvalidCountryCode):
        return _("unknown country code")
    if isinstance(exc, InvalidStructure):
        return _("characters that do not belong in an IBAN")
    return str(exc)


@dataclass(frozen=True)
class Creditor:
    """The agency as creditor (direct debit) and as payer (remittance): from settings."""

    name: str
    iban: str
    bic: str
    creditor_id: str


def creditor_from_settings() -> Creditor:
    """INCASSO_SEPA_CREDITOR_NAME / _IBAN / _BIC / _ID; the BIC is derived from the IBAN when not set."""
    checked = iban_check(
        getattr(settings, "INCASSO_SEPA_CREDITOR_IBAN", "NL20INGB0001234567"), field="settings", who="agency"
    )
    return Creditor(
        name=getattr(settings, "INCASSO_SEPA_CREDITOR_NAME", "Incasso B.V."),
        iban=checked.iban,
        bic=getattr(settings, "INCASSO_SEPA_CREDITOR_BIC", "") or checked.bic,
        creditor_id=getattr(settings, "INCASSO_SEPA_CREDITOR_ID", "NL98ZZZ999999990000"),
    )


@functools.cache
def _schema(name: str) -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(XSD_DIR / f"{name}.xsd")


def xml_validate(data: bytes, *, schema: str) -> None:
    """Raise DomainError naming the first schema violation."""
    errors = list(_schema(schema).iter_errors(data.decode("utf-8")))
    if errors:
        first = errors[0]
        raise DomainError(f"{schema}: file does not validate: {first.reason} at {first.path}", field="file")
