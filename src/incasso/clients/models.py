"""The agency's clients (opdrachtgevers): whose claims we collect and to whom we remit."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Client(models.Model):
    name = models.CharField(_("name"), max_length=200)
    code = models.SlugField(_("code"), max_length=20, unique=True, help_text=_("Short code, e.g. ZORGNET"))
    kvk_number = models.CharField(_("KvK number"), max_length=8, blank=True)
    vat_number = models.CharField(_("VAT number"), max_length=20, blank=True)
    vat_deductible = models.BooleanField(
        _("can deduct VAT"),
        default=True,
        help_text=_(
            "If not, VAT is added to collection costs (Besluit BIK art. 2 lid 3), with a declaration."
        ),
    )
    remittance_iban = models.CharField(_("IBAN for remittance"), max_length=34, blank=True)
    letterhead_text = models.TextField(_("letterhead text"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("client")
        verbose_name_plural = _("clients")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class ClientContact(models.Model):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("client contact")
        verbose_name_plural = _("client contacts")

    def __str__(self) -> str:
        return self.name
