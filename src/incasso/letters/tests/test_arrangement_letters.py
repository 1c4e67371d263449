"""Arrangement letters print the real schedule: instalments, amounts, due dates, what is overdue."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from incasso.arrangements.instalments import instalment_record_payment
from incasso.letters.arrangement_facts import arrangement_fields
from incasso.letters.sandbox import TemplateRefused, template_render
from incasso.letters.services import letter_compose, letter_render
from incasso.letters.tests.conftest import FIRST_DUE, LETTER_DAY
from incasso.letters.tests.test_render import pdf_text


def _words(pdf: bytes) -> str:
    return " ".join(pdf_text(pdf).split())


def test_confirmation_states_the_schedule_and_the_next_instalment(arrangement_case):
    letter = letter_render(
        case=arrangement_case, template_code="arrangement_confirmation", language="nl", on=LETTER_DAY
    )
    text = _words(letter.pdf)
    assert "U betaalt dit in 4 termijnen van € 312,50 per maand." in text
    assert "De eerste termijn betaalt u uiterlijk op 16-03-2026, de laatste uiterlijk op 16-06-2026." in text
    assert "De eerstvolgende termijn is termijn 1: € 312,50, uiterlijk op 16-03-2026." in text


def test_english_confirmation_states_the_schedule(arrangement_case):
    letter = letter_render(
        case=arrangement_case, template_code="arrangement_confirmation", language="en", on=LETTER_DAY
    )
    text = _words(letter.pdf)
    assert "You pay this in 4 instalments of €312.50, monthly." in text
    assert "Your next instalment is number 1: €312.50, due no later than 16-03-2026." in text


def test_reminder_names_what_is_overdue_and_the_next_instalment(arrangement_case):
    on = dt.date(2026, 4, 20)  # instalments 1 and 2 are due; 1 is partly paid
    instalment = arrangement_case.arrangements.get().instalments.get(number=1)
    instalment_record_payment(
        instalment=instalment, amount=Decimal("100.00"), value_date=FIRST_DUE, source="t:1"
    )
    fields = arrangement_fields(case=arrangement_case, on=on, language="nl")
    assert fields["amount_overdue"] == "€ 525,00"
    assert fields["instalments_overdue"] == "2"
    assert (fields["next_instalment_number"], fields["next_instalment_due"]) == ("3", "16-05-2026")
    assert [row["open"] for row in fields["instalments"]] == ["€ 212,50", "€ 312,50", "€ 312,50", "€ 312,50"]
    data, *_ = letter_compose(
        case=arrangement_case, template_code="arrangement_reminder", language="nl", on=on
    )
    text = " ".join(data.paragraphs)
    assert (
        "Van uw regeling staat nu € 525,00 aan vervallen termijnen open (2 termijnen). Wilt u dat bedrag"
        in text
    )
    assert "de volgende termijn, € 312,50, uiterlijk op 16-05-2026." in " ".join(data.paragraphs)


def test_broken_arrangement_letter_names_the_plan_that_ended(arrangement_case):
    on = dt.date(2026, 5, 1)
    data, *_ = letter_compose(case=arrangement_case, template_code="broken_arrangement", language="nl", on=on)
    assert data.paragraphs[0].startswith(
        "U had met ons een betalingsregeling afgesproken van 4 termijnen van € 312,50 per maand. "
        "U heeft de termijnen niet betaald zoals afgesproken: van de vervallen termijnen staat nog "
        "€ 625,00 open (2 termijnen)."
    )


def test_a_case_without_arrangement_has_empty_fields_and_the_letter_still_reads(zorg_letter_case):
    fields = arrangement_fields(case=zorg_letter_case, on=LETTER_DAY, language="nl")
    assert fields["instalment_count"] == "" and fields["instalments"] == []
    data, *_ = letter_compose(
        case=zorg_letter_case, template_code="arrangement_confirmation", language="nl", on=LETTER_DAY
    )
    assert "U betaalt dit in termijnen, zoals wij met u hebben afgesproken." in " ".join(data.paragraphs)


def test_a_template_may_loop_over_the_instalments_but_not_over_other_things(arrangement_case):
    fields = arrangement_fields(case=arrangement_case, on=LETTER_DAY, language="nl")
    text = "{% for t in instalments %}{{ t.number }}:{{ t.due_on }}:{{ t.amount }};{% endfor %}"
    out = template_render(text, {**fields})
    assert out.startswith("1:16-03-2026:€ 312,50;2:16-04-2026:")
    with pytest.raises(TemplateRefused):
        template_render("{% for t in instalments %}{{ t.reference }}{% endfor %}", {**fields})
