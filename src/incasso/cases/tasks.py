"""Background work of the cases app (run by `incasso db_worker`)."""

from __future__ import annotations

from django.tasks import task

from incasso.cases.questions import question_notify


@task()
def notify_client_question(question_id: int) -> int:
    """E-mail the client's contacts that a question waits (enqueued when the question is committed)."""
    return question_notify(question_id=question_id)
