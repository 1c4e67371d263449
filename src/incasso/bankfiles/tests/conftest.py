from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

# src/incasso/bankfiles/tests/conftest.py -> parents[4] is the repository; shared/ sits beside it.
SHARED = (Path(__file__).resolve().parents[4] / ".." / "shared").resolve()
BANK = SHARED / "testdata" / "bank"


def load_expected() -> dict[str, Any]:
    expected_file = BANK / "expected.json"
    if not expected_file.is_file():
        # Fail loudly: a missing checkout of shared/ must not turn into silently skipped tests.
        raise RuntimeError(f"bank test data not found at {expected_file}; clone shared/ beside the repo")
    files: dict[str, Any] = json.loads(expected_file.read_text(encoding="utf-8"))["files"]
    return files


EXPECTED = load_expected()


@pytest.fixture
def bank_dir() -> Path:
    return BANK
