"""The SMS provider's signature, checked against MessageBird's own reference vectors."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from incasso.letters.sms_signature import SignatureInvalid, signature_verify

VECTORS = json.loads(
    (Path(__file__).parent / "data" / "messagebird" / "signature_jwt_reference.json").read_text()
)


@pytest.mark.parametrize("case", VECTORS, ids=[v["name"] for v in VECTORS])
def test_messagebird_reference_vectors(case, time_machine):
    time_machine.move_to(dt.datetime.fromisoformat(case["timestamp"]), tick=False)
    body = case.get("payload", "").encode("utf-8")
    if case["valid"]:
        signature_verify(case["token"], key=case["secret"], url=case["url"], body=body)
    else:
        with pytest.raises(SignatureInvalid) as refused:
            signature_verify(case["token"], key=case["secret"], url=case["url"], body=body)
        words = {
            "nbf is in the future": "not yet valid",
            "exp is in the past": "expired",
            "signature is invalid": "Signature verification failed",
        }
        reason = case["reason"].removeprefix("invalid jwt: claim ").removeprefix("invalid jwt: ")
        assert any(w in str(refused.value) for w in (reason, words.get(reason, reason)))


def test_a_wrong_key_or_no_header_is_refused(time_machine):
    case = VECTORS[0]
    time_machine.move_to(dt.datetime.fromisoformat(case["timestamp"]), tick=False)
    with pytest.raises(SignatureInvalid, match="Signature verification failed"):
        signature_verify(
            case["token"], key="another signing key of a different account", url=case["url"], body=b""
        )
    with pytest.raises(SignatureInvalid, match="no MessageBird-Signature-JWT header"):
        signature_verify("", key=case["secret"], url=case["url"], body=b"")
    with pytest.raises(SignatureInvalid, match="invalid jwt"):
        signature_verify("not.a.jwt", key=case["secret"], url=case["url"], body=b"")
