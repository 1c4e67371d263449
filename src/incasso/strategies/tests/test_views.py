"""The supervisor's strategy screens, the run button, the comparison and the officer's move."""

from __future__ import annotations

import pytest
from django.urls import reverse

from incasso.strategies import assignment, services
from incasso.strategies.models import Step, Strategy, StrategyAssignment, StrategyVersion
from incasso.strategies.tests.conftest import make_due_case


@pytest.fixture
def draft(db):
    strategy = services.strategy_create(name="Proef", debtor_role="consumer")
    return services.version_create(strategy=strategy)


@pytest.mark.parametrize("name", ["strategies:list", "strategies:create", "strategies:run"])
def test_officers_and_client_users_cannot_open_the_supervisor_screens(client, officer, zorg_user, name):
    for user in (officer, zorg_user):
        client.force_login(user)
        assert client.get(reverse(name)).status_code == 403


def test_supervisor_sees_the_list_with_current_version_and_cases(client, supervisor, consumer_route):
    client.force_login(supervisor)
    make_due_case(version=consumer_route)
    response = client.get(reverse("strategies:list"))
    assert response.status_code == 200
    row = next(r for r in response.context["rows"] if r.strategy.pk == consumer_route.strategy_id)
    assert row.current == consumer_route and row.cases == 1


def test_the_version_counts_its_open_cases_as_the_list_does(client, supervisor, consumer_route):
    from incasso.cases.models import Case

    client.force_login(supervisor)
    make_due_case(version=consumer_route)
    closed = make_due_case(version=consumer_route)
    Case.objects.filter(pk=closed.pk).update(
        state="closed", closed_on=closed.opened_on, closing_reason="paid", next_action_on=None
    )
    response = client.get(reverse("strategies:detail", args=[consumer_route.strategy_id]))
    assert "1 open dossier in dit traject" in response.content.decode()


def test_supervisor_creates_a_strategy_for_a_client(client, supervisor, zorg):
    client.force_login(supervisor)
    response = client.post(
        reverse("strategies:create"),
        {"name": "Zorg consument", "client": zorg.pk, "debtor_role": "consumer", "is_active": "on",
         "challenger_share": 0},
    )  # fmt: skip
    strategy = Strategy.objects.get(name="Zorg consument")
    assert response.status_code == 302 and strategy.client == zorg


def test_a_challenger_share_without_challenger_is_refused_and_nothing_saved(client, supervisor):
    client.force_login(supervisor)
    response = client.post(
        reverse("strategies:create"), {"name": "X", "debtor_role": "consumer", "challenger_share": 20}
    )
    assert response.status_code == 200
    assert "Bij een aandeel voor het testtraject hoort een testtraject." in response.content.decode()
    assert not Strategy.objects.filter(name="X").exists()


def test_add_step_form_is_swapped_in_by_htmx(client, supervisor, draft):
    client.force_login(supervisor)
    url = reverse("strategies:step_add", args=[draft.strategy_id, draft.number])
    response = client.get(url, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert b"<html" not in response.content and b'name="offset_days"' in response.content


def test_the_step_form_offers_the_letter_templates_by_name_and_marks_the_action_fields(
    client, supervisor, draft
):
    client.force_login(supervisor)
    url = reverse("strategies:step_add", args=[draft.strategy_id, draft.number])
    text = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert '<option value="fourteen_day_letter">veertiendagenbrief</option>' in text
    assert 'value="client_progress_report"' not in text  # goes to the client, not the debtor
    assert "- Maak een keuze -" in text  # Django 6.1's empty choice, in Dutch from our catalogue
    assert 'name="task_kind" data-actions="create_task"' in text
    assert 'data-actions="change_state hand_over"' in text


def test_a_step_saved_by_htmx_reloads_the_page_it_was_added_on(client, supervisor, draft):
    client.force_login(supervisor)
    url = reverse("strategies:step_add", args=[draft.strategy_id, draft.number])
    data = {"name": "Bellen", "action": "create_task", "task_kind": "call", "offset_days": 0,
            "offset_from": "previous_step", "channel": "letter", "template_code": "reminder"}  # fmt: skip
    response = client.post(url, data, headers={"HX-Request": "true"})
    # a redirect to the detail page would only change the fragment (#v1) and load nothing
    assert response.status_code == 204 and response["HX-Refresh"] == "true"
    step = Step.objects.get(version=draft)
    assert (step.task_kind, step.channel, step.template_code) == ("call", "", "")  # unused fields emptied


def test_invalid_step_shows_the_message_and_saves_nothing(client, supervisor, draft):
    client.force_login(supervisor)
    url = reverse("strategies:step_add", args=[draft.strategy_id, draft.number])
    data = {"name": "Brief", "action": "send_message", "channel": "letter", "template_code": "",
            "offset_days": -3, "offset_from": "previous_step"}  # fmt: skip
    response = client.post(url, data, headers={"HX-Request": "true"})
    text = response.content.decode()
    assert "kan niet onder nul liggen" in text and "een berichtstap heeft een sjabloon nodig" in text
    assert not Step.objects.filter(version=draft).exists()


def test_steps_are_added_moved_and_removed(client, supervisor, draft):
    client.force_login(supervisor)
    url = reverse("strategies:step_add", args=[draft.strategy_id, draft.number])
    for name in ("Eerste", "Tweede"):
        client.post(url, {"name": name, "action": "create_task", "task_kind": "call", "offset_days": 1,
                          "offset_from": "previous_step"})  # fmt: skip
    second = Step.objects.get(version=draft, name="Tweede")
    response = client.post(
        reverse("strategies:step_move", args=[draft.strategy_id, draft.number, second.pk, "up"]),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200 and b"<html" not in response.content
    assert list(draft.steps.order_by("position").values_list("name", flat=True)) == ["Tweede", "Eerste"]
    client.post(reverse("strategies:step_remove", args=[draft.strategy_id, draft.number, second.pk]))
    assert list(draft.steps.values_list("name", flat=True)) == ["Eerste"]


def test_publishing_costs_before_the_fourteen_day_letter_is_refused_with_the_reason(
    client, supervisor, draft
):
    client.force_login(supervisor)
    services.step_add(version=draft, position=1, name="Kosten", action="add_collection_costs", offset_days=0)
    detail = client.get(reverse("strategies:detail", args=[draft.strategy_id])).content.decode()
    assert (
        "na een stap die de veertiendagenbrief verstuurt" in detail
        and "Kan nog niet worden gepubliceerd" in detail
    )
    response = client.post(reverse("strategies:publish", args=[draft.strategy_id, draft.number]), follow=True)
    assert "niet gepubliceerd" in response.content.decode()
    draft.refresh_from_db()
    assert not draft.is_published and draft.published_at is None


def test_publish_and_copy_into_a_new_draft(client, supervisor, draft):
    client.force_login(supervisor)
    services.step_add(
        version=draft, position=1, name="Bellen", action="create_task", offset_days=0, task_kind="call"
    )
    client.post(reverse("strategies:publish", args=[draft.strategy_id, draft.number]))
    draft.refresh_from_db()
    assert draft.is_published
    client.post(reverse("strategies:version_create", args=[draft.strategy_id]), {"copy_current": "on"})
    new = StrategyVersion.objects.get(strategy_id=draft.strategy_id, number=2)
    assert not new.is_published and new.steps.count() == 1


def test_compare_page_shows_both_arms(client, supervisor, consumer_route, email_route):
    services.strategy_update(
        strategy=consumer_route.strategy, challenger=email_route.strategy, challenger_share=50
    )
    make_due_case(version=consumer_route)
    make_due_case(version=email_route)
    client.force_login(supervisor)
    response = client.get(reverse("strategies:compare", args=[consumer_route.strategy_id]))
    assert response.status_code == 200
    assert [m.cases for _, m in response.context["arms"]] == [1, 1]
    page = response.content.decode()
    assert "Is het verschil echt?" in page and "significant bij 5 %)" in page
    shares = page.split('id="test-shares"')[1].split("</div>")[0]
    assert "0,0 procentpunt" in shares and "nog niet significant" in shares  # nobody paid in either arm
    assert "te weinig dossiers om iets te zeggen (minstens 30 per traject)" in page  # one case per arm
    # 0 % against 5 %: 7.849 × 0.0475 / 0.05² = 149.1 → 150 cases per strategy
    assert "ongeveer 150 dossiers per traject nodig; het kleinste heeft er nu 1." in page


def test_officer_moves_a_case_with_a_reason(client, officer, consumer_route, email_route):
    case = make_due_case(version=consumer_route)
    client.force_login(officer)
    url = reverse("strategies:move", args=[case.number])
    assert client.post(url, {"version": email_route.pk, "reason": ""}).status_code == 200
    response = client.post(url, {"version": email_route.pk, "reason": "debiteur reageert per e-mail"})
    assert response.status_code == 302
    current = StrategyAssignment.objects.get(case=case, is_current=True)
    assert current.version == email_route and current.reason == "debiteur reageert per e-mail"


def test_client_user_cannot_move_a_case(client, zorg_user, zorg_case):
    client.force_login(zorg_user)
    assert client.get(reverse("strategies:move", args=[zorg_case.number])).status_code == 403


def _route_for(client_, name: str) -> StrategyVersion:
    """A published one-step consumer strategy of one client."""
    strategy = Strategy.objects.create(name=name, debtor_role="consumer", client=client_)
    version = services.version_create(strategy=strategy)
    services.step_add(
        version=version,
        position=1,
        name="Brief",
        action="send_message",
        offset_days=0,
        channel="letter",
        template_code="reminder",
    )
    return services.version_publish(version=version)


def test_moving_offers_only_this_clients_and_general_strategies(
    client, officer, zorg, energie, consumer_route
):
    own, other = _route_for(zorg, "Zorg zacht"), _route_for(energie, "Energie streng")
    case = make_due_case(version=consumer_route, client=zorg)
    general = _route_for(None, "Algemeen kort")
    client.force_login(officer)
    url = reverse("strategies:move", args=[case.number])
    offered = {v.pk for v in client.get(url).context["form"].fields["version"].queryset}
    assert own.pk in offered and general.pk in offered and other.pk not in offered
    refused = client.post(url, {"version": other.pk, "reason": "geprobeerd"})
    assert refused.status_code == 200
    assert StrategyAssignment.objects.get(case=case, is_current=True).version == consumer_route


def test_the_service_refuses_another_clients_strategy(officer, zorg, energie, consumer_route):
    from incasso.core.exceptions import DomainError

    case = make_due_case(version=consumer_route, client=zorg)
    other = _route_for(energie, "Energie streng")
    with pytest.raises(DomainError) as refused:
        assignment.case_move_strategy(case=case, version=other, actor=officer, reason="geprobeerd")
    assert refused.value.field == "version" and "Energie streng" in refused.value.message
    assert StrategyAssignment.objects.get(case=case, is_current=True).version == consumer_route
