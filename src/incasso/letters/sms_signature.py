"""The SMS provider's signature on a status report: MessageBird signs every webhook call with a JWT in
the `MessageBird-Signature-JWT` header, HMAC-SHA256/384/512 with the account's signing key. Its claims
bind the call: `iss` "MessageBird", `nbf`/`exp` (a minute), `jti`, `url_hash` (SHA-256 of the full URL
it called, query string included) and `payload_hash` (SHA-256 of the body, present when there is
one). `signature_verify` checks all of them, as MessageBird's own SDKs do, against MessageBird's
reference vectors (tests/data/messagebird).

With the key configured (`INCASSO_SMS_SIGNING_KEY`), a report without a valid signature is refused,
so a leaked webhook URL (its token shows in a proxy's log) is not enough to forge delivery reports.
Pure: no Django; PyJWT does the JWT.
"""

from __future__ import annotations

import hashlib
import hmac

import jwt

HEADER = "MessageBird-Signature-JWT"
ALGORITHMS = ["HS256", "HS384", "HS512"]
LEEWAY_SECONDS = 5  # clock difference tolerated on nbf/exp, as MessageBird's SDKs do


class SignatureInvalid(Exception):
    """Why the signature does not hold (for the log; the caller answers 403)."""


def signature_verify(token: str, *, key: str, url: str, body: bytes) -> None:
    """Raise `SignatureInvalid` unless `token` is MessageBird's signature, with `key`, of a call to
    `url` (as called: scheme, host, port, path and query) with `body`."""
    if not token:
        raise SignatureInvalid(f"no {HEADER} header")
    try:
        claims = jwt.decode(
            token,
            key.encode("utf-8"),
            algorithms=ALGORITHMS,
            issuer="MessageBird",
            leeway=LEEWAY_SECONDS,
            options={"require": ["iss", "nbf", "exp", "jti", "url_hash"]},
        )
    except jwt.InvalidTokenError as exc:
        raise SignatureInvalid(f"invalid jwt: {exc}") from exc
    if not _same_hash(claims["url_hash"], url.encode("utf-8")):
        raise SignatureInvalid("invalid jwt: claim url_hash is invalid")
    payload_hash = claims.get("payload_hash")
    if payload_hash is None:
        if body:
            raise SignatureInvalid("invalid jwt: claim payload_hash is not set but payload is present")
    elif not body:
        raise SignatureInvalid("invalid jwt: claim payload_hash is set but actual payload is missing")
    elif not _same_hash(payload_hash, body):
        raise SignatureInvalid("invalid jwt: claim payload_hash is invalid")


def _same_hash(claimed: object, data: bytes) -> bool:
    return isinstance(claimed, str) and hmac.compare_digest(
        claimed.lower().encode("ascii", "replace"), hashlib.sha256(data).hexdigest().encode("ascii")
    )
