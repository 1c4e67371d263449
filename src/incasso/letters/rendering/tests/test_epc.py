"""The EPC QR payload, checked field by field, and the code segno draws for it."""

from decimal import Decimal

import pytest
import segno
import segno.helpers

from incasso.letters.rendering.epc import LETTER_MASK, epc_payload, epc_qr, epc_qr_svg, structured_reference

ACCOUNT = {"name": "Noordhoek Incasso B.V.", "iban": "NL91 ABNA 0417 1643 00", "bic": "ABNANL2A"}


def test_payload_puts_the_betalingskenmerk_in_the_structured_field():
    payload = epc_payload(**ACCOUNT, amount=Decimal("990.88"), reference="5000 0567 8901 2345")
    assert payload == "\n".join(
        [
            "BCD",
            "002",
            "1",
            "SCT",
            "ABNANL2A",
            "Noordhoek Incasso B.V.",
            "NL91ABNA0417164300",
            "EUR990.88",
            "",
            "5000056789012345",
        ]
    )


def test_amount_is_written_like_segno_does_without_trailing_zeros():
    assert "\nEUR1234.5\n" in epc_payload(**ACCOUNT, amount=Decimal("1234.50"), reference="5000056789012345")
    assert "\nEUR100\n" in epc_payload(**ACCOUNT, amount=Decimal("100.00"), reference="5000056789012345")


def test_bic_is_optional():
    payload = epc_payload(
        name="X", iban="NL91ABNA0417164300", amount=Decimal("1.00"), reference="5000056789012345"
    )
    assert payload.split("\n")[4] == ""


def test_unstructured_text_goes_in_the_last_field():
    payload = epc_payload(**ACCOUNT, amount=Decimal("10.00"), text="Dossier NI-2026-056789")
    assert payload.split("\n")[9:] == ["", "Dossier NI-2026-056789"]


def test_rf_creditor_reference_is_accepted():
    assert structured_reference("RF18 5390 0754 7034") == "RF18539007547034"


@pytest.mark.parametrize("reference", ["5000 0567 8901 2346", "1234", "RF19539007547034", "factuur 12"])
def test_a_reference_a_bank_would_reject_is_refused(reference):
    with pytest.raises(ValueError):
        epc_payload(**ACCOUNT, amount=Decimal("10.00"), reference=reference)


def test_reference_and_text_exclude_each_other():
    with pytest.raises(ValueError):
        epc_payload(**ACCOUNT, amount=Decimal("10.00"), reference="5000056789012345", text="x")
    with pytest.raises(ValueError):
        epc_payload(**ACCOUNT, amount=Decimal("10.00"))


@pytest.mark.parametrize("amount", [Decimal("0.00"), Decimal("-1.00"), Decimal("1000000000.00")])
def test_amount_out_of_range_is_refused(amount):
    with pytest.raises(ValueError):
        epc_payload(**ACCOUNT, amount=amount, reference="5000056789012345")


def test_float_amount_is_refused():
    with pytest.raises(TypeError):
        epc_payload(**ACCOUNT, amount=12.5, reference="5000056789012345")  # type: ignore[arg-type]


def test_our_payload_is_exactly_what_segnos_epc_helper_encodes():
    kwargs = {"amount": Decimal("1234.56"), "reference": "5000056789012345"}
    helper_qr = epc_qr(**ACCOUNT, **kwargs)
    ours = segno.make_qr(
        epc_payload(**ACCOUNT, **kwargs).encode(), error="m", boost_error=False, mask=helper_qr.mask
    )
    assert ours.matrix == helper_qr.matrix
    assert helper_qr.error == "M"


def test_letter_svg_uses_the_fixed_mask_and_error_level_m():
    svg = epc_qr_svg(**ACCOUNT, amount=Decimal("990.88"), reference="5000056789012345")
    assert svg.startswith("<svg")
    fixed = segno.make_qr(
        epc_payload(**ACCOUNT, amount=Decimal("990.88"), reference="5000056789012345").encode(),
        error="m",
        boost_error=False,
        mask=LETTER_MASK,
    )
    assert fixed.mask == LETTER_MASK and fixed.error == "M"
