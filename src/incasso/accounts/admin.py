from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.utils.translation import gettext_lazy as _

from incasso.accounts.models import Role, User


class IncassoUserChangeForm(UserChangeForm):  # type: ignore[type-arg]
    """A client user sees its own client: it cannot also be restricted to clients. A restricted
    staff member gets no Django admin access, which shows every client's data."""

    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        clients = data.get("clients")
        if clients and data.get("role") == Role.CLIENT_USER:
            self.add_error(
                "clients",
                forms.ValidationError(
                    _("A client user sees only its own client: leave “restricted to clients” empty."),
                    code="client_user_restricted",
                ),
            )
        elif clients and (data.get("is_staff") or data.get("is_superuser")):
            self.add_error(
                "clients",
                forms.ValidationError(
                    _(
                        "The Django admin shows every client's data: a user restricted to clients "
                        "cannot have staff or superuser status."
                    ),
                    code="restricted_admin_access",
                ),
            )
        return data


@admin.register(User)
class IncassoUserAdmin(UserAdmin):  # type: ignore[type-arg]
    form = IncassoUserChangeForm
    list_display = ["username", "first_name", "last_name", "role", "client", "is_active"]
    list_filter = ["role", "client", "is_active"]
    filter_horizontal = (*UserAdmin.filter_horizontal, "clients")
    fieldsets = (*UserAdmin.fieldsets, ("Incasso", {"fields": ("role", "client", "clients")}))  # type: ignore[misc]
