"""Writes for the case file: opening cases, claims, ledger bookings, the timeline, notes, tasks,
documents and state changes.

Every service is one transaction; rows are locked case first. Ledger entries and events are
append-only: a correction is a reversal entry pointing back at the original.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from incasso.calculations.payment_reference import generate_payment_reference
from incasso.cases.models import (
    Bucket,
    Case,
    CaseCounter,
    CaseState,
    Claim,
    DebtorRole,
    DebtType,
    Document,
    EntryKind,
    Event,
    EventKind,
    InterestBasis,
    LedgerEntry,
    Note,
    Task,
)
from incasso.cases.states import check_transition
from incasso.clients.models import Client
from incasso.core.bulk import insert_rows
from incasso.core.exceptions import DomainError
from incasso.core.formatting import format_date, format_money
from incasso.debtors.models import Debtor

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
ALLOWED_DOCUMENT_TYPES = {
    "application/pdf",
    "image/png",
    "image/jpeg",
    "text/plain",
    "text/csv",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class ClaimInput:
    invoice_number: str
    invoice_date: dt.date
    due_date: dt.date
    principal: Decimal
    description: str = ""
    interest_basis: str | None = None  # None: the debt type's default
    contractual_rate: Decimal | None = None
    compound: bool = True


def _actor_label(actor: Any, fallback: str) -> str:
    return getattr(actor, "username", None) or fallback


def event_record(
    *,
    case: Case,
    kind: str,
    summary: str,
    actor: Any = None,
    actor_label: str = "system",
    details: dict[str, Any] | None = None,
    occurred_at: dt.datetime | None = None,
) -> Event:
    return Event.objects.create(
        case=case,
        kind=kind,
        summary=summary[:300],
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=_actor_label(actor, actor_label),
        details=details or {},
        occurred_at=occurred_at or timezone.now(),
    )


@dataclass(frozen=True)
class EventRow:
    """One event for `events_record_many`: the same fields as `event_record` takes."""

    case: Case
    kind: str
    summary: str
    details: dict[str, Any] | None = None
    actor: Any = None
    actor_label: str = "system"
    occurred_at: dt.datetime | None = None


def events_record_many(rows: Sequence[EventRow]) -> list[Event]:
    """`event_record` for many events in one INSERT (batch runs). Events are append-only: a bulk
    insert is the same fact as many single ones; the caller owns the transaction and the locks."""
    if not rows:
        return []
    now = timezone.now()
    return Event.objects.bulk_create(
        [
            Event(
                case=row.case,
                kind=row.kind,
                summary=row.summary[:300],
                actor=row.actor if getattr(row.actor, "pk", None) else None,
                actor_label=_actor_label(row.actor, row.actor_label),
                details=row.details or {},
                occurred_at=row.occurred_at or now,
            )
            for row in rows
        ]
    )


def claim_validate(claim: ClaimInput, *, debt_type: DebtType) -> str:
    """Check one claim; return its interest basis. Raise DomainError naming the field."""
    if not isinstance(claim.principal, Decimal):
        raise DomainError(_("Principal must be an exact amount"), field="principal")
    if claim.principal <= 0:
        raise DomainError(
            _("Principal must be more than zero, got %(amount)s") % {"amount": format_money(claim.principal)},
            field="principal",
        )
    if claim.principal.as_tuple().exponent < -2:  # type: ignore[operator]
        raise DomainError(
            _("Principal has more than two decimals: %(amount)s") % {"amount": claim.principal},
            field="principal",
        )
    if claim.due_date < claim.invoice_date:
        raise DomainError(
            _("Due date %(due)s is before invoice date %(invoice)s")
            % {"due": format_date(claim.due_date), "invoice": format_date(claim.invoice_date)},
            field="due_date",
        )
    if not claim.invoice_number.strip():
        raise DomainError(_("Invoice number is missing"), field="invoice_number")
    basis = claim.interest_basis or debt_type.default_interest_basis
    if basis not in InterestBasis.values:
        raise DomainError(_("Unknown interest basis %(basis)r") % {"basis": basis}, field="interest_basis")
    if basis == InterestBasis.CONTRACTUAL and claim.contractual_rate is None:
        raise DomainError(_("A contractual interest basis needs a rate"), field="contractual_rate")
    return basis


def _next_case_number(year: int) -> tuple[str, int]:
    counter, _created = CaseCounter.objects.select_for_update().get_or_create(year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return f"{year}-{counter.last_number:06d}", year * 1_000_000 + counter.last_number


@transaction.atomic
def case_open(
    *,
    client: Client,
    debtor: Debtor,
    debtor_role: str,
    debt_type: DebtType,
    claims: Sequence[ClaimInput],
    opened_on: dt.date,
    actor: Any = None,
    source: str = "manual",
    client_reference: str = "",
    officer: Any = None,
) -> Case:
    """Open a case with its claims; each claim's principal becomes a ledger entry."""
    if debtor_role not in DebtorRole.values:
        raise DomainError(
            _("Debtor role must be consumer or business, got %(role)r") % {"role": debtor_role},
            field="debtor_role",
        )
    if not claims:
        raise DomainError(_("A case needs at least one claim"), field="claims")
    bases = [claim_validate(c, debt_type=debt_type) for c in claims]
    number, numeric = _next_case_number(opened_on.year)
    case = Case.objects.create(
        number=number,
        client=client,
        debtor=debtor,
        debtor_role=debtor_role,
        debt_type=debt_type,
        officer=officer,
        opened_on=opened_on,
        client_reference=client_reference,
        payment_reference=generate_payment_reference(numeric),
        next_action_on=opened_on,
    )
    event_record(
        case=case,
        kind=EventKind.CREATED,
        summary=f"Dossier aangemaakt ({source})",
        actor=actor,
        actor_label=source,
        details={"source": source, "claims": len(claims)},
    )
    for claim_input, basis in zip(claims, bases, strict=True):
        _claim_create(case=case, claim=claim_input, basis=basis, actor=actor, source=source)
    return case


def _claim_create(*, case: Case, claim: ClaimInput, basis: str, actor: Any, source: str) -> Claim:
    if Claim.objects.filter(client_id=case.client_id, invoice_number=claim.invoice_number).exists():
        raise DomainError(
            _("Invoice %(invoice)s of this client is already in a case") % {"invoice": claim.invoice_number},
            field="invoice_number",
        )
    row = Claim.objects.create(
        case=case,
        client_id=case.client_id,
        invoice_number=claim.invoice_number.strip(),
        invoice_date=claim.invoice_date,
        due_date=claim.due_date,
        principal=claim.principal,
        description=claim.description,
        interest_basis=basis,
        contractual_rate=claim.contractual_rate,
        compound=claim.compound,
    )
    LedgerEntry.objects.create(
        case=case,
        claim=row,
        bucket=Bucket.PRINCIPAL,
        kind=EntryKind.CLAIM_ADDED,
        amount=claim.principal,
        value_on=claim.due_date,
        booked_at=timezone.now(),
        source=source,
        actor=actor if getattr(actor, "pk", None) else None,
        reason=f"Factuur {row.invoice_number}",
    )
    return row


@transaction.atomic
def claim_add(*, case: Case, claim: ClaimInput, actor: Any = None, source: str = "manual") -> Claim:
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.state == CaseState.CLOSED:
        raise DomainError(_("A closed case takes no new claims"), field="state")
    basis = claim_validate(claim, debt_type=locked.debt_type)
    row = _claim_create(case=locked, claim=claim, basis=basis, actor=actor, source=source)
    event_record(
        case=locked,
        kind=EventKind.IMPORTED if source != "manual" else EventKind.LEDGER,
        summary=f"Vordering {row.invoice_number} toegevoegd",
        actor=actor,
        actor_label=source,
        details={"invoice_number": row.invoice_number, "principal": str(row.principal)},
    )
    return row


@transaction.atomic
def ledger_book(
    *,
    case: Case,
    bucket: str,
    kind: str,
    amount: Decimal,
    value_on: dt.date,
    source: str,
    actor: Any = None,
    reason: str = "",
    claim: Claim | None = None,
    record_event: bool = True,
) -> LedgerEntry:
    """Book one money fact. Positive raises what is owed, negative lowers it.

    `record_event=False` leaves the timeline to the caller: a bank payment books several entries and
    records one `payment` event with the whole split (`payments.booking`)."""
    if not isinstance(amount, Decimal):
        raise TypeError(f"amount must be a Decimal, got {type(amount).__name__}")
    if amount == 0:
        raise DomainError(_("A booking of zero changes nothing"), field="amount")
    if kind == EntryKind.REVERSAL:
        raise DomainError(_("Use ledger_reverse to reverse an entry"), field="kind")
    if claim is not None and claim.case_id != case.pk:
        raise DomainError(_("That claim belongs to another case"), field="claim")
    Case.objects.select_for_update().filter(pk=case.pk).first()
    entry = LedgerEntry.objects.create(
        case=case,
        claim=claim,
        bucket=bucket,
        kind=kind,
        amount=amount,
        value_on=value_on,
        booked_at=timezone.now(),
        source=source,
        actor=actor if getattr(actor, "pk", None) else None,
        reason=reason,
    )
    if record_event:
        event_record(
            case=case,
            kind=EventKind.LEDGER,
            summary=f"{EntryKind(kind).label}: {Bucket(bucket).label} {amount}",
            actor=actor,
            actor_label=source,
            details={"entry": entry.pk, "bucket": bucket, "amount": str(amount), "reason": reason},
        )
    return entry


@transaction.atomic
def ledger_reverse(*, entry: LedgerEntry, actor: Any, reason: str, record_event: bool = True) -> LedgerEntry:
    """Cancel an entry by booking its opposite. An entry can be reversed once; a reversal never.
    `record_event=False`: as for `ledger_book` (a returned payment records one event itself)."""
    Case.objects.select_for_update().filter(pk=entry.case_id).first()
    if entry.kind == EntryKind.REVERSAL:
        raise DomainError(_("A reversal cannot itself be reversed; book a new entry"), field="entry")
    if LedgerEntry.objects.filter(reverses=entry).exists():
        raise DomainError(_("This entry has already been reversed"), field="entry")
    if not reason.strip():
        raise DomainError(_("A reversal needs a reason"), field="reason")
    reversal = LedgerEntry.objects.create(
        case_id=entry.case_id,
        claim_id=entry.claim_id,
        bucket=entry.bucket,
        kind=EntryKind.REVERSAL,
        amount=-entry.amount,
        value_on=entry.value_on,
        booked_at=timezone.now(),
        source=_actor_label(actor, "system"),
        actor=actor if getattr(actor, "pk", None) else None,
        reason=reason,
        reverses=entry,
    )
    if record_event:
        event_record(
            case=entry.case,
            kind=EventKind.LEDGER,
            summary=f"Boeking teruggedraaid: {Bucket(entry.bucket).label} {entry.amount}",
            actor=actor,
            details={"entry": entry.pk, "reversal": reversal.pk, "reason": reason},
        )
    return reversal


@transaction.atomic
def case_transition(
    *,
    case: Case,
    to: str,
    actor: Any,
    reason: str = "",
    closing_reason: str | None = None,
    on: dt.date | None = None,
) -> Case:
    """Change the state if the state machine allows it; log it on the timeline."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    check_transition(current=locked.state, target=to, closing_reason=closing_reason)
    if closing_reason == "paid":
        from incasso.cases.selectors import case_balance

        balance = case_balance(case=locked)
        if balance.total != 0:
            raise DomainError(
                _("The case still has %(amount)s open; it cannot be closed as paid")
                % {"amount": format_money(balance.total)},
                field="state",
            )
    previous = locked.state
    locked.state = to
    if to == CaseState.CLOSED:
        locked.closed_on = on or timezone.localdate()
        locked.closing_reason = closing_reason or ""
        locked.next_action_on = None
    locked.save(update_fields=["state", "closed_on", "closing_reason", "next_action_on"])
    event_record(
        case=locked,
        kind=EventKind.STATE_CHANGED,
        summary=f"Status: {CaseState(previous).label} → {CaseState(to).label}"
        + (f" ({reason})" if reason else ""),
        actor=actor,
        details={"from": previous, "to": to, "reason": reason, "closing_reason": closing_reason or ""},
    )
    return locked


@transaction.atomic
def note_add(*, case: Case, author: Any, text: str) -> Note:
    if not text.strip():
        raise DomainError(_("A note cannot be empty"), field="text")
    note = Note.objects.create(case=case, author=author, text=text.strip())
    event_record(
        case=case, kind=EventKind.NOTE, summary=text.strip()[:120], actor=author, details={"note": note.pk}
    )
    return note


@transaction.atomic
def task_create(
    *,
    case: Case,
    title: str,
    due_on: dt.date,
    kind: str = "other",
    assignee: Any = None,
    created_by: Any = None,
) -> Task:
    if not title.strip():
        raise DomainError(_("A task needs a title"), field="title")
    task = Task.objects.create(
        case=case,
        title=title.strip(),
        due_on=due_on,
        kind=kind,
        assignee=assignee or case.officer,
        created_by=created_by,
    )
    event_record(
        case=case,
        kind=EventKind.TASK,
        summary=f"Taak: {task.title} (uiterlijk {due_on:%d-%m-%Y})",
        actor=created_by,
        details={"task": task.pk},
    )
    return task


@dataclass(frozen=True)
class TaskRow:
    """One task for `tasks_create_many`: the same fields as `task_create` takes."""

    case: Case
    title: str
    due_on: dt.date
    kind: str = "other"
    assignee: Any = None
    created_by: Any = None


@transaction.atomic
def tasks_create_many(rows: Sequence[TaskRow]) -> list[Task]:
    """`task_create` for many tasks: one INSERT for the tasks, one for their timeline events."""
    if not rows:
        return []
    for row in rows:
        if not row.title.strip():
            raise DomainError(_("A task needs a title"), field="title")
    tasks = Task.objects.bulk_create(
        [
            Task(
                case=row.case,
                title=row.title.strip(),
                due_on=row.due_on,
                kind=row.kind,
                assignee_id=row.assignee.pk if row.assignee is not None else row.case.officer_id,
                created_by=row.created_by,
            )
            for row in rows
        ]
    )
    events_record_many(
        [
            EventRow(
                case=row.case,
                kind=EventKind.TASK,
                summary=f"Taak: {task.title} (uiterlijk {row.due_on:%d-%m-%Y})",
                actor=row.created_by,
                details={"task": task.pk},
            )
            for row, task in zip(rows, tasks, strict=True)
        ]
    )
    return tasks


class TaskValues(NamedTuple):
    """One task for `tasks_insert_many`: ids instead of model instances (batch runs)."""

    case_id: int
    title: str
    due_on: dt.date
    kind: str
    assignee_id: int | None  # the case's officer, as `task_create` defaults it


def tasks_insert_many(rows: Sequence[TaskValues]) -> list[int]:
    """`tasks_create_many` for batch runs: the same tasks and timeline events, written without model
    instances (one array INSERT each on PostgreSQL, see `core.bulk`). Returns the task ids in the order
    given. The caller owns the transaction."""
    if not rows:
        return []
    titles = [row.title.strip() for row in rows]
    if not all(titles):
        raise DomainError(_("A task needs a title"), field="title")
    case_ids = [row.case_id for row in rows]
    ids = [
        pk
        for (pk,) in insert_rows(
            Task,
            {
                "case_id": case_ids,
                "title": titles,
                "due_on": [row.due_on for row in rows],
                "kind": [row.kind for row in rows],
                "assignee_id": [row.assignee_id for row in rows],
            },
            returning=("id",),
        )
    ]
    events_insert_many(
        case_ids=case_ids,
        kind=EventKind.TASK,
        summaries=[
            f"Taak: {title} (uiterlijk {row.due_on:%d-%m-%Y})"
            for title, row in zip(titles, rows, strict=True)
        ],
        details=[{"task": pk} for pk in ids],
    )
    return ids


def events_insert_many(
    *,
    case_ids: Sequence[int],
    kind: str,
    summaries: Sequence[str],
    details: Sequence[dict[str, Any]],
    occurred_at: dt.datetime | None = None,
    actor: Any = None,
    actor_labels: Sequence[str] | None = None,
) -> None:
    """`events_record_many` for batch runs: one kind and actor, case ids instead of model instances
    (one array INSERT on PostgreSQL, see `core.bulk`). `actor_labels` per event (as `EventRow.actor_label`;
    the actor's username wins, as in `event_record`), default "system". The caller owns the transaction."""
    columns: dict[str, Sequence[Any]] = {
        "case_id": case_ids,
        "summary": [s[:300] for s in summaries],
        "details": details,
    }
    constants: dict[str, Any] = {
        "kind": kind,
        "occurred_at": occurred_at or timezone.now(),
        "actor_id": actor.pk if getattr(actor, "pk", None) else None,
    }
    if actor_labels is None or getattr(actor, "username", None):
        constants["actor_label"] = _actor_label(actor, "system")
    else:
        columns["actor_label"] = actor_labels
    insert_rows(Event, columns, constants=constants)


@transaction.atomic
def task_complete(*, task: Task, by: Any) -> Task:
    locked = Task.objects.select_for_update().get(pk=task.pk)
    if locked.done_at is not None:
        return locked
    locked.done_at = timezone.now()
    locked.done_by = by
    locked.save(update_fields=["done_at", "done_by"])
    event_record(case=locked.case, kind=EventKind.TASK, summary=f"Taak afgerond: {locked.title}", actor=by)
    return locked


@transaction.atomic
def document_add(*, case: Case, upload: UploadedFile[Any], kind: str, uploaded_by: Any) -> Document:
    if upload.size is None or upload.size == 0:
        raise DomainError(_("The file is empty"), field="file")
    if upload.size > MAX_DOCUMENT_BYTES:
        raise DomainError(_("The file is larger than 20 MB"), field="file")
    content_type = (upload.content_type or "").split(";")[0]
    if content_type not in ALLOWED_DOCUMENT_TYPES:
        raise DomainError(
            _("Files of type %(type)s are not accepted") % {"type": content_type or _("unknown")},
            field="file",
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    document = Document(
        case=case,
        kind=kind,
        original_name=(upload.name or "document")[:255],
        content_type=content_type,
        size=upload.size,
        sha256=digest.hexdigest(),
        uploaded_by=uploaded_by,
    )
    document.file.save(upload.name or "document", upload, save=False)
    document.save()
    event_record(
        case=case,
        kind=EventKind.DOCUMENT,
        summary=f"Document toegevoegd: {document.original_name}",
        actor=uploaded_by,
        details={"document": document.pk, "sha256": document.sha256},
    )
    return document
