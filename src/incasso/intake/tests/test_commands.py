"""`incasso import claims|statement` through call_command, and once as a real process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from incasso.cases.models import Case
from incasso.core.testing import shared_path
from incasso.intake.tests.helpers import EXAMPLES, counts

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_claims_opens_cases(zorg):
    out, _ = run("claims", str(EXAMPLES / "claims-example.csv"), "--client", "ZORG")
    assert "8 dossier(s) geopend, 13 vordering(en)" in out
    assert Case.objects.filter(client=zorg).count() == 8
    out, _ = run("claims", str(EXAMPLES / "claims-example.csv"), "--client", "ZORG")
    assert "13 rij(en) overgeslagen" in out
    assert Case.objects.filter(client=zorg).count() == 8


def test_dry_run_writes_nothing(zorg):
    out, _ = run("claims", str(EXAMPLES / "claims-example.xlsx"), "--client", "ZORG", "--dry-run")
    assert "alleen gecontroleerd, niets opgeslagen" in out
    assert Case.objects.count() == 0


def test_errors_go_to_stderr_one_per_line_and_the_command_fails(zorg):
    before = counts()
    err = StringIO()
    with pytest.raises(CommandError, match="11 fouten; er is niets geïmporteerd"):
        call_command("import", "claims", str(EXAMPLES / "claims-broken.csv"), "--client", "ZORG", stderr=err)
    lines = err.getvalue().splitlines()
    assert len(lines) == 11 and all(line.startswith("rij ") for line in lines)
    assert counts() == before


def test_unknown_client_code_is_refused(db):
    with pytest.raises(CommandError, match="Onbekende code van opdrachtgever 'NOPE'"):
        run("claims", str(EXAMPLES / "claims-example.csv"), "--client", "NOPE")


def test_a_missing_file_is_refused(zorg, tmp_path):
    with pytest.raises(CommandError, match="het bestand kan niet worden gelezen"):
        run("claims", str(tmp_path / "nope.csv"), "--client", "ZORG")


def test_statement_dry_run_prints_one_json_object(tmp_path):
    bank = shared_path("testdata", "bank")
    files = sorted(p for p in bank.rglob("*") if p.suffix.lower() in {".xml", ".940", ".sta", ".mt940"})[:1]
    out, _ = run("statement", str(files[0]), "--dry-run", "--json")
    report = json.loads(out)
    assert set(report) >= {"entries", "warnings"}


def test_an_unreadable_statement_is_a_command_error_without_traceback(tmp_path):
    bad = tmp_path / "broken.xml"
    bad.write_text("<Document><unclosed>")
    with pytest.raises(CommandError, match=r"broken\.xml"):
        run("statement", str(bad), "--dry-run", "--json")


@pytest.mark.slow
def test_the_real_cli_imports_into_a_fresh_database(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "INCASSO_VAR_DIR": str(tmp_path),
    }
    cli = [sys.executable, "-m", "incasso.cli"]
    subprocess.run([*cli, "migrate", "-v", "0"], env=env, check=True, capture_output=True, timeout=120)
    seed = "from incasso.clients.services import client_create; client_create(name='Zorg', code='ZORG')"
    subprocess.run([*cli, "shell", "-c", seed], env=env, check=True, capture_output=True, timeout=60)
    ok = subprocess.run(
        [*cli, "import", "claims", str(EXAMPLES / "claims-example.csv"), "--client", "ZORG"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert ok.returncode == 0, ok.stderr
    assert "8 dossier(s) geopend" in ok.stdout  # Dutch by default, also on the command line
    bad = subprocess.run(
        [*cli, "import", "claims", str(EXAMPLES / "claims-broken.csv"), "--client", "ZORG"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 1
    assert "Traceback" not in bad.stderr
    assert (
        "rij 3, kolom due_date: vervaldatum 01-01-2026 ligt vóór factuurdatum 05-01-2026"
        in bad.stderr.splitlines()
    )
