"""Debtors: persons and organisations, with their addresses (with history), contact points and IBANs."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class DebtorKind(models.TextChoices):
    PERSON = "person", _("person")
    ORGANISATION = "organisation", _("organisation")


class CorrespondenceLanguage(models.TextChoices):
    """The language of the letters, e-mails and SMS a debtor gets (the templates exist in both)."""

    NL = "nl", _("Dutch")
    EN = "en", _("English")


class Debtor(models.Model):
    kind = models.CharField(_("kind"), max_length=12, choices=DebtorKind.choices)
    first_names = models.CharField(_("first names / initials"), max_length=100, blank=True)
    name_prefix = models.CharField(
        _("prefix"), max_length=20, blank=True, help_text=_("e.g. van, de, van der")
    )
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    organisation_name = models.CharField(_("organisation name"), max_length=200, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    kvk_number = models.CharField(_("KvK number"), max_length=8, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    language = models.CharField(
        _("language of letters"),
        max_length=2,
        choices=CorrespondenceLanguage.choices,
        default=CorrespondenceLanguage.NL,
    )
    anonymised_at = models.DateTimeField(
        _("anonymised at"),
        null=True,
        blank=True,
        help_text=_("Personal data erased at the end of the retention term or on request (GDPR)"),
    )

    class Meta:
        verbose_name = _("debtor")
        verbose_name_plural = _("debtors")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="person", last_name__gt="")
                | Q(kind="organisation", organisation_name__gt=""),
                name="debtor_has_name",
            ),
        ]
        indexes = [models.Index(fields=["last_name"]), models.Index(fields=["organisation_name"])]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.kind == DebtorKind.ORGANISATION:
            return self.organisation_name
        return " ".join(part for part in (self.first_names, self.name_prefix, self.last_name) if part)


class Address(models.Model):
    """A postal address. A move closes the old row (valid_until) and adds a new one: history is kept."""

    debtor = models.ForeignKey(Debtor, on_delete=models.CASCADE, related_name="addresses")
    street = models.CharField(_("street"), max_length=200)
    house_number = models.CharField(_("house number"), max_length=20)
    postcode = models.CharField(_("postcode"), max_length=12)
    city = models.CharField(_("city"), max_length=100)
    country = models.CharField(_("country"), max_length=2, default="NL")
    source = models.CharField(_("source"), max_length=50, blank=True, help_text=_("e.g. client, BRP, debtor"))
    is_valid = models.BooleanField(_("valid"), default=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        ordering = ["-valid_from", "-id"]
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        indexes = [models.Index(fields=["postcode"])]

    def __str__(self) -> str:
        return f"{self.street} {self.house_number}, {self.postcode} {self.city}"

    @property
    def lines(self) -> list[str]:
        return [f"{self.street} {self.house_number}", f"{self.postcode}  {self.city.upper()}"]


class DataSource(models.TextChoices):
    """Where an address, e-mail address, phone number or bank account came from (the `source` columns
    are free text; these are the values the screens and imports write, with their labels)."""

    DEBTOR = "debtor", _("the debtor")
    CLIENT = "client", _("the client")
    BRP = "brp", _("BRP (population register)")
    BAILIFF = "bailiff", _("bailiff")
    MANUAL = "manual", _("entered by hand")
    OTHER = "other", _("other")


def source_label(value: str) -> str:
    """The label of a known source, else the value as stored."""
    return str(DataSource(value).label) if value in DataSource.values else value


class ContactKind(models.TextChoices):
    EMAIL = "email", _("e-mail")
    PHONE = "phone", _("phone")


class ContactPoint(models.Model):
    debtor = models.ForeignKey(Debtor, on_delete=models.CASCADE, related_name="contact_points")
    kind = models.CharField(_("kind"), max_length=5, choices=ContactKind.choices)
    value = models.CharField(_("value"), max_length=254)
    source = models.CharField(_("source"), max_length=50, blank=True)
    is_valid = models.BooleanField(_("valid"), default=True)
    invalid_reason = models.CharField(_("why invalid"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "-is_valid", "id"]
        verbose_name = _("contact point")
        verbose_name_plural = _("contact points")
        constraints = [
            models.UniqueConstraint(fields=["debtor", "kind", "value"], name="contact_point_unique")
        ]
        indexes = [models.Index(fields=["value"])]

    def __str__(self) -> str:
        return self.value


class BankAccount(models.Model):
    debtor = models.ForeignKey(Debtor, on_delete=models.CASCADE, related_name="bank_accounts")
    iban = models.CharField(_("IBAN"), max_length=34, db_index=True)
    holder_name = models.CharField(_("account holder"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=50, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bank account")
        verbose_name_plural = _("bank accounts")
        constraints = [models.UniqueConstraint(fields=["debtor", "iban"], name="bank_account_unique")]

    def __str__(self) -> str:
        return self.iban
