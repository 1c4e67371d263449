"""The one-payment reference path in the shape of the chunked one, for tests that compare the two:
`book_one_by_one` stands in for `chunked_booking.transactions_book`, `return_one_by_one` for
`returns.transactions_return` (monkeypatched into `payments.services`, or called directly)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from incasso.payments.booking import transaction_book, transaction_return
from incasso.payments.chunked_booking import BookRequest
from incasso.payments.models import BankTransaction, TransactionStatus


def book_one_by_one(
    requests: list[BookRequest],
    *,
    actor: Any = None,
    written: bool = False,
    after_reads: Callable[[], None] | None = None,
) -> list[BankTransaction]:
    """`transaction_book` per request, in the order given (after `after_reads`, as the chunked path)."""
    if after_reads is not None:
        after_reads()
    for r in requests:
        if written:  # the import wrote it as booked already; this path books it from scratch
            r.txn.status = TransactionStatus.UNMATCHED
        transaction_book(
            txn=r.txn,
            case=r.case,
            rule=r.rule,
            confidence=r.confidence,
            reason=r.reason,
            actor=actor,
            instalment=r.instalment,
        )
    return [r.txn for r in requests]


def return_one_by_one(
    pairs: list[tuple[BankTransaction, BankTransaction]], *, actor: Any = None, written: bool = False
) -> None:
    """`transaction_return` per (return, original) pair (it writes the whole transaction either way)."""
    for txn, original in pairs:
        transaction_return(txn=txn, original=original, actor=actor)
