from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import template

from incasso.strategies.holds import MANUAL_REASONS, holds_running
from incasso.strategies.models import Hold, HoldReason

register = template.Library()


@dataclass(frozen=True)
class HoldRow:
    hold: Hold
    manual: bool  # placed and ended on the case screen (else by its own screen, or by its end date)


@register.simple_tag
def case_holds(case: Any) -> list[HoldRow]:
    """`{% case_holds case as holds %}`: the case's running holds."""
    return [HoldRow(hold, hold.reason in MANUAL_REASONS) for hold in holds_running(case=case)]


@register.simple_tag
def manual_hold_reasons() -> list[tuple[str, str]]:
    return [(str(reason), str(HoldReason(reason).label)) for reason in MANUAL_REASONS]
