"""`{% open_question_count user as n %}`: the questions waiting for a client user's answer (the menu's count)."""

from __future__ import annotations

from typing import Any

from django import template

from incasso.cases.questions import questions_open_count

register = template.Library()


@register.simple_tag
def open_question_count(user: Any) -> int:
    if getattr(user, "role", None) != "client_user":
        return 0
    return questions_open_count(user=user)
