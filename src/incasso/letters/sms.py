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

Status reports. MessageBird calls the status-report URL set in its dashboard (GET, or POST as a
form) for every message sent with a `reference`, with `id`, `reference`, `recipient`, `status`
(scheduled, sent, buffered, delivered, expired, delivery_failed), `statusReason`, `statusErrorCode`
and `statusDatetime` (RFC 3339). `sms_report_read` checks those and says what a report means for us
(`SmsReport.meaning`):

* delivered: proven delivery.
* delivery_failed with an error code of the "unknown subscriber" group, or without a code and
  status reason "unknown subscriber": the number is not in use (permanent).
* delivery_failed for any other reason (unavailable or busy subscriber, network error, carrier
  rejected, generic failure, call barred), and expired: the SMS did not arrive, the number stays
  valid (a phone switched off for days is not a dead number).
* scheduled, sent, buffered: on its way; nothing to show.

The codes are MessageBird's (Bird's "SMS Platform Extended Error Codes", the GSM MAP error values)
grouped under the status reason "unknown subscriber" ("the receiver number is not associated with an
active line"): 1 EC_UNKNOWN_SUBSCRIBER, 2 EC_UNKNOWN_BASE_STATION, 3 EC_UNKNOWN_MSC,
5 EC_UNIDENTIFIED_SUBSCRIBER, 9 EC_ILLEGAL_SUBSCRIBER, 10 EC_BEARERSERVICE_NOT_PROVISIONED,
11 EC_TELESERVICE_NOT_PROVISIONED (a line that cannot receive SMS, such as a landline). Their group
also lists 12 EC_CALL_BARRED; we do not count it as permanent: a barred line is often a prepaid or
unpaid subscription that is unbarred later, and debtors are exactly the people whose line may be
barred for a while.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.translation import gettext as _

from incasso.core.exceptions import DomainError


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


class SmsMeaning:
    """What a status report means for the message and the number (see the module docstring)."""

    DELIVERED = "delivered"
    NUMBER_NOT_IN_USE = "number_not_in_use"
    NOT_DELIVERED = "not_delivered"
    ON_ITS_WAY = "on_its_way"


REPORT_STATUSES = ("scheduled", "sent", "buffered", "delivered", "expired", "delivery_failed")
NUMBER_NOT_IN_USE_CODES = {
    1: "EC_UNKNOWN_SUBSCRIBER",
    2: "EC_UNKNOWN_BASE_STATION",
    3: "EC_UNKNOWN_MSC",
    5: "EC_UNIDENTIFIED_SUBSCRIBER",
    9: "EC_ILLEGAL_SUBSCRIBER",
    10: "EC_BEARERSERVICE_NOT_PROVISIONED",
    11: "EC_TELESERVICE_NOT_PROVISIONED",
}
NUMBER_NOT_IN_USE_REASON = "unknown subscriber"
# Equal report times: the later status in a message's life wins (a report of "sent" and one of
# "delivered" stamped with the same second arrive in any order).
STATUS_RANK = {"scheduled": 0, "sent": 1, "buffered": 2, "expired": 3, "delivery_failed": 3, "delivered": 4}


@dataclass(frozen=True)
class SmsReport:
    """One status report as MessageBird sent it, checked."""

    provider_id: str
    reference: str
    recipient: str
    status: str
    reason: str
    error_code: int | None
    at: dt.datetime

    @property
    def meaning(self) -> str:
        if self.status == "delivered":
            return SmsMeaning.DELIVERED
        if self.status == "delivery_failed":
            if self.error_code:  # 0 is EC_NO_ERROR: no detail, decide on the reason
                permanent = self.error_code in NUMBER_NOT_IN_USE_CODES
            else:
                permanent = _plain(self.reason) == NUMBER_NOT_IN_USE_REASON
            return SmsMeaning.NUMBER_NOT_IN_USE if permanent else SmsMeaning.NOT_DELIVERED
        if self.status == "expired":
            return SmsMeaning.NOT_DELIVERED
        return SmsMeaning.ON_ITS_WAY

    @property
    def reason_text(self) -> str:
        """'unknown subscriber (code 1 EC_UNKNOWN_SUBSCRIBER)', for the timeline and the panel."""
        reason = self.reason or ("verlopen" if self.status == "expired" else self.status.replace("_", " "))
        if self.error_code:
            name = NUMBER_NOT_IN_USE_CODES.get(self.error_code, "")
            reason += f" (code {self.error_code}{' ' + name if name else ''})"
        return reason


_LOST_PLUS = re.compile(r"(T\d{2}:\d{2}:\d{2}(?:\.\d+)?) (\d{2}:?\d{2})$")


def _rfc3339(raw: str) -> dt.datetime | None:
    """'2016-05-03T08:58:10+00:00' (or Z) as an aware datetime; None for anything else. A '+' sent
    unencoded in a query string arrives as a space, so '…08:58:10 00:00' is read as '+00:00'."""
    try:
        at = dt.datetime.fromisoformat(_LOST_PLUS.sub(r"\1+\2", raw))
    except ValueError:
        return None
    return at if at.tzinfo is not None else None


def _plain(text: str) -> str:
    return " ".join(text.replace("_", " ").lower().split())


def sms_report_read(params: Mapping[str, str]) -> SmsReport:
    """A MessageBird status report from its (query or form) parameters; raise DomainError naming the
    first missing or malformed field."""

    def required(name: str) -> str:
        value = (params.get(name) or "").strip()
        if not value:
            raise DomainError(_("This field is required"), field=name)
        return value

    provider_id = required("id")
    reference = required("reference")
    status = required("status").lower()
    if status not in REPORT_STATUSES:
        raise DomainError(
            _("Unknown status %(status)r (expected one of %(statuses)s)")
            % {"status": status, "statuses": ", ".join(REPORT_STATUSES)},
            field="status",
        )
    raw_at = required("statusDatetime")
    at = _rfc3339(raw_at)
    if at is None:
        raise DomainError(
            _("Not an RFC 3339 date and time with a time zone: %(value)r") % {"value": raw_at},
            field="statusDatetime",
        )
    raw_code = (params.get("statusErrorCode") or "").strip()
    if raw_code and not raw_code.isdigit():
        raise DomainError(_("Not a number: %(value)r") % {"value": raw_code}, field="statusErrorCode")
    return SmsReport(
        provider_id=provider_id[:100],
        reference=reference,
        recipient=(params.get("recipient") or "").strip(),
        status=status,
        reason=" ".join((params.get("statusReason") or "").split())[:200],
        error_code=int(raw_code) if raw_code else None,
        at=at,
    )
