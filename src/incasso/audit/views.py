"""The access log screen: who looked at which case, for supervisors and administrators (403 for
everyone else), scoped to their clients. It records nothing itself: it shows case numbers and names as
the case list does, and opening a case from here is recorded as any other."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from incasso.audit.forms import AccessLogFilterForm
from incasso.audit.selectors import access_log_for_user
from incasso.core.access import supervisor_required

PER_PAGE = 50


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


def _page_number(raw: str | None) -> int:
    try:
        return max(1, int(raw or 1))
    except ValueError:
        return 1


@supervisor_required
@require_GET
def access_log(request: HttpRequest) -> HttpResponse:
    """Paged without a COUNT: the log grows to millions of rows, and counting a large filter on
    PostgreSQL reads every matching index entry; one row more than the page tells whether there is a
    next page."""
    form = AccessLogFilterForm(request.GET)
    number = _page_number(request.GET.get("page"))
    rows: list[Any] = []
    if form.is_valid():  # a mistyped date shows its error, not the whole log
        data = form.cleaned_data
        entries = access_log_for_user(
            user=request.user,
            case_number=data["case"],
            user_id=data["user"].pk if data["user"] else None,
            start=_midnight(data["start"]) if data["start"] else None,
            end=_midnight(data["end"] + dt.timedelta(days=1)) if data["end"] else None,
        )
        offset = (number - 1) * PER_PAGE
        rows = list(entries[offset : offset + PER_PAGE + 1])
    context = {
        "form": form,
        "entries": rows[:PER_PAGE],
        "page_number": number,
        "has_previous": number > 1,
        "has_next": len(rows) > PER_PAGE,
    }
    return render(request, "audit/access_log.html", context)
