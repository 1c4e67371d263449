"""E-mail bounces: `bounces_process` reads every returned message (`bounce_parse.bounce_read`) and
applies it (`email_bounce_apply`) in its own transaction; `incasso mail bounces` is its command.

What each bounce means is decided in `bounce_parse` (`Verdict`); what it does to the message, the
address and the case is as for an SMS status report (`delivery_reports`): bounced → failed, address
invalid, find-contact task; failed → failed, address kept; delayed → an event. Bounced or failed,
the e-mail did not arrive: what the law makes of that is `not_received`'s (a stuitingsbrief's
interruption is voided). The bounce is matched
to our e-mail by the Message-ID we gave it, found anywhere in the bounce; a bounce without one, by
the failed address and the last e-mail sent there in the `BOUNCE_MATCH_DAYS` before the bounce.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any, NamedTuple

from django.db import DatabaseError, transaction
from django.utils import timezone

from incasso.letters.bounce_parse import Bounce, NotAnEmail, Verdict, bounce_read
from incasso.letters.delivery_reports import (
    APPLIED,
    IGNORED,
    UNCHANGED,
    fail_and_invalidate,
    not_delivered,
    report_is_news,
    report_keep,
    template_text,
)
from incasso.letters.mail_sources import MailInput
from incasso.letters.models import Delivery, SentLetter
from incasso.letters.not_received import not_received
from incasso.letters.sending import message_fail
from incasso.strategies.models import Channel, MessageStatus, OutgoingMessage

log = logging.getLogger(__name__)

BOUNCE_MATCH_DAYS = 30
UNMATCHED = "unmatched"
_RANK = {Verdict.DELAYED: 1, Verdict.FAILED: 2, Verdict.BOUNCED: 2}  # stages, for `report_is_news`


class BounceResult(NamedTuple):
    outcome: str  # APPLIED, UNCHANGED or IGNORED
    verdict: str  # a `Verdict`, or UNMATCHED
    address_invalid: bool = False  # the address it went to is now marked invalid


@transaction.atomic
def email_bounce_apply(*, bounce: Bounce, now: dt.datetime) -> BounceResult:
    """Apply one bounce (see the module docstring)."""
    if bounce.verdict == Verdict.NOT_A_BOUNCE:
        return BounceResult(IGNORED, Verdict.NOT_A_BOUNCE)
    found = _bounced_message(bounce, now)
    if found is None:
        log.warning("Bounce for no e-mail of ours: %s", ", ".join(r.address for r in bounce.recipients))
        return BounceResult(IGNORED, UNMATCHED)
    message, sent = found
    result = bounce.result_for(sent.recipient)
    if result is None or result.verdict == Verdict.NOT_A_BOUNCE:  # ours was delivered, others not
        return BounceResult(IGNORED, Verdict.NOT_A_BOUNCE)
    delivery = Delivery.objects.select_for_update().get(message=message)
    at = bounce.date or sent.sent_at
    if message.status != MessageStatus.SENT or not report_is_news(delivery, result.verdict, at, _RANK):
        return BounceResult(UNCHANGED, result.verdict)
    report_keep(delivery, result.verdict, at)
    template = template_text(message.template_code)
    if result.verdict == Verdict.BOUNCED:
        law = not_received(message=message, on=timezone.localdate(now), reason="e-mail onbestelbaar")
        invalid = fail_and_invalidate(
            message, delivery, sent, reason=f"onbestelbaar: {result.reason}", now=now, extra=law
        )
        return BounceResult(APPLIED, result.verdict, invalid)
    elif result.verdict == Verdict.FAILED:
        law = not_received(message=message, on=timezone.localdate(now), reason="e-mail niet aangekomen")
        message_fail(
            message,
            delivery,
            f"niet aangekomen: {result.reason}",
            now,
            summary=f"E-mail niet aangekomen: {template} ({sent.recipient}); het e-mailadres blijft "
            f"geldig{law} — {result.reason}",
        )
    else:
        not_delivered(
            message,
            delivery,
            reason=f"vertraagd: {result.reason}",
            summary=f"E-mail vertraagd: {template} ({sent.recipient}); de mailserver probeert het nog — "
            f"{result.reason}",
            at=at,
        )
    return BounceResult(APPLIED, result.verdict)


@dataclass
class BounceSummary:
    processed: int = 0
    bounced: int = 0  # messages failed (the address invalid, or not to blame)
    address_invalid: int = 0
    delayed: int = 0
    not_a_bounce: int = 0
    unmatched: int = 0
    unchanged: int = 0  # already applied (the same bounce again), or superseded
    errors: list[tuple[str, str]] = field(default_factory=list)  # (which message, what went wrong)
    database_errors: int = 0  # worth trying again later (an MTA's pipe: exit 75)

    def as_dict(self) -> dict[str, Any]:
        return {
            **{k: v for k, v in asdict(self).items() if k not in ("errors", "database_errors")},
            "errors": len(self.errors),
            "error_details": [{"source": source, "error": error} for source, error in self.errors],
        }


def bounces_process(*, inputs: Iterable[MailInput], now: dt.datetime) -> BounceSummary:
    """Read and apply every returned message, each in its own transaction: one that cannot be read
    or applied is an error naming it, and the others go through."""
    summary = BounceSummary()
    for item in inputs:
        if item.error:
            summary.errors.append((item.label, item.error))
            continue
        summary.processed += 1
        try:
            result = email_bounce_apply(bounce=bounce_read(item.raw), now=now)
        except NotAnEmail as exc:
            summary.errors.append((item.label, f"not an e-mail message ({exc})"))
            continue
        except DatabaseError as exc:
            log.exception("Bounce %s not applied", item.label)
            summary.errors.append((item.label, f"database: {exc}"))
            summary.database_errors += 1
            continue
        except Exception as exc:  # one odd message must not stop the rest; the log has the traceback
            log.exception("Bounce %s not applied", item.label)
            summary.errors.append((item.label, f"{type(exc).__name__}: {exc}"))
            continue
        _count(summary, result)
    return summary


def _count(summary: BounceSummary, result: BounceResult) -> None:
    if result.outcome == UNCHANGED:
        summary.unchanged += 1
    elif result.verdict == UNMATCHED:
        summary.unmatched += 1
    elif result.verdict == Verdict.NOT_A_BOUNCE:
        summary.not_a_bounce += 1
    elif result.verdict == Verdict.DELAYED:
        summary.delayed += 1
    else:
        summary.bounced += 1
        summary.address_invalid += int(result.address_invalid)


def _bounced_message(bounce: Bounce, now: dt.datetime) -> tuple[OutgoingMessage, SentLetter] | None:
    """The e-mail a bounce is about, locked: by our Message-ID in it, else the last e-mail sent to a
    failed address in the `BOUNCE_MATCH_DAYS` before the bounce."""
    sent = None
    if bounce.message_ids:
        candidates = list(
            SentLetter.objects.filter(
                channel=Channel.EMAIL, message__delivery__email_message_id__in=bounce.message_ids
            )
            .defer("pdf")
            .order_by("-sent_at", "-id")
        )
        addresses = {r.address for r in bounce.recipients} | {r.original for r in bounce.recipients}
        sent = next((s for s in candidates if s.recipient.lower() in addresses), None) or next(
            iter(candidates), None
        )
    if sent is None:
        until = bounce.date or now
        for result in bounce.recipients:
            sent = (
                SentLetter.objects.filter(
                    channel=Channel.EMAIL,
                    recipient__iexact=result.address,
                    sent_at__gte=until - dt.timedelta(days=BOUNCE_MATCH_DAYS),
                    sent_at__lte=until + dt.timedelta(hours=1),  # clocks differ
                )
                .defer("pdf")
                .order_by("-sent_at", "-id")
                .first()
            )
            if sent is not None:
                break
    if sent is None:
        return None
    message = OutgoingMessage.objects.select_for_update().select_related("case").get(pk=sent.message_id)
    return message, sent
