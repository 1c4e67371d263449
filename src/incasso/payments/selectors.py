"""Reads for payments. The queue is agency work: views check staff before calling these. Bank lines
are the agency's money and visible to all staff; the cases they suggest, remittances and clients
are scoped to the user's clients (`core.access.client_scope`)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Case as DbCase
from django.db.models import Count, F, Q, QuerySet, Sum, Value, When

from incasso.arrangements.models import ArrangementStatus, Instalment, InstalmentStatus
from incasso.cases.models import Case as CaseModel
from incasso.cases.models import CaseState, LedgerEntry
from incasso.clients.models import Client
from incasso.core.access import client_scope, scope_to_clients
from incasso.payments.direct_debit import DebitItem
from incasso.payments.models import BankTransaction, DirectDebitLine, Mandate, Remittance, TransactionStatus

QUEUE_STATUSES = (TransactionStatus.UNMATCHED, TransactionStatus.SUGGESTED)


def mandates_for_case(*, case: CaseModel) -> list[Mandate]:
    """The case's direct-debit mandates, the active ones first, newest signed first; each with
    `collected` (debits in a file) and `returned` (of those, returned by the bank)."""
    return list(
        Mandate.objects.filter(case=case)
        .annotate(
            collected=Count("debits"),
            returned=Count("debits", filter=Q(debits__returned=True)),
        )
        .order_by("-active", "-signed_on", "-id")
    )


def mandate_get_for_case(*, case: CaseModel, mandate_pk: int) -> Mandate | None:
    """One mandate of this case (the case is already in the user's scope), or None."""
    return Mandate.objects.filter(case=case, pk=mandate_pk).first()


def transaction_entries(txn: BankTransaction) -> QuerySet[LedgerEntry]:
    """The ledger entries a bank transaction made, in booking order: a payment's interest booked up
    to it and its parts, a return's reversals (each carries `txn.entry_source`; read through the
    case's index)."""
    if txn.case_id is None:  # never booked
        return LedgerEntry.objects.none()
    return LedgerEntry.objects.filter(case_id=txn.case_id, source=txn.entry_source).order_by("id")


def _amount(term: str) -> Decimal | None:
    text = term.replace("€", "").strip()
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def transaction_queue(*, user: Any = None, query: str = "") -> QuerySet[BankTransaction]:
    """Unmatched and suggested transactions, newest first; search by name, amount, reference or case number.

    The bank lines are the agency's money: every staff member sees all of them. Only the suggested
    case is scoped: `suggested_number` is the case number when the user may see that case, else ""
    (and a case-number search finds only the user's cases). Without `user`: every suggestion."""
    scope = None if user is None else client_scope(user)
    qs = BankTransaction.objects.filter(status__in=QUEUE_STATUSES).select_related("statement_import")
    if scope is None:
        qs = qs.annotate(suggested_number=F("case__number"))
    else:
        visible = When(case__client_id__in=scope, then=F("case__number"))
        qs = qs.annotate(suggested_number=DbCase(visible, default=Value("")))
    term = query.strip()
    if term:
        match = (
            Q(counterparty_name__icontains=term)
            | Q(remittance_text__icontains=term)
            | Q(structured_reference__icontains=term.replace(" ", ""))
            | Q(counterparty_iban__iexact=term.replace(" ", ""))
            | Q(suggested_number__icontains=term)
        )
        amount = _amount(term)
        if amount is not None:
            match |= Q(amount=amount)
        qs = qs.filter(match)
    return qs.order_by("-booking_date", "-id")


CASE_NUMBER = re.compile(r"\b\d{4}-\d{6}\b")
HIDDEN_REASON = "Kandidaat buiten uw opdrachtgevers"


def transaction_reasons_for_user(*, user: Any, transactions: Iterable[BankTransaction]) -> None:
    """Set `visible_reason` on each transaction: its matching reason as the user may read it. A reason
    that names a case (and so perhaps its debtor) of a client outside the user's scope is replaced
    by a neutral line. One query for restricted staff, none otherwise."""
    rows = list(transactions)
    scope = client_scope(user)
    named = {t.pk: set(CASE_NUMBER.findall(t.reason)) for t in rows}
    visible: set[str] = set()
    if scope is not None and any(named.values()):
        numbers = set().union(*named.values())
        in_scope = scope_to_clients(CaseModel.objects.filter(number__in=numbers), user=user)
        visible = set(in_scope.values_list("number", flat=True))
    for t in rows:
        t.visible_reason = t.reason if scope is None or named[t.pk] <= visible else HIDDEN_REASON  # type: ignore[attr-defined]


def transactions_set_aside(*, limit: int = 20) -> list[BankTransaction]:
    """The payments officers set aside, newest first (for agency-wide staff: the reasons name anything)."""
    return list(
        BankTransaction.objects.filter(status=TransactionStatus.SET_ASIDE)
        .select_related("matched_by")
        .order_by("-booking_date", "-id")[:limit]
    )


def transaction_get(*, transaction_id: int) -> BankTransaction | None:
    return BankTransaction.objects.select_related("case").filter(pk=transaction_id).first()


def remittance_list(*, user: Any = None) -> QuerySet[Remittance]:
    """Agency work (views check staff): newest first, with the client; with `user`, its clients only."""
    remittances = (
        Remittance.objects.all() if user is None else scope_to_clients(Remittance.objects.all(), user=user)
    )
    return remittances.select_related("client", "created_by").defer("pain001")


def remittance_get(*, remittance_id: int, user: Any = None) -> Remittance | None:
    return remittance_list(user=user).filter(pk=remittance_id).first()


def client_by_code(*, code: str, user: Any = None) -> Client | None:
    """The client with this code; with `user`, only one of the user's clients (else None)."""
    clients = (
        Client.objects.all()
        if user is None
        else scope_to_clients(Client.objects.all(), user=user, field="pk")
    )
    return clients.filter(code=code.strip()).first()


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
