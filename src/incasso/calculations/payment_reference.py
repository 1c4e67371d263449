"""Dutch structured payment reference (betalingskenmerk), per the Betaalvereniging specification.

Digits only; allowed lengths 7, 9-14 and 16. A 7-digit reference has no check digit. A 16-digit
reference is a check digit C followed by 15 reference digits. A 9-14 digit reference is C, a length code
L (the number of following digits mod 10) and that many digits; L takes part in the check.

Check digit (weighted modulus 11): the digits after C get weights 2, 4, 8, 5, 10, 9, 7, 3, 6, 1 from the
rightmost digit leftwards (repeating); A = sum(digit x weight); C = 11 - (A mod 11), with 10 -> 1 and
11 -> 0.

What the check catches: every weight is non-zero mod 11, so any change of one digit changes A mod 11.
Because both remainders 1 and 10 give C = 1, a single-digit change is missed exactly when it moves
A mod 11 from 1 to 10 or from 10 to 1 (see the property test). A change of the check digit itself is
always caught.
"""

from __future__ import annotations

from incasso.calculations.errors import PaymentReferenceError

WEIGHTS = (2, 4, 8, 5, 10, 9, 7, 3, 6, 1)
ALLOWED_LENGTHS = frozenset({7, 9, 10, 11, 12, 13, 14, 16})


def weighted_sum(digits: str) -> int:
    """A = sum of digit x weight, weights from the rightmost digit leftwards."""
    return sum(int(d) * WEIGHTS[i % 10] for i, d in enumerate(reversed(digits)))


def check_digit(digits: str) -> int:
    """The check digit C for the digits that follow it (including a length code)."""
    if not digits.isdigit():
        raise PaymentReferenceError(f"{digits!r} must be digits only")
    c = 11 - weighted_sum(digits) % 11
    return {10: 1, 11: 0}.get(c, c)


def normalise(reference: str) -> str:
    """Strip spaces and dots; refuse anything else that is not a digit."""
    cleaned = reference.replace(" ", "").replace(".", "")
    if not cleaned.isdigit() or not cleaned.isascii():
        raise PaymentReferenceError(f"payment reference {reference!r} must contain digits only")
    return cleaned


def generate_payment_reference(number: int | str) -> str:
    """The 16-digit reference for a case or invoice number: check digit + number left-padded to 15."""
    if isinstance(number, bool) or not isinstance(number, int | str):
        raise TypeError("number must be an int or a string of digits")
    text = str(number).strip()
    if not text.isdigit() or not text.isascii():
        raise PaymentReferenceError(f"{number!r} is not a non-negative whole number")
    if len(text.lstrip("0")) > 15:
        raise PaymentReferenceError(f"{number!r} has more than 15 digits")
    body = text.lstrip("0").rjust(15, "0")
    return f"{check_digit(body)}{body}"


def generate_short_reference(number: int, length: int) -> str:
    """A 9-14 digit reference: C + length code + the number padded to length - 2 digits."""
    if length not in range(9, 15):
        raise PaymentReferenceError(f"short references are 9-14 digits, not {length}")
    if isinstance(number, bool) or not isinstance(number, int) or number < 0:
        raise PaymentReferenceError("number must be a non-negative int")
    body = str(number).rjust(length - 2, "0")
    if len(body) > length - 2:
        raise PaymentReferenceError(f"{number} does not fit in {length - 2} digits")
    rest = f"{len(body) % 10}{body}"
    return f"{check_digit(rest)}{rest}"


def validate_payment_reference(reference: str) -> str:
    """Return the normalised reference or raise `PaymentReferenceError` saying what is wrong."""
    digits = normalise(reference)
    if len(digits) not in ALLOWED_LENGTHS:
        raise PaymentReferenceError(f"a payment reference has 7, 9-14 or 16 digits, not {len(digits)}")
    if len(digits) == 7:
        return digits
    if len(digits) < 16 and int(digits[1]) != (len(digits) - 2) % 10:
        raise PaymentReferenceError(f"length code {digits[1]} does not match {len(digits) - 2} digits")
    if check_digit(digits[1:]) != int(digits[0]):
        raise PaymentReferenceError(f"check digit of {digits} is wrong (expected {check_digit(digits[1:])})")
    return digits


def is_valid_payment_reference(reference: str) -> bool:
    try:
        validate_payment_reference(reference)
    except PaymentReferenceError:
        return False
    return True
