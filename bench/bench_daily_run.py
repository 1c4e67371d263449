"""Benchmark the daily strategy run on PostgreSQL (run by hand; never a test).

    # once: a fresh database with N open cases, each on a published strategy (bulk SQL, no ORM loop)
    .venv/bin/python bench/bench_daily_run.py setup --cases 1000000
    # then, as often as wanted: reset the schedule so PCT % of the cases is due today, measure the
    # floor (one set-based INSERT ... SELECT of one event per due case, rolled back) and the real run
    .venv/bin/python bench/bench_daily_run.py run --due 5
    .venv/bin/python bench/bench_daily_run.py run --due 0
    .venv/bin/python bench/bench_daily_run.py --db incasso_bench_200k setup --cases 200000
    .venv/bin/python bench/bench_daily_run.py --db incasso_bench_200k run --due 100

The data: one client, ~200,000 debtors (persons with a valid address and phone number; cases share them), cases with a
claim and its principal ledger entry, a current StrategyAssignment each. The route: reminder letter,
call task, 14-day letter, collection costs; the due cases are spread evenly over those four steps, so
the run sends letters, creates tasks, and skips costs for want of a sent 14-day letter (a guard).
Peak memory is `ru_maxrss` of this process (the run happens in it, after Django has loaded).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def _django(db: str) -> None:
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "incasso.config.settings")
    # As in production: with DEBUG on, Django keeps the last 9,000 statements with their parameters
    # (the array parameters make them large), which alone took ~170 MB in the 1,000,000-due run.
    os.environ.setdefault("INCASSO_DEBUG", "false")
    import django

    django.setup()


def _sql(sql: str, params: list | tuple | dict | None = None) -> int:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(sql, params or [])
        return cur.rowcount


def _timed(label: str, sql: str, params: list | tuple | None = None) -> None:
    start = time.perf_counter()
    rows = _sql(sql, params)
    print(f"  {label}: {rows:,} rows in {time.perf_counter() - start:.1f} s", flush=True)


PHONES = """INSERT INTO debtors_contactpoint (kind, value, source, is_valid, invalid_reason, created_at, debtor_id)
   SELECT 'phone', '06' || lpad((id %% 100000000)::text, 8, '0'), 'bench', true, '', now(), id FROM debtors_debtor
   WHERE NOT EXISTS (SELECT 1 FROM debtors_contactpoint p WHERE p.debtor_id = debtors_debtor.id AND p.kind = 'phone')"""


def setup(db: str, cases: int, debtors: int) -> None:
    for cmd in (["dropdb", "--if-exists"], ["createdb"]):
        subprocess.run([*cmd, "-h", "127.0.0.1", "-U", "postgres", db], check=True)
    _django(db)
    from django.core.management import call_command
    from django.db import transaction

    from incasso.clients.models import Client
    from incasso.strategies import services
    from incasso.strategies.models import Strategy

    call_command("migrate", verbosity=0)
    client = Client.objects.create(name="Bench BV", code="BENCH")
    strategy = Strategy.objects.create(name="Bench consument", debtor_role="consumer", client=client)
    version = services.version_create(strategy=strategy)
    route = [
        dict(name="Herinnering", action="send_message", offset_days=0, channel="letter", template_code="reminder"),
        dict(name="Bellen", action="create_task", offset_days=7, task_kind="call"),
        dict(name="Veertiendagenbrief", action="send_message", offset_days=7, channel="letter",
             template_code="fourteen_day_letter"),
        dict(name="Incassokosten", action="add_collection_costs", offset_days=15),
    ]  # fmt: skip
    for position, spec in enumerate(route, start=1):
        services.step_add(version=version, position=position, **spec)  # type: ignore[arg-type]
    services.version_publish(version=version)
    today = dt.date.today()
    print(f"setup {db}: {cases:,} cases, {debtors:,} debtors", flush=True)
    started = time.perf_counter()
    with transaction.atomic():
        _timed(
            "debtors",
            """INSERT INTO debtors_debtor (kind, first_names, name_prefix, last_name, organisation_name,
                 date_of_birth, kvk_number, language, created_at)
               SELECT 'person', 'Jan', '', 'Bench ' || g, '', NULL, '', 'nl', now() FROM generate_series(1, %s) g""",
            [debtors],
        )
        _timed(
            "addresses",
            """INSERT INTO debtors_address (street, house_number, postcode, city, country, source, is_valid,
                 valid_from, valid_until, debtor_id)
               SELECT 'Bankstraat', (id %% 300 + 1)::text, '3511 AB', 'Utrecht', 'NL', 'bench', true,
                 '2020-01-01', NULL, id FROM debtors_debtor""",
        )
        _timed("phone numbers", PHONES)  # the call tasks need a number to call
        from django.db import connection

        with connection.cursor() as cur:
            cur.execute("SELECT min(id) FROM debtors_debtor")
            first_debtor = cur.fetchone()[0]
            cur.execute("SELECT id FROM cases_debttype WHERE code = 'services'")
            debt_type = cur.fetchone()[0]
        _timed(
            "cases",
            """INSERT INTO cases_case (number, debtor_role, state, opened_on, closed_on, closing_reason,
                 client_reference, payment_reference, next_action_on, created_at, client_id, debtor_id,
                 officer_id, debt_type_id)
               SELECT 'B' || lpad(g::text, 9, '0'), 'consumer', 'amicable', %s::date - 60, NULL, '', '',
                 lpad(g::text, 16, '0'), NULL, now(), %s, %s + abs(hashint4(g)::bigint) %% %s, NULL, %s
               FROM generate_series(1, %s) g""",
            [today, client.pk, first_debtor, debtors, debt_type, cases],
        )
        _timed(
            "claims",
            """INSERT INTO cases_claim (invoice_number, invoice_date, due_date, principal, description,
                 interest_basis, contractual_rate, compound, created_at, case_id, client_id)
               SELECT 'INV' || c.id, %s::date - 90, %s::date - 60, 100 + c.id %% 4900, '', 'consumer', NULL,
                 true, now(), c.id, c.client_id FROM cases_case c""",
            [today, today],
        )
        _timed(
            "ledger (principal)",
            """INSERT INTO cases_ledgerentry (bucket, kind, amount, value_on, booked_at, source, reason,
                 actor_id, case_id, claim_id, reverses_id)
               SELECT 'principal', 'claim_added', principal, due_date, now(), 'bench', '', NULL, case_id, id,
                 NULL FROM cases_claim""",
        )
        _timed(
            "assignments",
            """INSERT INTO strategies_strategyassignment (since, started_on, reason, is_current, actor_id,
                 case_id, next_step_id, version_id)
               SELECT now(), %s::date - 60, 'bench', true, NULL, c.id, NULL, %s FROM cases_case c""",
            [today, version.pk],
        )
    _timed("vacuum analyze", "VACUUM ANALYZE")
    print(f"setup done in {time.perf_counter() - started:.0f} s", flush=True)


def reset(due_pct: float, run_date: dt.date, new: int = 0) -> None:
    """Undo an earlier run and make `due_pct` % of the cases due on `run_date` (spread over 4 steps);
    with `new`, that many of the due cases are new: on no strategy yet, as a claims import leaves them."""
    from incasso.strategies.models import Step

    steps = list(Step.objects.order_by("position").values_list("pk", flat=True))
    version_id = Step.objects.values_list("version_id", flat=True).first()
    _timed("phone numbers (a database set up before they were added)", PHONES)
    # Assignments an earlier run made for "new" cases go; every case is on the bench strategy again.
    _timed("assignments made by a run", "DELETE FROM strategies_strategyassignment WHERE reason <> 'bench'")
    _timed(
        "missing assignments",
        """INSERT INTO strategies_strategyassignment (since, started_on, reason, is_current, actor_id,
             case_id, next_step_id, version_id)
           SELECT now(), %s::date - 60, 'bench', true, NULL, c.id, NULL, %s FROM cases_case c
           WHERE NOT EXISTS (SELECT 1 FROM strategies_strategyassignment a WHERE a.case_id = c.id)""",
        [run_date, version_id],
    )
    threshold = round(due_pct * 100)  # out of 10,000
    print(f"reset: {due_pct:g} % due on {run_date}", flush=True)
    _timed("truncate run output", "TRUNCATE strategies_outgoingmessage, strategies_stepexecution, "
           "strategies_dailyrun, cases_task, cases_event CASCADE")  # fmt: skip
    _timed("costs", "DELETE FROM cases_ledgerentry WHERE kind = 'costs_charged'")
    # Only the rows that differ are written (after a run: the due ones), so a reset costs seconds.
    _timed(
        "schedule",
        """UPDATE cases_case SET state = 'amicable', next_action_on = s.due
           FROM (SELECT id, CASE WHEN id %% 10000 < %s THEN %s::date ELSE %s::date + 1 + (id %% 60)::int END
                 AS due FROM cases_case) s
           WHERE cases_case.id = s.id AND (cases_case.state <> 'amicable'
                 OR cases_case.next_action_on IS DISTINCT FROM s.due)""",
        [threshold, run_date, run_date],
    )
    _timed(
        "steps",
        """UPDATE strategies_strategyassignment SET next_step_id = (ARRAY[%s, %s, %s, %s]::bigint[])[
             case_id %% 4 + 1]
           WHERE next_step_id IS DISTINCT FROM (ARRAY[%s, %s, %s, %s]::bigint[])[case_id %% 4 + 1]""",
        steps + steps,
    )
    if new:
        _timed(
            f"{new:,} of the due cases new (no strategy)",
            """DELETE FROM strategies_strategyassignment WHERE case_id IN (
                 SELECT id FROM cases_case WHERE next_action_on <= %s AND state <> 'closed' ORDER BY id LIMIT %s)""",
            [run_date, new],
        )
    for statement in SCHEDULE_TABLE.split(";"):
        _timed("bench_schedule (the minimal model's schedule)", statement)
    _timed("vacuum analyze", "VACUUM ANALYZE")


def floor(run_date: dt.date, *, checked: bool = False) -> float:
    """One set-based statement: select the due cases and insert one event each (rolled back). With
    `checked` the event's foreign keys are checked in the statement (`SET CONSTRAINTS ALL IMMEDIATE`),
    as they are when a real insert commits; without, the rollback comes before the deferred checks."""
    from django.db import transaction

    with transaction.atomic():
        if checked:
            _sql("SET CONSTRAINTS ALL IMMEDIATE")
        start = time.perf_counter()
        rows = _sql(
            """INSERT INTO cases_event (kind, occurred_at, actor_label, summary, details, actor_id, case_id)
               SELECT 'step', now(), 'system', 'floor', '{}'::jsonb, NULL, id FROM cases_case
               WHERE next_action_on <= %s AND state <> 'closed'""",
            [run_date],
        )
        seconds = time.perf_counter() - start
        transaction.set_rollback(True)
    print(
        f"floor{' (foreign keys checked)' if checked else ''}: {rows:,} events in {seconds:.2f} s", flush=True
    )
    return seconds


SAME_WRITES = """
WITH due AS (
  SELECT c.id, c.debtor_id, c.officer_id, a.id AS aid, s.id AS step_id, s.action, s.channel, s.template_code,
         s.task_kind, s.name
  FROM cases_case c
  JOIN strategies_strategyassignment a ON a.case_id = c.id AND a.is_current
  JOIN strategies_step s ON s.id = a.next_step_id
  WHERE c.next_action_on <= %(d)s AND c.state <> 'closed'
  FOR UPDATE OF c
), ex AS (
  INSERT INTO strategies_stepexecution (case_id, step_id, due_on, run_id, executed_at, outcome, reason, details)
  SELECT id, step_id, %(d)s, NULL, now(), 'executed', '', '{}'::jsonb FROM due
  RETURNING id, case_id
), msg AS (
  INSERT INTO strategies_outgoingmessage (case_id, debtor_id, channel, template_code, status, step_execution_id,
    queued_on, sent_on, delivered_on, created_at)
  SELECT due.id, due.debtor_id, due.channel, due.template_code, 'queued', ex.id, %(d)s, NULL, NULL, now()
  FROM ex JOIN due ON due.id = ex.case_id WHERE due.action = 'send_message'
), task AS (
  INSERT INTO cases_task (case_id, kind, title, due_on, assignee_id, created_by_id, created_at, done_at, done_by_id)
  SELECT id, task_kind, name, %(d)s, officer_id, NULL, now(), NULL, NULL FROM due WHERE action = 'create_task'
  RETURNING id, case_id, title
), ev AS (
  INSERT INTO cases_event (case_id, kind, occurred_at, actor_id, actor_label, summary, details)
  SELECT ex.case_id, 'step', now(), NULL::bigint, 'system', 'Stap ' || due.name,
         jsonb_build_object('step_execution', ex.id, 'step', due.step_id, 'action', due.action, 'due_on', %(d)s)
  FROM ex JOIN due ON due.id = ex.case_id
  UNION ALL
  SELECT case_id, 'task', now(), NULL, 'system', 'Taak: ' || title, jsonb_build_object('task', id) FROM task
), up AS (
  UPDATE strategies_strategyassignment a SET next_step_id = due.step_id FROM due WHERE a.id = due.aid
)
UPDATE cases_case c SET next_action_on = %(d)s::date + 7 FROM due WHERE c.id = due.id
"""


def floor_same_writes(run_date: dt.date) -> float:
    """A second, fairer floor: one set-based statement writing the rows the run writes for the due cases
    (an execution each, a message per letter step, a task per task step, an event per execution and per
    task, both UPDATEs), without any guard, with the foreign keys checked (as the run's commits do; the
    first floor rolls back before its deferred checks run). Rolled back."""
    from django.db import transaction

    with transaction.atomic():
        _sql("SET CONSTRAINTS ALL IMMEDIATE")
        start = time.perf_counter()
        rows = _sql(SAME_WRITES, {"d": run_date})
        seconds = time.perf_counter() - start
        transaction.set_rollback(True)
    print(f"floor with the run's writes: {rows:,} cases in {seconds:.2f} s", flush=True)
    return seconds


# A design floor for a leaner data model (nothing of it is in the app): the schedule in a narrow table
# (case, due date, next step) instead of `cases_case.next_action_on` (an indexed column of a wide table
# with 9 indexes) plus `strategyassignment.next_step`, and the timeline event as the execution record
# (no StepExecution row). It writes an event per due case, a message per letter step, a task per task
# step and moves the schedule, with foreign keys checked; no guard. `bench_schedule` is the bench's own
# table, refreshed from the app's schedule by `reset`.
SCHEDULE_TABLE = """
CREATE TABLE IF NOT EXISTS bench_schedule (
  case_id bigint PRIMARY KEY REFERENCES cases_case (id) DEFERRABLE INITIALLY DEFERRED,
  due_on date,
  step_id bigint REFERENCES strategies_step (id) DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX IF NOT EXISTS bench_schedule_due ON bench_schedule (due_on) WHERE due_on IS NOT NULL;
INSERT INTO bench_schedule
  SELECT c.id, c.next_action_on, a.next_step_id FROM cases_case c
  JOIN strategies_strategyassignment a ON a.case_id = c.id AND a.is_current WHERE c.state <> 'closed'
ON CONFLICT (case_id) DO UPDATE SET due_on = EXCLUDED.due_on, step_id = EXCLUDED.step_id
  WHERE (bench_schedule.due_on, bench_schedule.step_id) IS DISTINCT FROM (EXCLUDED.due_on, EXCLUDED.step_id)
"""

MINIMAL_MODEL = """
WITH due AS (
  SELECT s.case_id AS id, c.debtor_id, c.officer_id, st.id AS step_id, st.action, st.channel, st.template_code,
         st.task_kind, st.name, st.position
  FROM bench_schedule s JOIN cases_case c ON c.id = s.case_id JOIN strategies_step st ON st.id = s.step_id
  WHERE s.due_on <= %(d)s AND c.state <> 'closed'
  FOR UPDATE OF s
), ev AS (
  INSERT INTO cases_event (case_id, kind, occurred_at, actor_id, actor_label, summary, details)
  SELECT id, 'step', now(), NULL::bigint, 'system', 'Stap ' || position || ': ' || name,
         jsonb_build_object('step', step_id, 'action', action, 'due_on', %(d)s) FROM due
  RETURNING id, case_id
), msg AS (
  INSERT INTO strategies_outgoingmessage (case_id, debtor_id, channel, template_code, status, step_execution_id,
    queued_on, sent_on, delivered_on, created_at)
  SELECT due.id, due.debtor_id, due.channel, due.template_code, 'queued', NULL, %(d)s, NULL, NULL, now()
  FROM due WHERE due.action = 'send_message'
), task AS (
  INSERT INTO cases_task (case_id, kind, title, due_on, assignee_id, created_by_id, created_at, done_at, done_by_id)
  SELECT id, task_kind, name, %(d)s, officer_id, NULL, now(), NULL, NULL FROM due WHERE action = 'create_task'
)
UPDATE bench_schedule s SET due_on = %(d)s::date + 7, step_id = due.step_id FROM due WHERE s.case_id = due.id
"""


def floor_minimal_model(run_date: dt.date) -> float:
    """The writes of the leaner model above for the due cases, foreign keys checked, rolled back. The
    app requires a message without a step execution to carry a reason key (`message_step_or_reason`):
    the measurement drops that constraint inside its own (rolled back) transaction, as the model would
    point the message at the event instead."""
    from django.db import transaction

    with transaction.atomic():
        _sql("ALTER TABLE strategies_outgoingmessage DROP CONSTRAINT message_step_or_reason")
        _sql("SET CONSTRAINTS ALL IMMEDIATE")
        start = time.perf_counter()
        rows = _sql(MINIMAL_MODEL, {"d": run_date})
        seconds = time.perf_counter() - start
        transaction.set_rollback(True)
    print(
        f"floor of a minimal model (narrow schedule, event as execution record): {rows:,} cases in {seconds:.2f} s"
    )
    return seconds


def run(
    db: str,
    due_pct: float,
    chunk_size: int,
    profile: str | None,
    analyze_every: int = 0,
    new: int = 0,
    parts: int = 1,
) -> None:
    _django(db)
    from django.db import connection
    from django.utils import timezone

    from incasso.strategies.run import daily_run
    from incasso.strategies.run_processes import run_in_processes
    from incasso.strategies.run_summary import RunSummary

    run_date = timezone.localdate()
    reset(due_pct, run_date, new)
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM cases_case")
        portfolio = cur.fetchone()[0]
    floor_s = floor(run_date)
    checked_floor_s = floor(run_date, checked=True)
    writes_floor_s = floor_same_writes(run_date)
    minimal_s = floor_minimal_model(run_date)
    queries = 0
    statements: dict[str, list[float]] = {}  # statement text (first 70 characters) → [count, seconds]

    def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        nonlocal queries
        queries += 1
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            entry = statements.setdefault(" ".join(sql.split())[:70], [0, 0.0])
            entry[0] += 1
            entry[1] += time.perf_counter() - began

    now = timezone.make_aware(dt.datetime.combine(run_date, dt.time(10, 0)))
    chunks_done = 0

    def analyze(done: int, total: int) -> None:
        """Autovacuum is off on the benchmark machine: refresh the statistics of the tables the run
        grows every `analyze_every` chunks, as autovacuum would (inside the measured time)."""
        nonlocal chunks_done
        chunks_done += 1
        if analyze_every and chunks_done % analyze_every == 0:
            _sql("ANALYZE strategies_stepexecution, strategies_outgoingmessage, cases_task, cases_event")

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    load_before = Path("/proc/loadavg").read_text().split()[:3]
    cpu_start = time.process_time()
    start = time.perf_counter()
    with connection.execute_wrapper(count):
        if profile:
            import cProfile

            cProfile.runctx(
                "summary = daily_run(run_date=run_date, now=now, chunk_size=chunk_size, progress=analyze)",
                globals(),
                ns := {
                    "daily_run": daily_run,
                    "run_date": run_date,
                    "now": now,
                    "chunk_size": chunk_size,
                    "analyze": analyze,
                },
                profile,
            )
            summary = ns["summary"]
        elif parts > 1:  # `incasso run daily --parts N`: N processes, each a part of the due cases
            summary = RunSummary.from_dict(
                run_in_processes(
                    run_date=run_date, parts=parts, chunk_size=chunk_size, now=now, poll_seconds=0.1
                )
            )
        else:
            summary = daily_run(run_date=run_date, now=now, chunk_size=chunk_size, progress=analyze)
    seconds = time.perf_counter() - start
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_seconds = time.process_time() - cpu_start + children.ru_utime + children.ru_stime
    peak_mb = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, children.ru_maxrss) / 1024
    result = {
        "db": db,
        "portfolio": portfolio,
        "due_pct": due_pct,
        "due": summary.due,
        "executed": summary.executed,
        "assigned": summary.assigned,
        "skipped": dict(summary.skipped),
        "errors": len(summary.errors),
        "seconds": round(seconds, 2),
        "python_cpu_seconds": round(cpu_seconds, 2),  # this process only; PostgreSQL's share is not in it
        "cases_per_s": round(summary.due / seconds) if seconds and summary.due else None,
        "queries": queries,
        "queries_per_due_case": round(queries / summary.due, 3) if summary.due else None,
        "queries_per_chunk": round(queries / -(-summary.due // chunk_size), 1) if summary.due else None,
        "floor_seconds": round(floor_s, 2),
        "ratio_to_floor": round(seconds / floor_s, 1) if floor_s else None,
        "checked_floor_seconds": round(checked_floor_s, 2),
        "ratio_to_checked_floor": round(seconds / checked_floor_s, 1) if checked_floor_s else None,
        "same_writes_floor_seconds": round(writes_floor_s, 2),
        "ratio_to_same_writes_floor": round(seconds / writes_floor_s, 1) if writes_floor_s else None,
        "minimal_model_floor_seconds": round(minimal_s, 2),
        "minimal_model_to_checked_floor": round(minimal_s / checked_floor_s, 1) if checked_floor_s else None,
        "peak_rss_mb": round(peak_mb),
        "rss_before_run_mb": round(rss_before / 1024),
        "chunk_size": chunk_size,
        "parts": parts,  # processes; CPU is theirs together, peak memory the largest one's
        "analyze_every": analyze_every,
        "loadavg_before": " ".join(load_before),
        "loadavg_after": " ".join(Path("/proc/loadavg").read_text().split()[:3]),
    }
    print(json.dumps(result, indent=1), flush=True)
    print("statements by time (count, seconds in the database call):")
    for text, (n, secs) in sorted(statements.items(), key=lambda kv: -kv[1][1])[:12]:
        print(f"  {secs:6.2f} s {n:5d}×  {text}")
    if summary.errors:
        print("first errors:", summary.errors[:3])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", default="incasso_bench")
    sub = parser.add_subparsers(dest="command", required=True)
    p_setup = sub.add_parser("setup", help="drop, create, migrate and fill the benchmark database")
    p_setup.add_argument("--cases", type=int, default=1_000_000)
    p_setup.add_argument(
        "--debtors", type=int, default=200_000, help="shared by the cases (picked by a hash of the case id)"
    )
    p_run = sub.add_parser("run", help="reset the schedule, measure the floor and the daily run")
    p_run.add_argument("--due", type=float, default=5.0, help="percentage of the cases due today")
    p_run.add_argument("--chunk-size", type=int, default=2000)
    p_run.add_argument(
        "--parts", type=int, default=1, help="split the run over N processes (run daily --parts)"
    )
    p_run.add_argument("--profile", default=None, help="write a cProfile file here")
    p_run.add_argument(
        "--analyze-every",
        type=int,
        default=0,
        help="ANALYZE the run's growing tables every N chunks (0: never)",
    )
    p_run.add_argument(
        "--new",
        type=int,
        default=0,
        help="this many of the due cases are new (the run assigns their strategy)",
    )
    args = parser.parse_args()
    if args.command == "setup":
        setup(args.db, args.cases, args.debtors)
    else:
        run(args.db, args.due, args.chunk_size, args.profile, args.analyze_every, args.new, args.parts)


if __name__ == "__main__":
    main()
