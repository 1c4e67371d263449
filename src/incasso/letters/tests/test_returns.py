"""Returned post: a letter the post brought back. What the law makes of it (3:37 lid 3 BW: refused or
not collected counts as received; otherwise nothing arrived), for the 14-day letter and the
stuitingsbrief, the address and the officer's tasks; refusals that write nothing; the screens."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from incasso.cases.ledger import ledger_book
from incasso.cases.models import Bucket, EntryKind, Event, Task, TaskKind
from incasso.core.exceptions import DomainError
from incasso.legal.dossier import case_dossier
from incasso.legal.models import LimitationEvent
from incasso.legal.selectors import claim_limitation
from incasso.letters.models import Delivery
from incasso.letters.print_batch import print_batch
from incasso.letters.returns import letter_return_record, returnable_letters
from incasso.letters.tests.conftest import LETTER_DAY, delivery_state, make_letter_case, queue_message
from incasso.strategies.models import MessageStatus
from incasso.strategies.tests.conftest import AMS, MONDAY, consumer_route, make_due_case  # noqa: F401  fixture
from incasso.strategies.tests.test_run import _to_costs_step, costs_of, run_on

BACK = LETTER_DAY + dt.timedelta(days=3)  # Thursday 05-03-2026


def by_post(case, template_code, tmp_path, *, on=LETTER_DAY):
    message = queue_message(case, channel="letter", template_code=template_code, on=on)
    assert print_batch(on=on, out_dir=tmp_path / f"print-{message.pk}").letters >= 1
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    return message


def record(case, message, reason, actor, *, on=BACK, note=""):
    return letter_return_record(
        case=case, message_id=message.pk, reason=reason, returned_on=on, actor=actor, note=note
    )


def test_a_fourteen_day_letter_that_came_back_moved_did_not_arrive(zorg_letter_case, officer, tmp_path):
    case = zorg_letter_case
    address = case.debtor.addresses.get()
    message = by_post(case, "fourteen_day_letter", tmp_path)
    done = record(case, message, "moved", officer, note="sticker van PostNL")
    assert not done.counts_as_received and done.address_invalidated
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED
    delivery = Delivery.objects.get(message=message)
    assert (delivery.returned_on, delivery.return_reason, delivery.return_note) == (
        BACK,
        "moved",
        "sticker van PostNL",
    )
    assert delivery.failure_reason == "retour 05-03-2026: verhuisd"
    address.refresh_from_db()
    assert not address.is_valid
    assert Task.objects.filter(case=case, kind=TaskKind.FIND_CONTACT, done_at__isnull=True).count() == 1
    review = Task.objects.get(case=case, kind=TaskKind.REVIEW)
    assert review.title.startswith(
        "14-dagenbrief van 02-03-2026 kwam niet aan (retour: verhuisd): stuur een nieuwe"
    )
    event = Event.objects.get(case=case, summary__startswith="Brief retour")
    assert event.actor == officer
    assert event.summary.startswith(
        "Brief retour (verhuisd): veertiendagenbrief van 02-03-2026 (Dorpsstraat 1"
    )
    assert (
        "het adres is ongeldig gemaakt; de 14-dagentermijn is niet gaan lopen — sticker van PostNL"
        in event.summary
    )
    assert returnable_letters(case=case) == []


@pytest.mark.parametrize("reason", ["refused", "not_collected"])
def test_refused_or_not_collected_counts_as_received(zorg_letter_case, officer, tmp_path, reason):
    """3:37 lid 3 BW: a statement that does not reach the addressee through his own doing still takes
    effect. The letter stays sent, the address valid, no task; the panel and the timeline say so."""
    case = zorg_letter_case
    message = by_post(case, "fourteen_day_letter", tmp_path)
    done = record(case, message, reason, officer)
    assert done.counts_as_received and not done.address_invalidated
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert case.debtor.addresses.get().is_valid
    assert not Task.objects.filter(case=case).exists()
    delivery = Delivery.objects.get(message=message)
    assert delivery.failure_reason == "" and "telt als ontvangen (3:37 lid 3 BW)" in delivery.last_error
    event = Event.objects.get(case=case, summary__startswith="Brief retour")
    assert "telt als ontvangen" in event.summary and "het adres blijft geldig" in event.summary
    with pytest.raises(DomainError, match="al als retour vastgelegd op 05-03-2026"):
        record(case, message, "moved", officer)


@pytest.mark.parametrize(("reason", "costs"), [("unknown", Decimal(0)), ("refused", Decimal("40.00"))])
def test_the_daily_run_charges_no_costs_after_a_fourteen_day_letter_that_came_back(
    consumer_route,  # noqa: F811
    letterhead,
    officer,
    tmp_path,
    reason,
    costs,
):
    """The costs step waits for a 14-day letter that arrived; one the debtor refused counts."""
    case = make_due_case(version=consumer_route)
    make_letter_case(case, number=2026_000303)
    _to_costs_step(case, consumer_route)
    sent_on = MONDAY - dt.timedelta(days=28)  # the term has passed by MONDAY
    message = by_post(case, "fourteen_day_letter", tmp_path, on=sent_on)
    record(case, message, reason, officer, on=sent_on + dt.timedelta(days=4))
    summary = run_on(MONDAY)
    assert costs_of(case) == costs
    assert summary.skipped.get("no_fourteen_day_letter", 0) == (0 if costs else 1)


def test_costs_charged_since_a_returned_fourteen_day_letter_get_a_check_task(
    zorg_letter_case, officer, tmp_path
):
    case = zorg_letter_case
    message = by_post(case, "fourteen_day_letter", tmp_path)
    ledger_book(
        case=case,
        bucket=Bucket.COSTS,
        kind=EntryKind.COSTS_CHARGED,
        amount=Decimal("150.00"),
        value_on=LETTER_DAY + dt.timedelta(days=17),
        source="strategy",
        claim=case.claims.get(),
    )
    record(case, message, "unknown", officer, on=LETTER_DAY + dt.timedelta(days=20))
    review = Task.objects.get(case=case, kind=TaskKind.REVIEW)
    assert "controleer de sindsdien berekende incassokosten" in review.title
    assert (
        "controleer de incassokosten"
        in Event.objects.get(case=case, summary__startswith="Brief retour").summary
    )
    assert costs_of(case) == Decimal("150.00")  # reversing them is the officer's decision


def test_a_returned_stuitingsbrief_interrupted_nothing(
    client, zorg_letter_case, officer, tmp_path, time_machine
):
    case = zorg_letter_case
    claim = case.claims.get()
    time_machine.move_to(dt.datetime(2026, 3, 2, 17, 0, tzinfo=AMS), tick=False)
    message = by_post(case, "limitation_interruption", tmp_path)
    time_machine.move_to(dt.datetime(2026, 3, 5, 9, 0, tzinfo=AMS), tick=False)
    recorded = LimitationEvent.objects.get(claim=claim, message=message)
    assert recorded.occurred_on == dt.date(2026, 3, 4)  # received two postal days after sending
    record(case, message, "unknown", officer)
    recorded.refresh_from_db()
    assert recorded.voided_on is not None
    assert recorded.void_reason == "stuitingsbrief kwam niet aan (retour: onbekend op dit adres)"
    last_day, basis = claim_limitation(claim)
    assert "niet gestuit 04-03-2026: stuitingsbrief kwam niet aan (retour: onbekend op dit adres)" in basis
    assert "; gestuit 04-03-2026" not in basis
    task = Task.objects.get(case=case, kind=TaskKind.REVIEW)
    assert task.title.startswith(
        "Stuitingsbrief kwam niet aan (retour: onbekend op dit adres): verstuur hem opnieuw"
    )
    assert f"verjaring vroegst na {last_day:%d-%m-%Y}" in task.title
    assert (
        "de stuiting telt niet (3:37 lid 3 BW)"
        in Event.objects.get(case=case, summary__startswith="Brief retour").summary
    )
    # the bailiff's file leaves it out; the legal page shows it struck through, with the reason
    assert case_dossier(case=case, as_of=BACK).limitation_events == ()
    client.force_login(officer)
    page = client.get(reverse("legal:case", args=[case.number])).content.decode()
    assert "<s>04-03-2026</s>" in page
    assert (
        "Telt niet (sinds 05-03-2026): stuitingsbrief kwam niet aan (retour: onbekend op dit adres)" in page
    )


def test_a_deceased_addressee_keeps_the_address_and_asks_to_check_the_death(
    zorg_letter_case, officer, tmp_path
):
    case = zorg_letter_case
    message = by_post(case, "reminder", tmp_path)
    done = record(case, message, "deceased", officer)
    assert not done.address_invalidated
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED
    assert case.debtor.addresses.get().is_valid
    assert not Task.objects.filter(case=case, kind=TaskKind.FIND_CONTACT).exists()
    assert Task.objects.get(case=case, kind=TaskKind.REVIEW).title.startswith(
        "Post retour, debiteur overleden"
    )


def _state():
    return (
        delivery_state(),
        list(LimitationEvent.objects.order_by("pk").values_list("voided_on", "void_reason")),
        list(Delivery.objects.order_by("pk").values_list("returned_on", "return_reason", "return_note")),
    )


@pytest.mark.parametrize(
    ("what", "match"),
    [
        ("email", "Alleen een brief per post komt terug"),
        ("queued", "niet verstuurd"),
        ("future", "kan niet in de toekomst liggen"),
        ("before_sent", "ging op 02-03-2026 weg"),
        ("reason", "Kies waarom de brief terugkwam"),
        ("other_case", "niet een van de brieven van dit dossier"),
        ("twice", "al als retour vastgelegd op 05-03-2026"),
        ("long_note", "te lang"),
    ],
)
def test_a_refused_return_writes_nothing(
    zorg_letter_case, energie_letter_case, officer, tmp_path, time_machine, what, match
):
    case = zorg_letter_case
    message = by_post(case, "limitation_interruption", tmp_path)
    kwargs = {
        "case": case,
        "message_id": message.pk,
        "reason": "moved",
        "returned_on": BACK,
        "actor": officer,
    }
    if what == "email":
        kwargs["message_id"] = queue_message(case, channel="email", template_code="reminder").pk
    elif what == "queued":
        kwargs["message_id"] = queue_message(case, channel="letter", template_code="summons").pk
    elif what == "future":
        time_machine.move_to(dt.datetime(2026, 3, 4, 12, 0), tick=False)
    elif what == "before_sent":
        kwargs["returned_on"] = LETTER_DAY - dt.timedelta(days=1)
    elif what == "reason":
        kwargs["reason"] = "lost"
    elif what == "other_case":
        kwargs["case"] = energie_letter_case
    elif what == "twice":
        letter_return_record(**kwargs)
    elif what == "long_note":
        kwargs["note"] = "x" * 301
    before = _state()
    with pytest.raises(DomainError, match=match):
        letter_return_record(**kwargs)
    assert _state() == before
    assert case.debtor.addresses.get().is_valid or what == "twice"


# the screens -----------------------------------------------------------------------------------


def test_the_letters_panel_records_a_return_and_the_case_screen_reloads(
    client, zorg_letter_case, officer, tmp_path
):
    case = zorg_letter_case
    message = by_post(case, "reminder", tmp_path)
    client.force_login(officer)
    panel = client.get(reverse("letters:case_messages", args=[case.number])).content.decode()
    assert 'id="letter-return"' in panel and f'value="{message.pk}"' in panel
    url = reverse("letters:case_return", args=[case.number])
    refused = client.post(
        url,
        {"message": message.pk, "reason": "moved", "returned_on": "01-03-2026"},
        headers={"HX-Request": "true"},
    )
    assert refused.status_code == 422
    assert "ging op 02-03-2026 weg" in refused.content.decode()
    assert Delivery.objects.get(message=message).returned_on is None
    done = client.post(
        url,
        {"message": message.pk, "reason": "moved", "returned_on": "05-03-2026", "note": ""},
        headers={"HX-Request": "true"},
    )
    assert done.status_code == 204 and done["HX-Refresh"] == "true"
    page = client.get(reverse("cases:detail", args=[case.number])).content.decode()
    assert "als retour vastgelegd" in page  # the success message, once, on the reloaded page
    panel = client.get(reverse("letters:case_messages", args=[case.number])).content.decode()
    assert "retour 05-03-2026: verhuisd" in panel and 'id="letter-return"' not in panel


def test_a_client_user_cannot_record_a_return(client, zorg_letter_case, zorg_user, tmp_path):
    message = by_post(zorg_letter_case, "reminder", tmp_path)
    client.force_login(zorg_user)
    url = reverse("letters:case_return", args=[zorg_letter_case.number])
    response = client.post(url, {"message": message.pk, "reason": "moved", "returned_on": "05-03-2026"})
    assert response.status_code == 403
    assert Delivery.objects.get(message=message).returned_on is None
    assert client.get(reverse("letters:returned_post")).status_code == 403


def test_the_returned_post_page_finds_the_case_by_its_number_and_lists_what_was_recorded(
    client, zorg_letter_case, energie_letter_case, officer, tmp_path
):
    from incasso.cases.tests.factories import UserFactory

    message = by_post(zorg_letter_case, "summons", tmp_path)
    client.force_login(officer)
    url = reverse("letters:returned_post")
    missing = client.get(url, {"case": "2026-999999"}).content.decode()
    assert "Geen dossier 2026-999999" in missing
    none_sent = client.get(url, {"case": energie_letter_case.number}).content.decode()
    assert "geen brief per post" in none_sent
    found = client.get(url, {"case": zorg_letter_case.number}).content.decode()
    assert f'value="{message.pk}"' in found and zorg_letter_case.debtor.display_name in found
    response = client.post(
        f"{url}?case={zorg_letter_case.number}",
        {
            "message": message.pk,
            "reason": "incomplete",
            "returned_on": "05-03-2026",
            "note": "geen huisnummer",
        },
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Sommatie van dossier" in page  # the success message
    assert f">{zorg_letter_case.number}</a>" in page and "Adres onvolledig of onjuist" in page
    # staff restricted to another client neither find the case nor see its return
    restricted = UserFactory(username="els", role="officer")
    restricted.clients.add(energie_letter_case.client)
    client.force_login(restricted)
    assert "Geen dossier" in client.get(url, {"case": zorg_letter_case.number}).content.decode()
    assert f">{zorg_letter_case.number}</a>" not in client.get(url).content.decode()


def test_a_closed_case_records_the_return_without_tasks(zorg_letter_case, officer, tmp_path):
    """Paid meanwhile: the return is still recorded (the address, the limitation file), but nothing is
    left to collect, so no task."""
    from incasso.cases.services import case_transition

    case = zorg_letter_case
    message = by_post(case, "fourteen_day_letter", tmp_path)
    case_transition(case=case, to="closed", actor=officer, closing_reason="uncollectable", on=LETTER_DAY)
    tasks = Task.objects.filter(case=case).count()
    record(case, message, "moved", officer)
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED and not case.debtor.addresses.get().is_valid
    assert Task.objects.filter(case=case).count() == tasks
