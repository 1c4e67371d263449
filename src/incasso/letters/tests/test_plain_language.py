"""Plain language (B1): officialese and long sentences in template texts. Pure: no database."""

from __future__ import annotations

import subprocess
import sys

import pytest
from django.utils import translation

from incasso.letters.plain_language import (
    MAX_WORDS,
    OFFICIALESE,
    SENTENCE,
    WORD,
    Finding,
    findings,
    template_findings,
)
from incasso.letters.services import default_texts

SHIPPED = sorted(default_texts())


def words(n: int, *, first: str = "Wij") -> str:
    """A sentence of exactly `n` words, ending with a full stop."""
    return " ".join([first] + ["woord"] * (n - 1)) + "."


def summary(found: list[Finding]) -> list[tuple[int, str, str, str]]:
    return [(f.line, f.kind, f.text, f.suggestion if f.kind == WORD else str(f.words)) for f in found]


@pytest.mark.parametrize(("code", "language"), SHIPPED, ids=[f"{c}.{lang}" for c, lang in SHIPPED])
def test_shipped_texts_are_plain_language(code, language):
    text = default_texts()[(code, language)]
    found = template_findings(language=language, **text)
    assert not found, "\n".join(f"{f.part}, line {f.line}: {f.message} ({f.text})" for f in found)


def test_every_shipped_text_is_checked():
    assert len(SHIPPED) == 24 and {lang for _c, lang in SHIPPED} == {"nl", "en"}


def test_officialese_and_a_long_sentence_are_found_on_their_lines():
    long = (
        "Wij hebben u drie keer een brief gestuurd over de facturen van de zorgverlener, "
        "maar wij hebben nog altijd geen betaling van u ontvangen en ook niets van u gehoord."
    )
    assert len(long.split()) == 30
    text = f"Geachte heer Jansen,\n\nDerhalve vragen wij u te betalen.\nWij schrijven u ten aanzien van de factuur.\n\n{long}\n"
    assert summary(findings(text)) == [
        (3, WORD, "Derhalve", "daarom"),
        (4, WORD, "ten aanzien van", "over"),
        (6, SENTENCE, "Wij hebben u drie keer een …", "30"),
    ]


def test_a_sentence_is_found_on_the_line_where_it_starts():
    text = "Kort.\n" + " ".join(["Wij"] + ["woord"] * 19) + "\n" + words(10, first="nog")
    (found,) = findings(text)
    assert (found.line, found.words, found.text) == (2, 30, "Wij woord woord woord woord woord …")


def test_a_phrase_may_run_over_two_lines_and_case_does_not_matter():
    found = findings("Wij schrijven u TEN AANZIEN\nvan uw factuur. Wederom.")
    assert summary(found) == [(1, WORD, "TEN AANZIEN van", "over"), (2, WORD, "Wederom", "weer")]


def test_only_whole_words_count():
    assert findings("U kunt een klacht indienen. Het retouradres. De reedschap. Echtheid. Indiening.") == []
    assert summary(findings("Bovengenoemde kosten, c.q. de rente.")) == [
        (1, WORD, "Bovengenoemde", "deze, hierboven"),
        (1, WORD, "c.q.", "of"),
    ]


def test_words_inside_template_tags_and_variables_are_not_flagged():
    assert findings('{% if reeds %}Betaal {{ pay_by|default:"indien mogelijk" }}.{% endif %}') == []


def test_placeholders_count_as_one_word_and_tags_as_none():
    variable = '{{ amount_owed|default:"een bedrag dat u nog moet betalen" }}'
    sentence = " ".join(["Wij"] + [variable] * (MAX_WORDS - 1)) + "."
    tagged = "{% if paid %}" + sentence.replace(" ", " {% if x %}{% endif %} ", 5) + "{% endif %}"
    assert findings(sentence) == [] and findings(tagged) == []
    (found,) = findings(sentence.replace("Wij", "Wij nu"))
    assert found.words == MAX_WORDS + 1
    assert found.text.startswith("Wij nu {{ amount_owed|default:") and found.text.endswith(" …")


def test_a_tag_between_two_sentences_does_not_glue_them_together():
    text = words(20) + "{% else %}" + words(20) + "{% endif %}"
    assert findings(text) == []


def test_a_word_split_by_a_tag_is_one_word():
    text = " ".join(["termijn{% if n != 1 %}en{% endif %}"] * MAX_WORDS) + "."
    assert findings(text) == []


def test_a_blank_line_list_items_and_headings_end_a_sentence():
    lines = ["Wat u moet doen:"] + [f"- {' '.join(['stap'] * 12)}" for _ in range(3)]
    assert findings("\n".join(lines)) == []
    assert findings(" ".join(["woord"] * 20) + "\n\n" + " ".join(["woord"] * 20)) == []
    assert findings("[overzicht]\n" + " ".join(["woord"] * 20)) == []
    (found,) = findings(" ".join(["woord"] * 20) + "\n" + " ".join(["woord"] * 20))
    assert found.words == 40


def test_english_texts_get_only_the_sentence_rule():
    assert findings("Derhalve, indien mogelijk.", language="en") == []
    (found,) = findings(words(MAX_WORDS + 1, first="We"), language="en")
    assert found.kind == SENTENCE


def test_the_template_findings_name_the_part():
    found = template_findings(
        subject="Wederom een herinnering", body="Betaal nu.", short_text="Gaarne betalen."
    )
    assert [(f.part, f.text) for f in found] == [("subject", "Wederom"), ("short_text", "Gaarne")]


def test_messages_are_in_the_active_language():
    with translation.override("nl"):
        (word,) = findings("Derhalve.")
        (long,) = findings(words(31))
    assert word.message == "„Derhalve” is stadhuistaal; schrijf „daarom”."
    assert long.message.startswith("Zin van 31 woorden (B1: hoogstens 25)")
    with translation.override("en"):
        assert findings("Derhalve.")[0].message == "“Derhalve” is officialese; write “daarom”."


def test_the_word_list_has_a_plain_alternative_for_every_entry():
    assert 30 <= len(OFFICIALESE) <= 45
    assert all(plain and plain != word for word, plain in OFFICIALESE.items())
    # each entry is found in a sentence of its own, whatever its form
    for word in OFFICIALESE:
        written = word.replace("(e)", "e")
        assert [f.text for f in findings(f"Zie {written} hier.")] == [written], word


def test_the_module_imports_no_django():
    code = (
        "import sys, incasso.letters.plain_language as p\n"
        "assert p.findings('Derhalve.')[0].message.startswith('“Derhalve”')\n"
        "bad = [m for m in sys.modules if m.split('.')[0] == 'django']\n"
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
