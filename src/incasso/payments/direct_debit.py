"""SEPA direct debit (incasso) for payment arrangements: mandates, pain.008 files, returns.

* A mandate's debtor IBAN is checked with schwifty when the mandate is recorded and again when a file
  is made (sepaxml alone accepts a wrong checksum); the BIC is derived from the IBAN when possible.
* `direct_debit_file` takes plain items `(mandate, amount, due_on, reference)`, so any source can feed
  it (an arrangement's instalments, a CSV). The first collection on a mandate goes as FRST, later ones
  as RCUR; a mandate not yet collected takes one item per file (the next waits until FRST has gone).
* Exactly once: a line's natural key (reference, sequence type) and its end-to-end id
  (`<reference>-<sequence>`) are unique; an item already collected is skipped, not collected twice.
* The file is validated against the ISO schema (`payments/xsd/`) before anything is stored.
* An officer records a signed mandate on the case screen (`mandate_record`: signature date not in the
  future, the mandate reference typed from the form or generated as `<case number>-M<n>`) and revokes
  it there (`mandate_revoke`, with the reason); each is an event on the case's timeline.
* A return (R-transaction) of a collected debit marks its line returned; for reasons that mean the
  mandate can no longer be used (MD01 no mandate, AC04 account closed, AC06 account blocked, ...)
  the mandate is deactivated. A returned FRST makes the next collection a FRST again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from sepaxml import SepaDD

from incasso.calculations.money import to_cents
from incasso.cases.models import Case, CaseState, EventKind, TaskKind
from incasso.cases.timeline import event_record, task_create
from incasso.core.exceptions import DomainError
from incasso.core.formatting import format_date, format_money, record_text
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
# The characters the EPC allows in a mandate reference (Max35Text, SEPA character set), no spaces.
MANDATE_ID_PATTERN = re.compile(r"[A-Za-z0-9+?/:().,'-]{1,35}")
REVOKE_REASON_MAX = 100  # Mandate.deactivated_reason


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
        raise DomainError(_("A mandate needs a mandate reference"), field="mandate_id")
    if Mandate.objects.filter(mandate_id=mandate_id.strip()).exists():
        raise DomainError(
            _("Mandate reference %(id)s is in use already") % {"id": mandate_id.strip()}, field="mandate_id"
        )
    return Mandate.objects.create(
        mandate_id=mandate_id.strip(),
        signed_on=signed_on,
        debtor_name=debtor_name[:70],
        debtor_iban=checked.iban,
        debtor_bic=debtor_bic or checked.bic,
        case=case,
    )


def iban_masked(iban: str) -> str:
    """`NL91…4300`: enough to tell two accounts apart on the timeline, not the whole number."""
    return f"{iban[:4]}…{iban[-4:]}" if len(iban) > 8 else iban


def _mandate_id_next(case: Case) -> str:
    """`<case number>-M<n>`, n one more than the case's mandates (or the first number still free)."""
    n = Mandate.objects.filter(case=case).count() + 1
    while Mandate.objects.filter(mandate_id=f"{case.number}-M{n}").exists():
        n += 1
    return f"{case.number}-M{n}"


def mandate_record(
    *,
    case: Case,
    debtor_name: str,
    debtor_iban: str,
    signed_on: dt.date,
    actor: Any,
    today: dt.date,
    mandate_id: str = "",
) -> Mandate:
    """An officer records the mandate the debtor signed for this case.

    Refused, with nothing written (DomainError on the field): a closed case, no name, an IBAN schwifty
    refuses, a signature date after `today`, a mandate reference with characters SEPA does not allow or
    one in use already. Without a reference one is made: `<case number>-M<n>`. The BIC is derived from
    the IBAN. One event on the case's timeline."""
    name = " ".join(debtor_name.split())
    typed_id = mandate_id.strip()
    if not name:
        raise DomainError(_("Give the name of the account holder who signed"), field="debtor_name")
    checked = iban_check(debtor_iban, field="debtor_iban")
    if signed_on > today:
        raise DomainError(
            _("The signature date cannot be in the future: record a mandate once it is signed"),
            field="signed_on",
        )
    if typed_id and not MANDATE_ID_PATTERN.fullmatch(typed_id):
        raise DomainError(
            _(
                "A mandate reference has at most 35 letters, digits and the characters + ? / - : ( ) . , ' "
                "and no spaces"
            ),
            field="mandate_id",
        )
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.state == CaseState.CLOSED:
            raise DomainError(_("This case is closed; it takes no new mandate"))
        mandate = mandate_create(
            mandate_id=typed_id or _mandate_id_next(locked),
            signed_on=signed_on,
            debtor_name=name,
            debtor_iban=checked.iban,
            case=locked,
        )
        event_record(
            case=locked,
            kind=EventKind.MANDATE,
            summary=record_text(
                _("Direct-debit mandate %(id)s recorded: %(name)s, %(iban)s, signed %(date)s")
                % {
                    "id": mandate.mandate_id,
                    "name": mandate.debtor_name,
                    "iban": iban_masked(mandate.debtor_iban),
                    "date": format_date(signed_on),
                }
            ),
            actor=actor,
            details={"mandate": mandate.mandate_id, "action": "recorded"},
        )
    return mandate


def mandate_revoke(*, mandate: Mandate, reason: str, actor: Any) -> Mandate:
    """End a mandate by hand (the debtor withdrew it, a new account, the arrangement ended): it is
    not collected on again. Refused (DomainError): no reason, a reason over 100 characters, a mandate
    that has ended already. One event on the case's timeline, and for every debit of it already in a
    file for a collection date still to come a task to ask the bank to cancel it."""
    reason = " ".join(reason.split())
    if not reason:
        raise DomainError(_("Say why the mandate is revoked"), field="reason")
    if len(reason) > REVOKE_REASON_MAX:
        raise DomainError(
            _("The reason is too long (at most %(max)d characters)") % {"max": REVOKE_REASON_MAX},
            field="reason",
        )
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=mandate.case_id)  # case before mandate
        locked = Mandate.objects.select_for_update().get(pk=mandate.pk)
        if not locked.active:
            raise DomainError(
                _("Mandate %(id)s has ended already (%(why)s)")
                % {"id": locked.mandate_id, "why": locked.deactivated_reason or "—"}
            )
        locked.active = False
        locked.deactivated_reason = reason
        locked.save(update_fields=["active", "deactivated_reason"])
        # A debit already in a pain.008 file for a collection date still to come goes out anyway
        # unless the bank is asked to cancel it: a task per debit, due today.
        pending = list(
            DirectDebitLine.objects.filter(
                mandate=locked, returned=False, collection__run_date__gte=timezone.localdate()
            ).select_related("collection")
        )
        event_record(
            case=case,
            kind=EventKind.MANDATE,
            summary=record_text(
                _("Direct-debit mandate %(id)s revoked: %(reason)s")
                % {"id": locked.mandate_id, "reason": reason}
            ),
            actor=actor,
            details={
                "mandate": locked.mandate_id,
                "action": "revoked",
                "submitted_debits": [line.end_to_end_id for line in pending],
            },
        )
        for line in pending:
            task_create(
                case=case,
                title=record_text(
                    _(
                        "Ask the bank to cancel debit %(e2e)s of %(amount)s on %(date)s (file %(file)s): "
                        "mandate %(id)s was revoked"
                    )
                    % {
                        "e2e": line.end_to_end_id,
                        "amount": format_money(line.amount),
                        "date": format_date(line.collection.run_date),
                        "file": line.collection.message_id or line.collection.pk,
                        "id": locked.mandate_id,
                    }
                )[:200],
                due_on=timezone.localdate(),
                kind=TaskKind.OTHER,
                created_by=actor,
            )
    return locked


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
