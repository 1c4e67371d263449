"""Making, checking and revoking API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from incasso.api.models import ApiToken
from incasso.core.exceptions import DomainError

TOKEN_START = "inc_"
PREFIX_LENGTH = 8
TOUCH_EVERY = dt.timedelta(minutes=5)  # last_used_at is a hint, not a log: no write per request


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user: Any, name: str) -> tuple[ApiToken, str]:
    """A new token for `user`; the secret is returned once and never stored."""
    if not name.strip():
        raise DomainError(_("A token needs a name that says what it is for"), field="name")
    if not getattr(user, "is_active", False):
        raise DomainError(_("User %(user)s is not active") % {"user": user}, field="user")
    prefix = secrets.token_hex(PREFIX_LENGTH // 2)
    token = f"{TOKEN_START}{prefix}_{secrets.token_urlsafe(32)}"
    record = ApiToken.objects.create(user=user, name=name.strip(), prefix=prefix, secret_hash=_digest(token))
    return record, token


def api_token_user(token: str) -> Any | None:
    """The active user a presented token belongs to, or None (unknown, revoked, or user inactive)."""
    if not token.startswith(TOKEN_START):
        return None
    prefix = token[len(TOKEN_START) : len(TOKEN_START) + PREFIX_LENGTH]
    record = ApiToken.objects.select_related("user").filter(prefix=prefix, revoked_at=None).first()
    if record is None or not hmac.compare_digest(record.secret_hash, _digest(token)):
        return None
    if not record.user.is_active:
        return None
    now = timezone.now()
    if record.last_used_at is None or now - record.last_used_at > TOUCH_EVERY:
        ApiToken.objects.filter(pk=record.pk).update(last_used_at=now)
    return record.user


def api_token_revoke(*, prefix: str) -> ApiToken:
    record = ApiToken.objects.filter(prefix=prefix.removeprefix(TOKEN_START)[:PREFIX_LENGTH]).first()
    if record is None:
        raise DomainError(_("No API token with prefix %(prefix)s") % {"prefix": prefix}, field="prefix")
    if record.revoked_at is None:
        record.revoked_at = timezone.now()
        record.save(update_fields=["revoked_at"])
    return record
