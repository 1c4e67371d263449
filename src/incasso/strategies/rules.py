"""Pure rules for collection strategies and the daily run: no Django, no database, no clock
(messages go through `core.puretext.gettext`).

* The contact window and frequency (Wki) live in `core.contact`, shared with the senders and the
  officer's call log.
* The 14-day letter (art. 6:96 lid 6 BW, rules-nl.md §2.7): collection costs are owed only from the day
  after a 14-day term that starts the day after (presumed) delivery; delivery is presumed two postal
  working days after sending (`costs_allowed_from`, delegating to `calculations.deadlines`).
* Strategy validation: offsets ≥ 0, a template for every message, no jumps backwards (loops), and a
  consumer strategy that adds costs must send a `fourteen_day_letter` before it (`validate_strategy`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from incasso.calculations.deadlines import fourteen_day_term
from incasso.core.contact import RuleError
from incasso.core.puretext import gettext as _

FOURTEEN_DAY_LETTER = "fourteen_day_letter"
MESSAGE_ACTION = "send_message"
COSTS_ACTION = "add_collection_costs"


def costs_allowed_from(*, sent_on: dt.date | None, delivered_on: dt.date | None = None) -> dt.date:
    """The first day collection costs may be charged after a 14-day letter."""
    return fourteen_day_term(sent_on=sent_on, delivered_on=delivered_on).costs_owed_from


@dataclass(frozen=True, slots=True)
class StepSpec:
    """What the validator needs to know of a step."""

    position: int
    name: str
    action: str
    offset_days: int
    template_code: str = ""
    next_position: int | None = None  # a jump; None = the following step


def validate_strategy(
    steps: Sequence[StepSpec], *, debtor_role: str, check_jump_targets: bool = True
) -> list[str]:
    """Every problem with a strategy version, as messages for the supervisor; [] when it is fine.
    With `check_jump_targets=False` a jump to a step that is not (yet) there is not a problem."""
    problems: list[str] = []
    positions = [s.position for s in steps]
    if not steps:
        problems.append(_("A strategy needs at least one step."))
    if len(set(positions)) != len(positions):
        problems.append(_("Two steps share a position."))
    known = set(positions)
    letter_seen = False
    for step in sorted(steps, key=lambda s: s.position):
        label = _("Step %(position)s (%(name)s)") % {"position": step.position, "name": step.name}
        if step.offset_days < 0:
            problems.append(
                _("%(step)s: the day offset cannot be below zero (got %(days)s).")
                % {"step": label, "days": step.offset_days}
            )
        if step.action == MESSAGE_ACTION and not step.template_code.strip():
            problems.append(_("%(step)s: a message step needs a template.") % {"step": label})
        if step.next_position is not None:
            if step.next_position <= step.position:
                problems.append(
                    _("%(step)s: points back to step %(target)s; loops are not allowed.")
                    % {"step": label, "target": step.next_position}
                )
            elif check_jump_targets and step.next_position not in known:
                problems.append(
                    _("%(step)s: points to step %(target)s, which does not exist.")
                    % {"step": label, "target": step.next_position}
                )
        if step.action == MESSAGE_ACTION and step.template_code == FOURTEEN_DAY_LETTER:
            letter_seen = True
        if step.action == COSTS_ACTION and debtor_role in {"consumer", ""} and not letter_seen:
            problems.append(
                _(
                    "%(step)s: a consumer strategy may only add collection costs after a step that "
                    "sends the 14-day letter (art. 6:96 lid 6 BW)."
                )
                % {"step": label}
            )
    return problems


@dataclass(frozen=True, slots=True)
class PriorityWeights:
    amount: Decimal = Decimal(1)
    age: Decimal = Decimal(1)
    broken_promise: Decimal = Decimal(5)
    no_recent_contact: Decimal = Decimal(2)
    contact_gap_days: int = 14

    def formula(self) -> str:
        """The formula in the words of the work queue's columns, in the user's language."""
        return _(
            "score = %(amount)s × log10(balance) + %(age)s × days overdue / 30 + %(broken)s × promise "
            "broken + %(contact)s × (days since contact > %(gap)s)"
        ) % {
            "amount": _plain(self.amount),
            "age": _plain(self.age),
            "broken": _plain(self.broken_promise),
            "contact": _plain(self.no_recent_contact),
            "gap": self.contact_gap_days,
        }


def _plain(weight: Decimal) -> str:
    """A weight as written in the formula: 1, 0.5, 2.25 (no trailing zeros, no exponent)."""
    text = f"{weight:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


SCORE_PLACES = Decimal("0.01")


def priority_score(
    *,
    balance: Decimal,
    days_overdue: int,
    broken_promise: bool,
    days_since_contact: int | None,
    weights: PriorityWeights = PriorityWeights(),  # frozen: a shared default is safe
) -> Decimal:
    """The work queue's transparent priority; the page prints `weights.formula()` next to it.

    Exact decimal arithmetic, as for the money it ranks, rounded to two places (half even) at the end.
    A balance below 1 counts as 1 (log10 = 0); never contacted counts as "no recent contact".
    """
    if not isinstance(balance, Decimal):
        raise TypeError(f"balance must be a Decimal, got {type(balance).__name__}")
    no_contact = days_since_contact is None or days_since_contact > weights.contact_gap_days
    score = (
        weights.amount * max(balance, Decimal(1)).log10()
        + weights.age * Decimal(max(days_overdue, 0)) / 30
        + (weights.broken_promise if broken_promise else 0)
        + (weights.no_recent_contact if no_contact else 0)
    )
    return score.quantize(SCORE_PLACES, rounding=ROUND_HALF_EVEN)


def in_challenger(case_number: str, *, share_pct: int) -> bool:
    """Whether a new case goes to the challenger: random over case numbers, yet the same every time.

    The first 8 bytes of sha256(case number) taken modulo 10,000 give a bucket 0..9999; the case is the
    challenger's when its bucket falls below share × 100 (share in whole percent, 0..100).
    """
    if not 0 <= share_pct <= 100:
        raise RuleError(
            _("A challenger share must lie between 0 and 100 %%, got %(share)s") % {"share": share_pct}
        )
    bucket = int.from_bytes(hashlib.sha256(case_number.encode()).digest()[:8], "big") % 10_000
    return bucket < share_pct * 100
