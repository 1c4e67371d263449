"""The permission matrix: every case URL, tried by a user of another client, answers 404.

A client user of Energie Zuid must not even learn that a case of Zorggroep Noord exists; on their own
client's cases they read but never write (403); staff may do everything; anonymous users log in first.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from incasso.cases.models import Document, Task

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def zorg_extras(zorg_case, settings, tmp_path):
    """A task and a document on the Zorggroep case, so their URLs can be tried too."""
    settings.MEDIA_ROOT = tmp_path
    task = Task.objects.create(case=zorg_case, title="Bellen", due_on=dt.date(2026, 3, 1))
    document = Document(
        case=zorg_case, kind="invoice", original_name="factuur.pdf", content_type="application/pdf"
    )
    document.size, document.sha256 = 4, "0" * 64
    document.file.save("factuur.pdf", SimpleUploadedFile("factuur.pdf", b"%PDF"), save=False)
    document.save()
    return task, document


def _post_data(name: str) -> dict[str, object]:
    return {
        "note_add": {"text": "gezien"},
        "task_add": {"title": "Bellen", "kind": "call", "due_on": "2026-12-01"},
        "task_done": {},
        "document_add": {
            "file": SimpleUploadedFile("x.pdf", b"%PDF-1.4", content_type="application/pdf"),
            "kind": "other",
        },
        "transition": {"state": "legal"},
    }[name]


def _writes(case, task) -> list[tuple[str, str]]:
    n = case.number
    return [
        ("note_add", reverse("cases:note_add", args=[n])),
        ("task_add", reverse("cases:task_add", args=[n])),
        ("task_done", reverse("cases:task_done", args=[n, task.pk])),
        ("document_add", reverse("cases:document_add", args=[n])),
        ("transition", reverse("cases:transition", args=[n])),
    ]


def _reads(case, document) -> list[str]:
    return [
        reverse("cases:detail", args=[case.number]),
        reverse("cases:document_download", args=[case.number, document.pk]),
    ]


WRITE_ACTIONS = ["note_add", "task_add", "task_done", "document_add", "transition"]


@pytest.mark.parametrize("action", WRITE_ACTIONS)
def test_client_user_gets_404_when_writing_on_other_clients_case(
    client, energie_user, zorg_case, zorg_extras, action
):
    task, _document = zorg_extras
    client.force_login(energie_user)
    url = dict(_writes(zorg_case, task))[action]
    assert client.post(url, _post_data(action)).status_code == 404
    assert not zorg_case.notes.exists() and zorg_case.tasks.count() == 1
    zorg_case.refresh_from_db()
    assert zorg_case.state == "amicable"


def test_client_user_gets_404_on_other_clients_case(client, energie_user, zorg_case, zorg_extras):
    _task, document = zorg_extras
    client.force_login(energie_user)
    for url in _reads(zorg_case, document):
        assert client.get(url).status_code == 404, url


def test_client_user_does_not_find_other_clients_case_in_the_list(client, energie_user, zorg_case, zorg):
    client.force_login(energie_user)
    for params in ({}, {"q": "ZN-1001"}, {"q": zorg_case.number}, {"q": "1234 AB"}, {"client": zorg.pk}):
        response = client.get(reverse("cases:list"), params)
        assert response.status_code == 200
        assert reverse("cases:detail", args=[zorg_case.number]) not in response.content.decode(), params
        assert response.context["page"].paginator.count == 0, params


def test_client_user_reads_own_case_without_any_write_forms(client, zorg_user, zorg_case, zorg_extras):
    _task, document = zorg_extras
    client.force_login(zorg_user)
    response = client.get(reverse("cases:detail", args=[zorg_case.number]))
    html = response.content.decode()
    assert response.status_code == 200
    assert zorg_case.number in html
    for action in ("note_add", "task_add", "document_add", "transition"):
        assert f'action="{reverse(f"cases:{action}", args=[zorg_case.number])}"' not in html
    assert 'method="post" action="/cases/' not in html
    assert (
        client.get(reverse("cases:document_download", args=[zorg_case.number, document.pk])).status_code
        == 200
    )


@pytest.mark.parametrize("action", WRITE_ACTIONS)
def test_client_user_gets_403_when_writing_on_own_case(client, zorg_user, zorg_case, zorg_extras, action):
    task, _document = zorg_extras
    client.force_login(zorg_user)
    url = dict(_writes(zorg_case, task))[action]
    assert client.post(url, _post_data(action)).status_code == 403
    task.refresh_from_db()
    assert task.done_at is None and not zorg_case.notes.exists()


@pytest.mark.parametrize("persona", ["officer", "supervisor", "admin_user"])
def test_staff_read_and_write_every_case(client, request, persona, zorg_case, energie_case, zorg_extras):
    task, document = zorg_extras
    client.force_login(request.getfixturevalue(persona))
    for url in _reads(zorg_case, document):
        assert client.get(url).status_code == 200, url
    listed = client.get(reverse("cases:list")).content.decode()
    assert zorg_case.number in listed and energie_case.number in listed
    for action, url in _writes(zorg_case, task):
        assert client.post(url, _post_data(action)).status_code in {200, 302}, action


def test_anonymous_users_are_sent_to_the_login_page(client, zorg_case, zorg_extras):
    task, document = zorg_extras
    urls = [reverse("cases:list"), reverse("cases:create"), *_reads(zorg_case, document)]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url
    for action, url in _writes(zorg_case, task):
        response = client.post(url, _post_data(action))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), action


def test_get_on_a_write_url_is_not_allowed(client, officer, zorg_case):
    client.force_login(officer)
    assert client.get(reverse("cases:note_add", args=[zorg_case.number])).status_code == 405
