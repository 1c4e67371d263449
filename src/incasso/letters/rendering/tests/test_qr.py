"""Our byte-mode, level-M QR encoder draws exactly the modules segno draws, for every version."""

import random

import pytest
import segno

from incasso.letters.rendering.qr import MAX_VERSION, qr_rows


def _segno_rows(payload: bytes, mask: int) -> tuple[str, ...]:
    qr = segno.make_qr(payload, error="m", boost_error=False, mask=mask, mode="byte")
    return tuple("".join("1" if m else "0" for m in row) for row in qr.matrix)


def test_every_version_and_mask_matches_segno_module_for_module():
    rng = random.Random(18004)
    versions = set()
    for length in [*range(1, 331, 3), 331]:  # 331 bytes is the most version 13 holds
        payload = bytes(rng.randrange(256) for _ in range(length))
        mask = length % 8
        rows = qr_rows(payload, mask=mask)
        assert rows == _segno_rows(payload, mask), f"{length} bytes, mask {mask}"
        versions.add((len(rows) - 17) // 4)
    assert versions == set(range(1, MAX_VERSION + 1))


def test_an_epc_payload_with_accents_matches_segno():
    payload = "BCD\n002\n1\nSCT\n\nStichting Café Zoë\nNL91ABNA0417164300\nEUR12.5\n\n5000056789012345"
    assert qr_rows(payload.encode(), mask=2) == _segno_rows(payload.encode(), 2)


def test_a_payload_too_long_for_version_13_is_refused():
    with pytest.raises(ValueError, match="version-13"):
        qr_rows(b"x" * 332, mask=2)


@pytest.mark.parametrize("mask", [-1, 8])
def test_a_mask_outside_0_to_7_is_refused(mask):
    with pytest.raises(ValueError):
        qr_rows(b"x", mask=mask)
