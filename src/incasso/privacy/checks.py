from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register

from incasso.privacy import retention


@register()
def retention_term(**kwargs: Any) -> list[Error]:
    """A term below the Bki's two years would erase files the law says to keep: refuse to start."""
    try:
        retention.check_years(int(settings.INCASSO_RETENTION_YEARS))
    except retention.RetentionError as exc:
        return [Error(f"INCASSO_RETENTION_YEARS: {exc}", id="incasso.privacy.E001")]
    return []
