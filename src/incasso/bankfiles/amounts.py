"""Amount text to ``Decimal``, refusing more precision than the currency has.

``18.150`` is fine for EUR (it is 18.15 written with a trailing zero); ``18.155`` is not: a cent
fraction cannot be booked, so it is a broken file, not something to round away.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

# ISO 4217 minor units that differ from 2; everything else has cents.
_MINOR_UNITS: dict[str, int] = {
    "BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0, "PYG": 0,
    "RWF": 0, "UGX": 0, "UYI": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
    "BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
}  # fmt: skip

_MT940_AMOUNT = re.compile(r"^(\d+)(?:[,.](\d*))?$")
_XML_AMOUNT = re.compile(r"\d+(\.\d+)?")
_EXPONENTS: dict[int, Decimal] = {}  # minor units -> Decimal("1E-2") etc., for quantize


class AmountError(ValueError):
    """An amount that cannot be read; the caller adds file and position."""


def minor_units(currency: str | None) -> int:
    return _MINOR_UNITS.get((currency or "").upper(), 2)


def quantise(value: Decimal, currency: str | None) -> Decimal:
    """Round-trip-exact quantisation to the currency's minor unit, or ``AmountError``."""
    units = minor_units(currency)
    exponent = _EXPONENTS.get(units)
    if exponent is None:
        exponent = _EXPONENTS[units] = Decimal(1).scaleb(-units)
    quantised = value.quantize(exponent)
    if quantised != value:
        raise AmountError(
            f"amount {value} has more decimals than {currency or 'the currency'} allows "
            f"({minor_units(currency)})"
        )
    return quantised


def parse_mt940_amount(text: str, currency: str | None) -> Decimal:
    """MT940 amount: digits with a decimal comma, e.g. ``7,5`` or ``203,``; old Rabobank uses ``.``."""
    match = _MT940_AMOUNT.match(text.strip())
    if not match:
        raise AmountError(f"cannot read amount {text!r}")
    whole, fraction = match.group(1), match.group(2) or ""
    return quantise(Decimal(f"{whole}.{fraction or '0'}"), currency)


def parse_xml_amount(text: str, currency: str | None) -> Decimal:
    """ISO 20022 amount: decimal point, no sign (the sign is in ``CdtDbtInd``)."""
    cleaned = text.strip()
    if not _XML_AMOUNT.fullmatch(cleaned):
        raise AmountError(f"cannot read amount {text!r}")
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:  # pragma: no cover - the regex already guards this
        raise AmountError(f"cannot read amount {text!r}") from exc
    return quantise(value, currency)
