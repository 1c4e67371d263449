"""A client's legal settings (hand-over approval, court-fee column), edited by an administrator.
`config/admin.py` shows them inline on the client's page too."""

from django.contrib import admin

from incasso.legal.models import ClientLegalPolicy


class ClientLegalPolicyInline(admin.StackedInline):  # type: ignore[type-arg]
    """On the client's page; no row means the defaults (approval required, legal person)."""

    model = ClientLegalPolicy
    extra = 0
    max_num = 1


@admin.register(ClientLegalPolicy)
class ClientLegalPolicyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["client", "handover_approval_required", "court_fee_category"]
    list_filter = ["handover_approval_required", "court_fee_category"]
    search_fields = ["client__name", "client__code"]
    autocomplete_fields = ["client"]
