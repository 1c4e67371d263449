"""The daily print batch, and the rule that a letter with outdated amounts never goes out."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

from incasso.cases.ledger import ledger_book
from incasso.cases.models import Bucket, EntryKind, Event, Task, TaskKind
from incasso.letters.compose import letter_data_from_json, letter_data_to_json
from incasso.letters.models import Delivery, SentLetter
from incasso.letters.print_batch import print_batch
from incasso.letters.rendering import render_letter_pdf
from incasso.letters.services import LetterAmountsChanged, letter_render, letter_send_check
from incasso.letters.tests.conftest import LETTER_DAY, queue_message
from incasso.strategies.models import MessageStatus


def test_print_batch_merges_letters_in_postcode_order_with_a_manifest(
    zorg_letter_case, energie_letter_case, tmp_path
):
    first = queue_message(energie_letter_case, channel="letter", template_code="summons")  # 5611 AA
    second = queue_message(zorg_letter_case, channel="letter", template_code="fourteen_day_letter")  # 1234 AB
    result = print_batch(on=LETTER_DAY, out_dir=tmp_path)
    assert result.letters == 2 and result.failed == 0
    merged = PdfReader(result.pdf_path)
    rows = list(csv.DictReader(result.manifest_path.open(encoding="utf-8")))
    assert [r["postcode"] for r in rows] == ["1234 AB", "5611 AA"]
    assert [r["case_number"] for r in rows] == [zorg_letter_case.number, energie_letter_case.number]
    assert len(merged.pages) == sum(int(r["pages"]) for r in rows) == result.pages
    assert zorg_letter_case.payment_reference[:4] in merged.pages[0].extract_text().replace(" ", "")
    for message in (first, second):
        message.refresh_from_db()
        assert message.status == MessageStatus.SENT and message.sent_on == LETTER_DAY
        sent = SentLetter.objects.get(message=message)
        assert hashlib.sha256(bytes(sent.pdf)).hexdigest() == sent.sha256
        assert any(r["sha256"] == sent.sha256 for r in rows)
    # running it again sends nothing twice and writes the same files
    before = result.pdf_path.read_bytes()
    again = print_batch(on=LETTER_DAY, out_dir=tmp_path)
    assert again.letters == 2 and SentLetter.objects.count() == 2
    assert again.pdf_path.read_bytes() == before


def test_an_archived_letter_reprints_identically(zorg_letter_case, tmp_path):
    message = queue_message(zorg_letter_case, channel="letter", template_code="summons")
    print_batch(on=LETTER_DAY, out_dir=tmp_path)
    sent = SentLetter.objects.get(message=message)
    reprint = render_letter_pdf(letter_data_from_json(sent.data))
    assert hashlib.sha256(reprint).hexdigest() == sent.sha256
    with pytest.raises(ValueError):
        sent.save()


def test_a_letter_without_an_address_is_not_printed_and_a_task_is_added(zorg_letter_case, tmp_path):
    zorg_letter_case.debtor.addresses.update(is_valid=False)
    message = queue_message(zorg_letter_case, channel="letter", template_code="reminder")
    result = print_batch(on=LETTER_DAY, out_dir=tmp_path)
    assert result.letters == 0 and result.failed == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED
    assert Task.objects.filter(case=zorg_letter_case, kind=TaskKind.FIND_CONTACT).exists()


def test_a_letter_whose_amounts_changed_cannot_be_sent(zorg_letter_case):
    letter = letter_render(case=zorg_letter_case, template_code="fourteen_day_letter", on=LETTER_DAY)
    letter_send_check(case=zorg_letter_case, data=letter.data, template=letter.template, on=LETTER_DAY)
    ledger_book(
        case=zorg_letter_case,
        bucket=Bucket.PRINCIPAL,
        kind=EntryKind.PAYMENT,
        amount=Decimal("-100.00"),
        value_on=LETTER_DAY,
        source="test:payment",
        reason="betaling",
    )
    with pytest.raises(LetterAmountsChanged):
        letter_send_check(case=zorg_letter_case, data=letter.data, template=letter.template, on=LETTER_DAY)
    with pytest.raises(LetterAmountsChanged):  # a day later the interest has grown: the snapshot is stale too
        letter_send_check(
            case=zorg_letter_case,
            data=letter.data,
            template=letter.template,
            on=LETTER_DAY + dt.timedelta(days=30),
        )


def test_the_print_batch_re_prepares_a_stale_letter_instead_of_printing_it(zorg_letter_case, tmp_path):
    message = queue_message(zorg_letter_case, channel="letter", template_code="reminder")
    stale = letter_render(
        case=zorg_letter_case, template_code="reminder", on=LETTER_DAY - dt.timedelta(days=40)
    )
    Delivery.objects.create(
        message=message, prepared_data=letter_data_to_json(stale.data), template=stale.template
    )
    result = print_batch(on=LETTER_DAY, out_dir=tmp_path)
    assert result.letters == 1
    sent = SentLetter.objects.get(message=message)
    assert (
        sent.data["totals"]
        == letter_data_to_json(
            letter_render(case=zorg_letter_case, template_code="reminder", on=LETTER_DAY).data
        )["totals"]
    )
    assert sent.data["totals"] != letter_data_to_json(stale.data)["totals"]
    assert Event.objects.filter(case=zorg_letter_case, summary__startswith="Brief opnieuw opgemaakt").exists()


def test_a_sent_interruption_letter_interrupts_limitation_of_the_open_claims(zorg_letter_case, tmp_path):
    from incasso.calculations.deadlines import add_postal_days
    from incasso.legal.models import LimitationEvent

    queue_message(zorg_letter_case, channel="letter", template_code="limitation_interruption")
    print_batch(on=LETTER_DAY, out_dir=tmp_path)
    events = list(LimitationEvent.objects.filter(claim__case=zorg_letter_case))
    assert len(events) == zorg_letter_case.claims.count() >= 1
    for event in events:
        assert event.kind == "written_interruption"
        assert event.occurred_on == add_postal_days(event.sent_on, 2)  # presumed receipt by post
    print_batch(on=LETTER_DAY, out_dir=tmp_path)  # a rerun sends nothing, records nothing twice
    assert LimitationEvent.objects.filter(claim__case=zorg_letter_case).count() == len(events)


def test_a_letter_to_an_english_speaking_debtor_is_printed_in_english(zorg_letter_case, tmp_path):
    debtor = zorg_letter_case.debtor
    debtor.language = "en"
    debtor.save(update_fields=["language"])
    message = queue_message(zorg_letter_case, channel="letter", template_code="reminder")
    assert print_batch(on=LETTER_DAY, out_dir=tmp_path).letters == 1
    sent = SentLetter.objects.get(message=message)
    assert sent.language == "en" and sent.template.language == "en"
    text = " ".join(PdfReader(io.BytesIO(bytes(sent.pdf))).pages[0].extract_text().split())
    assert "Payment reference" in text and "Betalingskenmerk" not in text
