"""Questions to the client in a real browser: the officer asks on the case screen, the client user sees
the count in the menu, answers on the Questions page with a document, and the officer finds the answer
on the case with a task to process it."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_officer_asks_and_the_client_answers_with_a_document(
    page, live_server, login, demo_cases, zorg_user, screenshot_dir, tmp_path, settings
):
    from incasso.cases.models import ClientQuestion, Task

    settings.MEDIA_ROOT = str(tmp_path / "media")
    case = demo_cases[0]
    login("olga")
    page.goto(f"{live_server.url}/cases/{case.number}/")
    page.click("#questions details.question-ask summary")
    page.select_option("#questions select[name=topic]", "dispute")
    page.fill("#questions textarea[name=question]", "Kunt u de leveringsbon van factuur ZN-2025-118 sturen?")
    page.click("#questions details.question-ask button[type=submit]")
    page.wait_for_selector("#questions article.question:has-text('ZN-2025-118')")
    assert "antwoord uiterlijk" in page.locator("#questions article.question").inner_text()
    page.wait_for_selector("#timeline li:has-text('Vraag aan opdrachtgever (betwisting)')")  # reloaded itself
    page.locator("#questions").screenshot(path=str(screenshot_dir / "questions_case_panel.png"))
    question = ClientQuestion.objects.get(case=case)

    page.click("form[action='/logout/'] button")
    page.wait_for_url(f"{live_server.url}/login/**")
    login("zoe")
    assert page.locator(".mainnav .nav-count").inner_text() == "1"
    page.click(".mainnav a:has-text('Vragen')")
    page.wait_for_selector("h1:has-text('Vragen voor u')")
    card = page.locator(f"#question-{question.pk}")
    card.locator("textarea").fill("Ja, de leveringsbon zit in de bijlage. Getekend door mevrouw zelf.")
    pdf = tmp_path / "leveringsbon.pdf"
    pdf.write_bytes(b"%PDF-1.4\n% leveringsbon\n")
    card.locator("input[type=file]").set_input_files(str(pdf))
    card.locator("select").select_option("proof_of_delivery")
    page.screenshot(path=str(screenshot_dir / "questions_client.png"), full_page=True)
    card.locator("button[type=submit]").click()
    page.wait_for_selector(f"#question-{question.pk} .question-answer")
    assert "leveringsbon.pdf" in page.locator(f"#question-{question.pk}").inner_text()
    question.refresh_from_db()
    assert question.answered_by == zorg_user and question.documents.get().kind == "proof_of_delivery"

    page.click("form[action='/logout/'] button")
    page.wait_for_url(f"{live_server.url}/login/**")
    login("olga")
    page.goto(f"{live_server.url}/cases/{case.number}/")
    page.wait_for_selector("#questions .question-answer")
    assert "Antwoord opdrachtgever (zoe): Ja, de leveringsbon" in page.locator("#timeline").inner_text()
    assert Task.objects.filter(
        case=case, done_at__isnull=True, title__startswith="Antwoord opdrachtgever verwerken"
    ).exists()
