"""The case file (dossier): cases, claims, the append-only money ledger and the timeline.

Balances are never stored: they are sums over LedgerEntry rows (one query per case, see
`selectors.case_balance`). Ledger entries and events are append-only: corrections are new rows.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from incasso.cases.labels import actor_display
from incasso.core.fields import money_field


class AppendOnlyQuerySet(models.QuerySet[Any]):
    """Bulk update and delete are refused: history is never rewritten."""

    def update(self, **kwargs: Any) -> int:
        raise TypeError(f"{self.model.__name__} rows are append-only; book a correction instead")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError(f"{self.model.__name__} rows are append-only; book a correction instead")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TypeError(f"{type(self).__name__} rows are append-only; book a correction instead")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError(f"{type(self).__name__} rows are append-only; book a correction instead")


class InterestBasis(models.TextChoices):
    CONSUMER_STATUTORY = "consumer", _("statutory interest (6:119 BW)")
    COMMERCIAL_STATUTORY = "commercial", _("commercial statutory interest (6:119a BW)")
    CONTRACTUAL = "contractual", _("contractual rate")
    NONE = "none", _("no interest")


class LimitationClass(models.TextChoices):
    CONTRACT = "3:307", _("contract claim, 5 years (3:307 BW)")
    CONSUMER_PURCHASE = "7:28", _("consumer purchase, 2 years (7:28 BW)")
    PERIODIC = "3:308", _("periodic payments, 5 years (3:308 BW)")
    DAMAGES = "3:310", _("damages, 5 years from awareness (3:310 BW)")
    JUDGMENT = "3:324", _("judgment, 20 years (3:324 BW)")


class DebtType(models.Model):
    """Debt classification (schuldclassificatie): an extendable list with the defaults each implies."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    default_interest_basis = models.CharField(
        _("default interest basis"),
        max_length=12,
        choices=InterestBasis.choices,
        default=InterestBasis.CONSUMER_STATUTORY,
    )
    limitation_class = models.CharField(
        _("limitation"), max_length=6, choices=LimitationClass.choices, default=LimitationClass.CONTRACT
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("debt type")
        verbose_name_plural = _("debt types")

    def __str__(self) -> str:
        return self.name


class DebtorRole(models.TextChoices):
    CONSUMER = "consumer", _("consumer")
    BUSINESS = "business", _("business")


class CaseState(models.TextChoices):
    NEW = "new", _("new")
    AMICABLE = "amicable", _("amicable collection")
    ARRANGEMENT = "arrangement", _("payment arrangement")
    ON_HOLD = "on_hold", _("on hold")
    LEGAL = "legal", _("legal")
    BAILIFF = "bailiff", _("with bailiff")
    CLOSED = "closed", _("closed")


class ClosingReason(models.TextChoices):
    PAID = "paid", _("paid in full")
    SETTLED = "settled", _("settled")
    UNCOLLECTABLE = "uncollectable", _("uncollectable")
    WITHDRAWN = "withdrawn", _("withdrawn by client")


class CaseCounter(models.Model):
    """Per-year sequence for readable case numbers (2026-000123); locked row, no gaps in practice."""

    year = models.PositiveIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)


class Case(models.Model):
    number = models.CharField(_("case number"), max_length=20, unique=True)
    client = models.ForeignKey(  # no index of its own: Meta's (client, state) index serves it
        "clients.Client",
        verbose_name=_("client"),
        on_delete=models.PROTECT,
        related_name="cases",
        db_index=False,
    )
    debtor = models.ForeignKey(
        "debtors.Debtor", verbose_name=_("debtor"), on_delete=models.PROTECT, related_name="cases"
    )
    debtor_role = models.CharField(_("debtor acts as"), max_length=10, choices=DebtorRole.choices)
    debt_type = models.ForeignKey(
        DebtType, verbose_name=_("debt type"), on_delete=models.PROTECT, related_name="cases"
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_cases",
    )
    state = models.CharField(_("state"), max_length=12, choices=CaseState.choices, default=CaseState.NEW)
    opened_on = models.DateField(_("opened on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closing_reason = models.CharField(
        _("closing reason"), max_length=14, choices=ClosingReason.choices, blank=True
    )
    client_reference = models.CharField(_("client's reference"), max_length=100, blank=True)
    payment_reference = models.CharField(_("payment reference"), max_length=16, unique=True)
    next_action_on = models.DateField(_("next action on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-opened_on", "-id"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [
            models.CheckConstraint(
                condition=(Q(state="closed", closed_on__isnull=False) & ~Q(closing_reason=""))
                | (~Q(state="closed") & Q(closed_on__isnull=True) & Q(closing_reason="")),
                name="case_closed_has_date_and_reason",
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_action_on"], name="case_next_action_idx", condition=~Q(state="closed")
            ),
            models.Index(fields=["client", "state"]),
            models.Index(fields=["client_reference"]),
        ]

    def __str__(self) -> str:
        return self.number


class Claim(models.Model):
    """One invoice (vordering) handed over by the client. Its money lives in the ledger."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="claims")
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="claims")
    invoice_number = models.CharField(_("invoice number"), max_length=50)
    invoice_date = models.DateField(_("invoice date"))
    due_date = models.DateField(_("due date"))
    principal = money_field(verbose_name=_("principal"))
    description = models.CharField(_("description"), max_length=200, blank=True)
    interest_basis = models.CharField(_("interest basis"), max_length=12, choices=InterestBasis.choices)
    contractual_rate = models.DecimalField(
        _("contractual rate (% per year)"), max_digits=6, decimal_places=3, null=True, blank=True
    )
    compound = models.BooleanField(_("compound yearly"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        constraints = [
            models.UniqueConstraint(
                fields=["client", "invoice_number"], name="claim_invoice_unique_per_client"
            ),
            models.CheckConstraint(condition=Q(principal__gt=0), name="claim_principal_positive"),
            models.CheckConstraint(
                condition=Q(due_date__gte=F("invoice_date")), name="claim_due_after_invoice"
            ),
            models.CheckConstraint(
                condition=~Q(interest_basis="contractual") | Q(contractual_rate__isnull=False),
                name="claim_contractual_has_rate",
            ),
        ]
        indexes = [
            models.Index(fields=["invoice_number"]),
            # the invoice-number rule of payment matching looks invoices up case-insensitively
            models.Index(Upper("invoice_number"), name="claim_invoice_upper_idx"),
        ]

    def __str__(self) -> str:
        return self.invoice_number


class Bucket(models.TextChoices):
    PRINCIPAL = "principal", _("principal")
    INTEREST = "interest", _("interest")
    COSTS = "costs", _("costs")


class EntryKind(models.TextChoices):
    CLAIM_ADDED = "claim_added", _("claim added")
    INTEREST_BOOKED = "interest_booked", _("interest booked")
    COSTS_CHARGED = "costs_charged", _("collection costs charged")
    PAYMENT = "payment", _("payment")
    WRITE_OFF = "write_off", _("write-off")
    CORRECTION = "correction", _("correction")
    REVERSAL = "reversal", _("reversal")


class LedgerEntry(AppendOnlyModel):
    """One immutable money fact on a case. Positive raises what is owed, negative lowers it."""

    # no index of its own: Meta's (case, bucket) index serves it (one index less per booked entry)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="ledger_entries", db_index=False)
    claim = models.ForeignKey(
        Claim, on_delete=models.PROTECT, null=True, blank=True, related_name="ledger_entries"
    )
    bucket = models.CharField(_("bucket"), max_length=10, choices=Bucket.choices)
    kind = models.CharField(_("kind"), max_length=16, choices=EntryKind.choices)
    amount = money_field(verbose_name=_("amount"))
    value_on = models.DateField(_("value date"))
    booked_at = models.DateTimeField(_("booked at"))
    source = models.CharField(
        _("source"), max_length=100, help_text=_("What made it: import row, user, bank transaction")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by"
    )

    class Meta:
        ordering = ["value_on", "id"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="ledger_amount_not_zero"),
            models.CheckConstraint(
                condition=Q(kind="reversal", reverses__isnull=False)
                | (~Q(kind="reversal") & Q(reverses__isnull=True)),
                name="ledger_reversal_points_back",
            ),
        ]
        indexes = [models.Index(fields=["case", "bucket"])]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.bucket} {self.amount}"


class EventKind(models.TextChoices):
    CREATED = "created", _("case created")
    IMPORTED = "imported", _("imported")
    STATE_CHANGED = "state_changed", _("state changed")
    NOTE = "note", _("note")
    TASK = "task", _("task")
    DOCUMENT = "document", _("document")
    LEDGER = "ledger", _("booking")
    LETTER = "letter", _("letter")
    CALL = "call", _("call")
    VISIT = "visit", _("visit")
    PAYMENT = "payment", _("payment")
    DEBTOR_CHANGED = "debtor_changed", _("debtor data changed")
    STEP = "step", _("strategy step")
    PORTAL = "portal", _("debtor portal")
    PRIVACY = "privacy", _("privacy (GDPR)")
    MANDATE = "mandate", _("direct-debit mandate")
    CLIENT_QUESTION = "client_question", _("question to the client")


class ContactOutcome(models.TextChoices):
    """What came of a telephone call or a home visit (stored in the event's details)."""

    REACHED = "reached", _("spoke to the debtor")
    PROMISE = "promise", _("debtor promised to pay")
    REFUSED = "refused", _("debtor refuses to pay")
    NO_ANSWER = "no_answer", _("not reached (no answer, not at home)")
    VOICEMAIL = "voicemail", _("message left")
    WRONG_CONTACT = "wrong_contact", _("wrong number or address")


class Event(AppendOnlyModel):
    """The case's story, append-only: who did what, when."""

    # no index of its own: Meta's (case, -occurred_at) index serves it (one index less per event)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events", db_index=False)
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    occurred_at = models.DateTimeField(_("when"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(_("by"), max_length=100, help_text=_("user name or 'system'/'import'"))
    summary = models.CharField(_("summary"), max_length=300)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [
            models.Index(fields=["case", "-occurred_at"]),
            # Calls and visits by date: the week's call attempts, read once per daily run for the phone
            # limit, and the supervisor's list of contacts against the rules (cases.contact). Partial,
            # so only a logged call or visit pays for it.
            models.Index(
                fields=["occurred_at"], condition=Q(kind__in=["call", "visit"]), name="event_contact_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.summary

    @property
    def actor_display(self) -> str:
        """Who, for a screen: the user name, or the technical label ("system", "bank") in words."""
        return actor_display(self.actor_label, by_user=self.actor_id is not None)


class Note(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("note")
        verbose_name_plural = _("notes")

    def __str__(self) -> str:
        return self.text[:50]


class TaskKind(models.TextChoices):
    CALL = "call", _("call")
    VISIT = "visit", _("visit")
    REVIEW = "review", _("review")
    APPROVAL = "approval", _("approval")
    FIND_CONTACT = "find_contact", _("find contact details")
    OTHER = "other", _("other")


class Task(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="tasks")
    kind = models.CharField(_("kind"), max_length=15, choices=TaskKind.choices, default=TaskKind.OTHER)
    title = models.CharField(_("task"), max_length=200)
    due_on = models.DateField(_("due on"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="tasks"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["done_at", "due_on", "id"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        indexes = [
            models.Index(
                fields=["assignee", "due_on"], condition=Q(done_at__isnull=True), name="task_open_idx"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class DocumentKind(models.TextChoices):
    INVOICE = "invoice", _("invoice")
    CONTRACT = "contract", _("contract / general terms")
    CORRESPONDENCE = "correspondence", _("correspondence")
    PROOF_OF_DELIVERY = "proof_of_delivery", _("proof of delivery")
    OTHER = "other", _("other")


def document_upload_path(instance: Document, filename: str) -> str:
    # A random name: the original name is kept in the row, never used on disk.
    return f"cases/{instance.case_id}/{uuid.uuid4().hex}"


class Document(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(
        _("kind"), max_length=20, choices=DocumentKind.choices, default=DocumentKind.OTHER
    )
    file = models.FileField(_("file"), upload_to=document_upload_path)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.original_name


class QuestionTopic(models.TextChoices):
    DISPUTE = "dispute", _("dispute")
    GOODS = "goods", _("return of goods")
    DETAILS = "details", _("claim or debtor details")
    OTHER = "other", _("other")


# A question waiting for the client's answer: neither answered nor withdrawn (the open index's condition).
QUESTION_OPEN = Q(answered_at__isnull=True, withdrawn_at__isnull=True)


class ClientQuestion(models.Model):
    """A question the agency puts to its client about one case (a dispute, a return of goods, a claim's
    details), and the client's answer: given in Incasso by a user of the client, or recorded by staff
    on the client's behalf (then `answer_via` says how it came in). `cases.questions` owns the rules.

    `source` ties the question to what raised it (`dispute:12`); `chase_task` is the asking officer's
    task to chase an answer, done when the answer comes in."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="client_questions")
    topic = models.CharField(_("topic"), max_length=10, choices=QuestionTopic.choices)
    source = models.CharField(_("source"), max_length=40, blank=True)
    question = models.TextField(_("question"))
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    asked_at = models.DateTimeField(_("asked at"))
    answer_by = models.DateField(_("answer requested by"))
    chase_task = models.ForeignKey(Task, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answer_via = models.CharField(
        _("received via"), max_length=200, blank=True, help_text=_("Only when staff record the answer")
    )
    documents = models.ManyToManyField(Document, blank=True, related_name="client_questions")
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_reason = models.CharField(_("reason"), max_length=200, blank=True)
    notified_at = models.DateTimeField(_("client notified at"), null=True, blank=True)

    class Meta:
        ordering = ["-asked_at", "-id"]
        verbose_name = _("question to the client")
        verbose_name_plural = _("questions to the client")
        indexes = [
            # What waits for an answer: small, whatever the history.
            models.Index(
                fields=["case"],
                condition=QUESTION_OPEN,
                name="client_question_open_idx",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True) | Q(withdrawn_at__isnull=True),
                name="client_question_answered_or_withdrawn",
            )
        ]

    def __str__(self) -> str:
        return self.question[:80]

    @property
    def is_open(self) -> bool:
        return self.answered_at is None and self.withdrawn_at is None


FREEZE_MANUAL = "manual"  # InterestFreeze.source of a freeze an officer made by hand


class InterestFreeze(models.Model):
    """Days on which the case's claims carry no interest (an arrangement that freezes interest, or an
    officer's decision by hand: `source="manual"`), from `starts_on` up to and including `ends_on`
    (empty: still frozen). Rows are only added and ended (`cases.freezes`), never edited otherwise;
    the calculation sheet reads them (`cases.statement`)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="interest_freezes")
    starts_on = models.DateField(_("interest frozen from"))
    ends_on = models.DateField(_("interest frozen until"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200)
    source = models.CharField(_("source"), max_length=100, blank=True, help_text=_("e.g. arrangement:12"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["starts_on", "id"]
        verbose_name = _("interest freeze")
        verbose_name_plural = _("interest freezes")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="interest_freeze_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["case"], condition=Q(ends_on__isnull=True), name="interest_freeze_one_open_per_case"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.starts_on}..{self.ends_on or ''}"

    @property
    def is_manual(self) -> bool:
        return self.source == FREEZE_MANUAL

    @property
    def arrangement_ref(self) -> str:
        """The arrangement's id when an arrangement started the freeze (`arrangement:12`), else ''."""
        kind, _sep, ref = self.source.partition(":")
        return ref if kind == "arrangement" else ""
