"""Read the QR code on a rendered page back with zbarimg (Debian `zbar-tools`), as a banking app would."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from incasso.letters.rendering import LetterData, render_letter_png


def decoded_qr(data: LetterData, tmp_path: Path, *, page: int = 1) -> str:
    """The text of the QR code on `page` of the letter at 150 ppi; skips (fails on CI) without zbarimg."""
    zbarimg = shutil.which("zbarimg")
    if zbarimg is None:
        message = "zbarimg not installed (Debian: apt-get install zbar-tools)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    image = tmp_path / f"page{page}.png"
    image.write_bytes(render_letter_png(data, page=page, ppi=150))
    result = subprocess.run([zbarimg, "--raw", "-q", str(image)], capture_output=True, check=True)
    return result.stdout.decode("utf-8").removesuffix("\n")
