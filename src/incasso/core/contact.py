"""The Wki conduct rules for contacting a debtor (rules-nl.md §5.4): when, and how often.

* Contact window: no calls, home visits, SMS or e-mails between 20:00 and 07:00, on Sundays or on Dutch
  public holidays. The window may be configured narrower, never wider (`contact_window`). Letters are
  posted, not windowed.
* Contact frequency: at most N contacts per channel per debtor in any 7 days (`contact_limit_reached`);
  for the phone these are attempts, reached or not.

Pure rules (no Django, no database, no clock; messages through `core.puretext.gettext`), shared by the
daily run (strategies), the senders (letters) and the officer's call and visit log (cases). Only the
two `configured_*` readers look at Django's settings, and import them when called.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from incasso.calculations.deadlines import is_dutch_public_holiday
from incasso.core.puretext import gettext as _

SUNDAY = 6
# The widest window the law allows: contact from 07:00 up to (not including) 20:00.
LEGAL_WINDOW_START = dt.time(7, 0)
LEGAL_WINDOW_END = dt.time(20, 0)
WINDOWED_CHANNELS = frozenset({"phone", "sms", "email", "visit"})
DEFAULT_CONTACT_LIMITS: Mapping[str, int] = {"phone": 3, "letter": 1, "email": 2, "sms": 2}
CONTACT_DAYS = 7  # the frequency limit counts this many days, the day itself included


class RuleError(ValueError):
    """A configuration or strategy the rules refuse; the message says what to fix."""


@dataclass(frozen=True, slots=True)
class ContactWindow:
    start: dt.time
    end: dt.time


def contact_window(start: dt.time = LEGAL_WINDOW_START, end: dt.time = LEGAL_WINDOW_END) -> ContactWindow:
    """A window inside 07:00-20:00; anything wider is refused."""
    if start < LEGAL_WINDOW_START:
        raise RuleError(
            _("The contact window may not start before 07:00 (got %(start)s)") % {"start": f"{start:%H:%M}"}
        )
    if end > LEGAL_WINDOW_END:
        raise RuleError(_("The contact window must end by 20:00 (got %(end)s)") % {"end": f"{end:%H:%M}"})
    if start >= end:
        raise RuleError(
            _("The contact window is empty (%(start)s-%(end)s)")
            % {"start": f"{start:%H:%M}", "end": f"{end:%H:%M}"}
        )
    return ContactWindow(start, end)


def outside_contact_window(moment: dt.datetime, *, channel: str, window: ContactWindow | None = None) -> str:
    """Why `channel` may not be used at local time `moment` ("sunday", "public_holiday" or
    "outside_hours"), or "" when it may. Letters are not windowed."""
    if channel not in WINDOWED_CHANNELS:
        return ""
    window = window or contact_window()
    day = moment.date()
    if day.weekday() == SUNDAY:
        return "sunday"
    if is_dutch_public_holiday(day):
        return "public_holiday"
    if not window.start <= moment.time() < window.end:
        return "outside_hours"
    return ""


def contact_limits(overrides: Mapping[str, int] | None = None) -> dict[str, int]:
    """Defaults merged with settings; a limit below zero is refused."""
    limits = dict(DEFAULT_CONTACT_LIMITS)
    for channel, limit in (overrides or {}).items():
        if not isinstance(limit, int) or limit < 0:
            raise RuleError(
                _("Contact limit for %(channel)s must be a whole number ≥ 0, got %(limit)r")
                % {"channel": channel, "limit": limit}
            )
        limits[channel] = limit
    return limits


def contact_limit_reached(previous_contacts: Iterable[dt.date], *, on: dt.date, limit: int) -> bool:
    """True when `limit` contacts already happened in the 7 days ending on `on` (inclusive)."""
    first = on - dt.timedelta(days=CONTACT_DAYS - 1)
    return sum(1 for day in previous_contacts if first <= day <= on) >= limit


def configured_contact_window() -> ContactWindow:
    """The window of the settings (`INCASSO_CONTACT_WINDOW`, "HH:MM" pair), checked against the law."""
    from django.conf import settings

    start, end = getattr(settings, "INCASSO_CONTACT_WINDOW", ("07:00", "20:00"))
    return contact_window(dt.time.fromisoformat(start), dt.time.fromisoformat(end))


def configured_contact_limits() -> dict[str, int]:
    """The limits of the settings (`INCASSO_CONTACT_LIMITS`) over the defaults."""
    from django.conf import settings

    return contact_limits(getattr(settings, "INCASSO_CONTACT_LIMITS", None))
