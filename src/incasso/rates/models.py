"""Rate changes entered by staff, laid over the packaged 6:119 / 6:119a tables.

The packaged CSVs in `incasso.calculations` are the base; a `RateChange` adds a future change (a new
decree, a new half-year rate) or replaces a packaged row with the same date. See `selectors.rate_table`.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RateBasis(models.TextChoices):
    CONSUMER = "consumer", _("Statutory interest (art. 6:119 BW)")
    COMMERCIAL = "commercial", _("Commercial statutory interest (art. 6:119a BW)")


class RateChange(models.Model):
    basis = models.CharField(_("basis"), max_length=16, choices=RateBasis.choices)
    effective_from = models.DateField(_("effective from"))
    percent = models.DecimalField(_("rate (% per year)"), max_digits=7, decimal_places=4)
    source = models.CharField(_("source"), max_length=500)
    verified = models.BooleanField(_("verified"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["basis", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["basis", "effective_from"], name="rates_one_change_per_basis_and_date"
            ),
            models.CheckConstraint(condition=Q(percent__gte=0), name="rates_percent_not_negative"),
            models.CheckConstraint(
                condition=Q(basis__in=["consumer", "commercial"]), name="rates_known_basis"
            ),
        ]
        verbose_name = _("rate change")
        verbose_name_plural = _("rate changes")

    def __str__(self) -> str:
        return f"{self.basis} {self.effective_from.isoformat()} {self.percent}%"
