"""The `incasso import statement` command books, and a run killed half-way leaves nothing behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command

from incasso.cases.models import EntryKind, LedgerEntry
from incasso.payments.models import BankStatementImport, BankTransaction
from incasso.payments.tests.builders import Line, camt
from incasso.payments.tests.factories import worked_case

REPO = Path(__file__).resolve().parents[4]


def test_command_books_and_reports(db, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    case = worked_case()
    path = tmp_path / "may.xml"
    path.write_bytes(
        camt([Line(Decimal("500.00"), reference=case.payment_reference), Line(Decimal("1.00"), name="X")])
    )
    call_command("import", "statement", str(path))
    out = capsys.readouterr().out
    assert "may.xml: 2 ingelezen, 1 geboekt (1 automatisch gekoppeld, € 500,00)" in out
    assert "1 naar handmatig koppelen" in out
    call_command("import", "statement", str(path))
    # both lines were read before: the booked one and the one that waits in the manual queue
    assert "0 geboekt" in (out := capsys.readouterr().out) and "2 al eerder ingelezen" in out


def test_command_reports_in_the_active_language(db, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    from django.utils import translation

    path = tmp_path / "june.xml"
    path.write_bytes(camt([Line(Decimal("1.00"), name="X")]))
    with translation.override("en"):
        call_command("import", "statement", str(path), "--dry-run")
        call_command("import", "statement", str(path))
    out = capsys.readouterr().out
    assert "1 entry read; nothing booked (dry run)" in out
    assert "june.xml: 1 read, 0 booked (0 matched automatically" in out


def _run(path: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "django", "import", "statement", str(path)],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "incasso.config.settings", **env},
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_import_killed_half_way_books_nothing_and_rerun_books_each_once(
    tmp_path, debt_types, process_database_url
) -> None:  # type: ignore[no-untyped-def]
    url = process_database_url
    cases = [worked_case() for _ in range(4)]
    path = tmp_path / "batch.xml"
    path.write_bytes(
        camt(
            [
                Line(Decimal("100.00"), reference=c.payment_reference, bank_ref=f"K{i}")
                for i, c in enumerate(cases)
            ]
        )
    )
    mark = tmp_path / "started"
    process = _run(
        path,
        {"DATABASE_URL": url, "INCASSO_TEST_SLOW_IMPORT": "5", "INCASSO_TEST_SLOW_IMPORT_MARK": str(mark)},
    )
    deadline = time.monotonic() + 20
    while not mark.exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the import never started"
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)  # one transaction booked inside the open database transaction
    process.wait(timeout=10)
    time.sleep(0.2)  # let the server notice the dropped connection and roll back
    assert (BankStatementImport.objects.count(), BankTransaction.objects.count()) == (0, 0)
    assert not LedgerEntry.objects.filter(kind=EntryKind.PAYMENT).exists()

    for expected in ("4 geboekt", "4 al eerder ingelezen"):
        rerun = _run(path, {"DATABASE_URL": url})
        out, err = rerun.communicate(timeout=60)
        assert rerun.returncode == 0, err.decode()
        assert expected in out.decode()
    for case in cases:
        assert sum(
            -e.amount for e in LedgerEntry.objects.filter(case=case, kind=EntryKind.PAYMENT)
        ) == Decimal("100.00")
    assert BankTransaction.objects.filter(status="booked").count() == 4
