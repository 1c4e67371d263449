from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from incasso.accounts.models import User


@admin.register(User)
class IncassoUserAdmin(UserAdmin):  # type: ignore[type-arg]
    list_display = ["username", "first_name", "last_name", "role", "client", "is_active"]
    list_filter = ["role", "client", "is_active"]
    fieldsets = (*UserAdmin.fieldsets, ("Incasso", {"fields": ("role", "client")}))  # type: ignore[misc]
