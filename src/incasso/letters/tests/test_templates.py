"""Saving templates: the sandbox refuses what could run code or read other data; the 14-day rules hold."""

from __future__ import annotations

import pytest

from incasso.letters.models import LetterTemplate
from incasso.letters.sandbox import TemplateRefused
from incasso.letters.services import default_texts, template_save

FOURTEEN = default_texts()[("fourteen_day_letter", "nl")]


def save(body: str, *, code: str = "reminder", subject: str = "Herinnering") -> LetterTemplate:
    return template_save(code=code, language="nl", subject=subject, body=body)


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ("Beste klant,\n\n{{ case.client.users }}", "regel 3: onbekend veld 'case.client.users'"),
        ("{% load static %}\nHallo", "'{% load %}' is niet toegestaan"),
        ('Hallo\n{% include "secret.html" %}', "regel 2: '{% include %}' is niet toegestaan"),
        ("Hallo\n{% url 'admin:index' %}", "'{% url %}' is niet toegestaan"),
        ("Hallo {{ debtor_name }}\nU bent {{ debtor_bsn }}", "regel 2: onbekend veld 'debtor_bsn'"),
        ("{% for c in claims %}{{ c.client.name }}{% endfor %}", "onbekend veld 'c.client.name'"),
        ("{% if amount_owed %}\nHallo", "fout in de opmaak"),
        ("{{ amount_owed.__class__ }}", "amount_owed.__class__"),
    ],
)
def test_a_template_that_reaches_outside_the_sandbox_is_refused_with_line_and_field(db, body, named):
    with pytest.raises(TemplateRefused) as refused:
        save(body)
    assert named in refused.value.message
    assert not LetterTemplate.objects.filter(code="reminder", version=2).exists()


def test_saving_adds_a_version_and_keeps_the_old_one(supervisor):
    new = save("Beste {{ debtor_name }},\n\nWilt u {{ amount_owed }} betalen?\n\n[overzicht]\n")
    assert new.version == 2 and new.active
    old = LetterTemplate.objects.get(code="reminder", language="nl", version=1)
    assert not old.active


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (("{{ amount_owed }}", "het bedrag"), "het openstaande bedrag"),
        (("{{ collection_costs_if_unpaid }}", "kosten"), "de incassokosten bij niet betalen"),
        (
            ("{{ payment_term }}", "binnen 14 dagen na dagtekening"),
            "'na dagtekening' is een verkeerde termijn",
        ),
        (("{{ payment_term }}", "binnen 14 dagen"), "de termijn noemen"),
        (("Betaal dit bedrag", "Betaal van heden af dit bedrag"), "'van heden' is een verkeerde termijn"),
    ],
)
def test_a_fourteen_day_letter_without_the_legal_content_cannot_be_saved(db, change, named):
    old, new = change
    with pytest.raises(TemplateRefused) as refused:
        template_save(
            code="fourteen_day_letter",
            language="nl",
            subject=FOURTEEN["subject"],
            body=FOURTEEN["body"].replace(old, new),
        )
    assert named in refused.value.message


def test_the_recommended_wording_is_accepted_instead_of_the_placeholder(db):
    body = FOURTEEN["body"].replace(
        "{{ payment_term }}", "binnen veertien dagen vanaf de dag nadat deze brief bij u is bezorgd"
    )
    assert (
        template_save(
            code="fourteen_day_letter", language="nl", subject=FOURTEEN["subject"], body=body
        ).version
        == 2
    )
