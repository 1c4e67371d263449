"""Writes for letters: templates (versioned, checked), rendering and archiving letters.

Sending lives in `sending.py` (e-mail, SMS, queue processing) and `print_batch.py` (post).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext
from pypdf import PdfReader

from incasso.cases.models import Case, EventKind
from incasso.cases.timeline import event_record
from incasso.core.formatting import format_date, format_money, record_text
from incasso.letters.checks import content_problems
from incasso.letters.compose import CLOSING, letter_data_to_json, split_body
from incasso.letters.models import LetterTemplate, SentLetter, TemplateCode
from incasso.letters.rendering import LetterData, render_letter_pdf
from incasso.letters.sandbox import TemplateRefused, template_compile, template_render
from incasso.letters.selectors import (
    case_letter_facts,
    client_addressee,
    letterhead_data,
    letterhead_for_client,
    template_active,
)

DEFAULTS_DIR = Path(__file__).resolve().parent / "defaults"


class LetterAmountsChanged(TemplateRefused):
    """The letter's amounts differ from the case's calculation on the send date: it may not go out."""


# --- templates ----------------------------------------------------------------------------------

# Letters that ask for no payment carry no payment box or QR code.
NO_PAYMENT_BOX = frozenset({"dispute_acknowledgement", "payment_confirmation", "client_progress_report"})
CLIENT_SALUTATION = {"nl": "Geachte heer, mevrouw,", "en": "Dear Sir or Madam,"}


def template_check(*, code: str, subject: str, body: str, short_text: str = "") -> None:
    """Refuse a text that does not parse, uses an unknown field, or breaks the content rules."""
    if code not in TemplateCode.values:
        raise TemplateRefused(gettext("Unknown kind of letter '%(code)s'") % {"code": code}, field="code")
    template_compile(subject, label="onderwerp")
    template_compile(body, label="tekst")
    if short_text:
        template_compile(short_text, label="sms-tekst")
    problems = content_problems(code=code, subject=subject, body=body)
    if problems:
        raise TemplateRefused("; ".join(problems), field="body")


@transaction.atomic
def template_save(
    *, code: str, language: str, subject: str, body: str, short_text: str = "", user: Any = None
) -> LetterTemplate:
    """Check and store a new version; the previous one stays (sent letters name it) but goes inactive."""
    body = body.replace("\r\n", "\n")
    template_check(code=code, subject=subject, body=body, short_text=short_text)
    versions = LetterTemplate.objects.select_for_update().filter(code=code, language=language)
    last = versions.aggregate(n=Max("version"))["n"] or 0
    versions.filter(active=True).update(active=False)
    return LetterTemplate.objects.create(
        code=code,
        language=language,
        version=last + 1,
        subject=subject.strip(),
        body=body.strip() + "\n",
        short_text=short_text.strip(),
        active=True,
        updated_by=user if getattr(user, "pk", None) else None,
    )


def default_texts() -> dict[tuple[str, str], dict[str, str]]:
    """The shipped texts: `defaults/<code>.<language>.txt`, header lines then a blank line and the body."""
    texts: dict[tuple[str, str], dict[str, str]] = {}
    for path in sorted(DEFAULTS_DIR.glob("*.txt")):
        code, language = path.stem.split(".")
        head, _, body = path.read_text(encoding="utf-8").partition("\n\n")
        meta = dict(line.split(":", 1) for line in head.splitlines())
        texts[(code, language)] = {
            "subject": meta["subject"].strip(),
            "short_text": meta.get("sms", "").strip(),
            "body": body.strip() + "\n",
        }
    return texts


def templates_seed() -> int:
    """Add the shipped text for every (type, language) that has no template yet; returns how many."""
    added = 0
    for (code, language), text in default_texts().items():
        if not LetterTemplate.objects.filter(code=code, language=language).exists():
            template_save(code=code, language=language, **text)
            added += 1
    return added


# --- rendering ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RenderedLetter:
    data: LetterData
    pdf: bytes
    sha256: str
    template: LetterTemplate
    subject: str
    sms_text: str
    costs_if_unpaid: Decimal

    @property
    def json(self) -> dict[str, Any]:
        return letter_data_to_json(self.data)

    @property
    def pages(self) -> int:
        return len(PdfReader(io.BytesIO(self.pdf)).pages)


def letter_compose(
    *,
    case: Case,
    template_code: str,
    language: str,
    on: dt.date,
    template: LetterTemplate | None = None,
    signer_name: str | None = None,
) -> tuple[LetterData, LetterTemplate, str, Decimal]:
    """The letter's data from the case on `on` (no PDF yet): (data, template, sms text, costs if unpaid).

    `template` may be an unsaved `LetterTemplate` (the editor's live preview)."""
    template = template or template_active(code=template_code, language=language)
    to_client = template.code == TemplateCode.CLIENT_PROGRESS_REPORT
    head = letterhead_for_client(client=case.client)
    # A report to the client is not written "on behalf of" that client.
    head_data = letterhead_data(
        head=head, client_name="" if to_client else case.client.name, language=language
    )
    facts = case_letter_facts(case=case, code=template.code, language=language, on=on, head=head_data)
    addressee = client_addressee(client=case.client, language=language) if to_client else facts.addressee
    subject = " ".join(template_render(template.subject, facts.fields, label="onderwerp").split())
    body = template_render(template.body, facts.fields, label="tekst")
    sms = " ".join(template_render(template.short_text, facts.fields, label="sms-tekst").split())
    before, after = split_body(body)
    if not before:
        raise TemplateRefused(gettext("text: the letter has no text before the overview"), field="body")
    data = LetterData(
        letterhead=head_data,
        addressee=addressee,
        letter_date=on,
        our_reference=case.number,
        client_reference=case.client_reference,
        subject=subject,
        salutation=CLIENT_SALUTATION.get(language, CLIENT_SALUTATION["nl"])
        if to_client
        else facts.fields["salutation"],
        paragraphs=before,
        paragraphs_after=after,
        claims=facts.claims,
        totals=facts.totals,
        payment_reference=facts.payment.reference,
        pay_by=facts.pay_by,
        payment_iban=head_data.iban,
        closing=CLOSING.get(language, CLOSING["nl"]),
        signer_name=signer_name or head.signer_name,
        language="en" if language == "en" else "nl",
        payment_box=template.code not in NO_PAYMENT_BOX,
        to_client=to_client,
        payment_amount=facts.payment.amount if facts.payment.instalment is not None else None,
    )
    return data, template, sms, facts.costs_if_unpaid


def letter_render(
    *,
    case: Case,
    template_code: str,
    language: str = "nl",
    on: dt.date,
    template: LetterTemplate | None = None,
) -> RenderedLetter:
    """Render one letter for a case, without sending or archiving it."""
    data, template, sms, costs = letter_compose(
        case=case, template_code=template_code, language=language, on=on, template=template
    )
    pdf = render_letter_pdf(data)
    return RenderedLetter(data, pdf, hashlib.sha256(pdf).hexdigest(), template, data.subject, sms, costs)


def letter_send_check(*, case: Case, data: LetterData, template: LetterTemplate, on: dt.date) -> None:
    """Before every send: the template still passes its content rules, and the amounts in the letter
    equal a fresh calculation of the case on the send date."""
    problems = content_problems(code=template.code, subject=template.subject, body=template.body)
    if problems:
        raise TemplateRefused("; ".join(problems), field="body")
    head = letterhead_data(
        head=letterhead_for_client(client=case.client), client_name=case.client.name, language=data.language
    )
    facts = case_letter_facts(case=case, code=template.code, language=data.language, on=on, head=head)
    fresh = facts.totals
    # The payment box: an arrangement letter asks for an instalment (or what is overdue) with that
    # instalment's reference, checked against the schedule and the payments counted on it.
    stated_box = {"payment_amount": data.amount_to_pay, "payment_reference": data.payment_reference}
    fresh_box = {"payment_amount": facts.payment.amount, "payment_reference": facts.payment.reference}
    for bucket in ("principal", "interest", "costs", "costs_vat", "paid", "total", *stated_box):
        stated = stated_box[bucket] if bucket in stated_box else getattr(data.totals, bucket)
        now = fresh_box[bucket] if bucket in fresh_box else getattr(fresh, bucket)
        if stated != now:
            raise LetterAmountsChanged(
                gettext(
                    "Case %(number)s: %(bucket)s in the letter is %(stated)s, but the calculation on %(date)s gives %(now)s; prepare the letter again"
                )
                % {
                    "number": case.number,
                    "bucket": bucket,
                    "stated": format_money(stated) if isinstance(stated, Decimal) else stated,
                    "date": format_date(on),
                    "now": format_money(now) if isinstance(now, Decimal) else now,
                },
                field=bucket,
            )


def letter_archive(
    *,
    message: Any,
    data: LetterData,
    template: LetterTemplate,
    pdf: bytes | None,
    text: str,
    recipient: str,
    sent_at: dt.datetime,
) -> SentLetter:
    """Store what went out (the caller holds the transaction that also marks the message sent)."""
    content = pdf if pdf is not None else text.encode("utf-8")
    pages = len(PdfReader(io.BytesIO(pdf)).pages) if pdf is not None else 0
    sent = SentLetter.objects.create(
        message=message,
        case_id=message.case_id,
        channel=message.channel,
        template=template,
        template_version=template.version,
        language=data.language,
        recipient=recipient[:300],
        letter_date=data.letter_date,
        data=letter_data_to_json(data),
        text=text,
        pdf=pdf,
        sha256=hashlib.sha256(content).hexdigest(),
        pages=pages,
        sent_at=sent_at,
    )
    event_record(
        case=message.case,
        kind=EventKind.LETTER,
        summary=f"{record_text(_channel_label(message.channel))} verstuurd: {record_text(template.get_code_display())} ({recipient})",
        details={"message": message.pk, "sent_letter": sent.pk, "sha256": sent.sha256},
        occurred_at=sent_at,
    )
    if template.code == TemplateCode.LIMITATION_INTERRUPTION:
        _record_interruption(message=message, sent_on=timezone.localdate(sent_at))
    return sent


def _record_interruption(*, message: Any, sent_on: dt.date) -> None:
    """A sent interruption letter (stuitingsbrief) interrupts limitation of every open claim (3:317),
    from the day it reaches the debtor: by post presumed 2 postal days after sending, by e-mail the
    same day (art. 3:37 lid 3)."""
    from incasso.calculations.deadlines import add_postal_days
    from incasso.legal.services import limitation_interrupt

    received_on = add_postal_days(sent_on, 2) if message.channel == "letter" else sent_on
    if message.case.state != "closed":
        limitation_interrupt(case=message.case, sent_on=sent_on, received_on=received_on, message=message)


def _channel_label(channel: str) -> str:
    return {"letter": "Brief", "email": "E-mail", "sms": "Sms"}.get(channel, channel)
