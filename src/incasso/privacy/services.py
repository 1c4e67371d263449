"""Erasing a debtor's personal data (GDPR art. 17) while the money facts stay.

What is erased: the debtor's name, date of birth and KvK number; every address, e-mail address,
phone number, bank account and channel opt-out; the text of notes, tasks, dispute descriptions,
promises, questions to the client and their answers, arrangement motivations and income figures, settlement offers (goods, how they come back,
motivation, the agreement and signed copy), hold and legal notes; the letters as sent
(PDF, e-mail/SMS text, letter data, recipient); uploaded documents and hand-over packages (the
files are deleted from disk once the transaction commits); the counterparty name, IBAN and
description of the bank transactions booked to the cases; the names and IBANs of direct-debit
mandates; the summaries and free-text details of the timeline.

What stays, because the agency's accounts and its clients need it and it identifies nobody by
itself: case numbers, payment references, the client's own reference and invoice numbers,
amounts, dates, states, closing reasons, and who among the staff did what when.

The timeline and the ledger are append-only (`AppendOnlyModel`); erasure is the one sanctioned
rewrite of them, and it touches only their text columns, through the base manager.
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from incasso.arrangements.models import Arrangement, Dispute, PaymentPromise, Settlement
from incasso.audit.models import AccessLogEntry
from incasso.cases.contact import BREACH_KEYS
from incasso.cases.debtor_data import debtor_event_record
from incasso.cases.models import (
    Case,
    Claim,
    ClientQuestion,
    Document,
    EntryKind,
    Event,
    EventKind,
    LedgerEntry,
    Note,
    Task,
    TaskKind,
)
from incasso.core.exceptions import DomainError
from incasso.debtors.models import Address, BankAccount, ContactPoint, Debtor, DebtorKind
from incasso.legal.models import BailiffUpdate, Handover, LimitationEvent
from incasso.letters.models import Delivery, SentLetter
from incasso.payments.models import BankTransaction, DirectDebitCollection, Mandate
from incasso.privacy import retention
from incasso.privacy.export import Export, debtor_export
from incasso.privacy.selectors import debtor_retention, debtors_due, retention_years
from incasso.strategies.models import ChannelOptOut, Hold

ANONYMISED = "Geanonimiseerd"  # the name an erased debtor keeps, so every screen still has one
ERASED = "[verwijderd]"  # in a text field that may not be empty

# Timeline details that are references and codes, never personal data: kept so the arrangement's
# and the dispute's histories and the contact-rule marks still work. Everything else is dropped.
KEPT_DETAILS = frozenset(
    {
        "action",
        "amount",
        "arrangement",
        "settlement",
        "assignment",
        "bucket",
        "channel",
        "claims",
        "closing_reason",
        "document",
        "dispute",
        "ends_on",
        "entry",
        "from",
        "handover",
        "hold",
        "instalment",
        "interest_freeze",
        "invoice_number",
        "kind",
        "legal",
        "message",
        "n",
        "note",  # only as an id (`{"note": note.pk}`); a note's text is dropped below
        "outcome",
        "paid",
        "principal",
        "promise",
        "reason_key",  # why a letter was queued outside the daily run ("dispute:5", "manual:<date>")
        "resolution",
        "reversal",
        "sent_letter",
        "sha256",
        "starts_on",
        "status",
        "step_execution",
        "task",
        "template",
        "to",
        "update",
        "version",
        *BREACH_KEYS,
    }
)


class Reason:
    TERM = "term"  # the retention term ended
    REQUEST = "request"  # the debtor asked (art. 17)


@dataclass
class Erasure:
    """What one erasure did, for the screen, the command's summary and the tests."""

    debtor_id: int
    cases: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)

    def count(self, what: str, n: int) -> None:
        if n:
            self.counts[what] = self.counts.get(what, 0) + n


def _kept_details(details: dict[str, Any]) -> dict[str, Any]:
    return {
        key: value
        for key, value in details.items()
        if key in KEPT_DETAILS and (key != "note" or isinstance(value, int))
    }


def _event_summary(kind: str) -> str:
    with override(settings.LANGUAGE_CODE):
        return f"{EventKind(kind).label} ({ANONYMISED.lower()})"


def _task_title(kind: str) -> str:
    with override(settings.LANGUAGE_CODE):
        return str(TaskKind(kind).label)


def _erase_cases(case_ids: list[int], erasure: Erasure) -> None:
    in_cases = Q(case_id__in=case_ids)
    count = erasure.count
    count("notes", Note.objects.filter(in_cases).exclude(text=ERASED).update(text=ERASED))
    count("claims", Claim.objects.filter(in_cases).exclude(description="").update(description=""))
    tasks = list(Task.objects.filter(in_cases).only("pk", "kind", "title"))
    for task in tasks:
        task.title = _task_title(task.kind)
    Task.objects.bulk_update(tasks, ["title"])
    count("tasks", len(tasks))

    events = list(Event._base_manager.filter(in_cases).only("pk", "kind", "summary", "details"))
    for event in events:
        event.summary = _event_summary(event.kind)
        event.details = _kept_details(event.details or {})
    Event._base_manager.bulk_update(events, ["summary", "details"], batch_size=500)
    count("events", len(events))
    # A payment's booking says whose payment it was ("Betaling J. Jansen"); the amount stays.
    count(
        "ledger_entries",
        LedgerEntry._base_manager.filter(in_cases, kind=EntryKind.PAYMENT)
        .exclude(reason="Betaling")
        .update(reason="Betaling"),
    )

    for document in Document.objects.filter(in_cases).exclude(file=""):
        erasure.files.append(Path(document.file.path))
        document.file = ""
        document.original_name = ERASED
        document.content_type = ""
        document.size = 0
        document.save(update_fields=["file", "original_name", "content_type", "size"])
        count("documents", 1)
    for handover in Handover.objects.filter(in_cases).exclude(package_path=""):
        erasure.files.append(Path(handover.package_path))
        count("handover_packages", 1)
    Handover.objects.filter(in_cases).update(package_path="", approval_note="", force_reason="")

    count(
        "letters",
        SentLetter.objects.filter(in_cases).update(pdf=None, data={}, text="", recipient=ERASED, pages=0),
    )
    Delivery.objects.filter(message__case_id__in=case_ids).update(
        prepared_data=None, last_error="", failure_reason="", return_note=""
    )
    count(
        "bank_transactions",
        BankTransaction.objects.filter(in_cases).update(
            counterparty_name="", counterparty_iban="", remittance_text="", reason=""
        ),
    )
    count(
        "mandates",
        Mandate.objects.filter(in_cases).update(debtor_name=ANONYMISED, debtor_iban="", debtor_bic=""),
    )
    count(
        "arrangements",
        Arrangement.objects.filter(in_cases).update(
            motivation="",
            affordability={},
            agreement_pdf=None,
            signed_upload=None,
            accepted_ip=None,
            decision_note="",
        ),
    )
    Settlement.objects.filter(in_cases).update(
        goods_description="",
        return_instructions="",
        motivation="",
        decision_note="",
        end_note="",
        agreement_pdf=None,
        signed_upload=None,
        accepted_ip=None,
    )
    PaymentPromise.objects.filter(in_cases).update(note="")
    Dispute.objects.filter(in_cases).update(description=ERASED, resolution_note="")
    count(
        "client_questions",
        ClientQuestion.objects.filter(in_cases).update(
            question=ERASED, answer="", answer_via="", withdrawn_reason=""
        ),
    )
    Hold.objects.filter(in_cases).update(note="")
    # The access log keeps who looked and when (the staff's trail); what they looked at may name the
    # debtor (a document's file name), so that goes. The log is append-only: the base manager again.
    count("access_log", AccessLogEntry._base_manager.filter(in_cases).exclude(detail="").update(detail=""))
    LimitationEvent.objects.filter(claim__case_id__in=case_ids).update(note="")
    BailiffUpdate.objects.filter(in_cases).update(note="")


def _delete_files(paths: list[Path]) -> None:
    """After the commit: a rolled-back erasure keeps its files. Only paths under MEDIA_ROOT."""
    root = Path(settings.MEDIA_ROOT).resolve()
    for path in paths:
        resolved = path.resolve()
        if not resolved.is_relative_to(root):
            continue
        if resolved.is_dir():
            shutil.rmtree(resolved, ignore_errors=True)
        else:
            resolved.unlink(missing_ok=True)


def debtor_anonymise(
    *, debtor: Debtor, by: Any, reason: str, today: dt.date | None = None, note: str = ""
) -> Erasure:
    """Erase one debtor's personal data, all or nothing.

    `reason` TERM: only when the retention term ended (the command and the screen's "all due").
    `reason` REQUEST: the debtor asked; allowed once every case is closed and the Bki's two years
    have passed. While a case is open the data is needed for the claim (art. 17(3)(e) GDPR), and a
    closed file must be kept for two years (Bki art. 5.1): both are refused with the reason.
    """
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = Debtor.objects.select_for_update().get(pk=debtor.pk)
        if locked.anonymised_at is not None:
            raise DomainError(_("This debtor's personal data was already erased."))
        years = retention_years() if reason == Reason.TERM else retention.MINIMUM_YEARS
        cases = list(Case.objects.select_for_update().filter(debtor=locked).order_by("pk"))
        state = debtor_retention(locked, today=today, years=years)
        if state.state == retention.State.OPEN:
            raise DomainError(
                _("The debtor still has an open case; the data is needed for it and cannot be erased yet.")
            )
        if state.state == retention.State.KEPT:
            raise DomainError(
                _("The file must be kept until %(date)s (%(years)s years after the last case closed).")
                % {"date": f"{state.erase_on:%d-%m-%Y}", "years": years}
            )
        erasure = Erasure(debtor_id=locked.pk, cases=len(cases))
        case_ids = [case.pk for case in cases]
        _erase_cases(case_ids, erasure)
        erasure.count("addresses", Address.objects.filter(debtor=locked).delete()[0])
        erasure.count("contact_points", ContactPoint.objects.filter(debtor=locked).delete()[0])
        erasure.count("bank_accounts", BankAccount.objects.filter(debtor=locked).delete()[0])
        ChannelOptOut.objects.filter(debtor=locked).delete()
        locked.first_names = ""
        locked.name_prefix = ""
        locked.last_name = ANONYMISED if locked.kind == DebtorKind.PERSON else ""
        locked.organisation_name = ANONYMISED if locked.kind == DebtorKind.ORGANISATION else ""
        locked.date_of_birth = None
        locked.kvk_number = ""
        locked.anonymised_at = timezone.now()
        locked.save()
        with override(settings.LANGUAGE_CODE):
            why = (
                _("the retention term ended")
                if reason == Reason.TERM
                else _("at the debtor's request (GDPR art. 17)")
            )
            summary = _("Personal data erased: %(why)s") % {"why": why}
        debtor_event_record(
            locked,
            kind=EventKind.PRIVACY,
            summary=summary + (f" ({note})" if note else ""),
            actor=by,
            details={"erased": reason, "counts": erasure.counts},
        )
        paths = list(erasure.files)
        transaction.on_commit(lambda: _delete_files(paths))
    return erasure


def debtor_access_copy(*, debtor: Debtor, by: Any, agency: str, today: dt.date | None = None) -> Export:
    """The copy for an access request (art. 15), recorded on each of the debtor's cases."""
    today = today or timezone.localdate()
    copy = debtor_export(debtor, agency=agency, years=retention_years(), today=today)
    with override(settings.LANGUAGE_CODE):
        summary = _("Copy of the personal data handed out (GDPR art. 15)")
    with transaction.atomic():
        debtor_event_record(
            debtor,
            kind=EventKind.PRIVACY,
            summary=summary,
            actor=by,
            details={"access_copy": copy.filename, "files": len(copy.files)},
        )
    return copy


@dataclass(frozen=True)
class DueRun:
    """The retention run's summary (`incasso privacy erase-due --json`)."""

    on: dt.date
    years: int
    due: int
    erased: int
    collection_files_cleared: int
    dry_run: bool

    def as_json(self) -> dict[str, Any]:
        return {
            "date": self.on.isoformat(),
            "retention_years": self.years,
            "due": self.due,
            "erased": self.erased,
            "collection_files_cleared": self.collection_files_cleared,
            "dry_run": self.dry_run,
        }


def erase_due(*, by: Any = None, today: dt.date | None = None, dry_run: bool = False) -> DueRun:
    """Erase every debtor past the retention term, one transaction per debtor (a failure leaves the
    others done and itself untouched), and clear the direct-debit files (pain.008, which name every
    debtor of a collection) older than the term. Running it again finds nothing left to do."""
    today = today or timezone.localdate()
    years = retention_years()
    due = list(debtors_due(today=today, years=years).values_list("pk", flat=True))
    cutoff = retention.cutoff(today=today, years=years)
    old_files = DirectDebitCollection.objects.filter(created_at__date__lte=cutoff).exclude(file=b"")
    if dry_run:
        return DueRun(today, years, len(due), 0, old_files.count(), True)
    erased = 0
    for pk in due:
        try:
            debtor_anonymise(debtor=Debtor(pk=pk), by=by, reason=Reason.TERM, today=today)
        except DomainError:  # a case was opened for the debtor in the meantime: it is kept
            continue
        erased += 1
    cleared = old_files.update(file=b"")
    return DueRun(today, years, len(due), erased, cleared, False)
