"""Rendering real letters from real cases, and the shipped texts."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from pypdf import PdfReader

from incasso.cases.statement import case_statement
from incasso.letters.compose import letter_data_from_json
from incasso.letters.models import LetterTemplate
from incasso.letters.rendering import render_letter_pdf
from incasso.letters.rendering.formatting import format_money
from incasso.letters.services import default_texts, letter_render, template_check
from incasso.letters.tests.conftest import LETTER_DAY


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_every_shipped_text_passes_its_checks():
    texts = default_texts()
    assert len(texts) == 24
    for (code, _language), text in texts.items():
        template_check(code=code, **text)


def test_the_migration_loaded_every_shipped_text(db):
    assert LetterTemplate.objects.filter(active=True, version=1).count() == 24


def test_fourteen_day_letter_states_amount_costs_and_term_from_receipt(zorg_letter_case):
    letter = letter_render(
        case=zorg_letter_case, template_code="fourteen_day_letter", language="nl", on=LETTER_DAY
    )
    text = " ".join(pdf_text(letter.pdf).split())
    statement = case_statement(case=zorg_letter_case, as_of=LETTER_DAY)
    assert letter.data.totals.total == statement.outstanding.quantize(letter.data.totals.total)
    assert format_money(letter.data.totals.total, "nl") in text
    assert letter.costs_if_unpaid == Decimal("187.50")  # 15% of 1.250,00 (Besluit BIK art. 2)
    assert "€ 187,50" in text
    assert "binnen 14 dagen vanaf de dag nadat u deze brief heeft ontvangen" in text
    assert "na dagtekening" not in text
    # presumed delivery Wed 4 March (2 postal days), 14 days from the day after: Wed 18 March
    assert letter.data.pay_by == dt.date(2026, 3, 18)
    assert "18-03-2026" in text
    assert "2024-000123" in text  # the Wki registration on every letter
    assert "Noordhoek Incasso" in text and "klachten" in text


def test_summons_breaks_the_debt_down_per_claim_with_interest(zorg_letter_case):
    letter = letter_render(case=zorg_letter_case, template_code="summons", language="nl", on=LETTER_DAY)
    text = " ".join(pdf_text(letter.pdf).split())
    row = letter.data.claims[0]
    assert row.invoice_number == "ZN-1001" and row.principal == Decimal("1250.00") and row.interest > 0
    assert format_money(row.interest, "nl") in text
    assert "Sommatie: betaal uiterlijk 09-03-2026" in text
    assert "0000 0000 0000" not in text


def test_english_letter_is_in_english(energie_letter_case):
    letter = letter_render(case=energie_letter_case, template_code="reminder", language="en", on=LETTER_DAY)
    text = " ".join(pdf_text(letter.pdf).split())
    assert "Would you please pay" in text and "Dear Mr or Ms" in text


def test_a_reprint_from_the_stored_data_is_byte_identical(zorg_letter_case):
    letter = letter_render(case=zorg_letter_case, template_code="summons", on=LETTER_DAY)
    again = render_letter_pdf(letter_data_from_json(letter.json))
    import hashlib

    assert hashlib.sha256(again).hexdigest() == letter.sha256


def test_no_letter_without_a_valid_address(zorg_letter_case):
    import pytest

    from incasso.letters.selectors import NoAddress

    zorg_letter_case.debtor.addresses.update(is_valid=False)
    with pytest.raises(NoAddress):
        letter_render(case=zorg_letter_case, template_code="reminder", on=LETTER_DAY)
