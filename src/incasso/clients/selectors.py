"""Reads for clients, scoped to what the user may see."""

from __future__ import annotations

from django.db.models import QuerySet

from incasso.clients.models import Client
from incasso.core.access import scope_to_clients


def client_list_for_user(*, user: object) -> QuerySet[Client]:
    """Active clients the user may see: its own (client user), its restriction (staff) or all."""
    return scope_to_clients(Client.objects.filter(is_active=True), user=user, field="pk")


def client_get_by_code(*, code: str) -> Client | None:
    return Client.objects.filter(code=code).first()
