"""Read-mostly admin for strategies: building versions goes through services (validation on publish)."""

from django.contrib import admin

from incasso.strategies.models import DailyRun, Hold, OutgoingMessage, Step, Strategy, StrategyVersion


class StepInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Step
    extra = 0
    can_delete = False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Strategy)
class StrategyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "client", "debtor_role", "debt_type", "min_amount", "max_amount", "is_active"]
    list_filter = ["debtor_role", "is_active"]


@admin.register(StrategyVersion)
class StrategyVersionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["strategy", "number", "is_published", "published_at"]
    readonly_fields = ["strategy", "number", "is_published", "published_at"]
    inlines = [StepInline]


@admin.register(Hold)
class HoldAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["case", "reason", "starts_on", "until", "released_at"]
    list_filter = ["reason"]


@admin.register(DailyRun)
class DailyRunAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["run_date", "dry_run", "started_at", "finished_at"]
    readonly_fields = ["run_date", "dry_run", "started_at", "finished_at", "counts", "started_by"]


@admin.register(OutgoingMessage)
class OutgoingMessageAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["case", "channel", "template_code", "status", "queued_on", "sent_on"]
    list_filter = ["channel", "status", "template_code"]
