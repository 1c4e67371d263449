"""Reading a bounce, without the database: the verdict per recipient (what it means for the address),
the status code behind a generic one, our Message-ID wherever a relay left it, the bounce's date."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from incasso.letters.bounce_parse import Verdict, bounce_read, classify

DATA = Path(__file__).parent / "data" / "bounces"


@pytest.mark.parametrize(
    "action, status, verdict",
    [
        ("failed", "5.1.1", Verdict.BOUNCED),  # user unknown
        ("failed", "5.1.2", Verdict.BOUNCED),  # no such domain
        ("failed", "5.1.10", Verdict.BOUNCED),  # Office 365: recipient not found; RFC 7505: null MX
        ("failed", "5.2.1", Verdict.BOUNCED),  # mailbox disabled
        ("failed", "5.4.4", Verdict.BOUNCED),  # unable to route
        ("failed", "", Verdict.BOUNCED),  # failed without a status: the address
        ("failed", "5.2.2", Verdict.FAILED),  # mailbox full
        ("failed", "5.7.1", Verdict.FAILED),  # refused as spam or by policy
        ("failed", "5.3.4", Verdict.FAILED),  # message too big
        ("failed", "5.1.7", Verdict.FAILED),  # our sender address, not theirs
        ("failed", "4.4.7", Verdict.FAILED),  # given up after days of retries
        ("error", "5.1.1", Verdict.BOUNCED),  # OpenSMTPD
        ("delayed", "4.4.1", Verdict.DELAYED),
        ("delayed", "", Verdict.DELAYED),
        ("relayed", "2.0.0", Verdict.NOT_A_BOUNCE),
        ("delivered", "2.0.0", Verdict.NOT_A_BOUNCE),
    ],
)
def test_a_recipient_block_is_classified_by_its_action_and_status(action, status, verdict):
    assert classify(action=action, status=status) == verdict


def test_a_generic_status_is_read_through_the_code_in_its_diagnostic():
    raw = (DATA / "postfix_user_unknown.eml").read_bytes().replace(b"Status: 5.1.1", b"Status: 5.0.0")
    [result] = bounce_read(raw).recipients
    assert (result.status, result.verdict) == ("5.1.1", Verdict.BOUNCED)


def test_a_relay_that_rewrote_the_message_id_is_matched_by_our_own_header():
    raw = (DATA / "office365_recipient_not_found.eml").read_text()
    raw = raw.replace("In-Reply-To: {{MESSAGE_ID}}\nReferences: {{MESSAGE_ID}}\n", "")
    raw = raw.replace(
        "Message-ID: {{MESSAGE_ID}}",
        "Message-ID: <0100018e0a@eu-west-1.amazonses.com>\n"
        "X-Incasso-Message: incasso.4711.9f86d081884c7d65@noordhoekincasso.nl",
    )
    assert bounce_read(raw.encode()).message_ids == ("<incasso.4711.9f86d081884c7d65@noordhoekincasso.nl>",)


def test_the_date_of_the_bounce_is_kept_for_ordering():
    bounce = bounce_read((DATA / "postfix_delayed.eml").read_bytes())
    assert bounce.date == dt.datetime(2026, 3, 2, 13, 0, 12, tzinfo=dt.UTC)


def test_a_bounce_in_a_charset_python_does_not_know_is_still_read():
    """Some mail servers label their notice "unknown-8bit"; without a delivery-status part it is read
    as text all the same."""
    raw = (DATA / "gmail_legacy_plain.eml").read_text().replace("{{RECIPIENT}}", "jan@example.nl")
    raw = raw.replace("charset=ISO-8859-1", "charset=unknown-8bit")
    [result] = bounce_read(raw.encode()).recipients
    assert (result.address, result.verdict, result.status) == ("jan@example.nl", Verdict.BOUNCED, "5.1.1")
