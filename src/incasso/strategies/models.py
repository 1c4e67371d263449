"""Collection strategies (incassotrajecten) as data, and the facts the daily run leaves behind.

A Strategy has numbered versions; a version's steps are frozen once the version is published
(services refuse edits). A case follows one version (StrategyAssignment) until it is moved on purpose.
Every side effect has a natural key: a step executed once per (case, step, due date), a message
once per (case, template, step execution).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from incasso.cases.models import CaseState, DebtorRole, TaskKind
from incasso.core.fields import money_field
from incasso.strategies.rules import FOURTEEN_DAY_LETTER


class Strategy(models.Model):
    name = models.CharField(_("name"), max_length=100)
    client = models.ForeignKey(
        "clients.Client",
        verbose_name=_("client"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="strategies",
        help_text=_("Empty: the agency's default for every client."),
    )
    debtor_role = models.CharField(_("debtor acts as"), max_length=10, choices=DebtorRole.choices)
    debt_type = models.ForeignKey(
        "cases.DebtType",
        verbose_name=_("debt type"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    min_amount = money_field(verbose_name=_("from amount"), null=True, blank=True)
    max_amount = money_field(verbose_name=_("up to amount"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # Champion/challenger: this share (in %) of new cases goes to the challenger instead, picked by a
    # hash of the case number so the split is random yet the same every time (see `rules.in_challenger`).
    challenger = models.ForeignKey(
        "self",
        verbose_name=_("challenger"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="champions",
        help_text=_("Another strategy tried on a share of the new cases, to compare results."),
    )
    challenger_share = models.PositiveSmallIntegerField(
        _("challenger share (%)"), default=0, help_text=_("Percentage of new cases for the challenger.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("strategy")
        verbose_name_plural = _("strategies")
        constraints = [
            models.CheckConstraint(
                condition=Q(min_amount__isnull=True)
                | Q(max_amount__isnull=True)
                | Q(min_amount__lte=models.F("max_amount")),
                name="strategy_amount_band_ordered",
            ),
            models.CheckConstraint(
                condition=Q(challenger_share__lte=100), name="strategy_challenger_share_pct"
            ),
            models.CheckConstraint(
                condition=~Q(challenger=models.F("pk")), name="strategy_challenger_not_itself"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class StrategyVersion(models.Model):
    strategy = models.ForeignKey(Strategy, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    is_published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["strategy", "-number"]
        verbose_name = _("strategy version")
        verbose_name_plural = _("strategy versions")
        constraints = [models.UniqueConstraint(fields=["strategy", "number"], name="strategy_version_unique")]

    def __str__(self) -> str:
        return f"{self.strategy.name} v{self.number}"


class StepAction(models.TextChoices):
    SEND_MESSAGE = "send_message", _("send a message")
    CREATE_TASK = "create_task", _("create a task")
    ADD_COLLECTION_COSTS = "add_collection_costs", _("add collection costs")
    CHANGE_STATE = "change_state", _("change state")
    ASK_CLIENT_APPROVAL = "ask_client_approval", _("ask the client's approval")
    HAND_OVER = "hand_over", _("hand over")


class Channel(models.TextChoices):
    LETTER = "letter", _("letter")
    EMAIL = "email", _("e-mail")
    SMS = "sms", _("SMS")
    PHONE = "phone", _("phone")


class OffsetFrom(models.TextChoices):
    CASE_START = "case_start", _("the case's start in this strategy")
    PREVIOUS_STEP = "previous_step", _("the previous step")


class DebtorCondition(models.TextChoices):
    ANY = "", _("any debtor")
    CONSUMER = "consumer", _("only consumers")
    BUSINESS = "business", _("only businesses")


class Step(models.Model):
    version = models.ForeignKey(StrategyVersion, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveIntegerField(_("position"))
    name = models.CharField(_("name"), max_length=100)
    offset_days = models.IntegerField(_("after days"))
    offset_from = models.CharField(
        _("counted from"), max_length=14, choices=OffsetFrom.choices, default=OffsetFrom.PREVIOUS_STEP
    )
    # Conditions: all must hold, else the step is skipped and the strategy moves on.
    min_balance = money_field(verbose_name=_("only if balance at least"), null=True, blank=True)
    debtor_condition = models.CharField(
        _("only for"), max_length=10, choices=DebtorCondition.choices, default=DebtorCondition.ANY, blank=True
    )
    action = models.CharField(_("action"), max_length=20, choices=StepAction.choices)
    channel = models.CharField(_("channel"), max_length=6, choices=Channel.choices, blank=True)
    template_code = models.SlugField(_("template"), max_length=50, blank=True)
    task_kind = models.CharField(_("task kind"), max_length=15, choices=TaskKind.choices, blank=True)
    target_state = models.CharField(_("new state"), max_length=12, choices=CaseState.choices, blank=True)
    next_position = models.PositiveIntegerField(
        _("then continue at"), null=True, blank=True, help_text=_("Empty: the following step. Only forward.")
    )

    class Meta:
        ordering = ["version", "position"]
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        constraints = [
            models.UniqueConstraint(fields=["version", "position"], name="step_position_unique"),
            models.CheckConstraint(condition=Q(offset_days__gte=0), name="step_offset_not_negative"),
            models.CheckConstraint(
                condition=~Q(action="send_message") | (~Q(template_code="") & ~Q(channel="")),
                name="step_message_has_template_and_channel",
            ),
            models.CheckConstraint(
                condition=Q(next_position__isnull=True) | Q(next_position__gt=models.F("position")),
                name="step_jumps_forward_only",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.name}"


class StrategyAssignment(models.Model):
    """A case follows one version. Moving it closes this row (is_current=False) and opens a new one."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="strategy_assignments")
    version = models.ForeignKey(StrategyVersion, on_delete=models.PROTECT, related_name="assignments")
    since = models.DateTimeField(_("since"))
    started_on = models.DateField(_("started on"), help_text=_("Day 0 for steps counted from the start."))
    reason = models.CharField(_("reason"), max_length=200)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    is_current = models.BooleanField(default=True)
    next_step = models.ForeignKey(Step, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-since", "-id"]
        verbose_name = _("strategy assignment")
        verbose_name_plural = _("strategy assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(is_current=True), name="one_current_strategy_per_case"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} → {self.version}"


class HoldReason(models.TextChoices):
    DISPUTE = "dispute", _("dispute")
    ARRANGEMENT = "arrangement", _("payment arrangement")
    PROMISE = "promise", _("promise to pay")
    DEBT_COUNSELLING = "debt_counselling", _("debt counselling")
    INSOLVENCY = "insolvency", _("insolvency")
    DECEASED = "deceased", _("deceased")
    SETTLEMENT = "settlement", _("settlement offer")


class Hold(models.Model):
    """While a hold is active (from ≤ today, until empty or ≥ today, not released) no step runs."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="holds")
    reason = models.CharField(_("reason"), max_length=20, choices=HoldReason.choices)
    starts_on = models.DateField(_("from"))
    until = models.DateField(_("until"), null=True, blank=True)
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("hold")
        verbose_name_plural = _("holds")
        constraints = [
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gte=models.F("starts_on")),
                name="hold_until_after_start",
            )
        ]
        indexes = [models.Index(fields=["case"], condition=Q(released_at__isnull=True), name="hold_open_idx")]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} ({self.case_id})"


class ChannelOptOut(models.Model):
    """The debtor asked not to be contacted through this channel."""

    debtor = models.ForeignKey("debtors.Debtor", on_delete=models.CASCADE, related_name="channel_opt_outs")
    channel = models.CharField(_("channel"), max_length=6, choices=Channel.choices)
    since = models.DateField(_("since"))

    class Meta:
        verbose_name = _("channel opt-out")
        verbose_name_plural = _("channel opt-outs")
        constraints = [models.UniqueConstraint(fields=["debtor", "channel"], name="opt_out_unique")]


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("waiting for a background worker")
    RUNNING = "running", _("running")
    FINISHED = "finished", _("finished")
    FAILED = "failed", _("failed")


class DailyRun(models.Model):
    """One daily run: started by the nightly job (`incasso run daily`) or by a supervisor on the "Run
    today" page, which queues it for a background worker and shows its progress.

    `done`/`due` and `heartbeat_at` are written after every chunk; a queued or running run whose
    heartbeat is older than `STALLED_AFTER` counts as stalled (its worker died): a new run may then be
    started, which is safe because every step is done exactly once per case, step and date.
    """

    STALLED_AFTER = dt.timedelta(minutes=15)

    run_date = models.DateField(_("run date"))
    dry_run = models.BooleanField(default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.RUNNING
    )
    started_at = models.DateTimeField(_("started at"))  # queued at, for a run from the page
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last progress"), null=True, blank=True)
    due = models.PositiveIntegerField(_("due cases"), null=True, blank=True)
    done = models.PositiveIntegerField(_("cases done"), default=0)
    counts = models.JSONField(_("summary"), default=dict)
    # A run split over processes (`--parts`, INCASSO_RUN_PARTS): each part takes the due cases of
    # the debtors with id % parts == its number; `part_counts` keeps each finished part's summary
    # and `counts` is their sum.
    parts = models.PositiveSmallIntegerField(_("parts"), default=1)
    part_counts = models.JSONField(_("summary per part"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    task_id = models.CharField(_("background task"), max_length=64, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("daily run")
        verbose_name_plural = _("daily runs")

    def __str__(self) -> str:
        return f"{self.run_date}"

    @property
    def in_progress(self) -> bool:
        return self.status in (RunStatus.QUEUED, RunStatus.RUNNING)

    def is_stalled(self, now: dt.datetime) -> bool:
        beat = self.heartbeat_at or self.started_at
        return self.in_progress and now - beat > self.STALLED_AFTER

    @property
    def percent(self) -> int:
        if not self.due:
            return 100 if self.status == RunStatus.FINISHED else 0
        return min(100, self.done * 100 // self.due)


class Outcome(models.TextChoices):
    EXECUTED = "executed", _("executed")
    SKIPPED = "skipped", _("skipped")


class SkipReason(models.TextChoices):
    """Why the daily run did not execute a due case's step (the keys of a run's `skipped` counts)."""

    ON_HOLD = "on_hold", _("on hold")
    HANDED_OVER = "handed_over", _("with a lawyer or bailiff")
    NO_STRATEGY = "no_strategy", _("no matching strategy")
    NO_STEP = "no_step", _("strategy finished")
    ALREADY_DONE = "already_done", _("already done")
    CONDITION = "condition", _("condition not met")
    NO_FOURTEEN_DAY_LETTER = "no_fourteen_day_letter", _("no 14-day letter sent")
    FOURTEEN_DAY_TERM_RUNNING = "fourteen_day_term_running", _("14-day term still running")
    COSTS_ALREADY_CHARGED = "costs_already_charged", _("collection costs already charged")
    NO_PRINCIPAL = "no_principal", _("no principal open")
    OPT_OUT = "opt_out", _("debtor opted out of the channel")
    INVALID_CONTACT = "invalid_contact", _("no valid contact details")
    CONTACT_WINDOW = "contact_window", _("outside contact hours")
    CONTACT_LIMIT = "contact_limit", _("contact limit reached")


class StepExecution(models.Model):
    """One step done (or deliberately skipped) for one case on one due date: the exactly-once key."""

    # No index of its own: the unique key (case, step, due_on) starts with the case.
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="step_executions", db_index=False
    )
    step = models.ForeignKey(Step, on_delete=models.PROTECT, related_name="executions")
    due_on = models.DateField(_("due on"))
    run = models.ForeignKey(
        DailyRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="executions"
    )
    executed_at = models.DateTimeField(_("executed at"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    reason = models.CharField(_("reason"), max_length=30, blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-executed_at", "-id"]
        verbose_name = _("step execution")
        verbose_name_plural = _("step executions")
        constraints = [models.UniqueConstraint(fields=["case", "step", "due_on"], name="step_execution_once")]


class MessageStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    SENT = "sent", _("sent")
    DELIVERED = "delivered", _("delivered")
    FAILED = "failed", _("failed")
    CANCELLED = "cancelled", _("cancelled")


# A message that went out: sent (or reported delivered). One that bounced or came back by post is failed.
WENT_OUT = Q(status__in=[MessageStatus.SENT, MessageStatus.DELIVERED], sent_on__isnull=False)
# The 14-day letter that starts the term for the collection costs (art. 6:96 lid 6 BW): by post only, and it
# went out. An e-mail or SMS one starts no term, whether it later bounced or was reported delivered; one the
# post brought back (moved, unknown) failed and starts none either (letters.returns).
FOURTEEN_DAY_LETTER_COUNTS = Q(template_code=FOURTEEN_DAY_LETTER, channel=Channel.LETTER) & WENT_OUT


class OutgoingMessage(models.Model):
    """A message a step asked for, or one queued outside the run (by hand on the case screen, or on an
    event such as an arrangement made or a dispute opened: `letters.queueing.message_queue`). Rendering
    and sending belong to the letters app.

    Exactly once: a step's message per (case, template, step execution); any other per (case, template,
    reason key), e.g. ("arrangement_reminder", "instalment:81") or ("summons", "manual:2026-11-24").
    """

    # No single-column indexes on case, debtor or template: the unique key (case, template, execution)
    # and the index (debtor, channel, queued_on) start with case and debtor, and nothing looks a
    # message up by its template alone. Fewer indexes to write for every message the daily run queues.
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="outgoing_messages", db_index=False
    )
    debtor = models.ForeignKey("debtors.Debtor", on_delete=models.PROTECT, related_name="+", db_index=False)
    channel = models.CharField(_("channel"), max_length=6, choices=Channel.choices)
    template_code = models.SlugField(_("template"), max_length=50, db_index=False)
    status = models.CharField(
        _("status"), max_length=10, choices=MessageStatus.choices, default=MessageStatus.QUEUED
    )
    step_execution = models.ForeignKey(
        StepExecution, on_delete=models.PROTECT, related_name="messages", null=True, blank=True
    )
    # Why a message without a step execution was queued: its exactly-once key ("" for a step's message).
    reason_key = models.CharField(_("reason"), max_length=60, blank=True, default="", db_default="")
    queued_on = models.DateField(_("queued on"))
    sent_on = models.DateField(_("sent on"), null=True, blank=True)
    delivered_on = models.DateField(_("proven delivery on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-queued_on", "-id"]
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "template_code", "step_execution"], name="message_once_per_execution"
            ),
            models.UniqueConstraint(
                fields=["case", "template_code", "reason_key"],
                condition=Q(step_execution__isnull=True),
                name="message_once_per_reason",
            ),
            models.CheckConstraint(
                condition=Q(step_execution__isnull=False) | ~Q(reason_key=""),
                name="message_step_or_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["debtor", "channel", "queued_on"]),
            # The outbox: what the senders (print batch, e-mail and SMS) take, however many messages
            # were ever sent. Small: a message leaves it when it is sent, failed or cancelled.
            models.Index(
                fields=["channel", "queued_on"],
                condition=Q(status="queued"),
                name="message_outbox_idx",
            ),
        ]
