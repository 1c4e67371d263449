"""Background work: send the queued e-mails and SMS (run by `incasso db_worker`)."""

from __future__ import annotations

from typing import Any

from django.tasks import task
from django.utils import timezone

from incasso.letters.sending import messages_process


@task()
def process_messages() -> dict[str, Any]:
    """Enqueue after the daily run (`process_messages.enqueue()`), and e.g. every 5 minutes for retries."""
    summary = messages_process(now=timezone.now())
    return {
        "sent": summary.sent,
        "failed": summary.failed,
        "retry": summary.retry,
        "skipped": summary.skipped,
    }
