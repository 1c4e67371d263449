"""Bank statements in, payments out: imported statement files, their transactions and what each
transaction booked on the ledger.

Exactly once: a transaction is identified by (account IBAN, the parser's entry key), held by a unique
constraint, so importing the same or an overlapping file books each transaction once.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from incasso.core.fields import money_field


class BankStatementImport(models.Model):
    """One statement file read in (a file read twice gives two rows; its transactions are booked once)."""

    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    format = models.CharField(_("format"), max_length=30)
    imported_at = models.DateTimeField(_("imported at"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    by_label = models.CharField(_("by"), max_length=100, default="system")
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    entries_read = models.PositiveIntegerField(_("entries read"), default=0)
    entries_new = models.PositiveIntegerField(_("new entries"), default=0)

    class Meta:
        ordering = ["-imported_at", "-id"]
        verbose_name = _("bank statement import")
        verbose_name_plural = _("bank statement imports")

    def __str__(self) -> str:
        return self.file_name


class TransactionStatus(models.TextChoices):
    UNMATCHED = "unmatched", _("unmatched")
    SUGGESTED = "suggested", _("suggested")
    MATCHED = "matched", _("matched")
    BOOKED = "booked", _("booked")
    RETURNED = "returned", _("returned")
    IGNORED = "ignored", _("ignored")
    SET_ASIDE = "set_aside", _("set aside")  # by an officer, with a reason: pays no case (payments.set_aside)


class MatchRule(models.TextChoices):
    REFERENCE = "reference", _("payment reference")
    TEXT_REFERENCE = "text_reference", _("payment reference in the description")
    CASE_NUMBER = "case_number", _("case number in the description")
    INVOICE_NUMBER = "invoice_number", _("invoice number in the description")
    IBAN = "iban", _("known debtor account and amount")
    NAME = "name", _("debtor name (suggestion)")
    INSTALMENT_REFERENCE = "instalment_reference", _("instalment payment reference")
    RETURN = "return", _("returned direct debit")
    MANUAL = "manual", _("matched by hand")


class BankTransaction(models.Model):
    statement_import = models.ForeignKey(
        BankStatementImport, on_delete=models.PROTECT, related_name="transactions", verbose_name=_("import")
    )
    account_iban = models.CharField(
        _("account"), max_length=34, help_text=_("our account the statement is for")
    )
    key = models.CharField(_("entry key"), max_length=64)
    statement_id = models.CharField(_("statement"), max_length=100, blank=True)
    booking_date = models.DateField(_("booking date"))
    value_date = models.DateField(_("value date"))
    amount = money_field(verbose_name=_("amount"))
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    counterparty_iban = models.CharField(_("counterparty IBAN"), max_length=34, blank=True)
    counterparty_name = models.CharField(_("counterparty"), max_length=200, blank=True)
    remittance_text = models.TextField(_("description"), blank=True)
    structured_reference = models.CharField(_("structured reference"), max_length=64, blank=True)
    return_reason = models.CharField(_("return reason"), max_length=35, blank=True)
    is_reversal = models.BooleanField(_("reversal"), default=False)
    end_to_end_id = models.CharField(_("end-to-end id"), max_length=64, blank=True)
    mandate_id = models.CharField(_("mandate id"), max_length=64, blank=True)
    position = models.CharField(_("position in file"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=TransactionStatus.choices, default=TransactionStatus.UNMATCHED
    )
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bank_transactions",
        verbose_name=_("case"),
    )
    match_rule = models.CharField(_("match rule"), max_length=24, choices=MatchRule.choices, blank=True)
    confidence = models.DecimalField(_("confidence"), max_digits=4, decimal_places=2, null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    matched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    unallocated = money_field(verbose_name=_("unallocated (overpaid)"), default=0)
    returns = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="returned_by",
        verbose_name=_("returns transaction"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-booking_date", "-id"]
        verbose_name = _("bank transaction")
        verbose_name_plural = _("bank transactions")
        constraints = [
            # The natural key: a transaction is booked once, whatever file it arrives in.
            models.UniqueConstraint(fields=["account_iban", "key"], name="bank_transaction_once_per_account"),
            models.CheckConstraint(
                condition=~Q(status="booked") | Q(case__isnull=False), name="booked_has_case"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-booking_date"]),
            models.Index(fields=["end_to_end_id"]),
            models.Index(fields=["mandate_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.booking_date} {self.amount} {self.counterparty_name}"

    @property
    def entry_source(self) -> str:
        """The `source` of every ledger entry this transaction made, on its case: a payment's parts
        and the interest booked up to it, a return's reversals (`selectors.transaction_entries`)."""
        return f"bank:{self.pk}"


# --- Remittance to clients (afdracht) -------------------------------------------------------------


class ClientContract(models.Model):
    """What the agency keeps of what it collects for a client. Without a contract: no commission,
    interest to the client, remittance to the client's own IBAN."""

    client = models.OneToOneField(
        "clients.Client", on_delete=models.PROTECT, related_name="payment_contract", verbose_name=_("client")
    )
    commission_percent = models.DecimalField(
        _("commission (%)"),
        max_digits=5,
        decimal_places=2,
        default=0,
        help_text=_("on collected principal and the interest that goes to the client"),
    )
    interest_to_client = models.BooleanField(_("interest goes to the client"), default=True)
    remittance_iban = models.CharField(
        _("remittance IBAN (override)"), max_length=34, blank=True, help_text=_("empty: the client's IBAN")
    )

    class Meta:
        verbose_name = _("client contract")
        verbose_name_plural = _("client contracts")
        constraints = [
            models.CheckConstraint(
                condition=Q(commission_percent__gte=0) & Q(commission_percent__lte=100),
                name="contract_commission_0_to_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client_id}: {self.commission_percent}%"


class RemittanceStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    PAID = "paid", _("paid")


class Remittance(models.Model):
    """One payout to a client for a period: what was collected, what goes to whom, and the pain.001."""

    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="remittances", verbose_name=_("client")
    )
    period_from = models.DateField(_("from"))
    period_to = models.DateField(_("to"))
    created_at = models.DateTimeField(_("created at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    collected_total = money_field(verbose_name=_("collected"))
    client_amount = money_field(verbose_name=_("to the client"))
    agency_amount = money_field(verbose_name=_("to the agency"))
    commission_amount = money_field(verbose_name=_("commission"), default=0)
    # The contract terms used, so the statement can be printed again after the contract changes.
    commission_percent = models.DecimalField(_("commission (%)"), max_digits=5, decimal_places=2, default=0)
    interest_to_client = models.BooleanField(_("interest goes to the client"), default=True)
    iban = models.CharField(_("paid to IBAN"), max_length=34, blank=True)
    status = models.CharField(
        _("status"), max_length=5, choices=RemittanceStatus.choices, default=RemittanceStatus.DRAFT
    )
    pain001 = models.BinaryField(_("pain.001 file"), null=True, blank=True, editable=False)
    pain001_sha256 = models.CharField(_("pain.001 SHA-256"), max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("remittance")
        verbose_name_plural = _("remittances")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_from__lte=models.F("period_to")), name="remittance_period"
            ),
            models.CheckConstraint(
                condition=Q(collected_total=models.F("client_amount") + models.F("agency_amount")),
                name="remittance_parts_add_up",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client_id} {self.period_from}–{self.period_to}"


class RemittanceLine(models.Model):
    """One ledger entry (a payment part or its reversal) counted in a remittance: at most once, ever."""

    remittance = models.ForeignKey(Remittance, on_delete=models.CASCADE, related_name="lines")
    entry = models.ForeignKey("cases.LedgerEntry", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["id"]
        verbose_name = _("remittance line")
        verbose_name_plural = _("remittance lines")
        constraints = [models.UniqueConstraint(fields=["entry"], name="ledger_entry_remitted_once")]

    def __str__(self) -> str:
        return f"{self.remittance_id} ← {self.entry_id}"


# --- SEPA direct debit (incasso) -------------------------------------------------------------------


class SequenceType(models.TextChoices):
    FIRST = "FRST", _("first")
    RECURRING = "RCUR", _("recurring")


class Mandate(models.Model):
    """A debtor's SEPA Core mandate for the payments on a case (e.g. an arrangement's instalments)."""

    mandate_id = models.CharField(_("mandate id"), max_length=35, unique=True)
    signed_on = models.DateField(_("signed on"))
    debtor_name = models.CharField(_("debtor name"), max_length=70)
    debtor_iban = models.CharField(_("debtor IBAN"), max_length=34)
    debtor_bic = models.CharField(_("debtor BIC"), max_length=11, blank=True)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="mandates")
    active = models.BooleanField(_("active"), default=True)
    first_collected = models.BooleanField(_("first collection done"), default=False)
    deactivated_reason = models.CharField(_("deactivated because"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["mandate_id"]
        verbose_name = _("mandate")
        verbose_name_plural = _("mandates")

    def __str__(self) -> str:
        return self.mandate_id


class DirectDebitCollection(models.Model):
    """One pain.008 file: the debits to collect on a run date."""

    run_date = models.DateField(_("collection date"))
    schema = models.CharField(_("schema"), max_length=20)
    message_id = models.CharField(_("message id"), max_length=35, blank=True)
    file = models.BinaryField(_("pain.008 file"), editable=False)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    total = money_field(verbose_name=_("total"), default=0)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["-run_date", "-id"]
        verbose_name = _("direct debit collection")
        verbose_name_plural = _("direct debit collections")

    def __str__(self) -> str:
        return f"{self.run_date} ({self.schema})"


class DirectDebitLine(models.Model):
    collection = models.ForeignKey(DirectDebitCollection, on_delete=models.CASCADE, related_name="lines")
    mandate = models.ForeignKey(Mandate, on_delete=models.PROTECT, related_name="debits")
    amount = money_field(verbose_name=_("amount"))
    due_on = models.DateField(_("due on"))
    reference = models.CharField(
        _("reference"),
        max_length=35,
        help_text=_("what is collected, e.g. the instalment's payment reference"),
    )
    end_to_end_id = models.CharField(_("end-to-end id"), max_length=35, unique=True)
    sequence_type = models.CharField(_("sequence type"), max_length=4, choices=SequenceType.choices)
    returned = models.BooleanField(_("returned"), default=False)
    return_reason = models.CharField(_("return reason"), max_length=35, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("direct debit")
        verbose_name_plural = _("direct debits")
        constraints = [
            # A reference is collected once (a re-presentation after a return is a new reference).
            models.UniqueConstraint(fields=["reference", "sequence_type"], name="direct_debit_once"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="direct_debit_amount_positive"),
        ]

    def __str__(self) -> str:
        return self.end_to_end_id
