"""The case state machine: which transitions are allowed, and what closing needs.

    new ──> amicable ──> arrangement | on_hold | legal | bailiff ──> closed
                    (and back to amicable from arrangement / on_hold)

`closed` is final; a case closed by mistake is corrected by a supervisor opening a new case.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from incasso.cases.models import CaseState, ClosingReason
from incasso.core.exceptions import IllegalTransition

S = CaseState

ALLOWED: dict[str, frozenset[str]] = {
    S.NEW: frozenset({S.AMICABLE, S.ON_HOLD, S.CLOSED}),
    S.AMICABLE: frozenset({S.ARRANGEMENT, S.ON_HOLD, S.LEGAL, S.BAILIFF, S.CLOSED}),
    S.ARRANGEMENT: frozenset({S.AMICABLE, S.ON_HOLD, S.LEGAL, S.BAILIFF, S.CLOSED}),
    S.ON_HOLD: frozenset({S.AMICABLE, S.ARRANGEMENT, S.LEGAL, S.BAILIFF, S.CLOSED}),
    S.LEGAL: frozenset({S.ARRANGEMENT, S.ON_HOLD, S.BAILIFF, S.CLOSED}),
    S.BAILIFF: frozenset({S.ARRANGEMENT, S.ON_HOLD, S.LEGAL, S.CLOSED}),
    S.CLOSED: frozenset(),
}


def allowed_targets(state: str) -> list[str]:
    """Targets in a stable, UI-friendly order."""
    return [s for s in CaseState.values if s in ALLOWED[state]]


def check_transition(*, current: str, target: str, closing_reason: str | None) -> None:
    """Raise IllegalTransition with a clear message when the change is not allowed."""
    if target not in CaseState.values:
        raise IllegalTransition(_("Unknown state %(state)r") % {"state": target}, field="state")
    if target not in ALLOWED[current]:
        allowed = ", ".join(str(CaseState(s).label) for s in allowed_targets(current)) or _(
            "none (the case is closed)"
        )
        raise IllegalTransition(
            _("A case in state '%(current)s' cannot go to '%(target)s'. Allowed: %(allowed)s.")
            % {"current": CaseState(current).label, "target": CaseState(target).label, "allowed": allowed},
            field="state",
        )
    if target == S.CLOSED and closing_reason not in ClosingReason.values:
        raise IllegalTransition(
            _("Closing a case needs a reason: paid, settled, uncollectable or withdrawn"),
            field="closing_reason",
        )
    if target != S.CLOSED and closing_reason:
        raise IllegalTransition(_("A closing reason is only given when closing"), field="closing_reason")
