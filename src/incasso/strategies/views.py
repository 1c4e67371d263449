"""Screens for strategies: the officer's work queue and "move to another strategy"; the supervisor's
strategy builder, the daily run started from the browser, the calls and visits logged against the
contact rules, and the champion/challenger comparison.

Supervisors and administrators build strategies; officers get 403 there, as do client users (who
cannot even see strategies). Strategies and the daily run apply to every client's cases, so a
supervisor restricted to some clients gets 403 there too; the comparison shows only their clients. Writes go through services; a DomainError goes back onto the form.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from incasso.cases.contact import (
    NOT_NOW,
    breach_text,
    contact_now,
    contacts_against_the_rules,
    recorded_breaches,
)
from incasso.cases.selectors import case_get_for_user
from incasso.core.access import agency_supervisor_required, require_write, staff_required, supervisor_required
from incasso.core.contact import RuleError
from incasso.core.exceptions import DomainError
from incasso.core.formatting import choice_label
from incasso.core.htmx import reload_page
from incasso.strategies import selectors, services, significance
from incasso.strategies.assignment import case_move_strategy
from incasso.strategies.forms import (
    HoldForm,
    MoveForm,
    NewVersionForm,
    StepForm,
    StrategyForm,
    add_domain_error,
)
from incasso.strategies.holds import case_hold_place, case_hold_release
from incasso.strategies.measures import arm_measures, unit_costs
from incasso.strategies.models import Channel, DailyRun, RunStatus
from incasso.strategies.opt_outs import channel_opt_out_set
from incasso.strategies.rules import PriorityWeights
from incasso.strategies.run_summary import RunSummary
from incasso.strategies.selectors import work_queue_for_user
from incasso.strategies.tasks import daily_run_start

DETAIL = "strategies/strategy_detail.html"


def _htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


@staff_required
def work_queue(request: HttpRequest) -> HttpResponse:
    weights = PriorityWeights()
    today = timezone.localdate()
    items = work_queue_for_user(user=request.user, today=today, weights=weights)
    window, why = contact_now()
    return render(
        request,
        "strategies/work_queue.html",
        {
            "items": items,
            "formula": weights.formula(),
            "today": today,
            "window": window,
            "not_now": NOT_NOW.get(why, ""),
        },
    )


# --- strategies ----------------------------------------------------------------------------------


@agency_supervisor_required
def strategy_list(request: HttpRequest) -> HttpResponse:
    return render(request, "strategies/strategy_list.html", {"rows": selectors.strategy_list()})


@agency_supervisor_required
@require_http_methods(["GET", "POST"])
def strategy_create(request: HttpRequest) -> HttpResponse:
    form = StrategyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            strategy = services.strategy_create(**form.values())
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request,
                _("Strategy ‘%(name)s’ created; now add a version with steps.") % {"name": strategy.name},
            )
            return redirect("strategies:detail", pk=strategy.pk)
    return render(request, "strategies/strategy_form.html", {"form": form, "strategy": None})


@agency_supervisor_required
@require_http_methods(["GET", "POST"])
def strategy_edit(request: HttpRequest, pk: int) -> HttpResponse:
    strategy = selectors.strategy_get(pk=pk)
    form = StrategyForm(request.POST or None, instance=strategy)
    if request.method == "POST" and form.is_valid():
        try:
            services.strategy_update(strategy=selectors.strategy_get(pk=pk), **form.values())
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Strategy saved."))
            return redirect("strategies:detail", pk=pk)
    return render(request, "strategies/strategy_form.html", {"form": form, "strategy": strategy})


def _detail_context(strategy_pk: int, **extra: Any) -> dict[str, Any]:
    strategy = selectors.strategy_get(pk=strategy_pk)
    versions = selectors.strategy_versions(strategy=strategy)
    for version in versions:
        version.problems = [] if version.is_published else services.version_problems(version=version)  # type: ignore[attr-defined]  # shown on the page
    return {
        "strategy": strategy,
        "versions": versions,
        "has_published": any(v.is_published for v in versions),
        "new_version_form": NewVersionForm(),
        **extra,
    }


@agency_supervisor_required
def strategy_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, DETAIL, _detail_context(pk))


@agency_supervisor_required
@require_POST
def version_create(request: HttpRequest, pk: int) -> HttpResponse:
    strategy = selectors.strategy_get(pk=pk)
    form = NewVersionForm(request.POST)
    copy = form.is_valid() and form.cleaned_data["copy_current"]
    current = strategy.versions.filter(is_published=True).order_by("-number").first() if copy else None
    version = services.version_create(strategy=strategy, copy_from=current)
    if current is None:
        messages.success(request, _("Draft v%(number)s created.") % {"number": version.number})
    else:
        messages.success(
            request,
            _("Draft v%(number)s created (copy of v%(source)s).")
            % {"number": version.number, "source": current.number},
        )
    return redirect(f"{reverse('strategies:detail', args=[pk])}#v{version.number}")


@agency_supervisor_required
@require_POST
def version_publish(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    version = selectors.version_get(strategy_pk=pk, number=number)
    try:
        services.version_publish(version=version)
    except DomainError as exc:
        messages.error(
            request, _("v%(number)s not published: %(reason)s") % {"number": number, "reason": exc.message}
        )
    else:
        messages.success(
            request, _("v%(number)s published: new cases follow this version.") % {"number": number}
        )
    return redirect(f"{reverse('strategies:detail', args=[pk])}#v{number}")


def _step_form_response(
    request: HttpRequest, pk: int, number: int, form: StepForm, step: Any = None
) -> HttpResponse:
    context = {"form": form, "step": step, "version": selectors.version_get(strategy_pk=pk, number=number)}
    if _htmx(request):
        return render(request, f"{DETAIL}#step_form", context)
    return render(request, DETAIL, _detail_context(pk, **{"open_form": context}))


def _back_to_steps(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    if _htmx(request):
        # Reload the page the form sits on. Not HX-Redirect to the detail URL: that is this page plus
        # `#vN`, and a change of the fragment alone only scrolls, it loads nothing.
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return redirect(f"{reverse('strategies:detail', args=[pk])}#v{number}")


@agency_supervisor_required
@require_http_methods(["GET", "POST"])
def step_add(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    version = selectors.version_get(strategy_pk=pk, number=number)
    initial = {
        "offset_days": 0,
        "offset_from": "previous_step",
        "action": "send_message",
        "channel": "letter",
    }
    form = StepForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.step_add(
                version=version, position=services.step_next_position(version=version), **form.values()
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Step added."))
            return _back_to_steps(request, pk, number)
    return _step_form_response(request, pk, number, form)


@agency_supervisor_required
@require_http_methods(["GET", "POST"])
def step_edit(request: HttpRequest, pk: int, number: int, step_pk: int) -> HttpResponse:
    step = selectors.step_get(strategy_pk=pk, number=number, step_pk=step_pk)
    form = StepForm(request.POST or None, instance=step)
    if request.method == "POST" and form.is_valid():
        try:
            services.step_update(step=step, **form.values())
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Step saved."))
            return _back_to_steps(request, pk, number)
    return _step_form_response(request, pk, number, form, step=step)


@agency_supervisor_required
@require_POST
def step_remove(request: HttpRequest, pk: int, number: int, step_pk: int) -> HttpResponse:
    step = selectors.step_get(strategy_pk=pk, number=number, step_pk=step_pk)
    try:
        services.step_remove(step=step)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Step ‘%(name)s’ removed.") % {"name": step.name})
    return _back_to_steps(request, pk, number)


@agency_supervisor_required
@require_POST
def step_move(request: HttpRequest, pk: int, number: int, step_pk: int, direction: str) -> HttpResponse:
    step = selectors.step_get(strategy_pk=pk, number=number, step_pk=step_pk)
    try:
        services.step_move(step=step, up=direction == "up")
    except DomainError as exc:
        messages.error(request, exc.message)
    if _htmx(request):
        context = _detail_context(pk)
        context["version"] = next(v for v in context["versions"] if v.number == number)
        return render(request, f"{DETAIL}#version", context)
    return redirect(f"{reverse('strategies:detail', args=[pk])}#v{number}")


# --- the daily run from the browser ---------------------------------------------------------------


RUN = "strategies/run.html"
WORKER_WAIT = dt.timedelta(seconds=10)  # queued longer than this: say that a background worker is needed


@agency_supervisor_required
@require_http_methods(["GET", "POST"])
def run_page(request: HttpRequest) -> HttpResponse:
    """Start today's run (or a dry run) in the background and follow it; `?run=<id>` shows one run."""
    if request.method == "POST":
        try:
            started = daily_run_start(actor=request.user, dry_run=request.POST.get("mode") == "dry")
        except (DomainError, RuleError) as exc:
            messages.error(request, _("The daily run was not started: %(reason)s") % {"reason": exc})
            return redirect("strategies:run")
        return redirect(f"{reverse('strategies:run')}?run={started.pk}")
    run: DailyRun | None = None
    if request.GET.get("run", "").isdigit():
        run = selectors.daily_run_get(pk=int(request.GET["run"]))
    return render(request, RUN, _run_context(run))


@agency_supervisor_required
@require_GET
def run_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The polled part of the run page: the run's progress, its summary once it has finished, and the
    buttons and the list of runs beside it (out of band)."""
    run = selectors.daily_run_get(pk=pk)
    return render(request, f"{RUN}#progress", _run_context(run, oob=True))


def _run_context(run: DailyRun | None, *, oob: bool = False) -> dict[str, Any]:
    """The page's context for `run`; without one, for the run in progress if there is one."""
    now = timezone.now()
    busy = selectors.daily_run_in_progress(now=now)
    run = run or busy
    context: dict[str, Any] = {
        "run": run,
        "runs": selectors.daily_runs(),
        "today": timezone.localdate(),
        "busy": busy,
        "oob": oob,
    }
    if run is None:
        return context
    context["stalled"] = run.is_stalled(now)
    context["waiting_long"] = run.status == RunStatus.QUEUED and now - run.started_at > WORKER_WAIT
    if run.status == RunStatus.FINISHED and run.counts:
        summary = RunSummary.from_dict(run.counts)
        context["summary"] = summary
        context["by_action"] = selectors.run_executed_by_action(run=run)
        context["skipped"] = selectors.skipped_labelled(summary.skipped)
        context["skipped_total"] = sum(summary.skipped.values())
    return context


# --- contacts against the Wki rules ---------------------------------------------------------------

BREACH_DAYS = (7, 30, 90, 365)


@supervisor_required
@require_GET
def contact_breaches(request: HttpRequest) -> HttpResponse:
    """The calls and visits officers logged against the contact rules (outside the window, above the
    week's call limit): for the supervisor who answers for the Wki conduct rules."""
    try:
        days = int(request.GET.get("days", "30"))
    except ValueError:
        days = 30
    days = days if days in BREACH_DAYS else 30
    today = timezone.localdate()
    events = list(
        contacts_against_the_rules(since=today - dt.timedelta(days=days - 1), user=request.user)[:500]
    )
    rows = [(event, breach_text(recorded_breaches(event))) for event in events]
    return render(
        request,
        "strategies/contact_breaches.html",
        {"rows": rows, "days": days, "choices": BREACH_DAYS, "today": today, "limit": 500},
    )


# --- champion / challenger -----------------------------------------------------------------------


@supervisor_required
def compare(request: HttpRequest, pk: int) -> HttpResponse:
    champion = selectors.strategy_get(pk=pk)
    costs = unit_costs(getattr(settings, "INCASSO_MESSAGE_UNIT_COSTS", None))

    facts = [selectors.arm_facts(strategy=champion, user=request.user)]
    if champion.challenger is not None:
        facts.append(selectors.arm_facts(strategy=champion.challenger, user=request.user))
    strategies = [champion, champion.challenger]
    arms = [(strategy, arm_measures(f, costs=costs)) for strategy, f in zip(strategies, facts, strict=False)]
    channels = [(ch, choice_label(Channel, ch)) for ch in sorted({ch for _s, m in arms for ch in m.messages})]
    unit = [(choice_label(Channel, ch), cost) for ch, cost in sorted(costs.items())]
    context: dict[str, Any] = {"champion": champion, "arms": arms, "costs": unit, "channels": channels}
    if len(arms) == 2:
        (_s1, m1), (_s2, m2) = arms
        context["tests"] = {
            "shares": significance.share_difference((m1.paid_in_full, m1.cases), (m2.paid_in_full, m2.cases)),
            "means": significance.mean_difference(
                [f.collected for f in facts[0]], [f.collected for f in facts[1]]
            ),
            "needed": significance.cases_needed(m1.paid_in_full_share)
            if m1.paid_in_full_share is not None
            else None,
            "min_cases": significance.MIN_CASES_FOR_MEANS,
            "smallest_arm": min(m1.cases, m2.cases),
        }
    return render(request, "strategies/compare.html", context)


# --- the officer: move a case to another strategy --------------------------------------------------


@staff_required
@require_http_methods(["GET", "POST"])
def case_move(request: HttpRequest, number: str) -> HttpResponse:
    case = case_get_for_user(user=request.user, number=number)
    current = selectors.current_assignment(case=case)
    versions = [
        v for v in selectors.versions_for_move(case=case) if current is None or v.pk != current.version_id
    ]
    form = MoveForm(request.POST or None, versions=versions)
    if request.method == "POST" and form.is_valid():
        try:
            case_move_strategy(
                case=case,
                version=form.cleaned_data["version"],
                actor=request.user,
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request,
                _("Case %(number)s now follows %(version)s.")
                % {"number": case.number, "version": form.cleaned_data["version"]},
            )
            return redirect("cases:detail", case.number)
    return render(request, "strategies/move.html", {"case": case, "current": current, "form": form})


@staff_required
@require_POST
def debtor_opt_out(request: HttpRequest, number: str) -> HttpResponse:
    """Switch a channel off or on again for the case's debtor (the case screen's debtor panel)."""
    case = case_get_for_user(user=request.user, number=number)
    require_write(request.user)
    try:
        channel_opt_out_set(
            case=case,
            channel=request.POST.get("channel", ""),
            opted_out=request.POST.get("opted_out") == "1",
            actor=request.user,
        )
    except DomainError as exc:  # named at the top of the page it reloads, as for a hold
        messages.error(request, exc.message)
    # the panel, the call panel's hints and the timeline all change
    return reload_page(request, f"{reverse('cases:detail', args=[case.number])}#debtor")


def _back_to_holds(request: HttpRequest, case: Any) -> HttpResponse:
    return reload_page(request, f"{reverse('cases:detail', args=[case.number])}#holds")


@staff_required
@require_POST
def case_hold(request: HttpRequest, number: str) -> HttpResponse:
    """Place a hold by hand (debt counselling, insolvency, deceased) from the case screen."""
    case = case_get_for_user(user=request.user, number=number)
    require_write(request.user)
    form = HoldForm(request.POST)
    if not form.is_valid():  # named at the top of the page it reloads (the form is a small panel)
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}: {' '.join(str(e) for e in errors)}")
        return _back_to_holds(request, case)
    try:
        case_hold_place(case=case, actor=request.user, **form.cleaned_data)
    except DomainError as exc:
        messages.error(request, exc.message)
    return _back_to_holds(request, case)


@staff_required
@require_POST
def case_hold_end(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    case = case_get_for_user(user=request.user, number=number)
    require_write(request.user)
    try:
        case_hold_release(case=case, hold_id=pk, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    return _back_to_holds(request, case)
