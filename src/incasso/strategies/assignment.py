"""Putting cases on strategies: a new case on the one that matches it, or a case moved on purpose.

The daily run assigns its chunks of new cases in bulk (`run_assign`) by the same rule
(`matching.choose_version`); these are the one-case paths: the seed command, a chosen version, and the
officer's "move to another strategy".
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from incasso.cases.models import Case, CaseState
from incasso.cases.selectors import case_balance
from incasso.cases.timeline import event_record
from incasso.core.exceptions import DomainError
from incasso.strategies.matching import choose_version, match_candidates
from incasso.strategies.models import Step, StrategyAssignment, StrategyVersion
from incasso.strategies.services import STEP_EVENT

ASSIGNED_AT_INTAKE = "assigned at intake"  # the reason of a new case's first assignment


def assigned_summary(version: StrategyVersion) -> str:
    """The timeline's line for a new case put on its strategy (here and in the run's bulk path)."""
    return f"Incassotraject: {version}"


def strategy_for_case(*, case: Case) -> StrategyVersion | None:
    """The newest published version of the best-matching active strategy, or of its challenger
    (`matching.choose_version`: the rule the daily run applies to a chunk of new cases)."""
    return choose_version(
        match_candidates(),
        number=case.number,
        client_id=case.client_id,
        debtor_role=case.debtor_role,
        debt_type_id=case.debt_type_id,
        principal=case_balance(case=case).principal,
    )


def _first_step(version: StrategyVersion) -> Step | None:
    return version.steps.order_by("position").first()


def _assign(
    *, case: Case, version: StrategyVersion, actor: Any, reason: str, on: dt.date
) -> StrategyAssignment:
    if not version.is_published:
        raise DomainError(_("Only a published version can be assigned"), field="version")
    if version.strategy.debtor_role != case.debtor_role:
        raise DomainError(
            _("This strategy is for %(role)s debtors; the case's debtor is %(case_role)s")
            % {
                "role": version.strategy.get_debtor_role_display(),
                "case_role": case.get_debtor_role_display(),
            },
            field="version",
        )
    first = _first_step(version)
    assignment = StrategyAssignment.objects.create(
        case=case,
        version=version,
        since=timezone.now(),
        started_on=on,
        reason=reason,
        actor=actor if getattr(actor, "pk", None) else None,
        next_step=first,
    )
    # A closed case (put on its strategy afterwards, for the comparison's history) is never scheduled.
    if first is None or case.state == CaseState.CLOSED:
        case.next_action_on = None
    else:
        case.next_action_on = on + dt.timedelta(days=first.offset_days)
    case.save(update_fields=["next_action_on"])
    return assignment


def case_assign_strategy(
    *, case: Case, actor: Any = None, on: dt.date | None = None, version: StrategyVersion | None = None
) -> StrategyAssignment:
    """Put a new case on its strategy (picked by `strategy_for_case` unless given)."""
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if StrategyAssignment.objects.filter(case=locked, is_current=True).exists():
            raise DomainError(_("The case already follows a strategy; move it instead"), field="version")
        chosen = version or strategy_for_case(case=locked)
        if chosen is None:
            raise DomainError(_("No published strategy matches this case"), field="version")
        assignment = _assign(
            case=locked,
            version=chosen,
            actor=actor,
            reason=ASSIGNED_AT_INTAKE,
            on=on or timezone.localdate(),
        )
        event_record(
            case=locked,
            kind=STEP_EVENT,
            summary=assigned_summary(chosen),
            actor=actor,
            details={"version": chosen.pk, "assignment": assignment.pk},
        )
        case.next_action_on = locked.next_action_on
        return assignment


def case_move_strategy(
    *, case: Case, version: StrategyVersion, actor: Any, reason: str, on: dt.date | None = None
) -> StrategyAssignment:
    """Move a case to another version on purpose: it starts that version from its first step."""
    if not reason.strip():
        raise DomainError(_("Moving a case to another strategy needs a reason"), field="reason")
    client_id = version.strategy.client_id
    if client_id is not None and client_id != case.client_id:
        raise DomainError(
            _("Strategy %(strategy)s is for another client; choose one of this client's or a general one")
            % {"strategy": version.strategy.name},
            field="version",
        )
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.state == CaseState.CLOSED:
            raise DomainError(
                _("A closed case takes no steps; it is not moved to another strategy"), field="case"
            )
        current = StrategyAssignment.objects.select_for_update().filter(case=locked, is_current=True).first()
        if current is not None and current.version_id == version.pk:
            raise DomainError(_("The case already follows this version"), field="version")
        if current is not None:
            current.is_current = False
            current.save(update_fields=["is_current"])
        assignment = _assign(
            case=locked, version=version, actor=actor, reason=reason.strip(), on=on or timezone.localdate()
        )
        event_record(
            case=locked,
            kind=STEP_EVENT,
            summary=f"Ander incassotraject: {version} ({reason.strip()})",
            actor=actor,
            details={
                "from": current.version_id if current else None,
                "to": version.pk,
                "reason": reason.strip(),
            },
        )
        case.next_action_on = locked.next_action_on
        return assignment
