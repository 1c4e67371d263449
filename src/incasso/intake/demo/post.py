"""Demo letters by post, through the real services: last week's print batch sent a reminder to a few
open consumer cases, and the post brought two back (one moved: the address is now invalid and the
officer has tasks; one refused: it counts as received). The others can be recorded on the Returned
post page. Chosen by position from the end of the case list, so the rest of the demo stays the same."""

from __future__ import annotations

import contextlib
import datetime as dt

from django.conf import settings

from incasso.accounts.models import User
from incasso.cases.models import Case, CaseState
from incasso.core.exceptions import DomainError
from incasso.letters.print_batch import print_batch
from incasso.letters.queueing import manual_key, message_queue
from incasso.letters.returns import letter_return_record
from incasso.strategies.models import Hold

LETTERS = 6
RETURNS = (("moved", 2, "Sticker PostNL: verhuisd, nieuw adres onbekend"), ("refused", 3, ""))


def returned_post_demo(*, today: dt.date, officer: User) -> int:
    """Returns the number of letters printed."""
    held = Hold.objects.filter(released_at__isnull=True).values_list("case_id", flat=True)
    cases = list(
        Case.objects.filter(state=CaseState.AMICABLE, debtor__kind="person", debtor__addresses__is_valid=True)
        .exclude(pk__in=held)
        .distinct()
        .order_by("-number")[:LETTERS]
    )
    sent_on = today - dt.timedelta(days=6)
    messages = []
    for case in cases:
        with contextlib.suppress(DomainError):  # a guard said no (an opt-out, the contact limit)
            queued = message_queue(
                case=case,
                template_code="reminder",
                channel="letter",
                actor=officer,
                reason=manual_key(sent_on),
                refuse=True,
                on=sent_on,
            )
            if queued.message is not None:
                messages.append(queued.message)
    result = print_batch(on=sent_on, out_dir=settings.VAR_DIR / "print")
    for message, (reason, days_ago, note) in zip(messages, RETURNS, strict=False):
        with contextlib.suppress(DomainError):
            letter_return_record(
                case=message.case,
                message_id=message.pk,
                reason=reason,
                returned_on=today - dt.timedelta(days=days_ago),
                actor=officer,
                note=note,
            )
    return result.letters
