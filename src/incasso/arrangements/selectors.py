"""Reads for arrangements, promises, disputes and settlement offers. Anything per case goes through
`case_get_for_user`, so it is scoped like the case itself (404 outside the user's scope)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypedDict

from django.db.models import Prefetch, QuerySet, Sum
from django.http import Http404

from incasso.arrangements.models import (
    Arrangement,
    ArrangementStatus,
    Dispute,
    Instalment,
    Settlement,
    SettlementStatus,
)
from incasso.calculations.errors import PaymentReferenceError
from incasso.calculations.payment_reference import normalise
from incasso.core.access import SUPERVISOR_ROLES, can_write, scope_to_clients

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class PaidAnnotation(TypedDict):
    """`paid`: the sum of the payments booked on an instalment (0 when none)."""

    paid: Decimal


if TYPE_CHECKING:
    InstalmentWithPaid = WithAnnotations[Instalment, PaidAnnotation]


def instalment_for_reference(reference: str) -> Instalment | None:
    """The instalment a betalingskenmerk belongs to (spaces and dots ignored), or None.
    For the payments app: no user scope, it matches bank transactions."""
    try:
        digits = normalise(reference)
    except PaymentReferenceError:
        return None
    if len(digits) != 16:
        return None
    return (
        Instalment.objects.select_related("arrangement", "arrangement__case")
        .filter(payment_reference=digits)
        .first()
    )


def is_approver(user: Any) -> bool:
    return can_write(user) and getattr(user, "role", None) in SUPERVISOR_ROLES


def approval_queue(*, user: Any) -> QuerySet[Arrangement]:
    if not is_approver(user):
        return Arrangement.objects.none()
    pending = Arrangement.objects.filter(status=ArrangementStatus.PENDING)
    return (
        scope_to_clients(pending, user=user, field="case__client_id")
        .select_related("case", "case__client", "case__debtor", "proposed_by")
        .prefetch_related("instalments")
        .order_by("proposed_at", "pk")
    )


def arrangement_get_for_approver(*, user: Any, pk: int) -> Arrangement | None:
    return approval_queue(user=user).filter(pk=pk).first()


def arrangements_running(*, user: Any, statuses: Any, limit: int = 300) -> list[Arrangement]:
    """The arrangements home: running arrangements of the user's clients, each instalment with `paid`."""
    paid = Instalment.objects.annotate(paid=Sum("payments__amount", default=Decimal("0"))).order_by("number")
    running = Arrangement.objects.filter(status__in=statuses)
    return list(
        scope_to_clients(running, user=user, field="case__client_id")
        .select_related("case", "case__debtor", "case__client")
        .prefetch_related(Prefetch("instalments", queryset=paid))
        .order_by("status", "case__number")[:limit]
    )


def disputes_open(*, user: Any, limit: int = 300) -> list[Dispute]:
    """Unresolved disputes of the user's clients, oldest first."""
    unresolved = Dispute.objects.filter(resolved_at__isnull=True)
    return list(
        scope_to_clients(unresolved, user=user, field="case__client_id")
        .select_related("case", "case__client", "case__debtor", "opened_by")
        .order_by("opened_at", "pk")[:limit]
    )


def arrangement_get_for_user(*, user: Any, pk: int) -> Arrangement:
    """An arrangement whose case the user may see; 404 otherwise (as for the case itself)."""
    mine = scope_to_clients(Arrangement.objects.all(), user=user, field="case__client_id")
    arrangement = mine.select_related("case", "proposed_by", "decided_by").filter(pk=pk).first()
    if arrangement is None:
        raise Http404("No such arrangement")
    return arrangement


def dispute_get_for_user(*, user: Any, pk: int) -> Dispute:
    """A dispute whose case the user may see; 404 otherwise."""
    mine = scope_to_clients(Dispute.objects.all(), user=user, field="case__client_id")
    dispute = mine.select_related("case", "opened_by", "resolved_by").filter(pk=pk).first()
    if dispute is None:
        raise Http404("No such dispute")
    return dispute


def arrangement_for_case(*, case: Any) -> Arrangement | None:
    return Arrangement.objects.filter(case=case).order_by("-proposed_at", "-pk").first()


def instalments_with_paid(*, arrangement: Arrangement) -> QuerySet[InstalmentWithPaid]:
    return arrangement.instalments.annotate(paid=Sum("payments__amount", default=Decimal("0"))).order_by(
        "number"
    )


def disputes_open_too_long(*, user: Any, today: dt.date, days: int) -> QuerySet[Dispute]:
    if not is_approver(user):
        return Dispute.objects.none()
    cutoff = today - dt.timedelta(days=days)
    open_disputes = Dispute.objects.filter(resolved_at__isnull=True, opened_at__date__lte=cutoff)
    return (
        scope_to_clients(open_disputes, user=user, field="case__client_id")
        .select_related("case", "case__client", "opened_by")
        .order_by("opened_at", "pk")
    )


def settlement_get_for_user(*, user: Any, pk: int) -> Settlement:
    """A settlement offer whose case the user may see; 404 otherwise."""
    mine = scope_to_clients(Settlement.objects.all(), user=user, field="case__client_id")
    settlement = (
        mine.select_related("case", "case__client", "case__debtor", "proposed_by", "decided_by")
        .filter(pk=pk)
        .first()
    )
    if settlement is None:
        raise Http404("No such settlement offer")
    return settlement


def settlement_queue(*, user: Any) -> QuerySet[Settlement]:
    """Settlement offers beyond an officer's authority, for the supervisor who decides."""
    if not is_approver(user):
        return Settlement.objects.none()
    pending = Settlement.objects.filter(status=SettlementStatus.PENDING)
    return (
        scope_to_clients(pending, user=user, field="case__client_id")
        .select_related("case", "case__debtor", "proposed_by")
        .order_by("proposed_at", "pk")
    )


def settlements_running(*, user: Any, limit: int = 300) -> list[Settlement]:
    """Running and pending offers of the user's clients, the nearest date first."""
    running = Settlement.objects.filter(status__in=(SettlementStatus.PENDING, SettlementStatus.ACTIVE))
    return list(
        scope_to_clients(running, user=user, field="case__client_id")
        .select_related("case", "case__debtor")
        .order_by("deadline", "pk")[:limit]
    )
