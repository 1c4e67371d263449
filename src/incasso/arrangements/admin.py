"""Client limits for arrangements and officers' authority, edited by an administrator (or a supervisor
the administrator gave staff status and these models' permissions).

No `fields` here on purpose: every field of the model is shown, so a field added to the model
appears in the admin without a change to this file. `config/admin.py` shows the policy inline on
the client's page too."""

from django.contrib import admin

from incasso.arrangements.models import ArrangementAuthority, ArrangementPolicy


class ArrangementPolicyInline(admin.StackedInline):  # type: ignore[type-arg]
    """On the client's page; no row means the defaults (docs/arrangements.md)."""

    model = ArrangementPolicy
    extra = 0
    max_num = 1


@admin.register(ArrangementPolicy)
class ArrangementPolicyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["client", "max_months", "min_instalment", "down_payment_percent", "interest_frozen"]
    search_fields = ["client__name", "client__code"]
    autocomplete_fields = ["client"]


@admin.register(ArrangementAuthority)
class ArrangementAuthorityAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["user", "max_months", "max_balance"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user"]
