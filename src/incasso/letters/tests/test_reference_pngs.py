"""Page 1 of every letter type, composed from one fixed case, against a reviewed reference PNG.

Each letter goes through the real pipeline (active template → `case_letter_facts` → `LetterData` →
typst) for the same case on the same day, so a change to a shipped text, the facts or the layout
changes a PNG under `reference/` and shows up in review. After an intended change:

    INCASSO_UPDATE_REFERENCE=1 pytest src/incasso/letters/tests/test_reference_pngs.py

then look at the new PNGs and commit them.
"""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from incasso.letters.models import TemplateCode
from incasso.letters.rendering import render_letter_png
from incasso.letters.rendering.tests.pngdiff import changed_fraction
from incasso.letters.services import letter_compose
from incasso.letters.tests.conftest import LETTER_DAY

REFERENCE_DIR = Path(__file__).parent / "reference"
REFERENCE_PPI = 60  # readable when zoomed, small in the repository
MAX_CHANGED = 1e-5  # as the renderer's reference test: anti-aliasing noise, not a changed word
UPDATE = bool(os.environ.get("INCASSO_UPDATE_REFERENCE"))

ENGLISH = (TemplateCode.REMINDER, TemplateCode.FOURTEEN_DAY_LETTER, TemplateCode.SUMMONS)
LETTERS = [(code, "nl") for code in TemplateCode.values] + [(code.value, "en") for code in ENGLISH]

PAID_ON = dt.date(2026, 2, 16)


def reference_path(code: str, language: str) -> Path:
    return REFERENCE_DIR / f"{code}-{language}.png"


@pytest.fixture
def frozen(time_machine: Any, settings: Any) -> None:
    """The letter day, 09:00 in Utrecht: bookings and events carry this time. (And a fast password
    hasher for the officer the case needs: PBKDF2 would cost more than rendering the letter.)"""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    at = dt.datetime.combine(LETTER_DAY, dt.time(9), tzinfo=ZoneInfo("Europe/Amsterdam"))
    time_machine.move_to(at, tick=False)


@pytest.fixture
def reference_case(frozen: None, zorg_letter_case: Any) -> Any:
    """Zorggroep Noord's case with everything a factory sequence would vary pinned down:
    one invoice of € 1.250,00 (due 01-12-2025) and a payment of € 250,00 on 16-02-2026."""
    from incasso.cases.ledger import ledger_book
    from incasso.cases.models import Bucket, EntryKind

    case = zorg_letter_case
    case.number = "2026-000101"
    case.client_reference = "ZN/2025/4471"
    case.save(update_fields=["number", "client_reference"])
    debtor = case.debtor
    debtor.first_names, debtor.name_prefix, debtor.last_name = "Jan", "de", "Vries"
    debtor.save(update_fields=["first_names", "name_prefix", "last_name"])
    case.claims.update(description="Zorgkosten oktober 2025")
    ledger_book(
        case=case,
        bucket=Bucket.PRINCIPAL,
        kind=EntryKind.PAYMENT,
        amount=Decimal("-250.00"),
        value_on=PAID_ON,
        source="test:payment",
        reason="betaling",
    )
    return case


ARRANGEMENT_LETTERS = (
    TemplateCode.ARRANGEMENT_CONFIRMATION,
    TemplateCode.ARRANGEMENT_REMINDER,
    TemplateCode.BROKEN_ARRANGEMENT,
)


def _four_monthly_instalments(case: Any) -> None:
    """The arrangement letters show a real schedule: the balance in four monthly instalments,
    the first due on the letter day."""
    from incasso.arrangements.schedule import build_schedule
    from incasso.arrangements.services import arrangement_propose
    from incasso.cases.selectors import case_balance

    schedule = build_schedule(balance=case_balance(case=case).total, count=4, start_on=LETTER_DAY)
    arrangement_propose(case=case, schedule=schedule, officer=case.officer, today=LETTER_DAY)


@pytest.mark.parametrize(("code", "language"), LETTERS, ids=[f"{c}-{lang}" for c, lang in LETTERS])
def test_page_one_looks_like_the_reviewed_reference(
    reference_case: Any, code: str, language: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    if code in ARRANGEMENT_LETTERS:
        _four_monthly_instalments(reference_case)
    data, template, _sms, _costs = letter_compose(
        case=reference_case, template_code=code, language=language, on=LETTER_DAY
    )
    assert (template.code, template.language) == (code, language)  # no fallback to Dutch
    png = render_letter_png(data, page=1, ppi=REFERENCE_PPI)
    reference = reference_path(code, language)
    if UPDATE:
        reference.parent.mkdir(exist_ok=True)
        reference.write_bytes(png)
    assert reference.exists(), f"no reference {reference}: run this test with INCASSO_UPDATE_REFERENCE=1"
    expected = reference.read_bytes()
    if png == expected:
        return
    actual = tmp_path_factory.mktemp("letters") / reference.name
    actual.write_bytes(png)
    fraction = changed_fraction(png, expected)
    assert fraction < MAX_CHANGED, (
        f"{fraction:.3%} of the pixels of page 1 of {code} ({language}) changed; compare {actual} with "
        f"{reference} and, if the change is intended, run this test with INCASSO_UPDATE_REFERENCE=1"
    )


def test_there_is_no_reference_for_a_letter_that_is_not_rendered() -> None:
    expected = {reference_path(code, language).name for code, language in LETTERS}
    present = {path.name for path in REFERENCE_DIR.glob("*.png")}
    assert present <= expected, f"stale references, delete them: {sorted(present - expected)}"
