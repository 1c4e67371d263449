from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def portal_url_is_https(**kwargs: Any) -> list[Warning]:
    """Letters tell debtors to type their case number, payment reference and postcode at this address:
    over plain http those cross the internet readable to anyone on the way."""
    url = str(getattr(settings, "INCASSO_PORTAL_URL", ""))
    if url.startswith("http://"):
        return [
            Warning(
                f"INCASSO_PORTAL_URL is {url}: letters send debtors to log in over plain http",
                hint="Use the https:// address of the portal.",
                id="incasso.portal.W001",
            )
        ]
    return []
