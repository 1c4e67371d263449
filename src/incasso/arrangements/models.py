"""Arrangements (betalingsregelingen) with their instalments, promises to pay and disputes.

An Arrangement is a proposal until it is active: within the officer's authority it is active at
once, beyond it waits for a supervisor. Its agreement PDF is stored once, immutably, with its
SHA-256; acceptance records which exact document was accepted. Each Instalment has its own
betalingskenmerk (9-prefixed, so it never collides with a case reference); payments linked to an
instalment are InstalmentPayment rows, unique per payment source, so a payment is never counted twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from incasso.core.fields import money_field


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("monthly")
    FOUR_WEEKLY = "four_weekly", _("every four weeks")
    WEEKLY = "weekly", _("weekly")


class AfterBroken(models.TextChoices):
    """What the client wants once a payment arrangement has broken."""

    RESUME = "resume", _("resume the collection strategy")
    BAILIFF = "bailiff", _("request a hand-over to the bailiff")
    LAWYER = "lawyer", _("request a hand-over to the lawyer")


class ArrangementPolicy(models.Model):
    """A client's limits for arrangements. No row: the defaults below apply."""

    client = models.OneToOneField(
        "clients.Client", on_delete=models.CASCADE, related_name="arrangement_policy"
    )
    max_months = models.PositiveIntegerField(_("maximum duration (months)"), default=12)
    min_instalment = money_field(verbose_name=_("minimum instalment"), default=25)
    down_payment_percent = models.DecimalField(
        _("down payment (% of balance)"), max_digits=5, decimal_places=2, default=0
    )
    interest_frozen = models.BooleanField(_("interest frozen during arrangement"), default=True)
    grace_days = models.PositiveIntegerField(_("grace period after a due date (days)"), default=7)
    misses_to_break = models.PositiveIntegerField(_("missed instalments before broken"), default=2)
    # Settlement offers (finale kwijting, return of goods): what the client lets go at most.
    settlement_max_discount_percent = models.DecimalField(
        _("settlement: at most written off (percent of the balance)"),
        max_digits=5,
        decimal_places=2,
        default=20,
    )
    settlement_max_days = models.PositiveIntegerField(_("settlement: longest term (days)"), default=30)
    goods_return_allowed = models.BooleanField(_("takes goods back"), default=True)
    # A broken arrangement: what follows, and whether a next one needs a supervisor.
    after_broken = models.CharField(
        _("after a broken arrangement"),
        max_length=8,
        choices=AfterBroken.choices,
        default=AfterBroken.RESUME,
        help_text=_(
            "A hand-over is requested, not made: the officer hands over (with the client's approval "
            "where its legal policy asks for it)."
        ),
    )
    supervisor_after_broken = models.BooleanField(
        _("a new arrangement after a broken one needs a supervisor"), default=True
    )

    class Meta:
        verbose_name = _("arrangement policy")
        verbose_name_plural = _("arrangement policies")
        constraints = [
            models.CheckConstraint(condition=Q(misses_to_break__gte=1), name="policy_misses_at_least_one"),
            models.CheckConstraint(
                condition=Q(down_payment_percent__gte=0) & Q(down_payment_percent__lt=100),
                name="policy_down_payment_percent_range",
            ),
            models.CheckConstraint(
                condition=Q(settlement_max_discount_percent__gte=0)
                & Q(settlement_max_discount_percent__lt=100),
                name="policy_settlement_discount_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client}"


class ArrangementAuthority(models.Model):
    """Optional per-user override of the settings-level officer authority."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="arrangement_authority"
    )
    max_months = models.PositiveIntegerField(_("maximum duration (months)"))
    max_balance = money_field(verbose_name=_("maximum balance"))

    class Meta:
        verbose_name = _("arrangement authority")
        verbose_name_plural = _("arrangement authorities")


class ArrangementStatus(models.TextChoices):
    PENDING = "pending", _("waiting for approval")
    ACTIVE = "active", _("active")
    REJECTED = "rejected", _("rejected")
    BROKEN = "broken", _("broken")
    COMPLETED = "completed", _("completed")


OPEN_STATUSES = (ArrangementStatus.PENDING, ArrangementStatus.ACTIVE)


class AcceptanceMethod(models.TextChoices):
    SIGNED_UPLOAD = "signed_upload", _("signed and uploaded")
    ONLINE = "online", _("accepted online")


class Agreement(models.Model):
    """What a payment arrangement and a settlement offer share: proposed by an officer, decided by a
    supervisor beyond the officer's authority, held while it runs, its agreement document stored once
    and never changed, and the signed copy if one came back."""

    motivation = models.TextField(_("motivation"), blank=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(_("proposed at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=300, blank=True)
    hold = models.ForeignKey(
        "strategies.Hold", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    agreement_pdf = models.BinaryField(_("agreement (PDF)"), null=True, blank=True, editable=False)
    agreement_sha256 = models.CharField(_("agreement SHA-256"), max_length=64, blank=True)
    signed_upload = models.BinaryField(_("signed copy"), null=True, blank=True, editable=False)
    signed_upload_sha256 = models.CharField(_("signed copy SHA-256"), max_length=64, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    # Acceptance evidence besides the signed copy: online (the debtor in the portal), or the method named.
    acceptance_method = models.CharField(
        _("accepted by"), max_length=14, choices=AcceptanceMethod.choices, blank=True
    )
    accepted_document_sha256 = models.CharField(_("accepted document SHA-256"), max_length=64, blank=True)
    accepted_ip = models.GenericIPAddressField(_("accepted from IP"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-proposed_at", "-id"]


class Arrangement(Agreement):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="arrangements")
    status = models.CharField(_("status"), max_length=10, choices=ArrangementStatus.choices)
    frequency = models.CharField(_("frequency"), max_length=12, choices=Frequency.choices)
    balance = money_field(verbose_name=_("balance at the start"))
    down_payment = money_field(verbose_name=_("down payment"), default=0)
    interest_frozen = models.BooleanField(_("interest frozen"))
    affordability = models.JSONField(_("affordability basis"), default=dict, blank=True)

    class Meta(Agreement.Meta):
        verbose_name = _("arrangement")
        verbose_name_plural = _("arrangements")
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(status__in=["pending", "active"]),
                name="one_open_arrangement_per_case",
            ),
            models.CheckConstraint(condition=Q(balance__gt=0), name="arrangement_balance_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.case} ({self.get_status_display()})"


class InstalmentStatus(models.TextChoices):
    OPEN = "open", _("open")
    PAID = "paid", _("paid")
    MISSED = "missed", _("missed")


class InstalmentReferenceCounter(models.Model):
    """One locked row: the sequence behind instalment payment references."""

    last_number = models.PositiveBigIntegerField(default=0)


class Instalment(models.Model):
    arrangement = models.ForeignKey(Arrangement, on_delete=models.PROTECT, related_name="instalments")
    number = models.PositiveIntegerField(_("number"))
    due_on = models.DateField(_("due on"))
    amount = money_field(verbose_name=_("amount"))
    payment_reference = models.CharField(_("payment reference"), max_length=16, unique=True)
    status = models.CharField(
        _("status"), max_length=6, choices=InstalmentStatus.choices, default=InstalmentStatus.OPEN
    )
    missed_on = models.DateField(_("marked missed on"), null=True, blank=True)
    reminded_on = models.DateField(_("reminder on"), null=True, blank=True)

    class Meta:
        ordering = ["arrangement", "number"]
        verbose_name = _("instalment")
        verbose_name_plural = _("instalments")
        constraints = [
            models.UniqueConstraint(fields=["arrangement", "number"], name="instalment_number_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="instalment_amount_positive"),
        ]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return f"{self.arrangement_id}/{self.number}"


class InstalmentPayment(models.Model):
    """Part of a payment counted towards an instalment. `source` identifies the payment (a bank
    transaction or ledger entry); with the instalment it is unique, so a rerun counts nothing twice."""

    instalment = models.ForeignKey(Instalment, on_delete=models.PROTECT, related_name="payments")
    amount = money_field(verbose_name=_("amount"))
    value_on = models.DateField(_("value date"))
    source = models.CharField(_("source"), max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["value_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["instalment", "source"], name="instalment_payment_once"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="instalment_payment_positive"),
        ]


class PromiseStatus(models.TextChoices):
    OPEN = "open", _("open")
    KEPT = "kept", _("kept")
    BROKEN = "broken", _("broken")


class PaymentPromise(models.Model):
    """A promise to pay (betaalbelofte) from a call."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="payment_promises")
    amount = money_field(verbose_name=_("amount"))
    due_on = models.DateField(_("promised for"))
    made_on = models.DateField(_("made on"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=6, choices=PromiseStatus.choices, default=PromiseStatus.OPEN
    )
    paid_amount = money_field(verbose_name=_("paid by the due date"), null=True, blank=True)
    evaluated_on = models.DateField(_("evaluated on"), null=True, blank=True)
    hold = models.ForeignKey(
        "strategies.Hold", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-made_on", "-id"]
        verbose_name = _("promise to pay")
        verbose_name_plural = _("promises to pay")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="promise_amount_positive")]
        indexes = [models.Index(fields=["status", "due_on"])]


class DisputeReason(models.TextChoices):
    NOT_RECEIVED = "not_received", _("not received")
    WRONG_AMOUNT = "wrong_amount", _("wrong amount")
    ALREADY_PAID = "already_paid", _("already paid")
    QUALITY = "quality", _("quality")
    NOT_MINE = "not_mine", _("not mine")
    FRAUD = "fraud", _("fraud")


class DisputeResolution(models.TextChoices):
    CONTINUE = "continue", _("continue collection")
    PARTIAL_WRITE_OFF = "partial_write_off", _("partial write-off")
    CREDIT_NOTE = "credit_note", _("credit note from client")
    WITHDRAWN = "withdrawn", _("withdrawn by client")


class Dispute(models.Model):
    """A dispute (betwisting): automated steps stop until it is resolved."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="disputes")
    reason = models.CharField(_("reason"), max_length=14, choices=DisputeReason.choices)
    description = models.TextField(_("description"))
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(_("opened at"))
    documents = models.ManyToManyField("cases.Document", blank=True, related_name="+")
    hold = models.ForeignKey(
        "strategies.Hold", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolution = models.CharField(
        _("resolution"), max_length=18, choices=DisputeResolution.choices, blank=True
    )
    resolution_amount = money_field(verbose_name=_("amount"), null=True, blank=True)
    resolution_note = models.CharField(_("note"), max_length=300, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        ordering = ["opened_at", "id"]
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        constraints = [
            models.CheckConstraint(
                condition=(Q(resolution="") & Q(resolved_at__isnull=True))
                | (~Q(resolution="") & Q(resolved_at__isnull=False)),
                name="dispute_resolved_has_time",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case} – {self.get_reason_display()}"


class SettlementKind(models.TextChoices):
    LUMP_SUM = "lump_sum", _("settlement (finale kwijting)")
    GOODS_RETURN = "goods_return", _("return of goods")


class SettlementStatus(models.TextChoices):
    PENDING = "pending", _("waiting for approval")
    ACTIVE = "active", _("offer running")
    REJECTED = "rejected", _("rejected")
    COMPLETED = "completed", _("kept")
    LAPSED = "lapsed", _("lapsed")
    WITHDRAWN = "withdrawn", _("withdrawn")


class Settlement(Agreement):
    """A settlement offer: a lump sum by a date with the rest written off (finale kwijting), or goods
    returned and credited at an agreed value. `balance` and `principal` are what was owed on the day of
    the offer; the outcome (`credited`, `written_off`) is kept when it ends. See `settlements.py`."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="settlements")
    kind = models.CharField(_("kind"), max_length=12, choices=SettlementKind.choices)
    status = models.CharField(_("status"), max_length=10, choices=SettlementStatus.choices)
    balance = money_field(verbose_name=_("owed at the offer"))
    principal = money_field(verbose_name=_("principal at the offer"))
    amount = money_field(verbose_name=_("amount to pay or agreed value"))
    deadline = models.DateField(_("pay or return by"))
    settles_in_full = models.BooleanField(_("the rest is written off"), default=True)
    goods_description = models.TextField(_("goods"), blank=True)
    return_instructions = models.TextField(_("how the goods come back"), blank=True)
    end_note = models.CharField(_("note at the end"), max_length=300, blank=True)
    credited = money_field(verbose_name=_("credited for the goods"), null=True, blank=True)
    written_off = money_field(verbose_name=_("written off"), null=True, blank=True)

    class Meta(Agreement.Meta):
        verbose_name = _("settlement offer")
        verbose_name_plural = _("settlement offers")
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(status__in=["pending", "active"]),
                name="one_open_settlement_per_case",
            ),
            models.CheckConstraint(condition=Q(balance__gt=0), name="settlement_balance_positive"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="settlement_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.case} ({self.get_kind_display()}, {self.get_status_display()})"
