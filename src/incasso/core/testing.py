"""Where tests find the project's shared material (`../shared` beside the repository).

In CI the material must be there: a missing file fails the test loudly. Elsewhere (e.g. an
installed package without the checkout) the test is skipped with the path it looked for.
"""

from __future__ import annotations

import os
from pathlib import Path

SHARED_DIR = (Path(__file__).resolve().parents[3] / ".." / "shared").resolve()


def shared_path(*parts: str) -> Path:
    path = SHARED_DIR.joinpath(*parts)
    if not path.exists():
        import pytest

        message = f"shared material not found: {path}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path
