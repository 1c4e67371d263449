"""E-mail bounces: `incasso mail bounces PATH...` reads what came back and marks what did not arrive.

The e-mail goes out through the real local SMTP server of `test_sending`; the bounces are real-world
formats (Postfix, Office 365, Gmail, Hotmail, an Exchange automatic reply: `data/bounces/README.md`
says where each comes from) with the Message-ID and address of that e-mail filled in.
"""

from __future__ import annotations

import io
import json
import mailbox
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from incasso.cases.models import Event, Task, TaskKind
from incasso.debtors.models import ContactPoint
from incasso.letters.sending import messages_process
from incasso.letters.tests.conftest import delivery_state
from incasso.letters.tests.test_sending import MONDAY_10, email_message, smtp  # noqa: F401  fixtures
from incasso.strategies.models import MessageStatus, OutgoingMessage

DATA = Path(__file__).parent / "data" / "bounces"
ADDRESS = "jan@example.nl"


@pytest.fixture
def sent_email(smtp, email_message):  # noqa: F811
    assert messages_process(now=MONDAY_10).sent == 1
    email_message.refresh_from_db()
    return email_message


def sample(name: str, message: OutgoingMessage, *, edits: dict[str, str] | None = None) -> bytes:
    text = (DATA / name).read_text()
    text = text.replace("{{MESSAGE_ID}}", message.delivery.email_message_id).replace("{{RECIPIENT}}", ADDRESS)
    for old, new in (edits or {}).items():
        assert old in text
        text = text.replace(old, new)
    return text.encode()


def write(tmp_path: Path, name: str, raw: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(raw)
    return path


def run(*paths: object, stdin: bytes | None = None) -> tuple[dict, str, int]:
    """The command with --json: (summary, what it wrote on stderr, exit status)."""
    out, err = io.StringIO(), io.StringIO()
    extra = {"stdin": io.BytesIO(stdin)} if stdin is not None else {}
    code = 0
    try:
        call_command("mail", "bounces", *map(str, paths), "--json", stdout=out, stderr=err, **extra)
    except CommandError as exc:
        code = exc.returncode
    return json.loads(out.getvalue()), err.getvalue(), code


@pytest.mark.parametrize(
    "name, status",
    [
        ("postfix_user_unknown.eml", "5.1.1 <jan@example.nl>: Recipient address rejected: User unknown"),
        ("office365_recipient_not_found.eml", "5.1.10 RESOLVER.ADR.RecipientNotFound"),
        ("gmail_address_not_found.eml", "5.1.1 The email account that you tried to reach does not exist"),
        ("gmail_legacy_plain.eml", "5.1.1 Google tried to deliver your message"),  # no DSN: flufl.bounce
    ],
)
def test_a_permanent_bounce_fails_the_message_marks_the_address_invalid_and_adds_the_task(
    sent_email, tmp_path, name, status
):
    summary, err, code = run(write(tmp_path, name, sample(name, sent_email)))
    assert (code, err) == (0, "")
    assert summary["processed"] == summary["bounced"] == summary["address_invalid"] == 1
    sent_email.refresh_from_db()
    assert sent_email.status == MessageStatus.FAILED
    reason = sent_email.delivery.failure_reason
    assert reason.startswith(f"onbestelbaar: {status}")
    address = ContactPoint.objects.get(debtor=sent_email.debtor, kind="email")
    assert not address.is_valid and address.invalid_reason == reason[:200]
    [task] = Task.objects.filter(case=sent_email.case, kind=TaskKind.FIND_CONTACT)
    assert task.title == "Contactgegevens zoeken: geen geldig e-mailadres"
    event = Event.objects.get(case=sent_email.case, summary__startswith="E-mail kwam niet aan")
    assert event.summary.startswith(
        f"E-mail kwam niet aan: veertiendagenbrief ({ADDRESS}); e-mailadres {ADDRESS} ongeldig gemaakt — "
        f"onbestelbaar: {status}"
    )


def test_the_same_bounce_twice_changes_nothing_the_second_time(sent_email, tmp_path):
    path = write(tmp_path, "bounce.eml", sample("postfix_user_unknown.eml", sent_email))
    assert run(path)[0]["bounced"] == 1
    before = delivery_state()
    summary, _err, code = run(path)
    assert code == 0 and summary["unchanged"] == 1 and summary["bounced"] == 0
    assert delivery_state() == before


def test_a_delay_is_an_event_only_once_and_a_later_bounce_still_counts(sent_email, tmp_path):
    delayed = write(tmp_path, "delayed.eml", sample("postfix_delayed.eml", sent_email))
    assert run(delayed)[0]["delayed"] == 1
    sent_email.refresh_from_db()
    assert sent_email.status == MessageStatus.SENT
    assert sent_email.delivery.last_error.startswith("vertraagd: 4.4.1 connect to mx.example.nl")
    assert ContactPoint.objects.get(debtor=sent_email.debtor, kind="email").is_valid
    assert not Task.objects.filter(kind=TaskKind.FIND_CONTACT).exists()
    [event] = Event.objects.filter(summary__startswith="E-mail vertraagd")
    assert "de mailserver probeert het nog" in event.summary
    before = delivery_state()
    assert run(delayed)[0]["unchanged"] == 1
    assert delivery_state() == before
    # Days later the server gives up for good: that still applies.
    bounced = sample(
        "postfix_user_unknown.eml",
        sent_email,
        edits={"Mon,  2 Mar 2026 10:00:09": "Thu,  5 Mar 2026 10:00:09"},
    )
    assert run(write(tmp_path, "later.eml", bounced))[0]["bounced"] == 1
    sent_email.refresh_from_db()
    assert sent_email.status == MessageStatus.FAILED


def test_a_full_mailbox_fails_the_message_but_keeps_the_address(sent_email, tmp_path):
    summary = run(write(tmp_path, "full.eml", sample("hotmail_mailbox_full.eml", sent_email)))[0]
    assert summary["bounced"] == 1 and summary["address_invalid"] == 0
    sent_email.refresh_from_db()
    assert sent_email.status == MessageStatus.FAILED
    assert sent_email.delivery.failure_reason == "niet aangekomen: 5.2.2 <jan@example.nl>... Mailbox Full"
    assert ContactPoint.objects.get(debtor=sent_email.debtor, kind="email").is_valid
    assert not Task.objects.filter(kind=TaskKind.FIND_CONTACT).exists()
    assert Event.objects.filter(summary__contains="het e-mailadres blijft geldig").count() == 1


def test_an_out_of_office_reply_is_not_a_bounce_and_changes_nothing(sent_email, tmp_path):
    before = delivery_state()
    summary, _err, code = run(write(tmp_path, "ooo.eml", sample("out_of_office.eml", sent_email)))
    assert code == 0 and summary["processed"] == summary["not_a_bounce"] == 1
    assert delivery_state() == before


def test_a_bounce_without_our_message_id_is_matched_by_the_address_within_30_days(sent_email, tmp_path):
    foreign = {sent_email.delivery.email_message_id: "<20260302.F180CB7A@other.example>"}
    summary = run(write(tmp_path, "b.eml", sample("postfix_user_unknown.eml", sent_email, edits=foreign)))[0]
    assert summary["bounced"] == 1
    sent_email.refresh_from_db()
    assert sent_email.status == MessageStatus.FAILED


def test_a_bounce_that_leads_to_no_email_of_ours_is_unmatched_and_changes_nothing(sent_email, tmp_path):
    late = {
        sent_email.delivery.email_message_id: "<20260406.F180CB7A@other.example>",
        "Mon,  2 Mar 2026 10:00:09": "Mon,  6 Apr 2026 10:00:09",  # 35 days after our e-mail
    }
    before = delivery_state()
    summary = run(write(tmp_path, "b.eml", sample("postfix_user_unknown.eml", sent_email, edits=late)))[0]
    assert summary["unmatched"] == 1 and summary["bounced"] == 0
    assert delivery_state() == before


def test_an_address_the_officer_already_replaced_is_left_alone(sent_email, tmp_path):
    old = ContactPoint.objects.get(debtor=sent_email.debtor, value=ADDRESS)
    old.is_valid, old.invalid_reason = False, "verhuisd, nieuw adres gekregen"
    old.save()
    ContactPoint.objects.create(debtor=sent_email.debtor, kind="email", value="jan.nieuw@example.nl")
    summary = run(write(tmp_path, "b.eml", sample("postfix_user_unknown.eml", sent_email)))[0]
    assert summary["bounced"] == 1 and summary["address_invalid"] == 0
    old.refresh_from_db()
    assert old.invalid_reason == "verhuisd, nieuw adres gekregen"
    assert ContactPoint.objects.get(value="jan.nieuw@example.nl").is_valid
    assert not Task.objects.filter(kind=TaskKind.FIND_CONTACT).exists()  # a valid address is left
    sent_email.refresh_from_db()
    assert sent_email.status == MessageStatus.FAILED


def test_a_maildir_an_mbox_and_stdin_are_read_and_a_broken_file_is_named(sent_email, tmp_path):
    maildir = mailbox.Maildir(tmp_path / "Maildir", create=True)
    maildir.add(sample("out_of_office.eml", sent_email))
    maildir.add(sample("postfix_delayed.eml", sent_email))
    box = mailbox.mbox(tmp_path / "bounces.mbox", create=True)
    box.add(sample("postfix_user_unknown.eml", sent_email))
    box.flush()
    box.close()
    empty = write(tmp_path, "empty.eml", b"")
    summary, err, code = run(
        tmp_path / "Maildir", tmp_path / "bounces.mbox", empty, tmp_path / "missing.eml", tmp_path, stdin=None
    )
    assert code == 1
    assert summary["processed"] == 4 and summary["errors"] == 3
    assert (summary["not_a_bounce"], summary["delayed"], summary["bounced"]) == (1, 1, 1)
    assert f"{empty}: not an e-mail message (empty message)" in err
    assert f"{tmp_path / 'missing.eml'}: no such file or directory" in err
    assert f"{tmp_path}: is a directory but not a Maildir" in err
    sent_email.refresh_from_db()
    assert sent_email.status == MessageStatus.FAILED  # the others went through


def test_one_message_on_stdin_as_an_mta_pipes_it(sent_email):
    summary, _err, code = run("-", stdin=sample("gmail_address_not_found.eml", sent_email))
    assert code == 0 and summary["bounced"] == 1


def test_the_text_summary_names_every_count(sent_email, tmp_path):
    out = io.StringIO()
    call_command(
        "mail",
        "bounces",
        str(write(tmp_path, "b.eml", sample("postfix_user_unknown.eml", sent_email))),
        stdout=out,
    )
    assert out.getvalue().strip() == (
        "processed 1: bounced 1 (address marked invalid 1), delayed 0, not a bounce 0, unmatched 0, "
        "already done 0, errors 0"
    )


def test_a_bounce_that_fails_half_way_leaves_nothing_half_written_and_says_so(
    sent_email, tmp_path, tasks_refused
):
    before = delivery_state()
    path = write(tmp_path, "b.eml", sample("postfix_user_unknown.eml", sent_email))
    summary, err, code = run(path)
    assert summary["errors"] == 1 and f"{path}: database: " in err
    assert code == 75  # EX_TEMPFAIL: an MTA piping to it tries again later
    assert delivery_state() == before  # the address is not marked invalid without its task


def test_the_panel_shows_the_bounced_message_with_its_reason(client, officer, sent_email, tmp_path):
    run(write(tmp_path, "b.eml", sample("office365_recipient_not_found.eml", sent_email)))
    client.force_login(officer)
    html = client.get(f"/letters/case/{sent_email.case.number}/").content.decode()
    assert '<span class="bad">mislukt</span> · verzonden 02-03-2026' in html
    assert "onbestelbaar: 5.1.10 RESOLVER.ADR.RecipientNotFound" in html


@pytest.mark.parametrize("fixture", ["postfix_user_unknown.eml", "hotmail_mailbox_full.eml"])
def test_a_stuitingsbrief_that_bounced_interrupted_nothing(smtp, zorg_letter_case, tmp_path, fixture):  # noqa: F811
    """Sending it by e-mail recorded a written interruption received that day (3:317); a statement
    that never reached the debtor has no effect (3:37 lid 3 BW): the bounce voids the interruption
    (kept, with the reason), the limitation basis names it as not counted, the officer gets a task to
    send it again. A full mailbox keeps the address, but the letter did not arrive either."""
    from incasso.legal.models import LimitationEvent
    from incasso.legal.selectors import claim_limitation
    from incasso.letters.tests.conftest import queue_message

    ContactPoint.objects.create(debtor=zorg_letter_case.debtor, kind="email", value=ADDRESS)
    message = queue_message(zorg_letter_case, channel="email", template_code="limitation_interruption")
    assert messages_process(now=MONDAY_10).sent == 1
    message.refresh_from_db()
    claim = zorg_letter_case.claims.get()
    recorded = LimitationEvent.objects.get(claim=claim, message=message)
    assert recorded.voided_on is None and "gestuit 02-03-2026" in claim_limitation(claim)[1]
    summary = run(write(tmp_path, "b.eml", sample(fixture, message)))[0]
    assert summary["bounced"] == 1  # failed: the address invalid (unknown user) or kept (mailbox full)
    recorded.refresh_from_db()
    assert recorded.voided_on == timezone.localdate()
    assert recorded.void_reason.startswith("stuitingsbrief kwam niet aan (e-mail")
    last_day, basis = claim_limitation(claim)
    assert "gestuit 02-03-2026" not in basis.replace("niet gestuit", "")
    assert "niet gestuit 02-03-2026: stuitingsbrief kwam niet aan" in basis
    event = (
        Event.objects.get(case=zorg_letter_case, summary__startswith="E-mail kwam niet aan")
        if (fixture == "postfix_user_unknown.eml")
        else Event.objects.get(case=zorg_letter_case, summary__startswith="E-mail niet aangekomen")
    )
    assert "de stuiting telt niet (3:37 lid 3 BW)" in event.summary
    task = Task.objects.get(case=zorg_letter_case, kind=TaskKind.REVIEW, title__startswith="Stuitingsbrief")
    assert f"verjaring vroegst na {last_day:%d-%m-%Y}" in task.title
    # the same bounce again changes nothing: no second void, no second task
    run(write(tmp_path, "again.eml", sample(fixture, message)))
    assert Task.objects.filter(case=zorg_letter_case, title__startswith="Stuitingsbrief").count() == 1
    assert (
        Event.objects.filter(case=zorg_letter_case, summary__contains="telt niet: stuitingsbrief").count()
        == 1
    )
