"""Holds: a case on hold (dispute, arrangement, promise, debt counselling, insolvency, deceased) gets no
automated step until the hold ends or is released. Placed and released by the apps that own the reason
(arrangements: promises, disputes, arrangements) and by hand.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from incasso.cases.models import Case
from incasso.cases.timeline import event_record
from incasso.core.exceptions import DomainError
from incasso.core.formatting import record_text
from incasso.strategies.models import Hold, HoldReason
from incasso.strategies.services import STEP_EVENT


def hold_place(
    *,
    case: Case,
    reason: str,
    starts_on: dt.date,
    until: dt.date | None = None,
    actor: Any = None,
    note: str = "",
) -> Hold:
    if until is not None and until < starts_on:
        raise DomainError(_("A hold cannot end before it starts"), field="until")
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        hold = Hold.objects.create(
            case=locked,
            reason=reason,
            starts_on=starts_on,
            until=until,
            note=note,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        event_record(
            case=locked,
            kind=STEP_EVENT,
            summary=f"Aangehouden: {record_text(hold.get_reason_display())}",
            actor=actor,
            details={"hold": hold.pk},
        )
        return hold


def hold_release(*, hold: Hold, actor: Any = None) -> Hold:
    with transaction.atomic():
        Case.objects.select_for_update().filter(pk=hold.case_id).first()
        locked = Hold.objects.select_for_update().get(pk=hold.pk)
        if locked.released_at is None:
            locked.released_at = timezone.now()
            locked.save(update_fields=["released_at"])
            event_record(
                case=locked.case,
                kind=STEP_EVENT,
                summary=f"Aanhouding opgeheven: {record_text(locked.get_reason_display())}",
                actor=actor,
                details={"hold": locked.pk},
            )
        return locked


# The reasons an officer places and ends by hand on the case screen; the others belong to the screens
# of the arrangement, the promise and the dispute, which place and end their own holds.
MANUAL_REASONS = (HoldReason.DEBT_COUNSELLING, HoldReason.INSOLVENCY, HoldReason.DECEASED)


def case_hold_place(
    *, case: Case, reason: str, until: dt.date | None, note: str, actor: Any, today: dt.date | None = None
) -> Hold:
    """The officer holds the automated steps: the debtor is in debt counselling (schuldhulpverlening),
    in insolvency or WSNP, or has died. `until` is optional: without it the hold runs until released."""
    today = today or timezone.localdate()
    if reason not in MANUAL_REASONS:
        raise DomainError(
            _("Choose debt counselling, insolvency or deceased; the other holds come with their own screens"),
            field="reason",
        )
    if until is not None and until < today:
        raise DomainError(_("The end date lies in the past"), field="until")
    if _running(case, today).filter(reason=reason).exists():
        raise DomainError(_("The case is already on hold for this reason"), field="reason")
    return hold_place(case=case, reason=reason, starts_on=today, until=until, actor=actor, note=note.strip())


def case_hold_release(*, case: Case, hold_id: int, actor: Any) -> Hold:
    """End a hold placed by hand (the debtor left debt counselling, the estate was settled)."""
    hold = Hold.objects.filter(case=case, pk=hold_id, reason__in=MANUAL_REASONS).first()
    if hold is None:
        raise DomainError(_("That hold cannot be ended here"), field="hold")
    return hold_release(hold=hold, actor=actor)


def _running(case: Case, today: dt.date) -> QuerySet[Hold]:
    """The case's holds not released and not past their end date: in force or still to come."""
    return Hold.objects.filter(case=case, released_at__isnull=True).exclude(until__lt=today)


def holds_running(*, case: Case, today: dt.date | None = None) -> list[Hold]:
    """The case's holds in force or still to come, earliest first."""
    return list(_running(case, today or timezone.localdate()).order_by("starts_on", "pk"))
