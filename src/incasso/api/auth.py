"""Bearer-token authentication: `Authorization: Bearer inc_…`. The token acts as its user."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from incasso.api.services import api_token_user


class TokenAuth(HttpBearer):
    openapi_description = "An API token made with `incasso apitoken create --user NAME --name WHAT`."

    def authenticate(self, request: HttpRequest, token: str) -> Any | None:
        user = api_token_user(token)
        if user is not None:
            request.user = user
        return user
