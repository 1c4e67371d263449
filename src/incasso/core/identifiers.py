"""Validation and normalisation of identifiers, each wrapping a kept library.

IBAN: schwifty. BTW (VAT) number and postcode: python-stdnum. Phone numbers: phonenumbers.
KvK numbers have no check digit (8 digits); python-stdnum has no module for them.
"""

from __future__ import annotations

import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.nl import postcode as nl_postcode


def normalise_iban(value: str) -> str:
    """Return the IBAN in electronic form (no spaces, upper case) or raise ValidationError."""
    try:
        return IBAN(value).compact
    except SchwiftyException as exc:
        raise ValidationError(
            _("Invalid IBAN %(value)s: %(reason)s") % {"value": value, "reason": exc}
        ) from None


def format_iban(value: str) -> str:
    return IBAN(value, validate_bban=False).formatted


def normalise_kvk(value: str) -> str:
    digits = re.sub(r"\s", "", value)
    if not re.fullmatch(r"[0-9]{8}", digits):
        raise ValidationError(_("A KvK number has 8 digits, got %(value)s") % {"value": value})
    return digits


def normalise_vat_number(value: str) -> str:
    try:
        return str(eu_vat.validate(value))
    except StdnumError as exc:
        raise ValidationError(
            _("Invalid VAT number %(value)s: %(reason)s") % {"value": value, "reason": exc}
        ) from None


def normalise_postcode(value: str, country: str = "NL") -> str:
    """Dutch postcodes become '1234 AB'; other countries are kept as typed (trimmed)."""
    if country.upper() != "NL":
        return value.strip()
    try:
        return str(nl_postcode.validate(value))
    except StdnumError:
        raise ValidationError(
            _("Invalid Dutch postcode %(value)s (expected e.g. 1234 AB)") % {"value": value}
        ) from None


def normalise_phone(value: str, region: str = "NL") -> str:
    """Return the number in E.164 (+31612345678) or raise ValidationError."""
    try:
        parsed = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        raise ValidationError(_("Invalid phone number %(value)s") % {"value": value}) from None
    if not phonenumbers.is_valid_number(parsed):
        raise ValidationError(_("Invalid phone number %(value)s") % {"value": value})
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def normalise_email(value: str) -> str:
    from django.core.validators import validate_email

    cleaned = value.strip()
    validate_email(cleaned)
    local, _sep, domain = cleaned.rpartition("@")
    return f"{local}@{domain.lower()}"
