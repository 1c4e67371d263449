"""Reads for legal follow-up: a claim's limitation date, the supervisor's limitation watch list,
the hand-overs of a case and the client's hand-over policy.

Limitation (rules-nl.md §4) is computed by `calculations.limitation` from the claim's due date, its
debt type's limitation class and the claim's `LimitationEvent`s. Decisions where the rules are open:
* A payment counts as an acknowledgement (3:318) when `INCASSO_PAYMENT_INTERRUPTS_LIMITATION` is on
  (default on: common practice, not verified, notes.md §5). Both recorded events of kind `payment`
  and live payment entries on the ledger for that claim (value date = the day it was received) count.
* A judgment restarts the claim as a judgment claim: 20 years from the day after the judgment (3:324);
  only events received after the judgment date count from then on.
* An event received before the due date cannot interrupt a term that has not started; it is ignored
  and named in the basis text.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from incasso.calculations.limitation import (
    AFTER_BARRED,
    JUDGMENT_SERVICE_ONLY,
    REMINDER_WITHOUT_ACTION,
    ClaimKind,
    Interruption,
    InterruptionKind,
    Limitation,
    limitation,
)
from incasso.cases.models import Case, CaseState, Claim, EntryKind, LedgerEntry
from incasso.core.access import STAFF_ROLES, scope_to_clients
from incasso.legal.models import ClientLegalPolicy, Handover, LimitationEvent, LimitationEventKind

# the calculation core's reasons for not counting an interruption, in the Dutch of the rest of the basis text
REFUSAL_NL = {
    AFTER_BARRED: "ontvangen nadat de vordering al verjaard was",
    REMINDER_WITHOUT_ACTION: (
        "art. 3:317 lid 2: een aanmaning stuit alleen als binnen 6 maanden een rechtsvordering volgt"
    ),
    JUDGMENT_SERVICE_ONLY: "betekening van een vonnis stuit alleen de verjaring van een vonnis (3:325)",
}

CLASS_TO_KIND = {
    "3:307": ClaimKind.INVOICE,
    "7:28": ClaimKind.CONSUMER_PURCHASE,
    "3:308": ClaimKind.PERIODIC,
    "3:310": ClaimKind.DAMAGES,
    "3:324": ClaimKind.JUDGMENT,
}
EVENT_TO_INTERRUPTION = {
    LimitationEventKind.WRITTEN_INTERRUPTION: InterruptionKind.WRITTEN_REMINDER,
    LimitationEventKind.ACKNOWLEDGEMENT: InterruptionKind.ACKNOWLEDGMENT,
    LimitationEventKind.PAYMENT: InterruptionKind.ACKNOWLEDGMENT,
    LimitationEventKind.LEGAL_ACTION: InterruptionKind.LEGAL_ACTION,
}
KIND_LABEL = {
    InterruptionKind.WRITTEN_REMINDER: "schriftelijke stuiting (3:317)",
    InterruptionKind.ACKNOWLEDGMENT: "erkenning (3:318)",
    InterruptionKind.LEGAL_ACTION: "rechtsvordering (3:316)",
    InterruptionKind.SERVICE_OF_JUDGMENT: "betekening vonnis (3:325)",
}
ARTICLE = {
    ClaimKind.INVOICE: "art. 3:307 BW, 5 jaar",
    ClaimKind.PERIODIC: "art. 3:308 BW, 5 jaar",
    ClaimKind.CONSUMER_PURCHASE: "art. 7:28 BW, 2 jaar",
    ClaimKind.DAMAGES: "art. 3:310 BW, 5 jaar",
    ClaimKind.JUDGMENT: "art. 3:324 BW, 20 jaar",
    ClaimKind.OTHER: "art. 3:306 BW, 20 jaar",
}


def payment_interrupts_limitation() -> bool:
    return bool(getattr(settings, "INCASSO_PAYMENT_INTERRUPTS_LIMITATION", True))


@dataclass(frozen=True)
class EventFact:
    """A limitation-relevant fact, detached from the database."""

    kind: str  # a LimitationEventKind value
    received_on: dt.date
    void_reason: str = ""  # set: recorded, but it does not count (a stuitingsbrief that never arrived)


@dataclass(frozen=True)
class ClaimLimitation:
    last_day: dt.date
    basis: str
    result: Limitation

    def days_left(self, today: dt.date) -> int:
        return (self.last_day - today).days

    def is_barred_on(self, today: dt.date) -> bool:
        return today > self.last_day


def _d(day: dt.date) -> str:
    return day.strftime("%d-%m-%Y")


def limitation_from_facts(
    *, limitation_class: str, due_date: dt.date, events: Iterable[EventFact], payments_count: bool = True
) -> ClaimLimitation:
    """Pure: the limitation of one claim from its class, due date and events (see module notes)."""
    kind = CLASS_TO_KIND.get(limitation_class, ClaimKind.OTHER)
    facts = sorted(events, key=lambda e: e.received_on)
    skipped: list[str] = []
    judgments = [e for e in facts if e.kind == LimitationEventKind.JUDGMENT and not e.void_reason]
    trigger = due_date
    if judgments:
        kind, trigger = ClaimKind.JUDGMENT, judgments[-1].received_on
    interruptions: list[Interruption] = []
    for e in facts:
        if e.void_reason:
            skipped.append(f"niet gestuit {_d(e.received_on)}: {e.void_reason}")
            continue
        if e.kind == LimitationEventKind.JUDGMENT:
            continue
        if e.kind == LimitationEventKind.PAYMENT and not payments_count:
            continue
        if e.received_on < trigger:
            if not judgments:
                skipped.append(f"{_d(e.received_on)} vóór de opeisbaarheid, telt niet")
            continue
        followed = e.kind == LimitationEventKind.WRITTEN_INTERRUPTION and any(
            a.kind == LimitationEventKind.LEGAL_ACTION
            and e.received_on <= a.received_on <= e.received_on + dt.timedelta(days=183)
            for a in facts
        )
        interruptions.append(
            Interruption(EVENT_TO_INTERRUPTION[LimitationEventKind(e.kind)], e.received_on, followed)
        )
    result = limitation(kind, trigger, interruptions)
    if judgments:
        parts = [f"{ARTICLE[kind]} vanaf {_d(result.term_start)} (vonnis van {_d(trigger)})"]
    else:
        parts = [f"{ARTICLE[kind]} vanaf {_d(result.term_start)} (opeisbaar {_d(due_date)})"]
    parts.append(f"oorspronkelijk t/m {_d(result.original_last_day)}")
    for counted in result.counted:
        parts.append(f"gestuit {_d(counted.received_on)}: {KIND_LABEL[counted.kind]}")
    for ignored, reason in result.ignored:
        parts.append(f"niet gestuit {_d(ignored.received_on)}: {REFUSAL_NL.get(reason, reason)}")
    parts += skipped
    parts.append(f"verjaard na {_d(result.last_day)}")
    return ClaimLimitation(result.last_day, "; ".join(parts), result)


def _payment_facts(claim_ids: Sequence[int]) -> dict[int, list[EventFact]]:
    """Live (not reversed) ledger payments per claim, as acknowledgement facts."""
    found: dict[int, list[EventFact]] = defaultdict(list)
    if not payment_interrupts_limitation() or not claim_ids:
        return found
    reversed_ids = set(
        LedgerEntry.objects.filter(claim_id__in=claim_ids, kind=EntryKind.REVERSAL).values_list(
            "reverses_id", flat=True
        )
    )
    rows = LedgerEntry.objects.filter(claim_id__in=claim_ids, kind=EntryKind.PAYMENT, amount__lt=0)
    for pk, claim_id, value_on in rows.values_list("id", "claim_id", "value_on"):
        if pk not in reversed_ids:
            found[claim_id].append(EventFact(LimitationEventKind.PAYMENT, value_on))
    return found


def _limitations(claims: Sequence[Claim]) -> dict[int, ClaimLimitation]:
    ids = [c.pk for c in claims]
    events: dict[int, list[EventFact]] = defaultdict(list)
    for claim_id, kind, on, void_reason in LimitationEvent.objects.filter(claim_id__in=ids).values_list(
        "claim_id", "kind", "occurred_on", "void_reason"
    ):
        events[claim_id].append(EventFact(kind, on, void_reason))
    for claim_id, facts in _payment_facts(ids).items():
        events[claim_id] += facts
    counts = payment_interrupts_limitation()
    return {
        c.pk: limitation_from_facts(
            limitation_class=c.case.debt_type.limitation_class,
            due_date=c.due_date,
            events=events[c.pk],
            payments_count=counts,
        )
        for c in claims
    }


def claim_limitation(claim: Claim) -> tuple[dt.date, str]:
    """The last day on which `claim` is not yet barred, and how that date was reached."""
    found = _limitations([claim])[claim.pk]
    return found.last_day, found.basis


def case_limitations(*, case: Case) -> list[tuple[Claim, ClaimLimitation]]:
    claims = list(Claim.objects.filter(case=case).select_related("case__debt_type"))
    found = _limitations(claims)
    return [(c, found[c.pk]) for c in claims]


@dataclass(frozen=True)
class WatchRow:
    claim: Claim
    case: Case
    limitation: ClaimLimitation
    days_left: int

    @property
    def barred(self) -> bool:
        return self.days_left < 0


def limitation_watch_list(*, today: dt.date, days: int = 90, user: Any = None) -> list[WatchRow]:
    """Claims of open cases whose limitation ends within `days` days, and those already barred,
    most urgent first. With `user` (the screen), only that user's clients; without (the command
    line), every client."""
    open_claims = Claim.objects.exclude(case__state=CaseState.CLOSED)
    if user is not None:
        open_claims = scope_to_clients(open_claims, user=user, field="case__client_id")
    claims = list(open_claims.select_related("case__debt_type", "case__client", "case__debtor"))
    found = _limitations(claims)
    rows = []
    for claim in claims:
        lim = found[claim.pk]
        left = lim.days_left(today)
        if left <= days:
            rows.append(WatchRow(claim, claim.case, lim, left))
    rows.sort(key=lambda r: (r.days_left, r.case.number, r.claim.invoice_number))
    return rows


def client_policy(*, client_id: int) -> ClientLegalPolicy:
    """The client's legal policy; an unsaved default (approval required, legal person) if none."""
    return ClientLegalPolicy.objects.filter(client_id=client_id).first() or ClientLegalPolicy(
        client_id=client_id
    )


def handovers_for_case(*, case: Case) -> QuerySet[Handover]:
    return Handover.objects.filter(case=case).select_related("requested_by", "approved_by", "forced_by")


def handover_open(*, case: Case, to: str) -> Handover | None:
    """The pending (requested or approved, not yet handed over) hand-over of the case to `to`."""
    return (
        Handover.objects.filter(case=case, to=to, handed_over_at__isnull=True)
        .order_by("-created_at", "-id")
        .first()
    )


def is_staff(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and getattr(user, "role", None) in STAFF_ROLES
