"""A payment arrangement in a letter: the template's arrangement fields (instalments, amounts, what is
overdue) and the payment box's request (which amount and which betalingskenmerk to pay by when), from
the arrangement's instalments and what was paid on them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from incasso.arrangements.models import ArrangementStatus
from incasso.arrangements.selectors import arrangement_for_case, instalments_with_paid
from incasso.calculations.sheet import group_by_four
from incasso.cases.models import Case
from incasso.letters.models import TemplateCode
from incasso.letters.rendering.data import Language as LetterLanguage
from incasso.letters.rendering.formatting import format_date, format_money

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def _q(value: Decimal) -> Decimal:
    return value.quantize(CENT)


@dataclass(frozen=True)
class PaymentRequest:
    """What the payment box and the EPC QR code ask for: amount, betalingskenmerk (digits), pay-by date.
    `instalment` is the number of the instalment whose reference it carries (None: the case's own)."""

    amount: Decimal
    reference: str
    pay_by: dt.date
    instalment: int | None = None


FREQUENCY = {
    "nl": {"monthly": "per maand", "four_weekly": "elke vier weken", "weekly": "per week"},
    "en": {"monthly": "monthly", "four_weekly": "every four weeks", "weekly": "weekly"},
}
ARRANGEMENT_FIELDS = (
    "instalment_count",
    "instalment_amount",
    "last_instalment_amount",
    "instalment_frequency",
    "first_instalment_due",
    "last_instalment_due",
    "next_instalment_number",
    "next_instalment_amount",
    "next_instalment_due",
    "amount_overdue",
    "instalments_overdue",
)


@dataclass(frozen=True)
class InstalmentState:
    """One instalment on the letter date: what it asks, what is paid of it, what is still open."""

    number: int
    due_on: dt.date
    amount: Decimal
    paid: Decimal
    open: Decimal
    reference: str


def arrangement_state(*, case: Case) -> tuple[Any, list[InstalmentState]]:
    """The case's latest arrangement (None when none, or only a rejected proposal) and its instalments."""
    arrangement = arrangement_for_case(case=case)
    if arrangement is None or arrangement.status == ArrangementStatus.REJECTED:
        return None, []
    states = []
    for instalment in instalments_with_paid(arrangement=arrangement):
        paid = min(_q(instalment.paid), instalment.amount)
        states.append(
            InstalmentState(
                number=instalment.number,
                due_on=instalment.due_on,
                amount=instalment.amount,
                paid=paid,
                open=instalment.amount - paid,
                reference=instalment.payment_reference,
            )
        )
    return arrangement, states


# Letters whose payment box asks for instalments (with an instalment's reference), not the balance.
INSTALMENT_BOX = frozenset({TemplateCode.ARRANGEMENT_CONFIRMATION, TemplateCode.ARRANGEMENT_REMINDER})


def instalment_payment_request(
    *, code: str, instalments: list[InstalmentState], on: dt.date, pay_by: dt.date, balance: Decimal
) -> PaymentRequest | None:
    """What an arrangement letter's payment box asks for; None: the whole balance with the case's
    reference (every other letter, the broken-arrangement letter, or no instalment left open).

    Confirmation: the first instalment still open (normally number 1), by its due date (not before
    the letter date). Reminder: everything open of the instalments due before the letter date, with
    the reference of the oldest of them, by the letter's pay-by date; nothing due yet: the next
    instalment. A payment with an instalment's reference pays that instalment first and then the
    next ones in order (`arrangements.instalments.instalment_record_payment`), and the oldest unpaid
    instalment has none unpaid before it, so the overdue sum books exactly on the overdue
    instalments. Never more than the balance."""
    if code not in INSTALMENT_BOX or balance <= 0:
        return None
    still_open = [i for i in instalments if i.open > 0]
    if not still_open:
        return None
    first = still_open[0]
    if code == TemplateCode.ARRANGEMENT_CONFIRMATION:
        return PaymentRequest(min(first.open, balance), first.reference, max(first.due_on, on), first.number)
    overdue = sum((i.open for i in still_open if i.due_on < on), ZERO)
    amount = overdue if overdue else first.open
    return PaymentRequest(min(amount, balance), first.reference, max(first.due_on, pay_by), first.number)


def arrangement_fields(*, case: Case, on: dt.date, language: str) -> dict[str, Any]:
    """The case's payment arrangement as template fields, on the letter date; empty without one.

    "Overdue" is every instalment due before ``on`` that is not fully paid (what is still open of
    it); the "next" instalment is the first one due on or after ``on`` that is not fully paid.
    A rejected proposal is no arrangement.
    """
    return arrangement_fields_of(*arrangement_state(case=case), on=on, language=language)


def arrangement_fields_of(
    arrangement: Any, instalments: list[InstalmentState], *, on: dt.date, language: str
) -> dict[str, Any]:
    empty: dict[str, Any] = dict.fromkeys(ARRANGEMENT_FIELDS, "")
    empty["instalments"] = []
    if arrangement is None or not instalments:
        return empty
    lang: LetterLanguage = "nl" if language == "nl" else "en"

    def money(value: Decimal) -> str:
        return format_money(value, lang)

    rows = []
    overdue, overdue_count, upcoming = ZERO, 0, None
    for instalment in instalments:
        if instalment.open > 0 and instalment.due_on < on:
            overdue += instalment.open
            overdue_count += 1
        elif instalment.open > 0 and upcoming is None:
            upcoming = instalment
        rows.append(
            {
                "number": str(instalment.number),
                "due_on": format_date(instalment.due_on),
                "amount": money(instalment.amount),
                "paid": money(instalment.paid),
                "open": money(instalment.open),
                "payment_reference": group_by_four(instalment.reference),
            }
        )
    first, last = instalments[0], instalments[-1]
    return {
        "instalment_count": str(len(instalments)),
        "instalment_amount": money(first.amount),
        "last_instalment_amount": money(last.amount),
        "instalment_frequency": FREQUENCY[lang].get(arrangement.frequency, arrangement.frequency),
        "first_instalment_due": format_date(first.due_on),
        "last_instalment_due": format_date(last.due_on),
        "next_instalment_number": str(upcoming.number) if upcoming else "",
        "next_instalment_amount": money(upcoming.open) if upcoming else "",
        "next_instalment_due": format_date(upcoming.due_on) if upcoming else "",
        "amount_overdue": money(overdue) if overdue else "",
        "instalments_overdue": str(overdue_count),
        "instalments": rows,
    }
