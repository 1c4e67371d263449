"""Reads for cases, always scoped to what the user may see.

Views and the API never query Case directly: `case_get_for_user` answers 404 for anything outside
the user's scope, so a client user of client A (or an officer restricted to client A) cannot learn
that a case of client B exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.http import Http404

from incasso.cases.models import Bucket, Case, Claim, Document, Event, InterestFreeze, LedgerEntry, Note, Task
from incasso.core.access import scope_to_clients
from incasso.debtors.models import Address, BankAccount, ContactPoint
from incasso.debtors.selectors import debtor_current_address

ZERO = Decimal("0.00")


def _scoped(user: Any) -> QuerySet[Case]:
    """The cases of the user's clients (`core.access.client_scope`: all of them for unrestricted staff)."""
    return scope_to_clients(Case.objects.all(), user=user)


def case_list_for_user(
    *,
    user: Any,
    query: str = "",
    client_id: int | None = None,
    state: str = "",
    officer_id: int | None = None,
) -> QuerySet[Case]:
    """Search by case number, debtor name (or several words of it), postcode, e-mail, IBAN, invoice number or client reference."""
    qs = _scoped(user).select_related("client", "debtor", "officer", "debt_type")
    if client_id:
        qs = qs.filter(client_id=client_id)
    if state:
        qs = qs.filter(state=state)
    if officer_id:
        qs = qs.filter(officer_id=officer_id)
    term = query.strip()
    if term:
        compact = term.replace(" ", "").upper()
        match = (
            Q(number__icontains=term)
            | Q(client_reference__icontains=term)
            | Q(payment_reference=compact)
            | Q(debtor__last_name__icontains=term)
            | Q(debtor__organisation_name__icontains=term)
            | Q(debtor__addresses__postcode__iexact=_postcode_form(term))
            | Q(debtor__contact_points__value__iexact=term)
            | Q(debtor__bank_accounts__iban=compact)
            | Q(claims__invoice_number__iexact=term)
        )
        words = term.split()
        if len(words) > 1:  # a whole name as the list shows it: "Pieter de Vries", "van der Berg"
            name = Q()
            for word in words:
                name &= (
                    Q(debtor__first_names__icontains=word)
                    | Q(debtor__name_prefix__icontains=word)
                    | Q(debtor__last_name__icontains=word)
                    | Q(debtor__organisation_name__icontains=word)
                )
            match |= name
        ids = qs.filter(match).values("pk")
        qs = qs.filter(pk__in=ids)
    return qs.annotate(
        balance=Sum("ledger_entries__amount", default=ZERO),
    ).order_by("-opened_on", "-id")


def _postcode_form(term: str) -> str:
    compact = term.replace(" ", "").upper()
    if len(compact) == 6 and compact[:4].isdigit() and compact[4:].isalpha():
        return f"{compact[:4]} {compact[4:]}"
    return term


def case_get_for_user(*, user: Any, number: str) -> Case:
    case = (
        _scoped(user).select_related("client", "debtor", "officer", "debt_type").filter(number=number).first()
    )
    if case is None:
        raise Http404("No such case")
    return case


@dataclass(frozen=True)
class Balance:
    principal: Decimal
    interest: Decimal
    costs: Decimal

    @property
    def total(self) -> Decimal:
        return self.principal + self.interest + self.costs


def case_balance(*, case: Case) -> Balance:
    """What is owed per bucket according to the ledger: one aggregate query."""
    sums = LedgerEntry.objects.filter(case=case).aggregate(
        principal=Sum("amount", filter=Q(bucket=Bucket.PRINCIPAL), default=ZERO),
        interest=Sum("amount", filter=Q(bucket=Bucket.INTEREST), default=ZERO),
        costs=Sum("amount", filter=Q(bucket=Bucket.COSTS), default=ZERO),
    )
    # SQLite sums decimals as floats (1.1e-13 instead of 0): round back to cents.
    cents = {name: Decimal(value).quantize(ZERO) for name, value in sums.items()}
    return Balance(principal=cents["principal"], interest=cents["interest"], costs=cents["costs"])


def document_get_for_user(*, user: Any, case_number: str, document_id: int) -> Document:
    case = case_get_for_user(user=user, number=case_number)
    document = Document.objects.filter(case=case, pk=document_id).exclude(file="").first()
    if document is None:  # also a document whose file was erased (GDPR)
        raise Http404("No such document")
    return document


@dataclass(frozen=True)
class CaseFile:
    """Everything the case screen shows. The querysets are lazy: a screen fragment (htmx) that
    shows only the notes runs only the notes query."""

    case: Case
    balance: Balance
    current_address: Address | None
    claims: QuerySet[Claim]
    events: QuerySet[Event]
    notes: QuerySet[Note]
    tasks: QuerySet[Task]
    documents: QuerySet[Document]
    addresses: QuerySet[Address]
    contact_points: QuerySet[ContactPoint]
    bank_accounts: QuerySet[BankAccount]
    interest_freezes: QuerySet[InterestFreeze]


TIMELINE_LIMIT = 100  # the case screen shows the latest events


def case_timeline(*, case: Case, limit: int = TIMELINE_LIMIT) -> QuerySet[Event]:
    """The case's latest events, newest first."""
    return case.events.all()[:limit]


def case_file_for_user(*, user: Any, number: str, events_limit: int = TIMELINE_LIMIT) -> CaseFile:
    """The case screen's data in a fixed number of queries; 404 outside the user's scope."""
    case = case_get_for_user(user=user, number=number)
    debtor = case.debtor
    return CaseFile(
        case=case,
        balance=case_balance(case=case),
        current_address=debtor_current_address(debtor=debtor),
        claims=case.claims.all(),
        events=case_timeline(case=case, limit=events_limit),
        notes=case.notes.select_related("author"),
        tasks=case.tasks.select_related("assignee", "done_by"),
        documents=case.documents.select_related("uploaded_by"),
        addresses=debtor.addresses.all(),
        contact_points=debtor.contact_points.all(),
        bank_accounts=debtor.bank_accounts.all(),
        interest_freezes=case.interest_freezes.select_related("created_by").order_by("starts_on", "id"),
    )


def task_get_for_user(*, user: Any, case_number: str, task_id: int) -> Task:
    case = case_get_for_user(user=user, number=case_number)
    task = Task.objects.filter(case=case, pk=task_id).first()
    if task is None:
        raise Http404("No such task")
    return task
