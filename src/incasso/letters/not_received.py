"""What follows in law when a message we sent never reached the debtor: a letter the post brought
back (`returns`), an e-mail that bounced or was refused (`bounces`), an SMS to a number not in use
(`delivery_reports`). The caller holds the transaction and the message's lock, and has already failed
the message (or is about to); this adds what the law makes of it, and says so for the timeline. A
closed case gets no task (nothing is left to collect), but a voided interruption stays voided.

* A stuitingsbrief interrupted nothing: a statement has no effect until it reaches its addressee
  (3:37 lid 3 BW, rules-nl.md §4). The interruptions recorded when it was sent are voided
  (`legal.services.limitation_interruption_void`, kept with the reason) and the officer gets a task to
  send it again, with the earliest limitation date of the case as it now stands.
* A 14-day letter by post started no term: the term runs from the day after receipt (art. 6:96 lid 6
  BW, HR 25-11-2016, ECLI:NL:HR:2016:2704). The daily run counts only a sent letter, so the costs step
  now waits for a new one; the officer gets a task to send it once the address is right, and, when
  collection costs were charged since this letter went out, to check them (the law owes none without
  a 14-day letter that arrived; reversing them is the officer's decision, with the client).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from incasso.cases.models import Case, CaseState, EntryKind, LedgerEntry, TaskKind
from incasso.cases.timeline import task_create
from incasso.core.formatting import format_date
from incasso.letters.models import TemplateCode
from incasso.strategies.models import FOURTEEN_DAY_LETTER_COUNTS, Channel, OutgoingMessage


def not_received(*, message: OutgoingMessage, on: dt.date, reason: str) -> str:
    """Apply what the law makes of `message` not having arrived (see the module docstring); returns a
    clause for the timeline's summary ("" when it changes nothing in law)."""
    if message.template_code == TemplateCode.LIMITATION_INTERRUPTION:
        return _interruption_void(message, on, reason)
    if message.template_code == TemplateCode.FOURTEEN_DAY_LETTER and message.channel == Channel.LETTER:
        return _fourteen_day_letter_lost(message, on, reason)
    return ""


def _interruption_void(message: OutgoingMessage, on: dt.date, reason: str) -> str:
    from incasso.legal.selectors import case_limitations
    from incasso.legal.services import limitation_interruption_void

    voided = limitation_interruption_void(
        message=message, on=on, reason=f"stuitingsbrief kwam niet aan ({reason})"
    )
    if not voided:
        return "; de stuitingsbrief had geen vordering gestuit"
    if message.case.state == CaseState.CLOSED:  # nothing left to collect: no task
        return "; de stuiting telt niet (3:37 lid 3 BW)"
    earliest = min((lim.last_day for _claim, lim in case_limitations(case=message.case)), default=None)
    by = f"; verjaring vroegst na {format_date(earliest)}" if earliest else ""
    task_create(
        case=message.case,
        title=f"Stuitingsbrief kwam niet aan ({reason}): verstuur hem opnieuw{by}"[:200],
        due_on=on,
        kind=TaskKind.REVIEW,
    )
    return "; de stuiting telt niet (3:37 lid 3 BW)"


def _fourteen_day_letter_lost(message: OutgoingMessage, on: dt.date, reason: str) -> str:
    case: Case = message.case
    sent_on = message.sent_on
    if sent_on is None:  # never went out: nothing started
        return ""
    still_counting = (
        OutgoingMessage.objects.filter(FOURTEEN_DAY_LETTER_COUNTS, case=case).exclude(pk=message.pk).exists()
    )
    if still_counting:  # an earlier or later one went to another address and counts
        return "; een andere 14-dagenbrief telt nog"
    if case.state == CaseState.CLOSED:  # nothing left to collect: no task
        return "; de 14-dagentermijn is niet gaan lopen"
    charged = (
        LedgerEntry.objects.filter(
            case=case, kind=EntryKind.COSTS_CHARGED, amount__gt=0, value_on__gte=sent_on
        )
        .filter(Q(reversed_by__isnull=True))
        .exists()
    )
    title = f"14-dagenbrief van {format_date(sent_on)} kwam niet aan ({reason}): " + (
        "controleer de sindsdien berekende incassokosten (zonder ontvangen 14-dagenbrief niet "
        "verschuldigd) en stuur een nieuwe zodra het adres klopt"
        if charged
        else "stuur een nieuwe zodra het adres klopt; de incassokosten wachten daarop"
    )
    task_create(case=case, title=title[:200], due_on=on, kind=TaskKind.REVIEW)
    return "; de 14-dagentermijn is niet gaan lopen" + (", controleer de incassokosten" if charged else "")
