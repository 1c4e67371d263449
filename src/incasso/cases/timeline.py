"""Writes for the case's timeline and the work recorded on it: events, notes, tasks and documents.

Events are append-only. `event_record` is the one-at-a-time write every app uses; `events_record_many`,
`events_insert_many`, `tasks_create_many` and `tasks_insert_many` are the bulk forms for batch runs
(the caller owns the transaction there). Split from `cases.services` so the case opening, claims and
state changes stay readable on their own.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from incasso.cases.contact import breach_text_lazy, breaches, contact_check
from incasso.cases.models import Case, ContactOutcome, Document, Event, EventKind, Note, Task
from incasso.core.bulk import copy_rows
from incasso.core.exceptions import DomainError
from incasso.core.formatting import record_text

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


def events_insert_many(
    *,
    case_ids: Sequence[int],
    kind: str,
    summaries: Sequence[str],
    details: Sequence[dict[str, Any]],
    occurred_at: dt.datetime | None = None,
    actor: Any = None,
    actor_labels: Sequence[str] | None = None,
    wait: bool = True,
) -> None:
    """`events_record_many` for batch runs: one kind and actor, case ids instead of model instances
    (one COPY on PostgreSQL, see `core.bulk`; `wait` as for `copy_rows`). `actor_labels` per event (as
    `EventRow.actor_label`; the actor's username wins, as in `event_record`), default "system". The
    caller owns the transaction."""
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
    copy_rows(Event, columns, constants=constants, wait=wait)


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
    instances (one COPY each on PostgreSQL, see `core.bulk`). Returns the task ids in the order
    given. The caller owns the transaction."""
    if not rows:
        return []
    titles = [row.title.strip() for row in rows]
    if not all(titles):
        raise DomainError(_("A task needs a title"), field="title")
    case_ids = [row.case_id for row in rows]
    ids = copy_rows(
        Task,
        {
            "case_id": case_ids,
            "title": titles,
            "due_on": [row.due_on for row in rows],
            "kind": [row.kind for row in rows],
            "assignee_id": [row.assignee_id for row in rows],
        },
        ids=True,
    )
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


CONTACT_KINDS: dict[str, str] = {EventKind.CALL: "Gebeld", EventKind.VISIT: "Huisbezoek"}  # stored Dutch


@transaction.atomic
def contact_log(
    *,
    case: Case,
    kind: str,
    outcome: str,
    note: str = "",
    actor: Any,
    task: Task | None = None,
    now: dt.datetime | None = None,
) -> Event:
    """A telephone call or a home visit and what came of it, on the case's timeline (the work queue's
    "days since contact" reads it). With `task`, that open call or visit task is done with it.

    A contact outside the Wki contact window, or a call attempt above the week's limit, is recorded all
    the same (it happened) and marked: in the details (`contact.breaches`) and at the end of the summary."""
    if kind not in CONTACT_KINDS:
        raise DomainError(_("A contact is a call or a visit, got %(kind)r") % {"kind": kind}, field="kind")
    if outcome not in ContactOutcome.values:
        raise DomainError(_("Unknown outcome %(outcome)r") % {"outcome": outcome}, field="outcome")
    if task is not None and task.case_id != case.pk:
        raise DomainError(_("That task belongs to another case"), field="task")
    text = note.strip()
    found = breaches(contact_check(debtor_id=case.debtor_id, now=now), kind=kind)
    warning = f" [{record_text(breach_text_lazy(found))}]" if found else ""
    head = f"{CONTACT_KINDS[kind]}: {record_text(ContactOutcome(outcome).label)}"
    summary = head + (f" — {text}"[: 300 - len(head) - len(warning)] if text else "") + warning
    event = event_record(
        case=case,
        kind=kind,
        summary=summary,
        actor=actor,
        details={"outcome": outcome, "note": text[:2000], **({"task": task.pk} if task else {}), **found},
        occurred_at=now,  # the moment the rules were judged on is the moment on the timeline
    )
    if task is not None:
        task_complete(task=task, by=actor)
    return event


def document_check(upload: UploadedFile[Any]) -> str:
    """Refuse an empty, too large or unaccepted file (`DomainError`); returns its content type."""
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
    return content_type


@transaction.atomic
def document_add(*, case: Case, upload: UploadedFile[Any], kind: str, uploaded_by: Any) -> Document:
    content_type = document_check(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    document = Document(
        case=case,
        kind=kind,
        original_name=(upload.name or "document")[:255],
        content_type=content_type,
        size=upload.size or 0,
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
