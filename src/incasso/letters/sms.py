"""Sending an SMS through a provider. One real implementation: the MessageBird (Bird) REST API.

    POST {INCASSO_SMS_BASE_URL}/messages
    Authorization: AccessKey {INCASSO_SMS_ACCESS_KEY}
    Content-Type: application/json
    {"originator": "...", "recipients": ["31612345678"], "body": "...", "reference": "..."}

201 Created answers `{"id": "...", ...}`. A 4xx answer is permanent (`{"errors": [{"code": 9,
"description": "..."}]}`: a wrong number, a bad key); a 5xx answer or no connection is transient and
retried with back-off.

Settings: `INCASSO_SMS_PROVIDER` ("messagebird", or "" for none), `INCASSO_SMS_BASE_URL` (default
https://rest.messagebird.com), `INCASSO_SMS_ACCESS_KEY`, `INCASSO_SMS_ORIGINATOR` (max 11 letters).
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings


class SmsError(Exception):
    def __init__(self, reason: str, *, permanent: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


class SmsProvider(Protocol):
    def send(self, *, to: str, text: str, reference: str) -> str:
        """Send one SMS; return the provider's message id or raise `SmsError`."""
        ...


def msisdn(phone: str) -> str:
    """'06 1234 5678' / '+31 6 12345678' / '0031612345678' -> '31612345678'."""
    digits = re.sub(r"\D", "", phone)
    if digits.startswith("00"):
        return digits[2:]
    if digits.startswith("0"):
        return "31" + digits[1:]
    return digits


@dataclass(frozen=True)
class MessageBirdProvider:
    base_url: str
    access_key: str
    originator: str
    timeout: float = 10.0

    def send(self, *, to: str, text: str, reference: str) -> str:
        body = json.dumps(
            {"originator": self.originator, "recipients": [msisdn(to)], "body": text, "reference": reference}
        ).encode("utf-8")
        request = urllib.request.Request(
            self.base_url.rstrip("/") + "/messages",
            data=body,
            method="POST",
            headers={
                "Authorization": f"AccessKey {self.access_key}",
                "Content-Type": "application/json",
                "Accept": "application/json",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return str(json.loads(response.read() or b"{}").get("id", ""))
        except urllib.error.HTTPError as exc:
            reason = _error_text(exc)
            raise SmsError(f"HTTP {exc.code}: {reason}", permanent=400 <= exc.code < 500) from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise SmsError(f"geen verbinding met de sms-dienst: {exc}", permanent=False) from exc


def _error_text(exc: urllib.error.HTTPError) -> str:
    try:
        errors = json.loads(exc.read() or b"{}").get("errors") or []
        return "; ".join(str(e.get("description", e)) for e in errors) or exc.reason
    except (ValueError, AttributeError):
        return str(exc.reason)


def sms_provider() -> SmsProvider | None:
    name = getattr(settings, "INCASSO_SMS_PROVIDER", "")
    if not name:
        return None
    if name != "messagebird":
        raise ValueError(f"INCASSO_SMS_PROVIDER {name!r} is not supported (use 'messagebird')")
    return MessageBirdProvider(
        base_url=getattr(settings, "INCASSO_SMS_BASE_URL", "https://rest.messagebird.com"),
        access_key=getattr(settings, "INCASSO_SMS_ACCESS_KEY", ""),
        originator=getattr(settings, "INCASSO_SMS_ORIGINATOR", "Incasso"),
    )
