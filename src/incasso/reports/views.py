"""Rapportages: the portfolio report on screen (with htmx for the filter) and as CSV."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from incasso.cases.models import Bucket, CaseState, ClosingReason
from incasso.core.excel_csv import csv_amount, csv_bytes
from incasso.core.formatting import format_money
from incasso.core.htmx import is_fragment_request
from incasso.reports import figures, selectors
from incasso.reports.forms import ReportForm

TEMPLATE = "reports/index.html"


def _presets(today: Any) -> list[tuple[str, Any, Any]]:
    labels = {
        "this_month": _("This month"),
        "last_month": _("Last month"),
        "this_year": _("This year"),
        "last_year": _("Last year"),
        "twelve_months": _("Last 12 months"),
    }
    return [(labels[key], start, end) for key, (start, end) in figures.period_presets(today).items()]


def _filtered(request: HttpRequest) -> tuple[ReportForm, selectors.Report | None]:
    """The form (bound to the query string, this year by default) and the report when it is valid."""
    today = timezone.localdate()
    clients = selectors.report_clients(request.user)
    data = request.GET.copy()
    start, end = figures.period_presets(today)["this_year"]
    data.setdefault("start", start.isoformat())
    data.setdefault("end", end.isoformat())
    form = ReportForm(data, clients=clients)
    if not form.is_valid():
        return form, None
    shown = data.copy()  # the dates as an officer types them, whichever way the link carried them
    for name in ("start", "end"):
        shown[name] = form.cleaned_data[name].strftime("%d-%m-%Y")
    form.data = shown
    code = form.cleaned_data["client"]
    chosen = clients.filter(code=code) if code else clients  # the form took only a code of these
    report = selectors.portfolio_report(
        clients=chosen, start=form.cleaned_data["start"], end=form.cleaned_data["end"]
    )
    return form, report


def _age_label(index: int) -> str:
    first, last = figures.AGE_BANDS[index]
    if last is None:
        return _("over %(days)s days") % {"days": first - 1}
    return _("%(first)s–%(last)s days") % {"first": first, "last": last}


def _axis_label(value: Decimal) -> str:
    """`€ 62.500` on the chart's axis: money as everywhere, without cents when there are none."""
    text = format_money(value.quantize(figures.CENT))
    return text.removesuffix(",00")


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    form, report = _filtered(request)
    context: dict[str, Any] = {"form": form, "report": report, "presets": _presets(timezone.localdate())}
    if report is not None:
        states = dict(CaseState.choices)
        context |= {
            "ages": [(_age_label(i), band) for i, band in enumerate(report.ages)],
            "states": [(states[band.key], band) for band in report.states],
            "most_cases": max([b.cases for b in report.states] + [b.cases for b in report.ages] + [1]),
            "series": [Bucket(b).label for b in selectors.BUCKETS],
            "bars": list(zip(report.chart.bars, report.months, strict=True)),
            "ticks": [(tick, _axis_label(tick.value)) for tick in report.chart.ticks],
            "collected_rows": [(Bucket(b).label, report.total.collected[b]) for b in selectors.BUCKETS],
            "closed_rows": [(label, report.total.closed[value]) for value, label in ClosingReason.choices],
        }
    response = render(request, f"{TEMPLATE}#report" if is_fragment_request(request) else TEMPLATE, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _percent(value: Any) -> str:
    return "" if value is None else f"{value}".replace(".", ",")


def csv_rows(report: selectors.Report) -> list[list[str]]:
    """The per-client table and its totals line, as the CSV has them (semicolons, decimal comma)."""
    header = [
        _("Client"),
        _("Code"),
        _("Cases received"),
        _("Principal received"),
        _("Principal recovered on these cases"),
        _("Recovery rate (%)"),
        _("Collected: principal"),
        _("Collected: interest"),
        _("Collected: costs"),
        _("Collected: total"),
        _("Paying cases"),
        *[_("Closed: %(reason)s") % {"reason": label} for _value, label in ClosingReason.choices],
        _("Average days to payment in full"),
        _("Open cases at the end"),
        _("Open: principal"),
        _("Open: interest"),
        _("Open: costs"),
        _("Open: total"),
        _("Arrangements running"),
        _("Arrangements completed"),
        _("Arrangements broken"),
        _("Promises to pay made"),
        _("Promises to pay kept"),
        _("Promises to pay broken"),
        _("Promises kept (%)"),
    ]

    def line(name: str, code: str, f: selectors.Figures) -> list[str]:
        return [
            name,
            code,
            str(f.received),
            csv_amount(f.received_principal),
            csv_amount(f.recovered_principal),
            _percent(f.recovery_rate),
            *[csv_amount(f.collected[b]) for b in selectors.BUCKETS],
            csv_amount(f.collected_total),
            str(f.paying_cases),
            *[str(f.closed[reason]) for reason in ClosingReason.values],
            _percent(f.days_to_payment_mean),
            str(f.open_cases),
            *[csv_amount(f.open_balance[b]) for b in selectors.BUCKETS],
            csv_amount(f.open_total),
            str(f.arrangements_active),
            str(f.arrangements_completed),
            str(f.arrangements_broken),
            str(f.promises_made),
            str(f.promises_kept),
            str(f.promises_broken),
            _percent(f.promise_keep_rate),
        ]

    rows = [header] + [line(r.client.name, r.client.code, r.figures) for r in report.rows]
    rows.append(line(_("Total"), "", report.total))
    return rows


@login_required
@require_GET
def export_csv(request: HttpRequest) -> HttpResponse:
    form, report = _filtered(request)
    if report is None:
        errors = "; ".join(
            f"{form.fields[name].label if name in form.fields else ''}: {' '.join(str(m) for m in msgs)}".lstrip(
                ": "
            )
            for name, msgs in form.errors.items()
        )
        return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")
    name = f"rapportage-{report.start.isoformat()}-{report.end.isoformat()}.csv"
    response = HttpResponse(csv_bytes(csv_rows(report)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
