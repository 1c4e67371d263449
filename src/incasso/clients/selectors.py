"""Reads for clients, scoped to what the user may see."""

from __future__ import annotations

from django.db.models import QuerySet

from incasso.clients.models import Client


def client_list_for_user(*, user: object) -> QuerySet[Client]:
    client_id = getattr(user, "client_id", None)
    qs = Client.objects.filter(is_active=True)
    if getattr(user, "role", None) == "client_user":
        return qs.filter(pk=client_id) if client_id is not None else qs.none()
    return qs


def client_get_by_code(*, code: str) -> Client | None:
    return Client.objects.filter(code=code).first()
