"""Letters: editable templates, letterheads, the delivery state of each outgoing message and the
immutable archive of what was sent.

The message itself (`strategies.OutgoingMessage`: case, channel, template code, status) is queued by
the daily run; this app renders, sends and archives it. Its exactly-once key (case, template, step
execution) lives there; `SentLetter` is one-to-one with it, so a message is archived (sent) once.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class TemplateCode(models.TextChoices):
    REMINDER = "reminder", _("reminder")
    FOURTEEN_DAY_LETTER = "fourteen_day_letter", _("14-day letter")
    SUMMONS = "summons", _("summons (sommatie)")
    FINAL_NOTICE = "final_notice", _("final notice")
    ARRANGEMENT_CONFIRMATION = "arrangement_confirmation", _("arrangement confirmation")
    ARRANGEMENT_REMINDER = "arrangement_reminder", _("arrangement reminder")
    BROKEN_ARRANGEMENT = "broken_arrangement", _("broken arrangement")
    DISPUTE_ACKNOWLEDGEMENT = "dispute_acknowledgement", _("dispute acknowledgement")
    PAYMENT_CONFIRMATION = "payment_confirmation", _("payment confirmation")
    HANDOVER_NOTICE = "handover_notice", _("hand-over notice")
    LIMITATION_INTERRUPTION = "limitation_interruption", _("limitation interruption (stuiting)")
    CLIENT_PROGRESS_REPORT = "client_progress_report", _("client progress report")


class ReturnReason(models.TextChoices):
    """Why the post brought a letter back (the reasons on PostNL's return sticker). Refused and not
    collected are the addressee's own doing: the letter counts as received (3:37 lid 3 BW)."""

    MOVED = "moved", _("moved")
    UNKNOWN = "unknown", _("addressee unknown at this address")
    INCOMPLETE = "incomplete", _("address incomplete or wrong")
    DECEASED = "deceased", _("addressee deceased")
    REFUSED = "refused", _("refused by the addressee")
    NOT_COLLECTED = "not_collected", _("not collected at the post office")


RECEIVED_ALL_THE_SAME = frozenset({ReturnReason.REFUSED, ReturnReason.NOT_COLLECTED})


class Language(models.TextChoices):
    DUTCH = "nl", _("Dutch")
    ENGLISH = "en", _("English")


class LetterTemplate(models.Model):
    """One version of a letter text. Saving a change adds a new version; sent letters name theirs."""

    code = models.CharField(_("type"), max_length=40, choices=TemplateCode.choices)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    version = models.PositiveIntegerField(_("version"))
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("letter text"))
    short_text = models.CharField(_("SMS text"), max_length=480, blank=True)
    active = models.BooleanField(_("active"), default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now_add=True)

    class Meta:
        ordering = ["code", "language", "-version"]
        verbose_name = _("letter template")
        verbose_name_plural = _("letter templates")
        constraints = [
            models.UniqueConstraint(fields=["code", "language", "version"], name="letter_template_version"),
            models.UniqueConstraint(
                fields=["code", "language"], condition=Q(active=True), name="letter_template_one_active"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.language}) v{self.version}"


class Letterhead(models.Model):
    """The sender printed on letters: one per client, or the agency default (no client)."""

    client = models.OneToOneField(
        "clients.Client", on_delete=models.CASCADE, null=True, blank=True, related_name="letterhead"
    )
    name = models.CharField(_("agency name"), max_length=200)
    address = models.TextField(_("address"), help_text=_("One line per address line."))
    return_address = models.CharField(_("return address"), max_length=200, blank=True)
    wki_registration = models.CharField(_("Wki registration number"), max_length=40)
    kvk = models.CharField(_("KvK number"), max_length=20)
    iban = models.CharField(_("IBAN"), max_length=34)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    account_holder = models.CharField(_("account holder"), max_length=200)
    phone = models.CharField(_("phone"), max_length=30)
    email = models.EmailField(_("e-mail"))
    website = models.CharField(_("website"), max_length=200, blank=True)
    complaint_line = models.TextField(_("complaint procedure"))
    # English letters print these; empty: the return address gets an English label, the complaint
    # line stays Dutch (there is no sound automatic translation of a legal text).
    return_address_en = models.CharField(_("return address (English letters)"), max_length=200, blank=True)
    complaint_line_en = models.TextField(_("complaint procedure (English letters)"), blank=True)
    signer_name = models.CharField(_("signed by"), max_length=100, default="Afdeling incasso")

    class Meta:
        verbose_name = _("letterhead")
        verbose_name_plural = _("letterheads")
        constraints = [
            models.UniqueConstraint(
                fields=["name"], condition=Q(client__isnull=True), name="letterhead_one_default"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.client or _('default')})"


class Delivery(models.Model):
    """How sending an outgoing message is going: attempts, back-off, the last error, the prepared data."""

    message = models.OneToOneField(
        "strategies.OutgoingMessage", on_delete=models.PROTECT, related_name="delivery"
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True, db_index=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    failure_reason = models.CharField(_("failure reason"), max_length=500, blank=True)
    prepared_data = models.JSONField(_("prepared letter data"), null=True, blank=True)
    prepared_on = models.DateField(_("prepared on"), null=True, blank=True)
    template = models.ForeignKey(
        LetterTemplate, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # What came back after sending: the SMS provider's id for the message (its status reports name
    # it), the Message-ID the e-mail went out with (a bounce quotes it), and the last delivery report
    # or bounce applied (its status and when it held), so a repeated or older report changes nothing.
    provider_message_id = models.CharField(_("provider's message id"), max_length=100, blank=True, default="")
    email_message_id = models.CharField(_("e-mail Message-ID"), max_length=255, blank=True, default="")
    report_status = models.CharField(_("last delivery report"), max_length=20, blank=True, default="")
    report_at = models.DateTimeField(_("last delivery report at"), null=True, blank=True)
    # A letter the post brought back (`letters.returns`): when it came back and why.
    returned_on = models.DateField(_("returned on"), null=True, blank=True)
    return_reason = models.CharField(
        _("why returned"), max_length=16, choices=ReturnReason.choices, blank=True, default=""
    )
    return_note = models.CharField(_("note on the return"), max_length=300, blank=True, default="")

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            # A bounce is matched to its message by this id: one message per id, looked up by index.
            models.UniqueConstraint(
                fields=["email_message_id"],
                condition=~Q(email_message_id=""),
                name="delivery_email_message_id_unique",
            )
        ]


class SentLetter(models.Model):
    """The archive: exactly what went out, never changed. Reprints serve these bytes."""

    message = models.OneToOneField(
        "strategies.OutgoingMessage", on_delete=models.PROTECT, related_name="sent_letter"
    )
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="sent_letters")
    channel = models.CharField(_("channel"), max_length=6)
    template = models.ForeignKey(LetterTemplate, on_delete=models.PROTECT, related_name="sent_letters")
    template_version = models.PositiveIntegerField(_("template version"))
    language = models.CharField(_("language"), max_length=2)
    recipient = models.CharField(_("sent to"), max_length=300)
    letter_date = models.DateField(_("letter date"))
    data = models.JSONField(_("letter data"))
    text = models.TextField(_("text (e-mail/SMS)"), blank=True)
    pdf = models.BinaryField(_("PDF"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    pages = models.PositiveIntegerField(_("pages"), default=0)
    sent_at = models.DateTimeField(_("sent at"))

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("sent letter")
        verbose_name_plural = _("sent letters")

    def __str__(self) -> str:
        return f"{self.template.code} {self.letter_date} ({self.sha256[:12]})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Why: the archive is evidence (burden of proof for the 14-day letter, Wki file keeping).
        if self.pk is not None:
            raise ValueError("An archived letter is never changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValueError("An archived letter is never deleted")
