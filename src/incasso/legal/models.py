"""Legal follow-up of a case: limitation (verjaring) events per claim, the client's hand-over policy,
hand-overs to a bailiff or lawyer and the updates they send back.

Limitation dates are never stored: `selectors.claim_limitation` computes them from the claim's due
date, its debt type's limitation class and these events (rules-nl.md §4).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from incasso.core.fields import money_field


class LimitationEventKind(models.TextChoices):
    WRITTEN_INTERRUPTION = "written_interruption", _("written interruption (3:317 BW)")
    ACKNOWLEDGEMENT = "acknowledgement", _("acknowledgement by the debtor (3:318 BW)")
    PAYMENT = "payment", _("payment, as acknowledgement (3:318 BW)")
    LEGAL_ACTION = "legal_action", _("legal action (3:316 BW)")
    JUDGMENT = "judgment", _("judgment (3:324 BW)")


class LimitationEvent(models.Model):
    """A fact that interrupts or restarts a claim's limitation term. `occurred_on` is the day the
    statement reached the debtor (3:37 lid 3), or the judgment date for a judgment."""

    claim = models.ForeignKey("cases.Claim", on_delete=models.PROTECT, related_name="limitation_events")
    kind = models.CharField(_("kind"), max_length=24, choices=LimitationEventKind.choices)
    occurred_on = models.DateField(_("received on"))
    sent_on = models.DateField(_("sent on"), null=True, blank=True)
    proof = models.ForeignKey(
        "cases.Document", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # The stuitingsbrief it was recorded for, when it was one of our letters: if that letter comes
    # back or bounces, it never reached the debtor and interrupted nothing (3:37 lid 3 BW). The row is
    # then kept, voided, with the reason: the file shows what was tried.
    message = models.ForeignKey(
        "strategies.OutgoingMessage", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    voided_on = models.DateField(_("voided on"), null=True, blank=True)
    void_reason = models.CharField(_("why it does not count"), max_length=300, blank=True, default="")

    class Meta:
        ordering = ["occurred_on", "id"]
        verbose_name = _("limitation event")
        verbose_name_plural = _("limitation events")
        indexes = [models.Index(fields=["claim", "occurred_on"])]
        constraints = [
            # voided with a reason, or neither: the limitation basis names the reason of a voided one
            models.CheckConstraint(
                condition=Q(voided_on__isnull=True, void_reason="")
                | (Q(voided_on__isnull=False) & ~Q(void_reason="")),
                name="limitation_event_void_has_reason",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.occurred_on}"


class CourtFeeCategory(models.TextChoices):
    LEGAL_PERSON = "legal_person", _("legal person")
    NATURAL_PERSON = "natural_person", _("natural person")
    LIMITED_MEANS = "limited_means", _("limited means")


class ClientLegalPolicy(models.Model):
    """Per client: does a hand-over need the client's approval, and which court-fee column applies.
    A client without a row gets the defaults (approval required, legal person)."""

    client = models.OneToOneField("clients.Client", on_delete=models.CASCADE, related_name="legal_policy")
    handover_approval_required = models.BooleanField(
        _("client approval required for hand-over"), default=True
    )
    court_fee_category = models.CharField(
        _("court fee category"),
        max_length=16,
        choices=CourtFeeCategory.choices,
        default=CourtFeeCategory.LEGAL_PERSON,
    )

    class Meta:
        verbose_name = _("client legal policy")
        verbose_name_plural = _("client legal policies")

    def __str__(self) -> str:
        return f"{self.client_id}"


class HandoverTo(models.TextChoices):
    BAILIFF = "bailiff", _("bailiff")
    LAWYER = "lawyer", _("lawyer")


class HandoverStatus(models.TextChoices):
    REQUESTED = "requested", _("requested")
    APPROVED = "approved", _("approved")
    HANDED_OVER = "handed_over", _("handed over")


class Handover(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="handovers")
    to = models.CharField(_("to"), max_length=8, choices=HandoverTo.choices)
    party_name = models.CharField(_("bailiff / lawyer"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=HandoverStatus.choices, default=HandoverStatus.REQUESTED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approval_note = models.CharField(_("approval note"), max_length=300, blank=True)
    forced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    force_reason = models.CharField(_("reason for overriding the approval"), max_length=300, blank=True)
    handed_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    handed_over_at = models.DateTimeField(_("handed over at"), null=True, blank=True)
    as_of = models.DateField(_("calculated to"), null=True, blank=True)
    package_path = models.CharField(_("package directory"), max_length=500, blank=True)
    package_sha256 = models.JSONField(_("package files (SHA-256)"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("hand-over")
        verbose_name_plural = _("hand-overs")
        constraints = [
            models.CheckConstraint(
                condition=Q(forced_by__isnull=True) | ~Q(force_reason=""), name="handover_force_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} → {self.to}"


class BailiffUpdateKind(models.TextChoices):
    COSTS = "costs", _("costs")
    JUDGMENT = "judgment", _("judgment")
    PAYMENT_RECEIVED = "payment_received", _("payment received")
    NOTE = "note", _("note")


class BailiffUpdate(models.Model):
    """What the bailiff or lawyer reports back; each is booked once (ledger entry or limitation event)."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="bailiff_updates")
    handover = models.ForeignKey(
        Handover, on_delete=models.PROTECT, null=True, blank=True, related_name="updates"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=BailiffUpdateKind.choices)
    amount = money_field(verbose_name=_("amount"), null=True, blank=True)
    on = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-on", "-id"]
        verbose_name = _("bailiff update")
        verbose_name_plural = _("bailiff updates")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["note", "judgment"]) | Q(amount__gt=0),
                name="bailiff_update_amount_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.on}"
