"""The plain, frozen data a letter is rendered from.

No Django here: the caller (a service in ``incasso.letters``) turns models into these
records, so rendering can run in a process pool and archived letters can be re-rendered
from stored data. Amounts are ``Decimal`` (a float raises ``TypeError``), dates are
``datetime.date`` (a ``datetime`` raises ``TypeError``), and a missing required text raises
``ValueError`` naming the field, so a half-filled letter never reaches the printer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from incasso.letters.rendering.payment_reference import (
    is_valid_payment_reference,
    normalize_payment_reference,
)

Language = Literal["nl", "en"]
LANGUAGES: tuple[Language, ...] = ("nl", "en")


def _name(obj: object, attr: str) -> str:
    return f"{type(obj).__name__}.{attr}"


def _require_text(obj: object, *attrs: str) -> None:
    for attr in attrs:
        value = getattr(obj, attr)
        if not isinstance(value, str):
            raise TypeError(f"{_name(obj, attr)} must be a str, got {type(value).__name__}")
        if not value.strip():
            raise ValueError(f"{_name(obj, attr)} is required")


def _optional_text(obj: object, *attrs: str) -> None:
    for attr in attrs:
        value = getattr(obj, attr)
        if not isinstance(value, str):
            raise TypeError(f"{_name(obj, attr)} must be a str, got {type(value).__name__}")


def _freeze_lines(obj: object, attr: str, *, required: bool) -> None:
    """Accept any iterable of strings, store a tuple (frozen all the way down)."""
    value = getattr(obj, attr)
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise TypeError(f"{_name(obj, attr)} must be a sequence of str, got {type(value).__name__}")
    lines = tuple(value)
    for line in lines:
        if not isinstance(line, str):
            raise TypeError(f"{_name(obj, attr)} must contain only str, got {type(line).__name__}")
    lines = tuple(line for line in lines if line.strip())
    if required and not lines:
        raise ValueError(f"{_name(obj, attr)} is required")
    object.__setattr__(obj, attr, lines)


def _require_money(obj: object, *attrs: str) -> None:
    for attr in attrs:
        value = getattr(obj, attr)
        if isinstance(value, bool) or not isinstance(value, Decimal):
            raise TypeError(f"{_name(obj, attr)} must be a Decimal, got {type(value).__name__}")
        if not value.is_finite():
            raise ValueError(f"{_name(obj, attr)} must be a finite amount, got {value}")
        if value != value.quantize(Decimal("0.01")):
            raise ValueError(f"{_name(obj, attr)} has more than two decimals: {value}")


def _require_date(obj: object, *attrs: str) -> None:
    for attr in attrs:
        value = getattr(obj, attr)
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            raise TypeError(f"{_name(obj, attr)} must be a datetime.date, got {type(value).__name__}")


@dataclass(frozen=True, slots=True)
class Letterhead:
    """The collection agency that sends the letter (Wki: identity and registration on every letter)."""

    name: str
    address_lines: tuple[str, ...]
    wki_registration: str
    kvk: str
    iban: str
    bic: str
    account_holder: str
    phone: str
    email: str
    website: str
    complaint_line: str
    client_name: str = ""  # printed as "namens <client>" / "on behalf of <client>"
    return_address: str = ""  # one line above the window address; defaults to name + address

    def __post_init__(self) -> None:
        _freeze_lines(self, "address_lines", required=True)
        _require_text(
            self,
            "name",
            "wki_registration",
            "kvk",
            "iban",
            "account_holder",
            "phone",
            "email",
            "complaint_line",
        )
        _optional_text(self, "bic", "website", "client_name", "return_address")


@dataclass(frozen=True, slots=True)
class Addressee:
    """Who the letter goes to. ``country`` stays empty for a Dutch address."""

    name: str
    address_lines: tuple[str, ...]
    postcode: str
    city: str
    country: str = ""

    def __post_init__(self) -> None:
        _freeze_lines(self, "address_lines", required=True)
        _require_text(self, "name", "city")
        _optional_text(self, "postcode", "country")
        if not self.country.strip():
            _require_text(self, "postcode")  # a Dutch address always has one


@dataclass(frozen=True, slots=True)
class ClaimRow:
    """One invoice in the breakdown table; ``total`` must equal principal + interest + costs."""

    invoice_number: str
    invoice_date: dt.date
    description: str
    principal: Decimal
    interest: Decimal
    costs: Decimal
    total: Decimal

    def __post_init__(self) -> None:
        _require_text(self, "invoice_number")
        _optional_text(self, "description")
        _require_date(self, "invoice_date")
        _require_money(self, "principal", "interest", "costs", "total")
        if self.principal + self.interest + self.costs != self.total:
            raise ValueError(
                f"ClaimRow.total for invoice {self.invoice_number} is {self.total}, "
                f"but principal + interest + costs is {self.principal + self.interest + self.costs}"
            )


@dataclass(frozen=True, slots=True)
class Totals:
    """The debt per bucket. ``total`` = principal + interest + costs + costs_vat − paid."""

    principal: Decimal
    interest: Decimal
    costs: Decimal
    costs_vat: Decimal
    total: Decimal
    paid: Decimal = Decimal("0.00")

    def __post_init__(self) -> None:
        _require_money(self, "principal", "interest", "costs", "costs_vat", "total", "paid")
        expected = self.principal + self.interest + self.costs + self.costs_vat - self.paid
        if expected != self.total:
            raise ValueError(f"Totals.total is {self.total}, but the buckets add up to {expected}")


@dataclass(frozen=True, slots=True)
class LetterData:
    """Everything one letter needs, already decided: texts rendered, amounts computed, dates set."""

    letterhead: Letterhead
    addressee: Addressee
    letter_date: dt.date
    our_reference: str  # the case number
    subject: str
    salutation: str
    paragraphs: tuple[str, ...]
    claims: tuple[ClaimRow, ...]
    totals: Totals
    payment_reference: str  # 16-digit betalingskenmerk, spaces allowed
    pay_by: dt.date
    payment_iban: str
    closing: str
    signer_name: str
    client_reference: str = ""
    language: Language = "nl"
    signer_title: str = ""
    paragraphs_after: tuple[str, ...] = field(default=())  # text after the table and payment box
    # False for letters that ask for no payment (a dispute acknowledgement, a payment confirmation):
    # no payment box and no QR code.
    payment_box: bool = True
    # True for a report to the client (opdrachtgever): the table reads "outstanding" and "paid by the
    # debtor" instead of addressing the reader as the one who owes.
    to_client: bool = False
    # What the payment box and the QR code ask for when it is not the whole balance (an arrangement
    # letter asks for an instalment, or what is overdue); None: ``totals.total``.
    payment_amount: Decimal | None = None

    @property
    def amount_to_pay(self) -> Decimal:
        """The amount in the payment box and the QR code."""
        return self.totals.total if self.payment_amount is None else self.payment_amount

    def __post_init__(self) -> None:
        for attr, kind in (
            ("letterhead", Letterhead),
            ("addressee", Addressee),
            ("totals", Totals),
        ):
            value = getattr(self, attr)
            if not isinstance(value, kind):
                raise TypeError(f"LetterData.{attr} must be a {kind.__name__}, got {type(value).__name__}")
        _require_date(self, "letter_date", "pay_by")
        _require_text(
            self,
            "our_reference",
            "subject",
            "salutation",
            "payment_reference",
            "payment_iban",
            "closing",
            "signer_name",
        )
        _optional_text(self, "client_reference", "signer_title")
        _freeze_lines(self, "paragraphs", required=True)
        _freeze_lines(self, "paragraphs_after", required=False)
        claims = self.claims
        if isinstance(claims, ClaimRow) or not isinstance(claims, Iterable):
            raise TypeError("LetterData.claims must be a sequence of ClaimRow")
        claims = tuple(claims)
        if not claims:
            raise ValueError("LetterData.claims is required (at least one claim)")
        for claim in claims:
            if not isinstance(claim, ClaimRow):
                raise TypeError(f"LetterData.claims must contain only ClaimRow, got {type(claim).__name__}")
        object.__setattr__(self, "claims", claims)
        if self.language not in LANGUAGES:
            raise ValueError(f"LetterData.language must be one of {LANGUAGES}, got {self.language!r}")
        if not is_valid_payment_reference(self.payment_reference):
            raise ValueError(
                f"LetterData.payment_reference {self.payment_reference!r} "
                "is not a valid 16-digit betalingskenmerk"
            )
        object.__setattr__(self, "payment_reference", normalize_payment_reference(self.payment_reference))
        object.__setattr__(self, "payment_iban", self.payment_iban.replace(" ", "").upper())
        if self.payment_amount is not None:
            _require_money(self, "payment_amount")
            if not Decimal("0.01") <= self.payment_amount <= self.totals.total:
                raise ValueError(
                    f"LetterData.payment_amount {self.payment_amount} must be more than zero "
                    f"and at most the total {self.totals.total}"
                )
        for bucket in ("principal", "interest", "costs"):
            rows = sum((getattr(c, bucket) for c in claims), Decimal("0.00"))
            if rows != getattr(self.totals, bucket):
                raise ValueError(
                    f"LetterData.totals.{bucket} is {getattr(self.totals, bucket)}, "
                    f"but the claim rows add up to {rows}"
                )
