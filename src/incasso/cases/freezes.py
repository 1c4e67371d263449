"""Interest freezes: periods in which a case's claims carry no interest (services).

A freeze is a concession on one case: a payment arrangement whose client froze interest
(`arrangements`: started when the arrangement becomes active, ended when it is broken or completed,
`source="arrangement:<id>"`), or an officer's decision by hand, e.g. while a complaint is investigated
or as a goodwill concession the client agreed to (`interest_freeze_place` / `interest_freeze_end_by_hand`,
`source="manual"`, from the case screen and the API).
The calculation core applies it (`ClaimFacts.interest_free`, see docs/calculations.md); this module
only records it: at most one open freeze per case, both ends on the timeline. `cases.statement` passes
every freeze of the case to every claim.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from incasso.cases.models import (
    FREEZE_MANUAL,
    Case,
    CaseState,
    EntryKind,
    EventKind,
    InterestFreeze,
    LedgerEntry,
)
from incasso.cases.timeline import event_record
from incasso.core.exceptions import DomainError
from incasso.core.formatting import format_date

ONE_DAY = dt.timedelta(days=1)


def interest_freeze_start(
    *, case: Case, on: dt.date, reason: str, actor: Any = None, source: str = ""
) -> InterestFreeze:
    """Freeze the case's interest from `on` (inclusive) until ended. Idempotent: while a freeze is
    open it is returned unchanged (no second row, no second event)."""
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        current = InterestFreeze.objects.filter(case=locked, ends_on__isnull=True).first()
        if current is not None:
            return current
        freeze = InterestFreeze.objects.create(
            case=locked,
            starts_on=on,
            reason=reason.strip()[:200],
            source=source[:100],
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        event_record(
            case=locked,
            kind=EventKind.NOTE,
            summary=f"Rente bevroren vanaf {format_date(on)}: {freeze.reason}",
            actor=actor,
            details={"interest_freeze": freeze.pk, "starts_on": on.isoformat(), "source": source},
        )
        return freeze


def interest_freeze_end(
    *, case: Case, on: dt.date, actor: Any = None, source: str | None = None
) -> InterestFreeze | None:
    """End the case's open freeze on `on` (still frozen that day; interest runs again from the next
    day). Idempotent: no open freeze, nothing to do (None). With `source`, only a freeze started by
    that source is ended (an arrangement does not end a freeze someone else started). A freeze
    cannot end before it started."""
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        freeze = InterestFreeze.objects.select_for_update().filter(case=locked, ends_on__isnull=True).first()
        if freeze is None or (source is not None and freeze.source != source):
            return None
        if on < freeze.starts_on:
            raise DomainError(
                _("The interest freeze started on %(date)s; it cannot end before that")
                % {"date": format_date(freeze.starts_on)},
                field="on",
            )
        _end(locked, freeze, on, actor=actor)
        return freeze


def _end(case: Case, freeze: InterestFreeze, on: dt.date, *, actor: Any, **details: Any) -> None:
    """Set the freeze's last frozen day and say so on the case's timeline (`details` added to the event's)."""
    freeze.ends_on = on
    freeze.save(update_fields=["ends_on"])
    event_record(
        case=case,
        kind=EventKind.NOTE,
        summary=f"Rentebevriezing beëindigd per {format_date(on)}; rente loopt weer vanaf "
        f"{format_date(on + ONE_DAY)}",
        actor=actor,
        details={"interest_freeze": freeze.pk, "ends_on": on.isoformat(), **details},
    )


# --- by hand: an officer freezes interest (a complaint under investigation, a goodwill concession) ---

MANUAL = FREEZE_MANUAL
REASON_MAX = 200


def freeze_current(freezes: Sequence[InterestFreeze], *, today: dt.date) -> InterestFreeze | None:
    """The freeze in force on `today` or still open (no end, or an end not yet passed); the latest
    if an arrangement's freeze and a hand-made one overlap."""
    current = [f for f in freezes if f.starts_on <= today and (f.ends_on is None or f.ends_on >= today)]
    current += [f for f in freezes if f.ends_on is None and f not in current]
    return max(current, key=lambda f: (f.starts_on, f.pk)) if current else None


def _refuse_before_booking(case: Case, day: dt.date, *, field: str, message: str) -> None:
    """Refuse `day` (a freeze's start or end) before the latest date interest was booked up to (a
    payment books the interest up to its date first): it would change interest already in the
    ledger. `message` names that date as `%(date)s`."""
    booked = (
        LedgerEntry.objects.filter(case=case, kind__in=[EntryKind.PAYMENT, EntryKind.INTEREST_BOOKED])
        .order_by("-value_on")
        .values_list("value_on", flat=True)
        .first()
    )
    if booked is not None and day < booked:
        raise DomainError(message % {"date": format_date(booked)}, field=field)


def _refuse_closed(case: Case) -> None:
    if case.state == CaseState.CLOSED:
        raise DomainError(_("This case is closed; its interest can no longer be frozen or unfrozen"))


def interest_freeze_place(
    *, case: Case, starts_on: dt.date, reason: str, actor: Any, today: dt.date, ends_on: dt.date | None = None
) -> InterestFreeze:
    """An officer freezes the case's interest from `starts_on` (inclusive), until `ends_on` (inclusive)
    or until ended by hand. A freeze is a fact, not a plan: it starts today at the latest (a start
    in the future is refused), but its end may be agreed ahead (e.g. until the end of the year).

    Refused, with nothing written: a closed case, no reason, a start before the case was opened or
    after today, an end before the start, a start or end before interest was last booked, and a
    period that overlaps another freeze (unlike `interest_freeze_start`, which an arrangement calls
    and which quietly returns the open freeze, an officer is told)."""
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Give a reason for freezing the interest"), field="reason")
    if len(reason) > REASON_MAX:
        raise DomainError(
            _("The reason is too long (at most %(max)d characters)") % {"max": REASON_MAX}, field="reason"
        )
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        _refuse_closed(locked)
        if starts_on < locked.opened_on:
            raise DomainError(
                _("The start date cannot be before the case was opened (%(date)s)")
                % {"date": format_date(locked.opened_on)},
                field="starts_on",
            )
        if starts_on > today:
            raise DomainError(
                _("The start date cannot be in the future: freeze the interest on the day it applies"),
                field="starts_on",
            )
        if ends_on is not None and ends_on < starts_on:
            raise DomainError(_("The end date cannot be before the start date"), field="ends_on")
        _refuse_before_booking(
            locked,
            starts_on,
            field="starts_on",
            message=_("The start date cannot be before %(date)s: interest has been booked up to that day"),
        )
        for other in InterestFreeze.objects.filter(case=locked).order_by("starts_on", "id"):
            if other.ends_on is None:
                raise DomainError(
                    _("The interest is already frozen since %(date)s (%(reason)s); end that freeze first")
                    % {"date": format_date(other.starts_on), "reason": other.reason},
                    field="starts_on",
                )
            if other.ends_on >= starts_on and (ends_on is None or other.starts_on <= ends_on):
                raise DomainError(
                    _("The interest is already frozen from %(start)s to %(end)s; choose a period after it")
                    % {"start": format_date(other.starts_on), "end": format_date(other.ends_on)},
                    field="starts_on",
                )
        freeze = InterestFreeze.objects.create(
            case=locked, starts_on=starts_on, ends_on=ends_on, reason=reason, source=MANUAL, created_by=actor
        )
        until = f" t/m {format_date(ends_on)}" if ends_on else ""
        event_record(
            case=locked,
            kind=EventKind.NOTE,
            summary=f"Rente bevroren vanaf {format_date(starts_on)}{until}: {reason}",
            actor=actor,
            details={
                "interest_freeze": freeze.pk,
                "starts_on": starts_on.isoformat(),
                "ends_on": ends_on.isoformat() if ends_on else None,
                "source": MANUAL,
            },
        )
        return freeze


def interest_freeze_end_by_hand(
    *, case: Case, ends_on: dt.date, actor: Any, today: dt.date
) -> InterestFreeze:
    """An officer ends the case's current freeze on `ends_on` (still frozen that day), whoever started
    it: a hand-made one, or a payment arrangement's (which then has nothing left to end). The end may
    move an agreed end earlier or later. Refused, with nothing written: a closed case, no current
    freeze, an end before the start or before interest was last booked."""
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        _refuse_closed(locked)
        freezes = list(
            InterestFreeze.objects.select_for_update().filter(case=locked).order_by("starts_on", "id")
        )
        freeze = freeze_current(freezes, today=today)
        if freeze is None:
            raise DomainError(_("The interest of this case is not frozen; there is no freeze to end"))
        if ends_on < freeze.starts_on:
            raise DomainError(
                _("The end date cannot be before the freeze started (%(date)s)")
                % {"date": format_date(freeze.starts_on)},
                field="ends_on",
            )
        _refuse_before_booking(
            locked,
            ends_on,
            field="ends_on",
            message=_("The end date cannot be before %(date)s: interest has been booked up to that day"),
        )
        later = [f for f in freezes if f.pk != freeze.pk and f.starts_on > freeze.starts_on]
        if later and ends_on >= later[0].starts_on:
            raise DomainError(
                _("The end date must be before the next freeze starts (%(date)s)")
                % {"date": format_date(later[0].starts_on)},
                field="ends_on",
            )
        previous = freeze.ends_on
        _end(
            locked,
            freeze,
            ends_on,
            actor=actor,
            previous_ends_on=previous.isoformat() if previous else None,
            source=freeze.source,
            by_hand=True,
        )
        return freeze
