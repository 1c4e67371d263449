from __future__ import annotations

from django import template

from incasso.debtors.models import source_label as _source_label

register = template.Library()


@register.filter
def source_label(value: str) -> str:
    """`{{ address.source|source_label }}`: "client" shows as "de opdrachtgever"."""
    return _source_label(value or "")
