"""Field helpers shared by all apps: one way to store money."""

from __future__ import annotations

from typing import Any

from django.db import models


def money_field(**kwargs: Any) -> models.DecimalField[Any, Any]:
    """An amount in euros with cents: DecimalField(max_digits=14, decimal_places=2)."""
    return models.DecimalField(max_digits=14, decimal_places=2, **kwargs)
