from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

from incasso.debtors.models import source_label as _source_label

register = template.Library()


@register.filter
def source_label(value: str) -> str:
    """`{{ address.source|source_label }}`: "client" shows as "de opdrachtgever"."""
    return _source_label(value or "")


OPTIONAL_CHANNELS = (("email", _("e-mail")), ("sms", _("SMS")), ("phone", _("phone calls")))


@register.filter
def channel_states(refused: Mapping[str, Any]) -> list[tuple[str, str, object]]:
    """`{{ refused_channels|channel_states }}`: (channel, label, since) for the channels a debtor may
    switch off; `since` is None while allowed (`refused`: channel -> since, as the case screen read it)."""
    return [(code, str(label), refused.get(code)) for code, label in OPTIONAL_CHANNELS]
