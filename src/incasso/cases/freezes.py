"""Interest freezes: periods in which a case's claims carry no interest (services).

A freeze is a concession on one case, e.g. a payment arrangement whose client froze interest
(`arrangements`: started when the arrangement becomes active, ended when it is broken or completed).
The calculation core applies it (`ClaimFacts.interest_free`, see docs/calculations.md); this module
only records it: at most one open freeze per case, both ends on the timeline. `cases.statement` passes
every freeze of the case to every claim.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from incasso.cases.models import Case, EventKind, InterestFreeze
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
        freeze.ends_on = on
        freeze.save(update_fields=["ends_on"])
        event_record(
            case=locked,
            kind=EventKind.NOTE,
            summary=f"Rentebevriezing beëindigd per {format_date(on)}; rente loopt weer vanaf "
            f"{format_date(on + ONE_DAY)}",
            actor=actor,
            details={"interest_freeze": freeze.pk, "ends_on": on.isoformat()},
        )
        return freeze
