"""The client's page in the Django admin with the client's settings from the workflow apps as inlines:
its arrangement limits (arrangements), legal policy (legal) and contract (payments).

`clients` sits below those apps and may not import them (import-linter's layers), so the page is put
together here, at the top, and `config/urls.py` imports this module beside `admin.site.urls`. The
inlines themselves live in each app's `admin.py`, which also registers its model on its own list."""

from django.contrib import admin

from incasso.arrangements.admin import ArrangementPolicyInline
from incasso.clients.admin import ClientAdmin, ClientContactInline
from incasso.clients.models import Client
from incasso.legal.admin import ClientLegalPolicyInline
from incasso.payments.admin import ClientContractInline


class ClientWithSettingsAdmin(ClientAdmin):
    inlines = [ClientContactInline, ArrangementPolicyInline, ClientLegalPolicyInline, ClientContractInline]


if admin.site.is_registered(Client):
    admin.site.unregister(Client)
admin.site.register(Client, ClientWithSettingsAdmin)
