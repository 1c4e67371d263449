"""Recognising account numbers and payment references inside free text.

Account fields hold what the bank wrote: an IBAN where the file has one, otherwise the domestic
account number (old ABN AMRO/ING/Rabobank numbers, Knab ``/BBAN/``). Whether it is a valid IBAN is
for the matcher to decide with ``schwifty``; the parser does not throw information away.
"""

from __future__ import annotations

import re

from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

IBAN_SHAPE = re.compile(r"[A-Z]{2}\d{2}[A-Z0-9]{8,30}\*{0,4}")
DOMESTIC_SHAPE = re.compile(r"\d[\d.]{6,13}\d")
_KENMERK = re.compile(r"BETALINGSKENM(?:ERK|\.)?:?\s*((?:\d{4}\s+){3}\d{4}|\d{7,16})(?!\d)", re.IGNORECASE)
_RF = re.compile(r"\bRF\d{2}[A-Z0-9]{1,21}\b")


def is_valid_iban(text: str) -> bool:
    try:
        IBAN(text)
    except (SchwiftyException, ValueError):
        return False
    return True


def account_from_field25(value: str) -> str | None:
    """The account in ``:25:``: ``NL77INGB0574908765EUR``, ``INGBNL2A/NL..``, ``1291.99.348EUR``..."""
    text = value.strip()
    if "/" in text:
        text = text.rsplit("/", 1)[1]
    text = text.split(" ")[0].strip()
    if not text:
        return None
    if re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]+", text):
        if is_valid_iban(text):
            return text
        if re.fullmatch(r".+\d[A-Z]{3}", text) and is_valid_iban(text[:-3]):
            return text[:-3]
    return re.sub(r"[A-Z]{3}$", "", text) or None


def clean_account(text: str | None) -> str | None:
    if text is None:
        return None
    cleaned = text.strip().replace(" ", "")
    if DOMESTIC_SHAPE.fullmatch(cleaned):
        cleaned = cleaned.replace(".", "")
    return cleaned or None


def looks_like_account(text: str) -> bool:
    cleaned = text.strip()
    return bool(IBAN_SHAPE.fullmatch(cleaned) or DOMESTIC_SHAPE.fullmatch(cleaned))


def reference_in_text(text: str | None) -> str | None:
    """A betalingskenmerk written as ``BETALINGSKENM. 1234...`` or an ISO 11649 ``RF..`` reference."""
    if not text:
        return None
    kenmerk = _KENMERK.search(text)
    if kenmerk:
        return re.sub(r"\s+", "", kenmerk.group(1))
    rf = _RF.search(text.upper())
    if rf and _valid_rf(rf.group(0)):
        return rf.group(0)
    return None


def _valid_rf(reference: str) -> bool:
    rearranged = reference[4:] + reference[:4]
    digits = "".join(str(int(char, 36)) for char in rearranged)
    return int(digits) % 97 == 1
