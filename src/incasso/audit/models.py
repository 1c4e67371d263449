"""The access log: who saw which case's personal data, when, and what of it (NEN 7513, AVG art. 32).

The timeline (`cases.Event`) records every write with its actor; this records the reads. One row per
full screen or download, never per htmx fragment of a page already recorded. Rows are append-only:
nothing updates or deletes them except the retention prune (`services.access_log_prune`), which
removes whole rows past `INCASSO_ACCESS_LOG_DAYS`.

This app sits below `cases` (which records through it) and refers to cases and users by their model
labels only, so it imports nothing of ours but `core`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    SCREEN = "screen", _("screen")
    API = "api", _("API")


class AccessKind(models.TextChoices):
    """What was seen. The API kinds start with `api_`: `channel_for` derives the channel from it."""

    CASE_SCREEN = "case_screen", _("case screen")
    CALCULATION = "calculation", _("calculation sheet")
    CALCULATION_DOWNLOAD = "calculation_download", _("calculation sheet download")
    LETTER_PDF = "letter_pdf", _("letter (PDF)")
    AGREEMENT_PDF = "agreement_pdf", _("arrangement agreement (PDF)")
    ARRANGEMENT = "arrangement", _("payment arrangement")
    DISPUTE = "dispute", _("dispute")
    SETTLEMENT = "settlement", _("settlement offer")
    SETTLEMENT_PDF = "settlement_pdf", _("settlement agreement (PDF)")
    DOCUMENT = "document", _("document download")
    SUMMONS = "summons", _("summons draft download")
    LEGAL_PACKAGE = "legal_package", _("hand-over package download")
    API_CASE = "api_case", _("API: case")
    API_STATEMENT = "api_statement", _("API: statement")
    API_TIMELINE = "api_timeline", _("API: timeline")
    API_SOLUTIONS = "api_solutions", _("API: arrangements, promises, disputes, settlements")
    API_LETTERS = "api_letters", _("API: letters and messages")


def channel_for(kind: str) -> Channel:
    return Channel.API if kind.startswith("api_") else Channel.SCREEN


_REFUSAL = "access log entries are append-only; only the retention prune removes them"


class AccessLogQuerySet(models.QuerySet["AccessLogEntry"]):
    """Bulk update and delete are refused; `prune_delete` is the retention prune's own way out."""

    def update(self, **kwargs: Any) -> int:
        raise TypeError(_REFUSAL)

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError(_REFUSAL)

    def prune_delete(self) -> int:
        """Only for `services.access_log_prune`: one DELETE (nothing refers to these rows)."""
        deleted, _ = super().delete()
        return deleted


class AccessLogEntry(models.Model):
    accessed_at = models.DateTimeField(_("when"), default=timezone.now)
    # PROTECT, as for the timeline's actor: a user who has seen a case cannot be deleted while the
    # entry is kept (deactivate the account instead), so the trail cannot be erased with the account.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    user_label = models.CharField(_("user name"), max_length=150, help_text=_("the user name at that moment"))
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    kind = models.CharField(_("what"), max_length=30, choices=AccessKind.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    detail = models.CharField(
        _("detail"), max_length=200, blank=True, help_text=_("which letter or document")
    )

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        indexes = [
            # "who looked at case X" (and the case screen's panel: the newest few)
            models.Index(fields=["case", "-accessed_at"], name="access_case_time_idx"),
            # "what did user Y look at"
            models.Index(fields=["user", "-accessed_at"], name="access_user_time_idx"),
            # a date range on its own, and the retention prune
            models.Index(fields=["accessed_at"], name="access_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.accessed_at:%Y-%m-%d %H:%M} {self.user_label} {self.kind} case {self.case_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TypeError(_REFUSAL)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError(_REFUSAL)
