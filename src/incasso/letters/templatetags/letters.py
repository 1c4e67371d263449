"""Template filters of the letters app."""

from __future__ import annotations

from django import template

from incasso.core.formatting import choice_label
from incasso.letters.models import TemplateCode

register = template.Library()


@register.filter(name="template_label")
def template_label(code: str) -> str:
    """A letter template's name in the user's language ("herinnering" for `reminder`); an unknown code as it is."""
    return choice_label(TemplateCode, code)
