"""The debtor portal's own data: its login attempts, for the throttle and the record.

A debtor is no Django user: a portal login is a case found by three facts printed on every letter
(case number, payment reference, postcode), and its session holds only that case's id.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AttemptOutcome(models.TextChoices):
    SUCCEEDED = "succeeded", _("logged in")
    FAILED = "failed", _("wrong details")
    REFUSED = "refused", _("refused: too many attempts")


class PortalLoginAttempt(models.Model):
    """One try to log in to the portal. Failed tries count towards the throttle (per case number as
    typed, and per client IP); refused tries (while throttled) are kept for the record but do not
    count, so hammering the form does not lock the debtor out for ever. The payment reference and
    postcode typed are never stored. Rows older than `INCASSO_PORTAL_ATTEMPT_RETENTION_DAYS` are deleted
    (`services.login_attempts_prune`)."""

    case_number = models.CharField(_("case number as entered"), max_length=40)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=AttemptOutcome.choices)
    attempted_at = models.DateTimeField(_("when"))

    class Meta:
        ordering = ["-attempted_at", "-id"]
        verbose_name = _("portal login attempt")
        verbose_name_plural = _("portal login attempts")
        indexes = [
            models.Index(fields=["case_number", "attempted_at"], name="portal_attempt_case_idx"),
            models.Index(fields=["ip", "attempted_at"], name="portal_attempt_ip_idx"),
            models.Index(fields=["attempted_at"], name="portal_attempt_time_idx"),  # pruning
        ]

    def __str__(self) -> str:
        return f"{self.case_number} {self.outcome} {self.attempted_at:%Y-%m-%d %H:%M}"
