"""Letters and e-mails tell the debtor about the portal when `INCASSO_PORTAL_URL` is set, with the three
facts that log in (case number, the case's payment reference, the postcode), and say nothing of it when
it is empty. Rendered for real (typst) and read back with poppler's `pdftotext`, as a reader would."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest

from incasso.calculations.sheet import group_by_four
from incasso.letters.models import LetterTemplate
from incasso.letters.plain_language import template_findings
from incasso.letters.services import default_texts, letter_render
from incasso.letters.tests.conftest import LETTER_DAY

PORTAL = "https://mijn.incassobureau.nl/portaal/"
CODES = ("reminder", "fourteen_day_letter", "summons", "final_notice")
OPENING = {"nl": "Liever online regelen?", "en": "Prefer to arrange it online?"}
LETTERS = [(code, language) for code in CODES for language in ("nl", "en")]


def pdftotext(pdf: bytes) -> str:
    """The letter's words as poppler reads them, whitespace folded; skips (fails on CI) without it."""
    tool = shutil.which("pdftotext")
    if tool is None:
        message = "pdftotext not installed (Debian: apt-get install poppler-utils)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    result = subprocess.run([tool, "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True)
    return " ".join(result.stdout.decode("utf-8").split())


@pytest.mark.parametrize(("code", "language"), LETTERS)
def test_the_letter_names_the_portal_and_the_facts_to_log_in_with(settings, zorg_letter_case, code, language):
    settings.INCASSO_PORTAL_URL = PORTAL
    letter = letter_render(case=zorg_letter_case, template_code=code, language=language, on=LETTER_DAY)
    text = pdftotext(letter.pdf)
    reference = group_by_four(zorg_letter_case.payment_reference)
    if language == "nl":
        sentence = (
            f"Liever online regelen? Ga naar {PORTAL} en log in met dossiernummer {zorg_letter_case.number}, "
            f"betalingskenmerk {reference} en uw postcode. Daar ziet u wat u moet betalen en kunt u een "
            "betalingsregeling aanvragen."
        )
    else:
        sentence = (
            f"Prefer to arrange it online? Go to {PORTAL} and log in with case number "
            f"{zorg_letter_case.number}, payment reference {reference} and your postcode. There you can "
            "see what you have to pay and ask for a payment plan."
        )
    assert sentence in text
    assert text.count(PORTAL) == 1


@pytest.mark.parametrize(("code", "language"), LETTERS)
def test_without_a_portal_address_the_paragraph_vanishes(settings, zorg_letter_case, code, language):
    settings.INCASSO_PORTAL_URL = ""
    letter = letter_render(case=zorg_letter_case, template_code=code, language=language, on=LETTER_DAY)
    text = pdftotext(letter.pdf)
    assert OPENING[language] not in text
    assert "portaal" not in text.lower() and "log in" not in text
    assert all(p.strip() for p in (*letter.data.paragraphs, *letter.data.paragraphs_after))
    settings.INCASSO_PORTAL_URL = PORTAL
    with_portal = letter_render(case=zorg_letter_case, template_code=code, language=language, on=LETTER_DAY)
    assert with_portal.data.paragraphs_after[:-1] == letter.data.paragraphs_after  # only that paragraph


def test_the_facts_in_the_letter_open_the_portal(settings, zorg_letter_case):
    from incasso.portal.services import portal_login

    settings.INCASSO_PORTAL_URL = PORTAL
    letter = letter_render(case=zorg_letter_case, template_code="reminder", language="nl", on=LETTER_DAY)
    text = pdftotext(letter.pdf)
    match = re.search(r"met dossiernummer (\S+), betalingskenmerk ([\d ]{19}) en uw postcode", text)
    assert match is not None
    postcode = letter.data.addressee.postcode
    case = portal_login(number=match[1], payment_reference=match[2], postcode=postcode, ip="192.0.2.1")
    assert case.pk == zorg_letter_case.pk


def test_an_arrangement_letter_keeps_the_case_reference_for_the_portal(settings, arrangement_case):
    """The payment box of an arrangement letter asks for an instalment's own reference; the portal
    logs in with the case's, so that is the one the sentence names (the reminder's paragraph pasted in)."""
    from incasso.letters.services import template_save

    settings.INCASSO_PORTAL_URL = PORTAL
    text = default_texts()[("arrangement_reminder", "nl")]
    portal = default_texts()[("reminder", "nl")]["body"].rstrip("\n").rsplit("\n\n", 1)[1]
    template_save(
        code="arrangement_reminder", language="nl", **{**text, "body": text["body"] + "\n" + portal}
    )
    letter = letter_render(case=arrangement_case, template_code="arrangement_reminder", on=LETTER_DAY)
    assert letter.data.payment_reference != arrangement_case.payment_reference  # the instalment's
    assert group_by_four(arrangement_case.payment_reference) in letter.data.paragraphs_after[-1]


@pytest.mark.parametrize(("code", "language"), LETTERS)
def test_the_portal_paragraph_is_plain_language(code, language):
    text = default_texts()[(code, language)]
    assert OPENING[language] in text["body"] and "{% if portal_url %}" in text["body"]
    assert template_findings(language=language, **text) == []


def test_the_seeded_templates_carry_the_paragraph(db):
    for code in CODES:
        for language in ("nl", "en"):
            template = LetterTemplate.objects.get(code=code, language=language, active=True)
            assert "{{ portal_url }}" in template.body
            assert "portal_url" not in template.short_text  # no link in a text message
