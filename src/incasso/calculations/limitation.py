"""Limitation (verjaring) per claim kind, with interruptions and renewals, art. 3:306-3:325 BW.

Terms (each starts at the beginning of the day after the trigger date; `last_day` is the last day on
which the claim is not yet barred):
* 3:307 performance of a contractual obligation (invoice): 5 years after it became due;
* 3:308 interest, rent and other periodic amounts: 5 years per instalment;
* 7:28 price of a consumer purchase: 2 years;
* 3:310 damages or a contractual penalty: 5 years after awareness, at most 20 years after the event;
* 3:324 enforcing a judgment: 20 years after the day of the judgment;
* 3:306 anything else: 20 years.

Interruption (stuiting): a written reminder or reservation of rights (3:317 lid 1; for other than
contract claims only when legal action follows within 6 months, 3:317 lid 2), legal action (3:316),
acknowledgment (3:318), and for judgments service or an enforcement act (3:325). After an interruption a
new term starts the next day (3:319 lid 1): as long as the original term but at most 5 years, and never
ending before the original term would have ended (3:319 lid 2 as summarised in rules-nl.md §4). An
interruption only counts from its receipt (3:37 lid 3) and has no effect once the claim is barred.
Extension (3:320-3:321) is not modelled.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from incasso.calculations.accrual import anniversary
from incasso.calculations.errors import CalculationError
from incasso.calculations.rate_table import ONE_DAY


class ClaimKind(StrEnum):
    INVOICE = "invoice"  # 3:307
    PERIODIC = "periodic"  # 3:308
    CONSUMER_PURCHASE = "consumer_purchase"  # 7:28
    DAMAGES = "damages"  # 3:310
    JUDGMENT = "judgment"  # 3:324
    OTHER = "other"  # 3:306


TERM_YEARS = {
    ClaimKind.INVOICE: 5,
    ClaimKind.PERIODIC: 5,
    ClaimKind.CONSUMER_PURCHASE: 2,
    ClaimKind.DAMAGES: 5,
    ClaimKind.JUDGMENT: 20,
    ClaimKind.OTHER: 20,
}
LONG_STOP_YEARS = 20  # 3:310 lid 1
MAX_RENEWAL_YEARS = 5  # 3:319


class InterruptionKind(StrEnum):
    WRITTEN_REMINDER = "written_reminder"  # 3:317
    LEGAL_ACTION = "legal_action"  # 3:316
    ACKNOWLEDGMENT = "acknowledgment"  # 3:318
    SERVICE_OF_JUDGMENT = "service_of_judgment"  # 3:325


@dataclass(frozen=True, slots=True)
class Interruption:
    kind: InterruptionKind
    received_on: dt.date
    followed_by_action_within_6_months: bool = False  # 3:317 lid 2, non-contract claims


@dataclass(frozen=True, slots=True)
class Limitation:
    kind: ClaimKind
    term_start: dt.date
    original_last_day: dt.date
    last_day: dt.date
    counted: tuple[Interruption, ...]
    ignored: tuple[tuple[Interruption, str], ...]

    @property
    def barred_from(self) -> dt.date:
        return self.last_day + ONE_DAY

    def is_barred_on(self, day: dt.date) -> bool:
        return day > self.last_day


def term_end(start: dt.date, years: int) -> dt.date:
    """The last day of a term of `years` years starting at the beginning of `start`."""
    return anniversary(start, years) - ONE_DAY


# Why an interruption does not count (the reasons `limitation_of` reports; callers may word them).
AFTER_BARRED = "received after the claim was barred"
REMINDER_WITHOUT_ACTION = (
    "art. 3:317 lid 2: a reminder only interrupts when legal action follows within 6 months"
)
JUDGMENT_SERVICE_ONLY = "service of a judgment only interrupts the limitation of a judgment (3:325)"


def _refusal(kind: ClaimKind, event: Interruption, last_day: dt.date) -> str:
    if event.received_on > last_day:
        return AFTER_BARRED
    contract = kind in (ClaimKind.INVOICE, ClaimKind.PERIODIC, ClaimKind.CONSUMER_PURCHASE)
    needs_action = not contract and kind is not ClaimKind.JUDGMENT
    reminder = event.kind is InterruptionKind.WRITTEN_REMINDER
    if reminder and needs_action and not event.followed_by_action_within_6_months:
        return REMINDER_WITHOUT_ACTION
    if event.kind is InterruptionKind.SERVICE_OF_JUDGMENT and kind is not ClaimKind.JUDGMENT:
        return JUDGMENT_SERVICE_ONLY
    return ""


def limitation(
    kind: ClaimKind | str,
    trigger: dt.date,
    interruptions: Sequence[Interruption] = (),
    *,
    event_date: dt.date | None = None,
) -> Limitation:
    """Limitation of one claim: `trigger` is the due date, awareness date (3:310) or judgment date."""
    kind = ClaimKind(kind)
    years = TERM_YEARS[kind]
    start = trigger + ONE_DAY
    original = term_end(start, years)
    if kind is ClaimKind.DAMAGES and event_date is not None:
        if event_date > trigger:
            raise CalculationError("the damaging event cannot be after the awareness date")
        original = min(original, term_end(event_date + ONE_DAY, LONG_STOP_YEARS))
    last = original
    counted: list[Interruption] = []
    ignored: list[tuple[Interruption, str]] = []
    for event in sorted(interruptions, key=lambda e: e.received_on):
        if event.received_on < trigger:
            raise CalculationError(f"interruption on {event.received_on} is before the term started")
        reason = _refusal(kind, event, last)
        if reason:
            ignored.append((event, reason))
            continue
        renewed = term_end(event.received_on + ONE_DAY, min(years, MAX_RENEWAL_YEARS))
        last = max(renewed, last)
        counted.append(event)
    return Limitation(kind, start, original, last, tuple(counted), tuple(ignored))
