"""Reading a bounce: which of our e-mails came back, for which address, and why.

Pure Python (no Django, no database): `bounce_read(raw)` turns the bytes of one returned message into
a `Bounce`. Two ways in, most reliable first:

1. RFC 3464: a `multipart/report` with a `message/delivery-status` part, one block per recipient
   with `Final-Recipient`, `Action` and `Status` (RFC 3463 codes) and usually a `Diagnostic-Code`.
   Postfix, Exim, Exchange/Office 365, Gmail and most others send this; Python's `email` package
   parses it.
2. Anything else (older Gmail, qmail, Yahoo, many home-grown mail servers): the detectors of
   `flufl.bounce` (GNU Mailman's; they recognise dozens of formats seen in the wild) name the failed
   and the delayed addresses; `X-Failed-Recipients` (Exim, Gmail) names failed ones too. A status
   code in the text, if any, says why.

What it means for the address (`Verdict`):

* `bounced`: the address does not work: a permanent failure (`Action: failed`, status 5.x.x) whose
  code is about the address itself: 5.1.0–5.1.4, 5.1.6 and 5.1.10 (no such mailbox or domain, bad
  syntax, moved; Office 365's "recipient not found"), 5.2.1 (mailbox disabled), 5.4.4 (unable to
  route: the domain does not exist). A generic 5.0.0 is read through the code in its diagnostic
  text ("550 5.1.1 user unknown"). In the non-RFC formats, a permanent failure without such a code.
* `failed`: the e-mail did not arrive, but the address is not to blame: 5.2.2 mailbox full,
  5.7.x refused as spam or by policy, 5.3.x/5.6.x message too large or refused content, and a
  `failed` with a 4.x.x status (the server gave up after days of retries). The message failed; the
  address stays valid, because a working address marked invalid is lost to the case.
* `delayed`: `Action: delayed` or any 4.x.x: still being retried.
* `not_a_bounce`: an automatic reply (out of office, RFC 3834 `Auto-Submitted` without a delivery
  status), a delivery or relay notice, or anything else.

The messages are recognised by the Message-ID we gave them (`outgoing_message_id`), which a bounce
quotes in its returned headers (`text/rfc822-headers`, `message/rfc822`), in `In-Reply-To`, in
Gmail's `X-Original-Message-ID` or in the copied original text: it is searched for everywhere.
"""

from __future__ import annotations

import datetime as dt
import email
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message
from email.parser import HeaderParser
from email.utils import getaddresses, parseaddr, parsedate_to_datetime

import flufl.bounce


class Verdict:
    BOUNCED = "bounced"
    FAILED = "failed"
    DELAYED = "delayed"
    NOT_A_BOUNCE = "not_a_bounce"


_RANK = {Verdict.NOT_A_BOUNCE: 0, Verdict.DELAYED: 1, Verdict.FAILED: 2, Verdict.BOUNCED: 3}

# incasso.<message pk>.<16 hex>@<domain>: random, so a forged bounce cannot guess it.
OUR_MESSAGE_ID = re.compile(rb"incasso\.(\d{1,18})\.([0-9a-f]{16})@([a-z0-9-]+(?:\.[a-z0-9-]+)*)", re.I)
STATUS_CODE = re.compile(r"\b([245])\.(\d{1,3})\.(\d{1,3})\b")
ADDRESS_CODE = re.compile(r"^5\.(?:1\.(?:[0-4]|6|10)|2\.1|4\.4)$")
_SMTP_CODES = re.compile(
    r"^[245]\d\d[ -]|\b[245]\d\d[ -](?=[245]\.\d)"
)  # a reply code, leading or before a status
_AUTO_REPLY_SUBJECT = re.compile(
    r"^\s*(out of (the )?office|automatic reply|auto(matisch|matic)? ?(antwoord|reply|response)|"
    r"afwezig|autoreply|abwesenheit|absence)",
    re.I,
)
_DAEMONS = ("mailer-daemon", "postmaster", "mail-daemon", "mailerdaemon")


class NotAnEmail(ValueError):
    """The input is not an e-mail message at all (empty, or no header lines)."""


def outgoing_message_id(message_pk: int, domain: str) -> str:
    """The Message-ID an outgoing e-mail gets: '<incasso.4711.9f86d081884c7d65@example.nl>'."""
    return f"<incasso.{message_pk}.{secrets.token_hex(8)}@{(domain or 'localhost').lower()}>"


@dataclass(frozen=True)
class RecipientResult:
    address: str  # as the bounce names it, lower case
    original: str  # Original-Recipient, when the bounce gives it
    verdict: str
    status: str  # "5.1.1", or "" when the bounce gives none
    reason: str  # "5.1.1 <jan@example.nl>: Recipient address rejected: User unknown"


@dataclass(frozen=True)
class Bounce:
    kind: str  # "dsn", "heuristic", "auto_reply" or "other"
    recipients: tuple[RecipientResult, ...]
    message_ids: tuple[str, ...]  # ours, found anywhere in it: '<incasso.…@…>', lower case
    date: dt.datetime | None

    @property
    def verdict(self) -> str:
        return max((r.verdict for r in self.recipients), key=_RANK.__getitem__, default=Verdict.NOT_A_BOUNCE)

    def result_for(self, address: str) -> RecipientResult | None:
        """The result for the address we sent to; else the worst one (a forwarding address bounced)."""
        wanted = address.strip().lower()
        for result in self.recipients:
            if wanted in (result.address, result.original):
                return result
        if not self.recipients:
            return None
        return max(self.recipients, key=lambda r: _RANK[r.verdict])


def bounce_read(raw: bytes) -> Bounce:
    """What one returned message says; raise `NotAnEmail` for input that is no e-mail at all."""
    if not raw.strip():
        raise NotAnEmail("empty message")
    msg = email.message_from_bytes(raw)
    if not msg.keys():
        raise NotAnEmail("no e-mail headers")
    ids = tuple(sorted(_our_message_ids(raw, msg)))
    date = _date(msg)
    recipients = tuple(_dsn_results(msg))
    if recipients:
        return Bounce("dsn", recipients, ids, date or _dsn_date(msg))
    if _is_auto_reply(msg):
        return Bounce("auto_reply", (), ids, date)
    recipients = tuple(_heuristic_results(msg))
    return Bounce("heuristic" if recipients else "other", recipients, ids, date)


def classify(*, action: str, status: str) -> str:
    """The verdict for one recipient from its DSN Action and Status (see the module docstring)."""
    action = action.strip().lower()
    if action.startswith(("fail", "error")):  # OpenSMTPD writes "error"
        if status.startswith("4"):
            return Verdict.FAILED
        return Verdict.BOUNCED if not status or ADDRESS_CODE.match(status) else Verdict.FAILED
    if action.startswith("delay") or status.startswith("4"):
        return Verdict.DELAYED
    return Verdict.NOT_A_BOUNCE  # delivered, relayed, expanded


def _dsn_results(msg: Message) -> Iterator[RecipientResult]:
    for part in msg.walk():
        if part.get_content_type() not in ("message/delivery-status", "message/global-delivery-status"):
            continue
        for block in _blocks(part):
            final = _address_field(block.get("Final-Recipient", ""))
            action = str(block.get("Action", ""))
            if not final or not action:
                continue  # the per-message block, or one without what we need
            diagnostic = _diagnostic(str(block.get("Diagnostic-Code", "")))
            status = _status(str(block.get("Status", "")), diagnostic)
            yield RecipientResult(
                address=final,
                original=_address_field(block.get("Original-Recipient", "")),
                verdict=classify(action=action, status=status),
                status=status,
                reason=_reason(status, diagnostic),
            )


def _blocks(part: Message) -> list[Message]:
    payload = part.get_payload()
    if isinstance(payload, list):
        return [p for p in payload if isinstance(p, Message)]
    # Parsed as text (an odd transfer encoding): split the header blocks ourselves.
    raw = part.get_payload(decode=True)
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(payload)
    return [HeaderParser().parsestr(chunk) for chunk in re.split(r"\r?\n\s*\r?\n", text) if chunk.strip()]


def _address_field(value: object) -> str:
    """'rfc822; Jan@Example.nl' -> 'jan@example.nl' (also '<jan@…>' without the type)."""
    text = " ".join(str(value).split())
    if ";" in text:
        text = text.split(";", 1)[1]
    return parseaddr(text.strip())[1].lower()


def _status(field: str, diagnostic: str) -> str:
    found = STATUS_CODE.search(field)
    status = ".".join(found.groups()) if found else ""
    if not status or status.endswith(".0.0"):  # generic: the diagnostic may say more
        better = STATUS_CODE.search(diagnostic)
        if better and (not status or better.group(1) == status[0]):
            return ".".join(better.groups())
    return status


def _diagnostic(value: str) -> str:
    text = " ".join(value.split())
    kind, sep, rest = text.partition(";")
    if sep and kind.strip().lower() in ("smtp", "x-unix", "x-postfix", "x-local", "x-exim"):
        text = rest
    return text.strip()


def _reason(status: str, diagnostic: str) -> str:
    """'5.1.1 <jan@example.nl>: Recipient address rejected: User unknown' (SMTP codes dropped)."""
    text = " ".join(_SMTP_CODES.sub(" ", diagnostic).split())
    if status:  # the code itself once, in front
        text = " ".join(re.sub(rf"(?<![\d.]){re.escape(status)}(?![\d.])", " ", text).split())
    return f"{status} {text}".strip()[:300] or "permanent failure"


def _heuristic_results(msg: Message) -> Iterator[RecipientResult]:
    temporary, permanent = flufl.bounce.all_failures(msg)
    failed = {a.decode("ascii").lower() for a in permanent}
    failed.update(a.lower() for _name, a in getaddresses(msg.get_all("X-Failed-Recipients", [])) if a)
    delayed = {a.decode("ascii").lower() for a in temporary} - failed
    text = _text(msg)
    found = STATUS_CODE.search(text)
    status = ".".join(found.groups()) if found else ""
    line = next((ln.strip() for ln in text.splitlines() if status and status in ln), "")
    for address in sorted(failed):
        verdict = Verdict.BOUNCED if not status else classify(action="failed", status=status)
        yield RecipientResult(address, "", verdict, status, _reason(status, line or "permanent failure"))
    for address in sorted(delayed):
        yield RecipientResult(address, "", Verdict.DELAYED, status, _reason(status, line or "delayed"))


def _text(msg: Message) -> str:
    """The bounce's own text/plain parts, not the returned original."""
    parts = []
    for part in _own_parts(msg):
        if part.get_content_type() == "text/plain":
            raw = part.get_payload(decode=True)
            if isinstance(raw, bytes):
                parts.append(_decode(raw, part.get_content_charset()))
    text = "\n".join(parts)
    return text.split("----- Original message -----")[0]


def _decode(raw: bytes, charset: str | None) -> str:
    try:
        return raw.decode(charset or "latin-1", "replace")
    except LookupError:  # a charset Python does not know ("unknown-8bit")
        return raw.decode("latin-1")


def _own_parts(msg: Message) -> Iterator[Message]:
    if msg.get_content_type() == "message/rfc822":
        return
    if msg.is_multipart():
        for sub in msg.get_payload():
            if isinstance(sub, Message):
                yield from _own_parts(sub)
    else:
        yield msg


def _is_auto_reply(msg: Message) -> bool:
    """An automatic answer by a person's mailbox (RFC 3834, and what Exchange and others put on theirs)."""
    sender = parseaddr(str(msg.get("From", "")))[1].lower()
    if sender.split("@")[0] in _DAEMONS or msg.get("X-Failed-Recipients"):
        return False
    auto = str(msg.get("Auto-Submitted", "no")).strip().lower()
    return (
        not auto.startswith("no")
        or any(msg.get(h) for h in ("X-Autoreply", "X-Autorespond", "X-Autoresponder"))
        or str(msg.get("Precedence", "")).strip().lower() == "auto_reply"
        or _AUTO_REPLY_SUBJECT.match(str(msg.get("Subject", ""))) is not None
    )


def _our_message_ids(raw: bytes, msg: Message) -> set[str]:
    """Every Message-ID of ours anywhere in the bounce: headers, returned headers, copied text."""
    found: set[str] = set()
    chunks = [raw]
    for part in msg.walk():
        chunks.extend(str(v).encode("utf-8", "replace") for v in part.values())
        if not part.is_multipart():
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                chunks.append(payload)
    for chunk in chunks:
        for m in OUR_MESSAGE_ID.finditer(chunk):
            pk, token, domain = (g.decode("ascii").lower() for g in m.groups())
            found.add(f"<incasso.{pk}.{token}@{domain.rstrip('.')}>")
    return found


def _date(msg: Message) -> dt.datetime | None:
    return _parse_date(str(msg.get("Date", "")))


def _dsn_date(msg: Message) -> dt.datetime | None:
    for part in msg.walk():
        if part.get_content_type() == "message/delivery-status":
            for block in _blocks(part):
                for name in ("Last-Attempt-Date", "Arrival-Date"):
                    if at := _parse_date(str(block.get(name, ""))):
                        return at
    return None


def _parse_date(value: str) -> dt.datetime | None:
    if not value.strip():
        return None
    try:
        at = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return at if at.tzinfo is not None else at.replace(tzinfo=dt.UTC)
