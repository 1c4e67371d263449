"""Reads for letters: the active template, the letterhead, and a case's figures as plain data.

`case_letter_facts` is the one bridge from a case to a letter: it replays the case with the
calculation core (`cases.statement`) on the letter date and returns frozen records and a dict of
strings for the template sandbox. No model object leaves this module towards a template.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from incasso.arrangements.models import ArrangementStatus
from incasso.calculations.costs import collection_costs_for_letter
from incasso.calculations.deadlines import fourteen_day_term
from incasso.calculations.sheet import group_by_four
from incasso.cases.models import Case
from incasso.cases.statement import case_statement
from incasso.core.exceptions import DomainError
from incasso.debtors.models import DebtorKind
from incasso.debtors.selectors import debtor_current_address
from incasso.letters.arrangement_facts import (
    PaymentRequest,
    arrangement_fields_of,
    arrangement_state,
    instalment_payment_request,
)
from incasso.letters.models import Letterhead, LetterTemplate, SentLetter, TemplateCode
from incasso.letters.rendering import Addressee, ClaimRow, Totals
from incasso.letters.rendering import Letterhead as LetterheadData
from incasso.letters.rendering.formatting import format_date, format_money
from incasso.strategies.models import OutgoingMessage

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
VAT_PERCENT = Decimal(21)
PAY_DAYS = {TemplateCode.SUMMONS: 7, TemplateCode.FINAL_NOTICE: 7}  # others: 14 days
PAYMENT_TERM = {
    "nl": "binnen 14 dagen vanaf de dag nadat u deze brief heeft ontvangen",
    "en": "within 14 days from the day after you received this letter",
}


class NoAddress(DomainError):
    """The debtor has no valid current address: no letter can go out."""


def template_active(*, code: str, language: str) -> LetterTemplate:
    template = LetterTemplate.objects.filter(code=code, language=language, active=True).first()
    if template is None and language != "nl":
        template = LetterTemplate.objects.filter(code=code, language="nl", active=True).first()
    if template is None:
        raise DomainError(
            _("No active template '%(code)s' (%(language)s)") % {"code": code, "language": language},
            field="template",
        )
    return template


def template_list() -> QuerySet[LetterTemplate]:
    return LetterTemplate.objects.filter(active=True).order_by("code", "language")


def template_versions(*, code: str, language: str) -> QuerySet[LetterTemplate]:
    return LetterTemplate.objects.filter(code=code, language=language).order_by("-version")


def letterhead_for_client(*, client: Any) -> Letterhead:
    head = Letterhead.objects.filter(client=client).first() or Letterhead.objects.filter(client=None).first()
    if head is None:
        raise DomainError(
            _("No letterhead has been set up (Administration › Letterheads)"), field="letterhead"
        )
    return head


RETURN_ADDRESS_LABEL = re.compile(r"^\s*retouradres\s*:?\s*", re.IGNORECASE)


def _return_address(head: Letterhead, language: str) -> str:
    """The line above the window; an English letter gets the English one, or at least an English label."""
    if language != "en":
        return head.return_address
    if head.return_address_en.strip():
        return head.return_address_en
    if RETURN_ADDRESS_LABEL.match(head.return_address):
        return RETURN_ADDRESS_LABEL.sub("Return address: ", head.return_address, count=1)
    return head.return_address


def letterhead_data(*, head: Letterhead, client_name: str, language: str) -> LetterheadData:
    """The sender as printed, in the letter's language (return address and complaint line)."""
    english = language == "en"
    return LetterheadData(
        name=head.name,
        address_lines=tuple(head.address.splitlines()),
        wki_registration=head.wki_registration,
        kvk=head.kvk,
        iban=head.iban.replace(" ", "").upper(),
        bic=head.bic,
        account_holder=head.account_holder,
        phone=head.phone,
        email=head.email,
        website=head.website,
        complaint_line=head.complaint_line_en
        if english and head.complaint_line_en.strip()
        else head.complaint_line,
        client_name=client_name,
        return_address=_return_address(head, language),
    )


def messages_for_case(*, case: Case) -> QuerySet[OutgoingMessage]:
    """Every outgoing message of a case, newest first, with its delivery and archived letter."""
    return (
        OutgoingMessage.objects.filter(case=case)
        .select_related("delivery", "sent_letter")
        .defer("sent_letter__pdf")
        .order_by("-queued_on", "-id")
    )


def sent_letters_for_case(*, case: Case) -> QuerySet[SentLetter]:
    return SentLetter.objects.filter(case=case).select_related("template").defer("pdf")


@dataclass(frozen=True)
class CaseLetterFacts:
    """A case's letter figures on one date, already decided."""

    addressee: Addressee
    claims: tuple[ClaimRow, ...]
    totals: Totals
    pay_by: dt.date
    costs_if_unpaid: Decimal
    fields: dict[str, Any]
    payment: PaymentRequest


def _q(value: Decimal) -> Decimal:
    return value.quantize(CENT)


def salutation(case: Case, language: str) -> str:
    debtor = case.debtor
    if debtor.kind == DebtorKind.ORGANISATION:
        return "Geachte heer, mevrouw," if language == "nl" else "Dear Sir or Madam,"
    last = " ".join(p for p in (debtor.name_prefix, debtor.last_name) if p)
    last = last[:1].upper() + last[1:]
    return f"Geachte heer of mevrouw {last}," if language == "nl" else f"Dear Mr or Ms {last},"


def pay_by_date(*, code: str, on: dt.date) -> dt.date:
    """The 14-day letter: 14 days after presumed delivery (2 postal days), art. 6:96 lid 6 BW."""
    if code == TemplateCode.FOURTEEN_DAY_LETTER:
        return fourteen_day_term(sent_on=on).last_day
    return on + dt.timedelta(days=PAY_DAYS.get(TemplateCode(code), 14) if code in TemplateCode else 14)


def case_addressee(*, case: Case) -> Addressee:
    address = debtor_current_address(debtor=case.debtor)
    if address is None:
        raise NoAddress(_("Case %(number)s: no valid address") % {"number": case.number}, field="address")
    country = "" if address.country.upper() == "NL" else address.country
    return Addressee(
        name=case.debtor.display_name,
        address_lines=(f"{address.street} {address.house_number}",),
        postcode=address.postcode,
        city=address.city,
        country=country,
    )


DUTCH_POSTCODE_TOWN = re.compile(r"^(\d{4}\s?[A-Za-z]{2})\s+(\S.*)$")
ATTENTION = {"nl": "t.a.v.", "en": "Attn."}


def client_addressee(*, client: Any, language: str) -> Addressee:
    """The client (opdrachtgever) as addressee: its name, its first contact person and the postal
    address in its letterhead text (the lines after the name, the last one "1234 AB Town")."""
    lines = [line.strip() for line in client.letterhead_text.splitlines() if line.strip()]
    if lines and lines[0].casefold() == client.name.strip().casefold():
        lines = lines[1:]
    match = DUTCH_POSTCODE_TOWN.match(lines[-1]) if lines else None
    if match is None or len(lines) < 2:
        raise NoAddress(
            _(
                "Client %(name)s has no postal address (street or PO box, then postcode and town) in its letterhead text"
            )
            % {"name": client.name},
            field="address",
        )
    contact = client.contacts.order_by("pk").first()
    attention = [f"{ATTENTION.get(language, ATTENTION['nl'])} {contact.name}"] if contact else []
    postcode = match.group(1).upper()
    if " " not in postcode:
        postcode = f"{postcode[:4]} {postcode[4:]}"
    return Addressee(
        name=client.name,
        address_lines=(*attention, *lines[:-1]),
        postcode=postcode,
        city=match.group(2),
    )


def case_letter_facts(
    *, case: Case, code: str, language: str, on: dt.date, head: LetterheadData
) -> CaseLetterFacts:
    statement = case_statement(case=case, as_of=on)
    if statement is None:
        raise DomainError(_("Case %(number)s has no claims") % {"number": case.number}, field="claims")
    # `case_statement` replays the claims in this order and returns them in the same order.
    claims = list(case.claims.order_by("due_date", "id"))
    rows = []
    for claim, cs in zip(claims, statement.claims, strict=True):
        principal, interest, costs = _q(cs.principal.charged), _q(cs.interest.charged), _q(cs.costs.charged)
        rows.append(
            ClaimRow(
                invoice_number=claim.invoice_number,
                invoice_date=claim.invoice_date,
                description=claim.description,
                principal=principal,
                interest=interest,
                costs=costs,
                total=principal + interest + costs,
            )
        )
    paid = _q(statement.principal.paid + statement.interest.paid + statement.costs.paid)
    p = sum((r.principal for r in rows), ZERO)
    i = sum((r.interest for r in rows), ZERO)
    c = sum((r.costs for r in rows), ZERO)
    totals = Totals(principal=p, interest=i, costs=c, costs_vat=ZERO, total=p + i + c - paid, paid=paid)
    open_principals = [
        _q(cs.principal.outstanding) for cs in statement.claims if cs.principal.outstanding > 0
    ]
    vat = ZERO if case.client.vat_deductible else VAT_PERCENT
    costs_if_unpaid = (
        collection_costs_for_letter(open_principals, vat_percent=vat).total if open_principals else ZERO
    )
    addressee = case_addressee(case=case)
    pay_by = pay_by_date(code=code, on=on)
    arrangement, instalments = arrangement_state(case=case)
    # Only an active arrangement: the payments app counts instalment payments on nothing else.
    active = arrangement is not None and arrangement.status == ArrangementStatus.ACTIVE
    payment = (
        instalment_payment_request(
            code=code, instalments=instalments, on=on, pay_by=pay_by, balance=totals.total
        )
        if active
        else None
    ) or PaymentRequest(totals.total, case.payment_reference, pay_by)

    def money(value: Decimal) -> str:
        return format_money(value, "nl" if language == "nl" else "en")

    fields: dict[str, Any] = {
        "debtor_name": addressee.name,
        "salutation": salutation(case, language),
        "case_number": case.number,
        "client_name": case.client.name,
        "client_reference": case.client_reference,
        "letter_date": format_date(on),
        "pay_by": format_date(payment.pay_by),
        "payment_term": PAYMENT_TERM["nl" if language == "nl" else "en"],
        "amount_owed": money(totals.total),
        "payment_amount": money(payment.amount),
        "principal": money(p),
        "interest": money(i),
        "collection_costs": money(c),
        "collection_costs_if_unpaid": money(costs_if_unpaid),
        "paid": money(paid) if paid else "",
        "payment_reference": group_by_four(payment.reference),
        "case_payment_reference": group_by_four(case.payment_reference),
        "iban": " ".join(head.iban[k : k + 4] for k in range(0, len(head.iban), 4)),
        "account_holder": head.account_holder,
        "agency_name": head.name,
        "agency_phone": head.phone,
        "agency_email": head.email,
        "agency_website": head.website,
        "wki_registration": head.wki_registration,
        # The debtor logs in there with case_number, case_payment_reference and a postcode.
        "portal_url": str(getattr(settings, "INCASSO_PORTAL_URL", "")),
        "claim_count": str(len(rows)),
        "claims": [
            {
                "invoice_number": r.invoice_number,
                "invoice_date": format_date(r.invoice_date),
                "description": r.description,
                "principal": money(r.principal),
                "interest": money(r.interest),
                "costs": money(r.costs),
                "total": money(r.total),
            }
            for r in rows
        ],
        **arrangement_fields_of(arrangement, instalments, on=on, language=language),
    }
    return CaseLetterFacts(addressee, tuple(rows), totals, payment.pay_by, costs_if_unpaid, fields, payment)
