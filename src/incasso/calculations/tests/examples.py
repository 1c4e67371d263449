"""Load /work/shared/domain/worked-examples.json (beside the repository) for the parametrised tests."""

from __future__ import annotations

import datetime as dt
import json
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

SHARED = Path(__file__).resolve().parents[4] / ".." / "shared"
EXAMPLES = SHARED / "domain" / "worked-examples.json"


def load_examples() -> list[Any]:
    """Every example as a pytest param with a readable id; skipped when shared/ is absent."""
    if not EXAMPLES.exists():
        if os.environ.get("CI"):
            raise FileNotFoundError(f"{EXAMPLES} not found: CI must have ../shared beside the repository")
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"{EXAMPLES} not found"), id="missing")]
    data = json.loads(EXAMPLES.read_text("utf-8"), parse_float=Decimal)
    params = []
    for section in ("published", "computed"):
        for i, example in enumerate(data[section]):
            params.append(pytest.param(example, id=f"{section}-{i:02d}-{example['kind']}"))
    return params


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def dec(value: Any) -> Decimal:
    """JSON numbers arrive as Decimal (floats) or int; normalise to cents."""
    return Decimal(value).quantize(Decimal("0.01"))
