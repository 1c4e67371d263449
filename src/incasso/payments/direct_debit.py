"""SEPA direct debit (incasso) for payment arrangements: mandates, pain.008 files, returns.

* A mandate's debtor IBAN is checked with schwifty when the mandate is recorded and again when a file
  is made (sepaxml alone accepts a wrong checksum); the BIC is derived from the IBAN when possible.
* `direct_debit_file` takes plain items `(mandate, amount, due_on, reference)`, so any source can feed
  it (an arrangement's instalments, a CSV). The first collection on a mandate goes as FRST, later ones
  as RCUR; a mandate not yet collected takes one item per file (the next waits until FRST has gone).
* Exactly once: a line's natural key (reference, sequence type) and its end-to-end id
  (`<reference>-<sequence>`) are unique; an item already collected is skipped, not collected twice.
* The file is validated against the ISO schema (`payments/xsd/`) before anything is stored.
* A return (R-transaction) of a collected debit marks its line returned; for reasons that mean the
  mandate can no longer be used (MD01 no mandate, AC04 account closed, AC06 account blocked, ...)
  the mandate is deactivated. A returned FRST makes the next collection a FRST again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from sepaxml import SepaDD

from incasso.calculations.money import to_cents
from incasso.cases.models import Case
from incasso.core.exceptions import DomainError
from incasso.payments.models import DirectDebitCollection, DirectDebitLine, Mandate, SequenceType
from incasso.payments.sepa import (
    DIRECT_DEBIT_SCHEMAS,
    Creditor,
    creditor_from_settings,
    iban_check,
    xml_validate,
)

# Reason codes after which the mandate cannot be used again (EPC SDD rulebook return reasons).
MANDATE_ENDING_REASONS = frozenset({"MD01", "AC04", "AC06", "AC01", "MD07", "AC13", "MD02"})


@dataclass(frozen=True)
class DebitItem:
    mandate: Mandate
    amount: Decimal
    due_on: dt.date
    reference: str


@dataclass
class DebitRun:
    collection: DirectDebitCollection | None
    skipped: list[str] = field(default_factory=list)  # "reference: why"


def mandate_create(
    *,
    mandate_id: str,
    signed_on: dt.date,
    debtor_name: str,
    debtor_iban: str,
    case: Case,
    debtor_bic: str = "",
) -> Mandate:
    """Record a signed mandate; a wrong IBAN is refused (DomainError), nothing saved."""
    checked = iban_check(debtor_iban, field="debtor_iban", who=debtor_name)
    if not mandate_id.strip():
        raise DomainError("A mandate needs an id", field="mandate_id")
    if Mandate.objects.filter(mandate_id=mandate_id.strip()).exists():
        raise DomainError(f"Mandate {mandate_id} exists already", field="mandate_id")
    return Mandate.objects.create(
        mandate_id=mandate_id.strip(),
        signed_on=signed_on,
        debtor_name=debtor_name[:70],
        debtor_iban=checked.iban,
        debtor_bic=debtor_bic or checked.bic,
        case=case,
    )


def end_to_end_id(reference: str, sequence: str) -> str:
    return f"{reference}-{sequence}"[:35]


@transaction.atomic
def direct_debit_file(
    *, run_date: dt.date, items: Iterable[DebitItem], creditor: Creditor | None = None, version: str = "02"
) -> DebitRun:
    """Build, validate and store one pain.008 file for `items` collected on `run_date`."""
    if version not in DIRECT_DEBIT_SCHEMAS:
        raise DomainError(f"Unknown pain.008 version {version!r} (02 or 08)", field="version")
    schema = DIRECT_DEBIT_SCHEMAS[version]
    creditor = creditor or creditor_from_settings()
    if not creditor.creditor_id:
        raise DomainError("No SEPA creditor id (INCASSO_SEPA_CREDITOR_ID)", field="settings")
    todo = sorted(items, key=lambda i: (i.mandate.pk, i.due_on, i.reference))
    mandates = {
        m.pk: m
        for m in Mandate.objects.select_for_update()
        .filter(pk__in={i.mandate.pk for i in todo})
        .order_by("pk")
    }
    collected = set(
        DirectDebitLine.objects.filter(reference__in=[i.reference for i in todo]).values_list(
            "reference", flat=True
        )
    )
    run = DebitRun(None)
    lines: list[DirectDebitLine] = []
    first_taken: set[int] = set()
    sdd = SepaDD(
        {
            "name": creditor.name,
            "IBAN": creditor.iban,
            "BIC": creditor.bic,
            "batch": True,
            "creditor_id": creditor.creditor_id,
            "currency": "EUR",
        },
        schema=schema,
        clean=True,
    )
    for item in todo:
        mandate = mandates[item.mandate.pk]
        if item.reference in collected:
            run.skipped.append(f"{item.reference}: already collected")
            continue
        if not mandate.active:
            run.skipped.append(f"{item.reference}: mandate {mandate.mandate_id} is not active")
            continue
        if item.amount <= 0:
            raise DomainError(f"{item.reference}: amount must be positive", field="amount")
        if mandate.pk in first_taken:
            run.skipped.append(f"{item.reference}: waits for the first collection on {mandate.mandate_id}")
            continue
        checked = iban_check(mandate.debtor_iban, field="debtor_iban", who=f"mandate {mandate.mandate_id}")
        sequence = SequenceType.RECURRING if mandate.first_collected else SequenceType.FIRST
        if sequence == SequenceType.FIRST:
            first_taken.add(mandate.pk)
        e2e = end_to_end_id(item.reference, sequence)
        payment: dict[str, Any] = {
            "name": mandate.debtor_name,
            "IBAN": checked.iban,
            "amount": to_cents(item.amount),
            "type": str(sequence),
            "collection_date": run_date,
            "mandate_id": mandate.mandate_id,
            "mandate_date": mandate.signed_on,
            "description": f"Termijn {item.reference} dossier {mandate.case.number}",
            "endtoend_id": e2e,
        }
        bic = mandate.debtor_bic or checked.bic
        if bic:
            payment["BIC"] = bic
        sdd.add_payment(payment)
        lines.append(
            DirectDebitLine(
                mandate=mandate,
                amount=item.amount,
                due_on=item.due_on,
                reference=item.reference,
                end_to_end_id=e2e,
                sequence_type=sequence,
            )
        )
        collected.add(item.reference)
    if not lines:
        return run
    data: bytes = sdd.export(validate=False)
    xml_validate(data, schema=schema)  # DomainError → the atomic block stores nothing
    collection = DirectDebitCollection.objects.create(
        run_date=run_date,
        schema=schema,
        message_id=str(sdd.msg_id)[:35],
        file=data,
        sha256=hashlib.sha256(data).hexdigest(),
        total=sum((line.amount for line in lines), Decimal("0.00")),
        created_at=timezone.now(),
    )
    for line in lines:
        line.collection = collection
    DirectDebitLine.objects.bulk_create(lines)
    Mandate.objects.filter(pk__in=first_taken).update(first_collected=True)
    run.collection = collection
    return run


def direct_debit_returned(*, end_to_end_id: str, mandate_id: str = "", reason: str) -> DirectDebitLine | None:
    """Called for a returned direct debit (the caller holds the transaction). Returns the line, if ours."""
    line = None
    if end_to_end_id:
        line = (
            DirectDebitLine.objects.select_for_update()
            .select_related("mandate")
            .filter(end_to_end_id=end_to_end_id)
        ).first()
    if line is None:
        return None
    code = (reason or "").strip().upper()[:35]
    line.returned = True
    line.return_reason = code
    line.save(update_fields=["returned", "return_reason"])
    mandate = Mandate.objects.select_for_update().get(pk=line.mandate_id)
    changed = []
    if code[:4] in MANDATE_ENDING_REASONS and mandate.active:
        mandate.active = False
        mandate.deactivated_reason = f"storno {code}"[:100]
        changed += ["active", "deactivated_reason"]
    if line.sequence_type == SequenceType.FIRST and mandate.first_collected:
        mandate.first_collected = False  # the next collection has to be a FRST again
        changed.append("first_collected")
    if changed:
        mandate.save(update_fields=changed)
    return line
