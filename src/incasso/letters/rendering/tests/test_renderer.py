"""Render real letters and read them back: the text in the PDF, the QR code in the PNG, the bytes."""

import dataclasses
import datetime as dt
import io
import os
from decimal import Decimal
from pathlib import Path

import pypdf
import pytest

from incasso.letters.rendering import render_letter_pdf, render_letter_png
from incasso.letters.rendering.data import Addressee
from incasso.letters.rendering.epc import epc_payload
from incasso.letters.rendering.samples import sample_letter, varied_letter
from incasso.letters.rendering.tests.pngdiff import changed_fraction
from incasso.letters.rendering.tests.qrdecode import decoded_qr

REFERENCE = Path(__file__).parent / "reference" / "sommatie-nl-page1.png"
REFERENCE_PPI = 72


def pdf_pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


@pytest.fixture(scope="module")
def summons_text() -> str:
    pages = pdf_pages(render_letter_pdf(sample_letter()))
    assert len(pages) == 1
    return pages[0]


def test_summons_shows_the_addressee_as_postnl_wants_it(summons_text):
    assert "De heer J. de Vries\nLindenlaan 14\n3818 KX  AMERSFOORT" in summons_text


def test_summons_shows_every_claim_row(summons_text):
    assert "F2026-10412 Energielevering juni 2026 03-06-2026 € 245,00 € 6,12 € 36,75 € 287,87" in summons_text
    assert "F2026-11873 Energielevering juli 2026 02-07-2026 € 189,50 € 3,98 € 28,43 € 221,91" in summons_text
    assert "F2026-13301 Jaarafrekening 2025–2026 04-08-2026 € 412,75 € 6,44 € 61,91 € 481,10" in summons_text


def test_summons_shows_the_totals_and_the_payment_details(summons_text):
    assert "Totaal te betalen € 847,25 € 16,54 € 127,09 € 990,88" in summons_text
    assert "Bedrag € 990,88" in summons_text
    assert "Betalingskenmerk 5000 0567 8901 2345" in summons_text
    assert "NL91 ABNA 0417 1643 00" in summons_text
    assert "Uiterlijk betalen op 09-12-2026" in summons_text


def test_summons_carries_what_the_wki_demands(summons_text):
    assert "Wki-registratie 2024-000123" in summons_text
    assert "KvK 87654321" in summons_text
    assert "Een klacht?" in summons_text
    assert "namens Energiebedrijf Voorbeeld B.V." in summons_text
    assert "Pagina 1 van 1" in summons_text


def test_vat_and_payments_get_their_own_lines():
    letter = sample_letter()
    t = letter.totals
    vat, paid = Decimal("26.69"), Decimal("100.00")
    totals = dataclasses.replace(t, costs_vat=vat, paid=paid, total=t.total + vat - paid)
    text = pdf_pages(render_letter_pdf(dataclasses.replace(letter, totals=totals)))[0]
    assert "Subtotaal € 847,25 € 16,54 € 127,09 € 990,88" in text
    assert "Btw over incassokosten € 26,69" in text
    assert "Al door u betaald € -100,00" in text
    assert "Totaal te betalen € 917,57" in text


def test_english_letter_uses_english_notation_and_labels():
    text = pdf_pages(render_letter_pdf(sample_letter(language="en")))[0]
    assert "Total to pay €847.25 €16.54 €127.09 €990.88" in text
    assert "Payment reference 5000 0567 8901 2345" in text
    assert "Page 1 of 1" in text


def test_foreign_address_ends_with_the_country_in_capitals():
    letter = dataclasses.replace(
        sample_letter(),
        addressee=Addressee("Mme A. Dubois", ("Rue Haute 12",), "1000", "Bruxelles", "België"),
    )
    assert "Mme A. Dubois\nRue Haute 12\n1000 Bruxelles\nBELGIË" in pdf_pages(render_letter_pdf(letter))[0]


def test_thirty_claims_run_onto_a_second_page_with_the_header_repeated():
    pages = pdf_pages(render_letter_pdf(sample_letter(n_claims=30)))
    assert len(pages) == 2
    assert "Pagina 1 van 2" in pages[0]
    assert "Pagina 2 van 2" in pages[1]
    assert pages[1].count("Factuur Omschrijving Factuurdatum Hoofdsom Rente Incassokosten Totaal") == 1
    assert "Ons kenmerk NI-2026-056789" in pages[1]
    all_text = "\n".join(pages)
    for i in range(30):
        assert f"Energielevering {i + 1} " in all_text
    assert "Betalingskenmerk 5000 0567 8901 2345" in all_text


def test_same_data_gives_identical_pdf_bytes():
    first = render_letter_pdf(sample_letter())
    render_letter_pdf(varied_letter(7))  # the reused compiler must not carry anything over
    assert render_letter_pdf(sample_letter()) == first


def test_pdf_dates_come_from_the_letter_not_the_clock():
    meta = pypdf.PdfReader(io.BytesIO(render_letter_pdf(sample_letter()))).metadata
    assert meta["/CreationDate"] == "D:20261122000000Z"
    letter = dataclasses.replace(sample_letter(), letter_date=dt.date(2027, 1, 5))
    assert (
        pypdf.PdfReader(io.BytesIO(render_letter_pdf(letter))).metadata["/CreationDate"]
        == "D:20270105000000Z"
    )


def test_png_preview_per_page():
    letter = sample_letter(n_claims=30)
    assert render_letter_png(letter, page=2, ppi=30).startswith(b"\x89PNG")
    with pytest.raises(ValueError, match="page 3"):
        render_letter_png(letter, page=3, ppi=30)


def test_render_refuses_anything_but_letter_data():
    with pytest.raises(TypeError):
        render_letter_pdf({"subject": "x"})  # type: ignore[arg-type]


def test_qr_code_in_the_rendered_letter_decodes_to_the_epc_payload(tmp_path):
    letter = sample_letter()
    decoded = decoded_qr(letter, tmp_path)
    expected = epc_payload(
        name=letter.letterhead.account_holder,
        iban=letter.payment_iban,
        amount=letter.totals.total,
        reference=letter.payment_reference,
        bic=letter.letterhead.bic,
    )
    assert decoded == expected
    assert "\n5000056789012345" in expected and "\nEUR990.88\n" in expected


def test_page_one_still_looks_like_the_reviewed_reference(tmp_path):
    """Layout changes must show up in review: regenerate the reference with INCASSO_UPDATE_REFERENCE=1."""
    png = render_letter_png(sample_letter(), ppi=REFERENCE_PPI)
    if os.environ.get("INCASSO_UPDATE_REFERENCE"):
        REFERENCE.write_bytes(png)
    reference = REFERENCE.read_bytes()
    if png == reference:
        return
    (tmp_path / "actual.png").write_bytes(png)
    fraction = changed_fraction(png, reference)
    assert fraction < 1e-5, (  # ~5 of 500,000 pixels: anti-aliasing noise, not a changed word
        f"{fraction:.2%} of the pixels of page 1 changed; compare {tmp_path / 'actual.png'} with {REFERENCE} "
        "and, if the change is intended, run the test with INCASSO_UPDATE_REFERENCE=1"
    )


def test_a_letter_that_asks_no_payment_has_no_payment_box_or_qr_code():
    with_box = "\n".join(pdf_pages(render_letter_pdf(sample_letter())))
    without = "\n".join(pdf_pages(render_letter_pdf(dataclasses.replace(sample_letter(), payment_box=False))))
    assert "Zo betaalt u" in with_box and "Scan met uw bank-app" in with_box
    assert "Zo betaalt u" not in without and "Scan met uw bank-app" not in without
    assert "Totaal te betalen" in without  # the claims table stays
