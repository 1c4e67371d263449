from django.contrib import admin

from incasso.letters.models import Letterhead, LetterTemplate, SentLetter


@admin.register(Letterhead)
class LetterheadAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "client", "wki_registration", "iban"]


@admin.register(LetterTemplate)
class LetterTemplateAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-only here: texts are changed in /letters/templates/, where they are checked."""

    list_display = ["code", "language", "version", "active", "updated_by", "updated_at"]
    list_filter = ["code", "language", "active"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(SentLetter)
class SentLetterAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["case", "channel", "template", "letter_date", "recipient", "sha256"]
    exclude = ["pdf"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
