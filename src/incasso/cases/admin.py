from django.contrib import admin

from incasso.cases.models import Case, Claim, DebtType, Document, Event, LedgerEntry, Note, Task


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Ledger and timeline are append-only: visible in the admin, never editable."""

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["number", "client", "debtor", "state", "opened_on", "officer"]
    list_filter = ["state", "client"]
    search_fields = ["number", "debtor__last_name", "debtor__organisation_name", "client_reference"]
    raw_id_fields = ["debtor"]
    readonly_fields = ["number", "payment_reference", "state", "closed_on", "closing_reason"]


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ["case", "kind", "bucket", "amount", "value_on", "source"]
    list_filter = ["kind", "bucket"]


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["case", "kind", "summary", "occurred_at", "actor_label"]


admin.site.register(DebtType)
admin.site.register(Claim)
admin.site.register(Note)
admin.site.register(Task)
admin.site.register(Document)
