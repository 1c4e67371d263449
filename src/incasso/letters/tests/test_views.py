"""Template editing, live preview, letterheads and reprints through the test client."""

from __future__ import annotations

import hashlib
import re

import pytest
from django.urls import reverse

from incasso.letters.models import LetterTemplate, SentLetter
from incasso.letters.print_batch import print_batch
from incasso.letters.services import default_texts
from incasso.letters.tests.conftest import LETTER_DAY, queue_message

EDIT = "/letters/templates/reminder/nl/"


def test_supervisor_saves_a_new_version(client, supervisor):
    client.force_login(supervisor)
    assert client.get("/letters/templates/").status_code == 200
    text = default_texts()[("reminder", "nl")]
    response = client.post(
        EDIT, {**text, "body": text["body"].replace("Dat kan gebeuren.", "Dat gebeurt iedereen wel eens.")}
    )
    assert response.status_code == 302
    new = LetterTemplate.objects.get(code="reminder", language="nl", active=True)
    assert new.version == 2 and new.updated_by == supervisor and "iedereen" in new.body


def test_a_bad_template_is_refused_in_the_screen_with_line_and_field(client, supervisor):
    client.force_login(supervisor)
    response = client.post(EDIT, {"subject": "Hallo", "body": "Beste,\n\n{{ case.client.users }}\n"})
    assert response.status_code == 422
    assert "regel 3: onbekend veld &#x27;case.client.users&#x27;" in response.content.decode()
    assert not LetterTemplate.objects.filter(code="reminder", version=2).exists()


def _panel(response) -> str:
    """The B1 panel of the edit page as text, without tags, whitespace collapsed."""
    html = response.content.decode()
    panel = html[html.index('id="plain-language"') : html.index('id="preview"')]
    return " ".join(re.sub(r"<[^>]+>", " ", panel).split())


def test_the_edit_page_shows_b1_advice_and_the_text_is_saved_anyway(client, supervisor):
    client.force_login(supervisor)
    assert "Taalniveau (B1) Geen aandachtspunten." in _panel(client.get(EDIT))
    text = default_texts()[("reminder", "nl")]
    long = "Wij vragen u " + " ".join(["echt"] * 27) + " om te betalen."
    body = text["body"].replace(
        "Dat kan gebeuren.", "Derhalve vragen wij u ten aanzien van de facturen om betaling."
    )
    response = client.post(EDIT, {**text, "body": body + "\n" + long}, follow=True)
    assert response.redirect_chain == [(EDIT, 302)]
    saved = LetterTemplate.objects.get(code="reminder", language="nl", active=True)
    assert saved.version == 2 and "Derhalve" in saved.body
    panel = _panel(response)
    assert "Taalniveau (B1)" in panel and "Geen aandachtspunten" not in panel
    assert "regel 1: Derhalve → daarom" in panel
    assert "regel 1: ten aanzien van → over" in panel
    assert len(body.splitlines()) == 11  # a blank line, then the long sentence on line 13
    assert "regel 13: zin van 33 woorden: Wij vragen u echt echt echt …" in panel


def test_a_refused_text_still_gets_b1_advice_on_what_was_typed(client, supervisor):
    client.force_login(supervisor)
    response = client.post(
        EDIT, {"subject": "Wederom", "body": "Beste,\n\n{{ case.client.users }}", "short_text": "Gaarne."}
    )
    assert response.status_code == 422
    assert "Onderwerp: Wederom → weer Sms-tekst: Gaarne → graag" in _panel(response)


def test_live_preview_renders_the_unsaved_text_for_a_real_case(client, supervisor, zorg_letter_case):
    client.force_login(supervisor)
    text = default_texts()[("summons", "nl")]
    response = client.post(
        "/letters/templates/summons/nl/preview/",
        {**text, "case": zorg_letter_case.number},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert b"data:image/png;base64," in response.content
    assert b"<html" not in response.content  # only the fragment
    response = client.post(
        "/letters/templates/summons/nl/preview/",
        {**text, "body": "{{ nope }}", "case": zorg_letter_case.number},
    )
    assert "onbekend veld" in response.content.decode()


@pytest.mark.parametrize("url", [EDIT, "/letters/templates/", "/letters/letterheads/"])
def test_officers_may_not_edit_templates_and_client_users_do_not_see_them(client, officer, zorg_user, url):
    client.force_login(officer)
    assert client.get(url).status_code == 403
    assert client.post(EDIT, {"subject": "x", "body": "y"}).status_code == 403
    client.force_login(zorg_user)
    assert client.get(url).status_code == 404
    assert LetterTemplate.objects.filter(version=2).count() == 0


def test_an_administrator_edits_the_letterhead(client, admin_user, letterhead):
    client.force_login(admin_user)
    response = client.get(f"/letters/letterheads/{letterhead.pk}/")
    assert response.status_code == 200 and b"2024-000123" in response.content


def test_a_reprint_serves_the_archived_bytes_and_only_to_the_case_owner(
    client, officer, zorg_user, energie_user, zorg_letter_case, tmp_path
):
    message = queue_message(zorg_letter_case, channel="letter", template_code="summons")
    print_batch(on=LETTER_DAY, out_dir=tmp_path)
    sent = SentLetter.objects.get(message=message)
    url = f"/letters/sent/{zorg_letter_case.number}/{sent.pk}.pdf"
    client.force_login(officer)
    response = client.get(url)
    assert hashlib.sha256(response.content).hexdigest() == sent.sha256
    client.force_login(energie_user)
    assert client.get(url).status_code == 404


def test_case_screen_panel_lists_messages_with_their_status(client, officer, zorg_letter_case):
    message = queue_message(zorg_letter_case, channel="letter")
    client.force_login(officer)
    html = client.get(reverse("letters:case_messages", args=[zorg_letter_case.number])).content.decode()
    assert message.template_code == "reminder" and "herinnering" in html  # the letter by its name
    assert str(message.get_status_display()) in html


def test_case_screen_panel_is_scoped_to_the_users_client(client, energie_user, zorg_letter_case):
    client.force_login(energie_user)
    assert client.get(reverse("letters:case_messages", args=[zorg_letter_case.number])).status_code == 404


def test_a_reprint_is_recorded_in_the_access_log_once_and_a_404_not_at_all(
    client, officer, energie_user, zorg_letter_case, tmp_path
):
    from incasso.audit.models import AccessKind, AccessLogEntry

    message = queue_message(zorg_letter_case, channel="letter", template_code="summons")
    print_batch(on=LETTER_DAY, out_dir=tmp_path)
    sent = SentLetter.objects.get(message=message)
    url = f"/letters/sent/{zorg_letter_case.number}/{sent.pk}.pdf"
    client.force_login(energie_user)
    assert client.get(url).status_code == 404
    assert not AccessLogEntry.objects.exists()
    client.force_login(officer)
    assert client.get(url).status_code == 200
    entry = AccessLogEntry.objects.get()
    assert (entry.user, entry.case, entry.kind) == (officer, zorg_letter_case, AccessKind.LETTER_PDF)
    assert entry.detail == f"summons {LETTER_DAY}"
