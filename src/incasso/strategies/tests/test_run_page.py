"""The daily run from the browser: queued for a background worker (`db_worker`), its progress polled,
its summary shown; refused while another run is in progress; a failure named on the page."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from incasso.strategies.models import DailyRun, OutgoingMessage, RunStatus, StepExecution
from incasso.strategies.run import run_part
from incasso.strategies.tests.conftest import MONDAY_10H, make_due_case

pytestmark = pytest.mark.django_db


def _start(client, mode: str) -> DailyRun:
    response = client.post(reverse("strategies:run"), {"mode": mode})
    run = DailyRun.objects.order_by("-id").first()
    assert run is not None
    assert response.status_code == 302 and response["Location"].endswith(f"?run={run.pk}")
    return run


@time_machine.travel(MONDAY_10H, tick=False)
def test_a_dry_run_then_a_run_are_queued_carried_out_by_the_worker_and_summarised(
    client, supervisor, consumer_route, worker
):
    client.force_login(supervisor)
    case = make_due_case(version=consumer_route)

    dry = _start(client, "dry")
    assert (dry.status, dry.dry_run, dry.started_by) == (RunStatus.QUEUED, True, supervisor)
    page = client.get(f"{reverse('strategies:run')}?run={dry.pk}").content.decode()
    assert "Wachten op een achtergrondproces" in page and 'hx-trigger="every 1s"' in page
    assert "disabled" in page  # the buttons, while the run is in progress

    worker()
    dry.refresh_from_db()
    assert (dry.status, dry.due, dry.done) == (RunStatus.FINISHED, 1, 1)
    response = client.get(f"{reverse('strategies:run')}?run={dry.pk}")
    assert "Proefdraaien: er is niets gewijzigd" in response.content.decode()
    assert response.context["summary"].executed == 1
    assert response.context["by_action"] == [("bericht versturen", 1)]  # a dry run's too
    assert not StepExecution.objects.exists() and not OutgoingMessage.objects.exists()

    run = _start(client, "run")
    worker()
    run.refresh_from_db()
    assert run.status == RunStatus.FINISHED and run.counts["executed"] == 1
    response = client.get(f"{reverse('strategies:run')}?run={run.pk}")
    html = response.content.decode()
    assert "Verwerking klaar" in html and 'hx-trigger="every 1s"' not in html
    assert response.context["by_action"] == [("bericht versturen", 1)]
    assert OutgoingMessage.objects.filter(case=case).count() == 1
    assert StepExecution.objects.get(case=case).run_id == run.pk
    # the follow-ups ran in the worker too: promises evaluated, the sending task queued
    assert run.counts["promises"] == {"kept": 0, "broken": 0}
    assert DBTaskResult.objects.filter(task_path="incasso.letters.tasks.process_messages").exists()


@time_machine.travel(MONDAY_10H, tick=False)
def test_a_second_run_is_refused_while_one_is_in_progress(client, supervisor, consumer_route, worker):
    client.force_login(supervisor)
    make_due_case(version=consumer_route)
    first = _start(client, "run")
    response = client.post(reverse("strategies:run"), {"mode": "run"}, follow=True)
    assert "is al bezig" in response.content.decode()
    assert DailyRun.objects.count() == 1
    assert DBTaskResult.objects.filter(task_path="incasso.strategies.tasks.daily_run_task").count() == 1
    worker()
    first.refresh_from_db()
    assert first.status == RunStatus.FINISHED
    _start(client, "run")  # once it has finished, the next may start
    assert DailyRun.objects.count() == 2


@time_machine.travel(MONDAY_10H, tick=False)
def test_a_stalled_run_does_not_block_a_new_one(client, supervisor, consumer_route, worker):
    client.force_login(supervisor)
    case = make_due_case(version=consumer_route)
    long_ago = MONDAY_10H - dt.timedelta(minutes=20)  # a worker that died mid-run
    stalled = DailyRun.objects.create(
        run_date=MONDAY_10H.date(),
        status=RunStatus.RUNNING,
        started_at=long_ago,
        heartbeat_at=long_ago,
        due=10,
        done=4,
    )
    page = client.get(f"{reverse('strategies:run')}?run={stalled.pk}").content.decode()
    assert "Geen voortgang sinds" in page and 'hx-trigger="every 1s"' not in page
    run = _start(client, "run")
    worker()
    run.refresh_from_db()
    assert run.status == RunStatus.FINISHED and run.counts["executed"] == 1
    assert OutgoingMessage.objects.filter(case=case).count() == 1


def test_the_polled_progress_shows_the_share_done_and_stops_polling_when_finished(client, supervisor):
    client.force_login(supervisor)
    from django.utils import timezone

    now = timezone.now()
    run = DailyRun.objects.create(
        run_date=timezone.localdate(),
        status=RunStatus.RUNNING,
        started_at=now,
        heartbeat_at=now,
        due=50_000,
        done=20_000,
        started_by=supervisor,
    )
    html = client.get(reverse("strategies:run_progress", args=[run.pk])).content.decode()
    assert '<progress class="run-progress" max="100" value="40"' in html
    assert "20.000 van 50.000 openstaande dossiers (40 %)" in html
    assert 'hx-trigger="every 1s"' in html
    assert 'id="run-actions" hx-swap-oob="true"' in html and "disabled" in html  # the buttons, out of band
    assert 'id="last-runs" hx-swap-oob="true"' in html and "bezig 40 %" in html

    DailyRun.objects.filter(pk=run.pk).update(
        status=RunStatus.FINISHED,
        done=50_000,
        finished_at=now,
        counts={
            "run_date": str(run.run_date),
            "dry_run": False,
            "due": 50_000,
            "executed": 35_893,
            "assigned": 0,
            "skipped": {"on_hold": 7},
            "by_action": {"send_message": 35_893},
            "errors": [],
        },
    )
    html = client.get(reverse("strategies:run_progress", args=[run.pk])).content.decode()
    assert 'hx-trigger="every 1s"' not in html and "Verwerking klaar" in html and "35.893" in html
    assert "disabled" not in html


@time_machine.travel(MONDAY_10H, tick=False)
def test_a_failed_run_is_named_on_the_page(client, supervisor, settings):
    client.force_login(supervisor)
    queued = DailyRun.objects.create(  # queued for a date the horizon no longer allows
        run_date=MONDAY_10H.date() + dt.timedelta(days=3),
        status=RunStatus.QUEUED,
        started_at=MONDAY_10H,
    )
    with pytest.raises(Exception, match="toegestane"):
        run_part(run_id=queued.pk)
    queued.refresh_from_db()
    assert queued.status == RunStatus.FAILED and "toegestane" in queued.error
    html = client.get(f"{reverse('strategies:run')}?run={queued.pk}").content.decode()
    assert "De verwerking is mislukt" in html and "toegestane" in html
    assert not StepExecution.objects.exists()


@time_machine.travel(MONDAY_10H, tick=False)
def test_a_task_delivered_twice_runs_once(supervisor, consumer_route):
    make_due_case(version=consumer_route)
    run = DailyRun.objects.create(run_date=MONDAY_10H.date(), status=RunStatus.QUEUED, started_at=MONDAY_10H)
    first = run_part(run_id=run.pk)
    again = run_part(run_id=run.pk)
    assert first["executed"] == 1 and again["executed"] == 1  # the stored summary, not a second run
    assert StepExecution.objects.count() == 1 and OutgoingMessage.objects.count() == 1


def test_someone_else_cannot_open_a_run(client, officer, supervisor):
    from django.utils import timezone

    run = DailyRun.objects.create(run_date=timezone.localdate(), started_at=timezone.now())
    client.force_login(officer)
    assert client.get(reverse("strategies:run_progress", args=[run.pk])).status_code == 403
    client.force_login(supervisor)
    assert client.get(reverse("strategies:run_progress", args=[run.pk + 99])).status_code == 404
