"""The CLI renders one letter without sending it; the task sends the queue."""

from __future__ import annotations

import io

from django.core.management import call_command
from pypdf import PdfReader

from incasso.letters.models import SentLetter
from incasso.letters.tests.conftest import LETTER_DAY


def test_render_command_writes_a_pdf_and_sends_nothing(zorg_letter_case, tmp_path):
    out = tmp_path / "brief.pdf"
    stdout = io.StringIO()
    call_command(
        "letters",
        "render",
        "--case",
        zorg_letter_case.number,
        "--type",
        "summons",
        "--date",
        LETTER_DAY.isoformat(),
        "--out",
        str(out),
        stdout=stdout,
    )
    assert "Sommatie" in PdfReader(out).pages[0].extract_text()
    assert "sha256" in stdout.getvalue()
    assert not SentLetter.objects.exists()


def test_the_task_processes_the_queue(db, settings):
    from incasso.letters.tasks import process_messages

    result = process_messages.call()
    assert result == {"sent": 0, "failed": 0, "retry": 0, "skipped": 0}
