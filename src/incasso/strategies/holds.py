"""Holds: a case on hold (dispute, arrangement, promise, debt counselling, insolvency, deceased) gets no
automated step until the hold ends or is released. Placed and released by the apps that own the reason
(arrangements: promises, disputes, arrangements) and by hand.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from incasso.cases.models import Case
from incasso.cases.timeline import event_record
from incasso.core.exceptions import DomainError
from incasso.core.formatting import record_text
from incasso.strategies.models import Hold
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
