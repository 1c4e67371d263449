"""Column widths measured in Python must be what typst measures, or cells would wrap or drift."""

import dataclasses
import json

import typst

from incasso.letters.rendering import render_letter_pdf
from incasso.letters.rendering.renderer import FONTS, LABELS, letter_context
from incasso.letters.rendering.samples import sample_letter, varied_letter
from incasso.letters.rendering.tests.test_renderer import pdf_pages
from incasso.letters.rendering.textwidth import text_width

MEASURE = b"""
#let s = json(bytes(sys.inputs.data))
#set text(font: "Liberation Sans", size: 8.5pt)
#context [#metadata(s.map(x => (measure(text(x)).width.pt(), measure(strong(x)).width.pt()))) <m>]
"""


def _typst_widths(strings: list[str]) -> list[list[float]]:
    out = typst.query(
        MEASURE,
        "<m>",
        field="value",
        one=True,
        font_paths=[str(FONTS)],
        ignore_system_fonts=True,
        sys_inputs={"data": json.dumps(strings)},
    )
    return json.loads(out)


def test_widths_agree_with_typst_to_a_hundredth_of_a_point_kerning_included():
    strings = [label for labels in LABELS.values() for label in labels.values()]
    strings += ["Tô Wäy AVATAR 1/7", "€ 11,11", "F2026-11154", "-€1,234.50"]
    for seed in range(1, 30):
        context = letter_context(varied_letter(seed))
        for row in context["claims"]:
            strings += [row["invoice"], row["date"], row["principal"], row["total"]]
    for text, (regular, bold) in zip(strings, _typst_widths(strings), strict=True):
        assert abs(text_width(text, 8.5) - regular) < 0.01, text
        assert abs(text_width(text, 8.5, bold=True) - bold) < 0.01, text


def test_a_character_missing_from_the_font_counts_as_the_widest_glyph():
    assert text_width("\u4e2d", 10) >= text_width("W", 10)


def test_claims_table_gets_fixed_widths_with_the_description_taking_the_rest():
    columns = letter_context(sample_letter())["columns"]["claims"]
    assert columns[1] == "fr"
    assert all(isinstance(w, float) for i, w in enumerate(columns) if i != 1)


def test_invoice_numbers_too_wide_for_fixed_columns_leave_the_sizing_to_typst():
    letter = sample_letter()
    long_number = "INV-" + "9" * 60
    claims = (dataclasses.replace(letter.claims[0], invoice_number=long_number), *letter.claims[1:])
    letter = dataclasses.replace(letter, claims=claims)
    assert letter_context(letter)["columns"]["claims"] == [
        "auto",
        "fr",
        "auto",
        "auto",
        "auto",
        "auto",
        "auto",
    ]
    assert "€ 990,88" in pdf_pages(render_letter_pdf(letter))[0]
