"""The portfolio report (Rapportages) over the daily-run bench's 1,000,000 cases (run by hand).

    bench/bench_daily_run.py setup --cases 1000000     # once: the incasso_bench database
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/incasso_bench INCASSO_DEBUG=true \\
        .venv/bin/python bench/bench_report.py

DEBUG on only so that Django keeps the statements' timings, to print the slowest.
"""

from __future__ import annotations

import datetime as dt
import os
import resource
import time


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "incasso.config.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from incasso.cases.models import Case, LedgerEntry
    from incasso.clients.models import Client
    from incasso.reports.selectors import portfolio_report

    print(f"{Case.objects.count():,} cases, {LedgerEntry.objects.count():,} ledger entries")
    end = dt.date.today()
    for label, start in (("this year", end.replace(month=1, day=1)), ("this month", end.replace(day=1))):
        for run in (1, 2):
            began = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                report = portfolio_report(clients=Client.objects.order_by("name"), start=start, end=end)
            wall = time.perf_counter() - began
            print(
                f"{label}, run {run}: {wall:.2f} s, {len(queries)} queries; "
                f"{report.total.received:,} received, {report.total.open_cases:,} open"
            )
            timed = sorted(
                ((float(q["time"]), q["sql"][:90]) for q in queries.captured_queries), reverse=True
            )
            for seconds, sql in timed[:3]:
                print(f"    {seconds:.2f} s  {sql}")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB")


if __name__ == "__main__":
    main()
