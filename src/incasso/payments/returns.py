"""Returned direct debits in bulk: `booking.transaction_return` for many (return, original) pairs with
a fixed number of queries (plus the arrangement and direct-debit hooks, only where there is something
to undo). Same rows as the one-by-one path: the original's live payment entries reversed (one reversal
each, named after the return in `source`), both transactions returned, one `payment` event per return
(with the reversed parts) and a review task; nothing is reopened. The caller holds the database
transaction and makes sure no two pairs take back the same original."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.utils import timezone

from incasso.arrangements.instalments import instalment_payment_reverse
from incasso.arrangements.models import InstalmentPayment
from incasso.cases.ledger import reversal_of
from incasso.cases.models import Case, Claim, EntryKind, LedgerEntry
from incasso.cases.timeline import EventRow, TaskRow, events_record_many, tasks_create_many
from incasso.core.bulk import id_in, instances, update_fields
from incasso.core.exceptions import DomainError
from incasso.payments.booking import RETURNED_FIELDS, Split, arrangement_source, return_rows
from incasso.payments.direct_debit import direct_debit_returned
from incasso.payments.models import BankTransaction, DirectDebitLine, TransactionStatus

ZERO = Decimal("0.00")


def transactions_return(
    pairs: list[tuple[BankTransaction, BankTransaction]], *, actor: Any = None, written: bool = False
) -> None:
    """`transaction_return(txn=, original=)` for each (txn, original) pair. `written`: the caller has
    already written each return as `booking.mark_returned` leaves it (the import)."""
    if not pairs:
        return
    for _txn, original in pairs:
        if original.case_id is None:
            raise DomainError("The returned payment was never booked on a case", field="transaction")
    case_ids = sorted({original.case_id for _txn, original in pairs if original.case_id is not None})
    cases = {c.pk: c for c in Case.objects.select_for_update().filter(pk__in=case_ids).order_by("id")}
    # The originals' payment entries (`selectors.transaction_entries`, for all at once: through the
    # cases' index), then which of them are already reversed: two plain index lookups.
    original_of = {original.entry_source: original.pk for _txn, original in pairs}
    payment_entries = instances(
        LedgerEntry.objects.filter(
            id_in("case_id", case_ids), kind=EntryKind.PAYMENT, source__in=list(original_of)
        ).order_by("id")
    )
    gone = set(
        LedgerEntry.objects.filter(id_in("reverses_id", [e.pk for e in payment_entries])).values_list(
            "reverses_id", flat=True
        )
    )
    entries_of: dict[int, list[LedgerEntry]] = defaultdict(list)
    for entry in payment_entries:
        if entry.pk not in gone:
            entries_of[original_of[entry.source]].append(entry)
    now = timezone.now()
    reversals: list[LedgerEntry] = []
    owners: list[BankTransaction] = []
    for txn, original in pairs:
        reason = f"Storno {txn.return_reason or ''} van betaling {original.pk}".strip()
        for entry in entries_of[original.pk]:
            reversals.append(
                reversal_of(entry, actor=actor, reason=reason, booked_at=now, source=txn.entry_source)
            )
            owners.append(txn)
    LedgerEntry.objects.bulk_create(reversals, batch_size=2000)
    invoice_of = dict(
        Claim.objects.filter(pk__in={e.claim_id for e in reversals if e.claim_id}).values_list(
            "id", "invoice_number"
        )
    )
    reversed_parts: dict[int, Split] = defaultdict(list)
    for txn, reversal in zip(owners, reversals, strict=True):
        invoice = invoice_of.get(reversal.claim_id, "") if reversal.claim_id else ""
        reversed_parts[txn.pk].append((invoice, reversal.bucket, reversal.amount))
    for _txn, original in pairs:
        original.status = TransactionStatus.RETURNED
    update_fields([original for _txn, original in pairs], ["status"])
    sources = [arrangement_source(original) for _txn, original in pairs]
    for counted in sorted(
        set(InstalmentPayment.objects.filter(source__in=sources).values_list("source", flat=True))
    ):
        instalment_payment_reverse(source=counted)  # the instalments are unpaid again
    ours = set(
        DirectDebitLine.objects.filter(
            end_to_end_id__in=[
                e for txn, original in pairs if (e := txn.end_to_end_id or original.end_to_end_id)
            ]
        ).values_list("end_to_end_id", flat=True)
    )
    for txn, original in pairs:
        end_to_end_id = txn.end_to_end_id or original.end_to_end_id
        if end_to_end_id and end_to_end_id in ours:
            direct_debit_returned(
                end_to_end_id=end_to_end_id,
                mandate_id=txn.mandate_id or original.mandate_id,
                reason=txn.return_reason,
            )
    events: list[EventRow] = []
    tasks: list[TaskRow] = []
    for txn, original in pairs:
        event, task = return_rows(
            txn=txn,
            original=original,
            case=cases[original.case_id],  # type: ignore[index]
            reversed=reversed_parts[txn.pk],
            actor=actor,
        )
        events.append(event)
        tasks.append(task)
    if not written:
        update_fields([txn for txn, _original in pairs], RETURNED_FIELDS)
    events_record_many(events)
    tasks_create_many(tasks)
