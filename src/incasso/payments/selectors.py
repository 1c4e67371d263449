"""Reads for payments. The queue is agency work: views check staff before calling these."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db.models import Q, QuerySet, Sum

from incasso.arrangements.models import ArrangementStatus, Instalment, InstalmentStatus
from incasso.cases.models import CaseState
from incasso.clients.models import Client
from incasso.payments.direct_debit import DebitItem
from incasso.payments.models import BankTransaction, DirectDebitLine, Mandate, Remittance, TransactionStatus

QUEUE_STATUSES = (TransactionStatus.UNMATCHED, TransactionStatus.SUGGESTED)


def _amount(term: str) -> Decimal | None:
    text = term.replace("€", "").strip()
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def transaction_queue(*, query: str = "") -> QuerySet[BankTransaction]:
    """Unmatched and suggested transactions, newest first; search by name, amount, reference or case number."""
    qs = BankTransaction.objects.filter(status__in=QUEUE_STATUSES).select_related("case", "statement_import")
    term = query.strip()
    if term:
        match = (
            Q(counterparty_name__icontains=term)
            | Q(remittance_text__icontains=term)
            | Q(structured_reference__icontains=term.replace(" ", ""))
            | Q(counterparty_iban__iexact=term.replace(" ", ""))
            | Q(case__number__icontains=term)
        )
        amount = _amount(term)
        if amount is not None:
            match |= Q(amount=amount)
        qs = qs.filter(match)
    return qs.order_by("-booking_date", "-id")


def transaction_get(*, transaction_id: int) -> BankTransaction | None:
    return BankTransaction.objects.select_related("case").filter(pk=transaction_id).first()


def remittance_list() -> QuerySet[Remittance]:
    """Agency work (views check staff): newest first, with the client."""
    return Remittance.objects.select_related("client", "created_by").defer("pain001")


def remittance_get(*, remittance_id: int) -> Remittance | None:
    return Remittance.objects.select_related("client").filter(pk=remittance_id).first()


def client_by_code(*, code: str) -> Client | None:
    return Client.objects.filter(code=code.strip()).first()


def instalments_due_for_direct_debit(*, run_date: dt.date) -> list[DebitItem]:
    """One `DebitItem` per unpaid instalment due on or before `run_date` of an active arrangement on an
    open case with an active mandate (the newest signed one), for what is still open on it; reference =
    the instalment's payment reference. Instalments already in a direct debit file are left out (a
    returned debit is collected again by hand: its reference has been used)."""
    rows = list(
        Instalment.objects.filter(
            due_on__lte=run_date,
            arrangement__status=ArrangementStatus.ACTIVE,
            arrangement__case_id__in=Mandate.objects.filter(active=True).values("case_id"),
        )
        .exclude(status=InstalmentStatus.PAID)
        .exclude(arrangement__case__state=CaseState.CLOSED)
        .annotate(paid=Sum("payments__amount", default=Decimal("0")))
        .select_related("arrangement")
        .order_by("due_on", "pk")
    )
    collected = set(
        DirectDebitLine.objects.filter(reference__in=[r.payment_reference for r in rows]).values_list(
            "reference", flat=True
        )
    )
    mandates: dict[int, Mandate] = {}
    for mandate in Mandate.objects.filter(
        active=True, case_id__in={r.arrangement.case_id for r in rows}
    ).order_by("signed_on", "pk"):
        mandates[mandate.case_id] = mandate  # the newest signed wins
    items = []
    for row in rows:
        open_amount = row.amount - row.paid
        found = mandates.get(row.arrangement.case_id)
        if open_amount <= 0 or found is None or row.payment_reference in collected:
            continue
        items.append(DebitItem(found, open_amount, row.due_on, row.payment_reference))
    return items
