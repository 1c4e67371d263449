"""May the officer call or visit this debtor now? The Wki conduct rules of `core.contact` applied to
the calls and home visits an officer logs on the case screen.

Calls and visits share the contact window (not between 20:00 and 07:00, not on Sundays or Dutch public
holidays, narrower when the settings say so). Call attempts, reached or not, count against the phone
limit per debtor in any 7 days (default 3), over all of the debtor's cases: the debtor is called, not
the case. The case screen shows both before the officer picks up the phone; a contact logged against
them is still recorded (it happened, and the record must be complete) and marked as such.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from incasso.cases.models import Event, EventKind
from incasso.core.access import scope_to_clients
from incasso.core.contact import (
    CONTACT_DAYS,
    ContactWindow,
    configured_contact_limits,
    configured_contact_window,
    outside_contact_window,
)
from incasso.debtors.models import Debtor

# The marks of a call or visit logged against the rules, in the event's details.
OUTSIDE_WINDOW = "outside_contact_window"  # why: a key of NOT_NOW
OVER_CALL_LIMIT = "over_call_limit"  # the attempt's number in the 7 days
PHONE_REFUSED = "phone_refused"  # true: the debtor asked not to be called (a channel opt-out)
BREACH_KEYS = (OUTSIDE_WINDOW, OVER_CALL_LIMIT, PHONE_REFUSED)

# Why a call or visit may not happen now, in the words of the screen and of the stored record.
NOT_NOW: dict[str, Promise] = {
    "sunday": _("it is Sunday"),
    "public_holiday": _("it is a public holiday"),
    "outside_hours": _("outside the contact hours"),
}


@dataclass(frozen=True, slots=True)
class ContactCheck:
    window: ContactWindow
    why_not_now: str  # "" when a call or visit may happen now, else a key of NOT_NOW
    calls: int  # call attempts to the debtor in the last 7 days (today included), over all their cases
    call_limit: int | None  # None: the settings set no limit for the phone
    phone_refused: bool = False  # the debtor asked not to be called (strategies' channel opt-out)

    @property
    def call_limit_reached(self) -> bool:
        return call_limit_reached(self.calls, self.call_limit)

    @property
    def why_not_now_text(self) -> str:
        return str(NOT_NOW[self.why_not_now]) if self.why_not_now else ""


def contact_now(now: dt.datetime | None = None) -> tuple[ContactWindow, str]:
    """The configured window and why a call or visit may not happen at `now` ("" when it may)."""
    window = configured_contact_window()
    return window, outside_contact_window(
        timezone.localtime(now or timezone.now()), channel="phone", window=window
    )


def calls_since(day: dt.date) -> dt.datetime:
    """The start of the 7 days ending on `day` (included) over which call attempts count."""
    first_day = day - dt.timedelta(days=CONTACT_DAYS - 1)
    return timezone.make_aware(dt.datetime.combine(first_day, dt.time.min))


def call_limit() -> int | None:
    """Call attempts allowed per debtor in 7 days (the settings' phone limit); None: no limit."""
    return configured_contact_limits().get("phone")


def call_limit_reached(calls: int, limit: int | None) -> bool:
    """The week's call attempts are used up (`limit` None: no limit)."""
    return limit is not None and calls >= limit


def call_attempts(day: dt.date) -> QuerySet[Event]:
    """The call attempts (reached or not) of the 7 days ending on `day`, of every debtor: narrow it to
    a debtor, or read it per debtor. The calls-and-visits partial index `event_contact_idx` serves it."""
    return Event.objects.filter(kind=EventKind.CALL, occurred_at__gte=calls_since(day))


def call_dates_by_debtor(day: dt.date) -> dict[int, list[dt.date]]:
    """Every debtor's call attempts in the 7 days ending on `day`, as local dates: one query over the
    week's calls (the partial index `event_contact_idx`), whatever the size of the portfolio."""
    until = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))
    dates: dict[int, list[dt.date]] = {}
    for debtor_id, occurred_at in (
        call_attempts(day).filter(occurred_at__lt=until).values_list("case__debtor_id", "occurred_at")
    ):
        dates.setdefault(debtor_id, []).append(timezone.localdate(occurred_at))
    return dates


def refused_channels(debtor_id: int) -> dict[str, dt.date]:
    """The channels the debtor refused, with the day since. The opt-out's model lives in `strategies`
    (above this layer): read through its reverse relation."""
    return dict(
        Debtor.objects.filter(pk=debtor_id, channel_opt_outs__isnull=False).values_list(
            "channel_opt_outs__channel", "channel_opt_outs__since"
        )
    )


def contact_check(
    *, debtor_id: int, now: dt.datetime | None = None, refused: Mapping[str, dt.date] | None = None
) -> ContactCheck:
    """The window, the week's call attempts and whether the debtor refuses calls, at `now` (default: this
    moment). Two queries; one when the caller read the debtor's `refused_channels` already."""
    moment = timezone.localtime(now or timezone.now())
    window, why = contact_now(moment)
    calls = call_attempts(moment.date()).filter(case__debtor_id=debtor_id).count()
    refused = refused_channels(debtor_id) if refused is None else refused
    return ContactCheck(
        window=window,
        why_not_now=why,
        calls=calls,
        call_limit=call_limit(),
        phone_refused="phone" in refused,
    )


def contacts_against_the_rules(*, since: dt.date, user: Any) -> QuerySet[Event]:
    """The calls and visits logged against the contact rules from `since`, newest first, of the cases
    the user may see (the partial index `event_contact_idx` finds the period's calls and visits)."""
    start = timezone.make_aware(dt.datetime.combine(since, dt.time.min))
    marked = (
        Q(details__has_key=OUTSIDE_WINDOW)
        | Q(details__has_key=OVER_CALL_LIMIT)
        | Q(details__has_key=PHONE_REFUSED)
    )
    return (
        scope_to_clients(Event.objects.all(), user=user, field="case__client_id")
        .filter(marked, kind__in=[EventKind.CALL, EventKind.VISIT], occurred_at__gte=start)
        .select_related("case", "case__debtor", "actor")
        .order_by("-occurred_at", "-id")
    )


def breaches(check: ContactCheck, *, kind: str) -> dict[str, object]:
    """What a call or visit logged at the moment of `check` breaks, for the event's details: the
    window ("outside_contact_window": why) and, for a call, the weekly limit ("over_call_limit": the
    attempt's number)."""
    found: dict[str, object] = {}
    if check.why_not_now:
        found[OUTSIDE_WINDOW] = check.why_not_now
    if kind == EventKind.CALL and check.call_limit_reached:
        found[OVER_CALL_LIMIT] = check.calls + 1
    if kind == EventKind.CALL and check.phone_refused:
        found[PHONE_REFUSED] = True
    return found


def recorded_breaches(event: Event) -> dict[str, object]:
    """The marks a logged call or visit carries (see `breaches`); {} when it kept the rules."""
    return {key: event.details[key] for key in BREACH_KEYS if key in event.details}


def breach_text(found: dict[str, object]) -> str:
    """The breaches in words, in the active language (the caller chooses: the record stores Dutch)."""
    parts = []
    if OUTSIDE_WINDOW in found:
        why = NOT_NOW[str(found[OUTSIDE_WINDOW])]
        parts.append(gettext("against the contact rules: %(why)s") % {"why": why})
    if OVER_CALL_LIMIT in found:
        number = found[OVER_CALL_LIMIT]
        parts.append(gettext("call attempt %(number)s in 7 days, above the limit") % {"number": number})
    if PHONE_REFUSED in found:
        parts.append(gettext("the debtor asked not to be called"))
    return "; ".join(parts)


breach_text_lazy = lazy(breach_text, str)
