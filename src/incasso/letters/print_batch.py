"""The daily print batch for a mail house: one merged PDF in postcode order and a manifest CSV (one
row per letter; its `letter_id` is what the mail house reports a returned letter by, through
`POST /api/v1/cases/<case>/letters/<letter_id>/return`).

`print_batch(on=..., out_dir=...)` renders every queued letter (channel `letter`), then in one
transaction archives each (`SentLetter`) and marks it sent. The files are written from the archive,
so running the batch again for the same date writes the same files and sends nothing twice.
A letter without a valid address is not printed: the message fails and a find-contact task is added.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import os
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from pypdf import PdfReader, PdfWriter

from incasso.cases.models import EventKind
from incasso.cases.timeline import event_record
from incasso.core.exceptions import DomainError
from incasso.letters.compose import letter_data_from_json
from incasso.letters.models import Delivery, SentLetter
from incasso.letters.rendering import render_letter_pdf
from incasso.letters.selectors import NoAddress
from incasso.letters.sending import message_fail
from incasso.letters.services import LetterAmountsChanged, letter_archive, letter_compose, letter_send_check
from incasso.strategies.models import Channel, MessageStatus, OutgoingMessage


@dataclass(frozen=True)
class BatchResult:
    pdf_path: Path
    manifest_path: Path
    letters: int
    pages: int
    failed: int


def _postcode_key(postcode: str) -> str:
    return "".join(postcode.split()).upper()


def print_batch(*, on: dt.date, out_dir: Path) -> BatchResult:
    failed = 0
    now = timezone.now()
    ids = list(
        OutgoingMessage.objects.filter(status=MessageStatus.QUEUED, channel=Channel.LETTER, queued_on__lte=on)
        .order_by("id")
        .values_list("id", flat=True)
    )
    for message_id in ids:
        with transaction.atomic():
            message = (
                OutgoingMessage.objects.select_for_update()
                .select_related("case__client", "case__debtor")
                .get(pk=message_id)
            )
            if message.status != MessageStatus.QUEUED:
                continue
            delivery, _ = Delivery.objects.select_for_update().get_or_create(message=message)
            try:
                data, template, _sms, _costs = letter_compose(
                    case=message.case,
                    template_code=message.template_code,
                    language=message.case.debtor.language,
                    on=on,
                )
                if delivery.prepared_data and delivery.template is not None:
                    # A letter prepared (and perhaps previewed) earlier goes out only if its amounts hold.
                    # A stale one is never printed: it is replaced by the fresh letter, and the timeline says so.
                    prepared = letter_data_from_json(delivery.prepared_data)
                    try:
                        letter_send_check(case=message.case, data=prepared, template=delivery.template, on=on)
                    except LetterAmountsChanged as exc:
                        event_record(
                            case=message.case,
                            kind=EventKind.LETTER,
                            summary=f"Brief opnieuw opgemaakt: bedragen gewijzigd ({exc.field})",
                            details={"message": message.pk, "reason": exc.message},
                        )
                letter_send_check(case=message.case, data=data, template=template, on=on)
            except NoAddress as exc:
                message_fail(message, delivery, exc.message, now, task=True)
                failed += 1
                continue
            except DomainError as exc:
                message_fail(message, delivery, exc.message, now)
                failed += 1
                continue
            pdf = render_letter_pdf(data)
            address = ", ".join(
                [*data.addressee.address_lines, f"{data.addressee.postcode} {data.addressee.city}"]
            )
            letter_archive(
                message=message,
                data=data,
                template=template,
                pdf=pdf,
                text="",
                recipient=address,
                sent_at=now,
            )
            OutgoingMessage.objects.filter(pk=message.pk).update(status=MessageStatus.SENT, sent_on=on)
    return _write_files(on=on, out_dir=out_dir, failed=failed)


def _write_files(*, on: dt.date, out_dir: Path, failed: int) -> BatchResult:
    archived = list(SentLetter.objects.filter(channel=Channel.LETTER, letter_date=on).select_related("case"))
    rows = []
    for sent in archived:
        addressee = sent.data["addressee"]
        rows.append((_postcode_key(addressee["postcode"]), sent.case.number, sent, addressee))
    rows.sort(key=lambda r: (r[0], r[1]))
    out_dir.mkdir(parents=True, exist_ok=True)
    pdf_path = out_dir / f"print-{on:%Y-%m-%d}.pdf"
    manifest_path = out_dir / f"print-{on:%Y-%m-%d}.csv"
    writer = PdfWriter()
    manifest = io.StringIO()
    out = csv.writer(manifest)
    out.writerow(
        [
            "sequence",
            "case_number",
            "addressee",
            "postcode",
            "city",
            "first_page",
            "pages",
            "sha256",
            "letter_id",
        ]
    )
    page = 1
    for sequence, (_key, number, sent, addressee) in enumerate(rows, start=1):
        pdf = bytes(sent.pdf or b"")
        if hashlib.sha256(pdf).hexdigest() != sent.sha256:
            raise DomainError(
                gettext("The archive of case %(number)s is damaged (the sha256 does not match)")
                % {"number": number}
            )
        writer.append(PdfReader(io.BytesIO(pdf)))
        out.writerow(
            [
                sequence,
                number,
                addressee["name"],
                addressee["postcode"],
                addressee["city"],
                page,
                sent.pages,
                sent.sha256,
                sent.message_id,  # what a mail house reports a returned letter by (the API's letter id)
            ]
        )
        page += sent.pages
    buffer = io.BytesIO()
    if rows:
        writer.write(buffer)
    _atomic_write(pdf_path, buffer.getvalue())
    _atomic_write(manifest_path, manifest.getvalue().encode("utf-8"))
    return BatchResult(pdf_path, manifest_path, len(rows), page - 1, failed)


def _atomic_write(path: Path, content: bytes) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(content)
    os.replace(tmp, path)
