"""Migration 0005 gives untouched shipped reminder, 14-day, summons and final-notice texts the portal
paragraph, and leaves a supervisor's own text alone."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from incasso.letters.models import LetterTemplate
from incasso.letters.services import default_texts, template_save

migration = importlib.import_module("incasso.letters.migrations.0005_default_texts_name_the_portal")

pytestmark = pytest.mark.django_db


def _active(code: str, language: str = "nl") -> LetterTemplate:
    return LetterTemplate.objects.get(code=code, language=language, active=True)


def _without_portal(body: str) -> str:
    return body.rstrip("\n").rsplit("\n\n", 1)[0] + "\n"


def test_an_untouched_old_shipped_text_gets_the_portal_paragraph_and_an_edited_text_stays(supervisor):
    shipped = default_texts()
    for code, language in (("reminder", "nl"), ("fourteen_day_letter", "en")):
        old_body = _without_portal(shipped[(code, language)]["body"])
        assert "portal_url" not in old_body
        LetterTemplate.objects.filter(code=code, language=language, version=1).update(body=old_body)
    edited = template_save(
        code="summons",
        language="nl",
        subject="Eigen sommatie",
        body="Eigen tekst.\n\n[overzicht]\n",
        user=supervisor,
    )
    untouched = _active("final_notice")

    migration.update(apps, None)

    for code, language in (("reminder", "nl"), ("fourteen_day_letter", "en")):
        template = _active(code, language)
        assert (template.version, template.body) == (2, shipped[(code, language)]["body"])
        assert "{% if portal_url %}" in template.body
    assert _active("summons").pk == edited.pk
    assert _active("final_notice").pk == untouched.pk  # already the shipped text
    assert _active("arrangement_reminder").version == 1  # not one of the four
    migration.update(apps, None)  # a second run changes nothing
    assert LetterTemplate.objects.filter(code="reminder", language="nl").count() == 2

    migration.restore(apps, None)
    assert _active("reminder").version == 1 and "portal_url" not in _active("reminder").body
    assert _active("fourteen_day_letter", "en").version == 1
    assert _active("summons").pk == edited.pk
