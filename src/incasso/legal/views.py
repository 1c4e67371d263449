"""Legal screens: the limitation watch list (supervisors), the hand-over page and the summons
downloads (agency staff). Client users get 403; cases outside the scope 404 (case_get_for_user)."""

from __future__ import annotations

from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from incasso.audit.models import AccessKind
from incasso.audit.services import access_record
from incasso.cases.selectors import case_get_for_user
from incasso.core.access import staff_required, supervisor_required
from incasso.core.exceptions import DomainError
from incasso.legal.forms import BailiffUpdateForm, LimitationEventForm
from incasso.legal.models import BailiffUpdate, Handover, HandoverTo, LimitationEvent
from incasso.legal.package import package_zip, summons_files
from incasso.legal.selectors import (
    case_limitations,
    client_policy,
    handover_open,
    handovers_for_case,
    limitation_watch_list,
)
from incasso.legal.services import (
    bailiff_update_record,
    case_handover,
    handover_approve,
    handover_request,
    limitation_record,
)


@supervisor_required
def limitation_list(request: HttpRequest) -> HttpResponse:
    try:
        days = max(0, min(int(request.GET.get("days", 90)), 3650))
    except ValueError:
        days = 90
    rows = limitation_watch_list(today=timezone.localdate(), days=days, user=request.user)
    return render(request, "legal/limitation_list.html", {"rows": rows, "days": days})


WARN_DAYS = 90


@login_required
def case_limitation_panel(request: HttpRequest, number: str) -> HttpResponse:
    """The limitation date of each claim of one case, as a panel the case screen loads (htmx)."""
    case = case_get_for_user(user=request.user, number=number)
    today = timezone.localdate()
    rows = [
        {
            "claim": claim,
            "limitation": lim,
            "days_left": lim.days_left(today),
            "warn": lim.days_left(today) <= WARN_DAYS,
        }
        for claim, lim in case_limitations(case=case)
    ]
    return render(
        request, "legal/_case_limitation.html", {"case": case, "rows": rows, "warn_days": WARN_DAYS}
    )


@staff_required
def summons_download(request: HttpRequest, number: str, fmt: str) -> HttpResponse:
    case = case_get_for_user(user=request.user, number=number)
    pdf, docx = summons_files(case=case, as_of=timezone.localdate())
    access_record(user=request.user, case=case, kind=AccessKind.SUMMONS, detail=fmt)
    if fmt == "pdf":
        response = HttpResponse(pdf, content_type="application/pdf")
    else:
        response = HttpResponse(
            docx, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        )
    response["Content-Disposition"] = f'attachment; filename="concept-dagvaarding-{case.number}.{fmt}"'
    return response


@staff_required
@require_http_methods(["GET", "POST"])
def handover_page(request: HttpRequest, number: str) -> HttpResponse:
    case = case_get_for_user(user=request.user, number=number)
    if request.method == "POST":
        action = request.POST.get("action", "")
        to = request.POST.get("to", HandoverTo.BAILIFF)
        party = request.POST.get("party", "").strip()
        try:
            if action == "request":
                handover_request(case=case, to=to, party=party, actor=request.user)
                messages.success(request, _("Hand-over requested."))
            elif action == "approve":
                pending = handover_open(case=case, to=to)
                if pending is None:
                    raise DomainError(_("There is no open request"), field="handover")
                handover_approve(handover=pending, approver=request.user, note=request.POST.get("note", ""))
                messages.success(request, _("Approval recorded."))
            elif action in ("handover", "force"):
                case_handover(
                    case=case,
                    to=to,
                    party=party,
                    actor=request.user,
                    force=action == "force",
                    reason=request.POST.get("reason", ""),
                )
                messages.success(request, _("Case handed over; the package is ready."))
            else:
                raise DomainError(_("Unknown action"), field="action")
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("legal:handover", number=case.number)
    return render(
        request,
        "legal/handover.html",
        {
            "case": case,
            "handovers": handovers_for_case(case=case),
            "policy": client_policy(client_id=case.client_id),
            "targets": HandoverTo.choices,
        },
    )


@staff_required
def handover_package(request: HttpRequest, number: str, handover_id: int) -> HttpResponse:
    case = case_get_for_user(user=request.user, number=number)
    handover = Handover.objects.filter(case=case, pk=handover_id, handed_over_at__isnull=False).first()
    if handover is None or not handover.package_path or not Path(handover.package_path).is_dir():
        raise Http404("No package")
    package = package_zip(Path(handover.package_path))
    access_record(user=request.user, case=case, kind=AccessKind.LEGAL_PACKAGE, detail=f"{handover.to}")
    response = HttpResponse(package, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="overdracht-{case.number}-{handover.pk}.zip"'
    return response


def _field_of(form: LimitationEventForm | BailiffUpdateForm, exc: DomainError) -> str | None:
    return exc.field if exc.field in form.fields else None


@staff_required
@require_http_methods(["GET", "POST"])
def case_legal(request: HttpRequest, number: str) -> HttpResponse:
    """Per case: record a limitation event or a bailiff's update, and see the ones recorded."""
    case = case_get_for_user(user=request.user, number=number)
    limitation_form = LimitationEventForm(case=case, prefix="lim")
    bailiff_form = BailiffUpdateForm(case=case, prefix="bu", initial={"on": timezone.localdate()})
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "limitation":
            limitation_form = LimitationEventForm(request.POST, case=case, prefix="lim")
            if limitation_form.is_valid():
                try:
                    limitation_record(actor=request.user, **limitation_form.cleaned_data)
                except DomainError as exc:
                    limitation_form.add_error(_field_of(limitation_form, exc), exc.message)
                else:
                    messages.success(request, _("Limitation event recorded."))
                    return redirect("legal:case", number=case.number)
        elif action == "bailiff":
            bailiff_form = BailiffUpdateForm(request.POST, case=case, prefix="bu")
            if bailiff_form.is_valid():
                try:
                    bailiff_update_record(case=case, actor=request.user, **bailiff_form.cleaned_data)
                except DomainError as exc:
                    bailiff_form.add_error(_field_of(bailiff_form, exc), exc.message)
                else:
                    messages.success(request, _("Message from the bailiff booked."))
                    return redirect("legal:case", number=case.number)
        else:
            raise Http404("Unknown action")
    today = timezone.localdate()
    limitations = [
        {
            "claim": claim,
            "limitation": lim,
            "days_left": lim.days_left(today),
            "warn": lim.days_left(today) <= WARN_DAYS,
        }
        for claim, lim in case_limitations(case=case)
    ]
    return render(
        request,
        "legal/case.html",
        {
            "case": case,
            "limitations": limitations,
            "events": LimitationEvent.objects.filter(claim__case=case)
            .select_related("claim", "proof", "by")
            .order_by("-occurred_on", "-pk"),
            "updates": BailiffUpdate.objects.filter(case=case).select_related("by").order_by("-on", "-pk"),
            "limitation_form": limitation_form,
            "bailiff_form": bailiff_form,
            "handovers": handovers_for_case(case=case),
        },
    )
