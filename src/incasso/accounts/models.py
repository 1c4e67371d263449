"""Users and roles: staff of the agency (officer, supervisor, administrator) and client users."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from incasso.core.access import is_restricted


class Role(models.TextChoices):
    OFFICER = "officer", _("collection officer")
    SUPERVISOR = "supervisor", _("supervisor")
    ADMINISTRATOR = "administrator", _("administrator")
    CLIENT_USER = "client_user", _("client user")


STAFF_ROLES = frozenset({Role.OFFICER, Role.SUPERVISOR, Role.ADMINISTRATOR})


class IncassoUserManager(UserManager["User"]):
    def create_superuser(
        self, username: str, email: str | None = None, password: str | None = None, **extra_fields: Any
    ) -> User:
        extra_fields.setdefault("role", Role.ADMINISTRATOR)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    objects = IncassoUserManager()  # type: ignore[misc]
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.OFFICER)
    client = models.ForeignKey(
        "clients.Client",
        verbose_name=_("client"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text=_("Only for client users: the client whose cases they may see."),
    )
    clients = models.ManyToManyField(
        "clients.Client",
        verbose_name=_("restricted to clients"),
        blank=True,
        related_name="staff_members",
        help_text=_("Only for agency staff: the clients whose cases this user may see. Empty: every client."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(role="client_user", client__isnull=False)
                    | (~Q(role="client_user") & Q(client__isnull=True))
                ),
                name="client_user_has_client_staff_has_none",
            )
        ]

    @property
    def is_agency_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def is_supervisor(self) -> bool:
        return self.role in {Role.SUPERVISOR, Role.ADMINISTRATOR}

    @property
    def is_restricted(self) -> bool:
        """Agency staff that see only some clients' cases (`core.access.client_scope` decides)."""
        return is_restricted(self)
