"""Setting a bank line aside: money that pays no case (a gift, a payment meant for someone else, an
amount to be returned to its sender). It leaves the manual queue with the officer's reason, name and
time, and can be put back. Never booked and never lost: it stays on its statement and is listed under
"Set aside" on the payments screen. Agency-wide staff only (the views check it): a bank line is the
agency's money, whatever client it may turn out to be for.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from incasso.core.exceptions import DomainError
from incasso.core.formatting import format_date
from incasso.payments.models import BankTransaction, TransactionStatus

REASON_MAX = 300
QUEUED = (TransactionStatus.UNMATCHED, TransactionStatus.SUGGESTED)


def _locked(transaction_id: int) -> BankTransaction:
    txn = BankTransaction.objects.select_for_update().filter(pk=transaction_id).first()
    if txn is None:
        raise DomainError(_("No such transaction"), field="transaction")
    return txn


def _who_and_when(actor: Any, now: dt.datetime | None) -> str:
    who = getattr(actor, "get_full_name", lambda: "")() or getattr(actor, "username", "") or "?"
    when = timezone.localtime(now or timezone.now())
    return f"op {format_date(when)} door {who}"  # a datetime: date and time


@transaction.atomic
def transaction_set_aside(
    *, transaction_id: int, reason: str, actor: Any, now: dt.datetime | None = None
) -> BankTransaction:
    """Take a payment out of the manual queue, with the reason (stored in Dutch, as the records are)."""
    txn = _locked(transaction_id)
    if txn.status not in QUEUED:
        raise DomainError(
            _("This transaction is %(status)s; only a payment waiting to be matched can be set aside")
            % {"status": TransactionStatus(txn.status).label},
            field="transaction",
        )
    text = " ".join(reason.split())
    if not text:
        raise DomainError(_("Say why the payment is set aside"), field="reason")
    if len(text) > REASON_MAX:
        raise DomainError(
            _("The reason is %(length)s characters long; at most %(max)s")
            % {"length": len(text), "max": REASON_MAX},
            field="reason",
        )
    txn.status = TransactionStatus.SET_ASIDE
    txn.case = None
    txn.match_rule = ""
    txn.confidence = None
    txn.matched_by = actor
    txn.reason = f"Apart gezet {_who_and_when(actor, now)}: {text}"[:500]
    txn.save(update_fields=["status", "case", "match_rule", "confidence", "matched_by", "reason"])
    return txn


@transaction.atomic
def transaction_back_to_queue(
    *, transaction_id: int, actor: Any, now: dt.datetime | None = None
) -> BankTransaction:
    """Undo a set-aside: the payment waits in the manual queue again, and the reason says who put it back."""
    txn = _locked(transaction_id)
    if txn.status != TransactionStatus.SET_ASIDE:
        raise DomainError(
            _("Only a payment that was set aside can go back to the queue"), field="transaction"
        )
    earlier = txn.reason
    txn.status = TransactionStatus.UNMATCHED
    txn.matched_by = None
    txn.reason = f"Terug in de wachtrij {_who_and_when(actor, now)} ({earlier})"[:500]
    txn.save(update_fields=["status", "matched_by", "reason"])
    return txn
