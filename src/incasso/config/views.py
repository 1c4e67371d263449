"""The administration hub: one page that leads a supervisor or administrator to every setting and run,
with the count of what waits for them. It lives in `config`, the composition root, because it reads
several apps (arrangements, payments, privacy) that `core` may not import."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from incasso.arrangements.selectors import approval_queue, disputes_open_too_long
from incasso.core.access import is_restricted, supervisor_required
from incasso.payments.selectors import transaction_queue
from incasso.privacy.selectors import debtors_due, retention_years


@supervisor_required
def management(request: HttpRequest) -> HttpResponse:
    user = request.user
    days = int(getattr(settings, "INCASSO_DISPUTE_OVERDUE_DAYS", 30))
    waiting = {
        "approvals": approval_queue(user=user).count(),
        "disputes": disputes_open_too_long(user=user, today=timezone.localdate(), days=days).count(),
        "payments": transaction_queue(user=user).count(),
        "privacy": 0
        if is_restricted(user)
        else debtors_due(today=timezone.localdate(), years=retention_years()).count(),
    }
    return render(request, "core/management.html", {"waiting": waiting})
