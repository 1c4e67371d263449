"""A debtor's wish not to be contacted through a channel ("bel me niet", "geen sms"), recorded by the
officer on the case screen. The daily run reads it (`run_facts`): no message goes out through that
channel and no call task is made; the Wki rules allow a debtor to say so.

Letters by post cannot be refused: the consumer 14-day letter and the summons must reach the debtor in
writing, so post is not among the channels a debtor can switch off.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from incasso.cases.debtor_data import debtor_event_record, debtor_for_change
from incasso.cases.models import Case
from incasso.core.exceptions import DomainError
from incasso.core.formatting import format_date
from incasso.strategies.models import Channel, ChannelOptOut

OPTIONAL_CHANNELS = (Channel.EMAIL, Channel.SMS, Channel.PHONE)
WORDS = {  # the timeline is Dutch
    Channel.EMAIL: ("wil geen e-mail meer ontvangen", "e-mail mag weer"),
    Channel.SMS: ("wil geen sms meer ontvangen", "sms mag weer"),
    Channel.PHONE: ("wil niet meer gebeld worden", "bellen mag weer"),
}


@transaction.atomic
def channel_opt_out_set(
    *, case: Case, channel: str, opted_out: bool, actor: Any, today: dt.date | None = None
) -> ChannelOptOut | None:
    """Switch a channel off (`opted_out`) or on again for the case's debtor; recorded on the timeline
    of every case of the debtor. Returns the opt-out, or None when the channel is on again."""
    today = today or timezone.localdate()
    if channel not in OPTIONAL_CHANNELS:
        raise DomainError(
            _("A debtor can refuse e-mail, SMS and calls, not letters by post"), field="channel"
        )
    debtor = debtor_for_change(case)
    existing = ChannelOptOut.objects.filter(debtor=debtor, channel=channel).first()
    if opted_out == (existing is not None):
        return existing  # already so: nothing to record (a double click, two officers at once)
    off, on = WORDS[Channel(channel)]
    if opted_out:
        existing = ChannelOptOut.objects.create(debtor=debtor, channel=channel, since=today)
        summary = f"Debiteur {off} (vanaf {format_date(today)})"
    else:
        ChannelOptOut.objects.filter(pk=existing.pk).delete()  # type: ignore[union-attr]
        existing = None
        summary = f"Debiteur: {on}"
    debtor_event_record(
        debtor, summary=summary, actor=actor, details={"channel": channel, "opted_out": opted_out}
    )
    return existing
