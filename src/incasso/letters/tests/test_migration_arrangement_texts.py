"""Migration 0004 brings untouched shipped arrangement texts up to date and leaves a supervisor's own."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from incasso.letters.models import LetterTemplate
from incasso.letters.services import default_texts, template_save

migration = importlib.import_module("incasso.letters.migrations.0004_arrangement_texts_instalment_box")

pytestmark = pytest.mark.django_db


def _active(code: str, language: str = "nl") -> LetterTemplate:
    return LetterTemplate.objects.get(code=code, language=language, active=True)


def test_an_untouched_old_shipped_text_gets_the_new_one_and_an_edited_text_stays(supervisor):
    LetterTemplate.objects.filter(code="arrangement_reminder", language="nl", version=1).update(
        body="Oude tekst met {{ payment_reference }}.\n\n[overzicht]\n"
    )
    edited = template_save(
        code="arrangement_confirmation",
        language="nl",
        subject="Eigen",
        body="Eigen tekst.\n\n[overzicht]\n",
        user=supervisor,
    )
    untouched = _active("broken_arrangement")

    migration.update(apps, None)

    reminder = _active("arrangement_reminder")
    new_text = default_texts()[("arrangement_reminder", "nl")]
    assert (reminder.version, reminder.body, reminder.short_text) == (
        2,
        new_text["body"],
        new_text["short_text"],
    )
    assert _active("arrangement_confirmation").pk == edited.pk
    assert _active("broken_arrangement").pk == untouched.pk  # already the shipped text
    migration.update(apps, None)  # a second run changes nothing
    assert LetterTemplate.objects.filter(code="arrangement_reminder", language="nl").count() == 2

    migration.restore(apps, None)
    assert _active("arrangement_reminder").version == 1
    assert _active("arrangement_confirmation").pk == edited.pk
