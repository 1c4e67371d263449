from django.contrib import admin

from incasso.clients.models import Client, ClientContact


class ClientContactInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ClientContact
    extra = 0


# config/admin.py registers this page again with the workflow apps' client settings as inlines
@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "code", "kvk_number", "vat_deductible", "is_active"]
    search_fields = ["name", "code"]
    inlines = [ClientContactInline]
