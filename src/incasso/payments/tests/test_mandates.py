"""An officer records a debtor's SEPA mandate on the case screen and revokes it: the rules, the panel,
who may, and what the direct-debit run then collects."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from incasso.accounts.tests.personas import zara
from incasso.cases.models import Event, EventKind
from incasso.core.exceptions import DomainError
from incasso.debtors.models import BankAccount
from incasso.payments.direct_debit import DebitItem, direct_debit_file, mandate_record, mandate_revoke
from incasso.payments.models import Mandate

pytestmark = pytest.mark.django_db
__all__ = ["zara"]  # a fixture used by name below

TODAY = dt.date(2026, 6, 15)
IBAN = "NL91 ABNA 0417 1643 00"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 6, 15, 10, 0, tzinfo=dt.UTC)):
        yield


def record(case, officer, **kwargs):
    args = {
        "debtor_name": "Jan de Vries",
        "debtor_iban": IBAN,
        "signed_on": dt.date(2026, 6, 1),
        "actor": officer,
        "today": TODAY,
    } | kwargs
    return mandate_record(case=case, **args)


def unchanged(case) -> tuple[list[tuple[object, ...]], int]:
    """What a refusal must leave as it was: the mandates and the timeline."""
    rows = list(Mandate.objects.values_list("mandate_id", "active", "deactivated_reason").order_by("pk"))
    return rows, Event.objects.filter(case=case).count()


def url(case, name: str, *args: object) -> str:
    return reverse(f"payments:{name}", args=[case.number, *args])


# --- the service's rules -------------------------------------------------------------------------


def test_a_recorded_mandate_gets_the_case_number_as_reference_the_bic_and_an_event(zorg_case, officer):
    mandate = record(zorg_case, officer)
    assert mandate.mandate_id == f"{zorg_case.number}-M1"
    assert (mandate.debtor_iban, mandate.debtor_bic, mandate.active) == (
        "NL91ABNA0417164300",
        "ABNANL2A",
        True,
    )
    event = Event.objects.get(case=zorg_case, kind=EventKind.MANDATE)
    assert event.actor == officer
    assert event.summary == (
        f"Incassomachtiging {zorg_case.number}-M1 vastgelegd: Jan de Vries, NL91…4300, getekend 01-06-2026"
    )
    assert record(zorg_case, officer).mandate_id == f"{zorg_case.number}-M2"


def test_a_typed_mandate_reference_is_kept(zorg_case, officer):
    assert record(zorg_case, officer, mandate_id=" MND-2026/17 ").mandate_id == "MND-2026/17"


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"debtor_iban": "NL91 ABNA 0417 1643 01"}, "debtor_iban", "controlecijfers kloppen niet"),
        ({"debtor_iban": "NL91 ABNA 0417 16"}, "debtor_iban", "lengte"),
        ({"debtor_iban": ""}, "debtor_iban", "geen IBAN"),
        ({"signed_on": dt.date(2026, 6, 16)}, "signed_on", "kan niet in de toekomst liggen"),
        ({"debtor_name": "  "}, "debtor_name", "rekeninghouder"),
        ({"mandate_id": "MND 17"}, "mandate_id", "geen spaties"),
        ({"mandate_id": "MND*17"}, "mandate_id", "geen spaties"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(zorg_case, officer, kwargs, field, message):
    before = unchanged(zorg_case)
    with pytest.raises(DomainError) as refused:
        record(zorg_case, officer, **kwargs)
    assert refused.value.field == field and message in refused.value.message
    assert unchanged(zorg_case) == before


def test_a_reference_in_use_is_refused(zorg_case, energie_case, officer):
    record(zorg_case, officer, mandate_id="MND-1")
    before = unchanged(energie_case)
    with pytest.raises(DomainError, match="al in gebruik"):
        record(energie_case, officer, mandate_id="MND-1")
    assert unchanged(energie_case) == before


def test_a_closed_case_takes_no_mandate(zorg_case, officer):
    zorg_case.state, zorg_case.closing_reason, zorg_case.closed_on = "closed", "paid", TODAY
    zorg_case.save(update_fields=["state", "closing_reason", "closed_on"])
    with pytest.raises(DomainError, match="gesloten"):
        record(zorg_case, officer)
    assert not Mandate.objects.exists()


def test_revoking_ends_the_mandate_with_the_reason_once(zorg_case, officer):
    mandate = record(zorg_case, officer)
    revoked = mandate_revoke(mandate=mandate, reason="debiteur trekt machtiging in", actor=officer)
    assert (revoked.active, revoked.deactivated_reason) == (False, "debiteur trekt machtiging in")
    event = Event.objects.filter(case=zorg_case, kind=EventKind.MANDATE).latest("id")
    assert (
        event.summary == f"Incassomachtiging {mandate.mandate_id} ingetrokken: debiteur trekt machtiging in"
    )
    before = unchanged(zorg_case)
    with pytest.raises(DomainError, match="is al beëindigd"):
        mandate_revoke(mandate=mandate, reason="nog eens", actor=officer)
    with pytest.raises(DomainError, match="waarom"):
        mandate_revoke(mandate=record(zorg_case, officer), reason="  ", actor=officer)
    assert unchanged(zorg_case)[0][0] == before[0][0]


def test_a_revoked_mandate_is_not_collected(zorg_case, officer):
    mandate = record(zorg_case, officer)
    mandate_revoke(mandate=mandate, reason="nieuwe rekening", actor=officer)
    run = direct_debit_file(
        run_date=TODAY, items=[DebitItem(mandate, Decimal("50.00"), TODAY, "9000000000000017")]
    )
    assert run.collection is None and "is not active" in run.skipped[0]


def test_revoking_a_mandate_whose_debit_is_already_in_a_file_asks_for_the_banks_cancellation(
    zorg_case, officer
):
    from incasso.cases.models import Task

    mandate = record(zorg_case, officer)
    collect_on = TODAY + dt.timedelta(days=5)
    run = direct_debit_file(
        run_date=collect_on, items=[DebitItem(mandate, Decimal("50.00"), collect_on, "9000000000000017")]
    )
    assert run.collection is not None
    [line] = run.collection.lines.all()
    mandate_revoke(mandate=mandate, reason="debiteur trekt machtiging in", actor=officer)
    [task] = Task.objects.filter(case=zorg_case, title__contains="intrekking")
    assert line.end_to_end_id in task.title and "€ 50,00" in task.title and "20-06-2026" in task.title
    assert task.due_on == TODAY
    event = Event.objects.get(case=zorg_case, kind=EventKind.MANDATE, details__action="revoked")
    assert event.details["submitted_debits"] == [line.end_to_end_id]


def test_a_debit_already_collected_asks_for_nothing(zorg_case, officer):
    from incasso.cases.models import Task

    mandate = record(zorg_case, officer)
    run = direct_debit_file(
        run_date=TODAY - dt.timedelta(days=1),
        items=[DebitItem(mandate, Decimal("50.00"), TODAY - dt.timedelta(days=1), "9000000000000017")],
    )
    before = Task.objects.filter(case=zorg_case).count()
    mandate_revoke(mandate=mandate, reason="nieuwe rekening", actor=officer)
    assert run.collection is not None and Task.objects.filter(case=zorg_case).count() == before


# --- the panel on the case screen ------------------------------------------------------------------


def test_the_case_screen_loads_the_panel_for_staff_only(client, zorg_case, officer, zorg_user):
    client.force_login(officer)
    assert (
        url(zorg_case, "case_mandates")
        in client.get(reverse("cases:detail", args=[zorg_case.number])).content.decode()
    )
    client.force_login(zorg_user)
    assert "mandates" not in client.get(reverse("cases:detail", args=[zorg_case.number])).content.decode()


def test_the_panel_offers_the_debtors_name_and_known_iban(client, zorg_case, officer):
    BankAccount.objects.create(debtor=zorg_case.debtor, iban="NL02ABNA0123456789")
    client.force_login(officer)
    page = client.get(url(zorg_case, "case_mandates")).content.decode()
    assert "Incassomachtigingen" in page and "Geen incassomachtiging" in page
    assert 'value="NL02ABNA0123456789"' in page and zorg_case.debtor.display_name in page
    assert 'value="15-06-2026"' in page


def test_an_officer_records_a_mandate_and_sees_it_active(client, zorg_case, officer):
    client.force_login(officer)
    data = {
        "mandate-debtor_name": "J. de Vries",
        "mandate-debtor_iban": "nl91 abna 0417 1643 00",
        "mandate-signed_on": "14-06-2026",
        "mandate-mandate_id": "",
    }
    response = client.post(url(zorg_case, "mandate_add"), data)
    assert response.status_code == 302 and response["Location"].endswith("#mandates")
    mandate = Mandate.objects.get()
    assert (mandate.case, mandate.signed_on, mandate.debtor_iban) == (
        zorg_case,
        dt.date(2026, 6, 14),
        "NL91ABNA0417164300",
    )
    page = client.get(url(zorg_case, "case_mandates")).content.decode()
    assert mandate.mandate_id in page and "actief" in page and "nog niet geïncasseerd" in page

    htmx = client.post(url(zorg_case, "mandate_add"), data, headers={"HX-Request": "true"})
    assert htmx.status_code == 204 and htmx["HX-Refresh"] == "true"


def test_a_wrong_iban_comes_back_on_the_form_and_nothing_is_saved(client, zorg_case, officer):
    client.force_login(officer)
    data = {
        "mandate-debtor_name": "J. de Vries",
        "mandate-debtor_iban": "NL91ABNA0417164301",
        "mandate-signed_on": "14-06-2026",
    }
    plain = client.post(url(zorg_case, "mandate_add"), data)
    assert plain.status_code == 400 and "controlecijfers kloppen niet" in plain.content.decode()
    future = client.post(
        url(zorg_case, "mandate_add"),
        data | {"mandate-debtor_iban": IBAN, "mandate-signed_on": "16-06-2026"},
        headers={"HX-Request": "true"},
    )
    assert future.status_code == 200 and "kan niet in de toekomst liggen" in future.content.decode()
    assert not Mandate.objects.exists()
    assert not Event.objects.filter(kind=EventKind.MANDATE).exists()


def test_an_officer_revokes_a_mandate_and_a_second_revoke_is_refused(client, zorg_case, officer):
    mandate = record(zorg_case, officer)
    client.force_login(officer)
    response = client.post(url(zorg_case, "mandate_revoke", mandate.pk), {"revoke-reason": "andere rekening"})
    assert response.status_code == 302
    mandate.refresh_from_db()
    assert (mandate.active, mandate.deactivated_reason) == (False, "andere rekening")
    again = client.post(url(zorg_case, "mandate_revoke", mandate.pk), {"revoke-reason": "nog eens"})
    assert again.status_code == 400 and "is al beëindigd (andere rekening)" in again.content.decode()
    mandate.refresh_from_db()
    assert mandate.deactivated_reason == "andere rekening"
    assert Event.objects.filter(kind=EventKind.MANDATE).count() == 2  # recorded, revoked


def test_a_revoke_without_a_reason_is_refused(client, zorg_case, officer):
    mandate = record(zorg_case, officer)
    client.force_login(officer)
    response = client.post(
        url(zorg_case, "mandate_revoke", mandate.pk), {"revoke-reason": ""}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200 and "alert error" in response.content.decode()
    assert Mandate.objects.get().active


def test_a_client_user_cannot_see_record_or_revoke(client, zorg_case, zorg_user, officer):
    mandate = record(zorg_case, officer)
    client.force_login(zorg_user)
    answers = (
        client.get(url(zorg_case, "case_mandates")).status_code,
        client.post(
            url(zorg_case, "mandate_add"),
            {"mandate-debtor_name": "x", "mandate-debtor_iban": IBAN, "mandate-signed_on": "01-06-2026"},
        ).status_code,
        client.post(url(zorg_case, "mandate_revoke", mandate.pk), {"revoke-reason": "x"}).status_code,
    )
    assert answers == (403, 403, 403)
    assert unchanged(zorg_case)[0] == [(mandate.mandate_id, True, "")] and Mandate.objects.count() == 1


def test_an_officer_restricted_to_another_client_gets_404(client, zara, energie_case, zorg_case, officer):
    mandate = record(energie_case, officer)
    client.force_login(zara)
    answers = (
        client.get(url(energie_case, "case_mandates")).status_code,
        client.post(
            url(energie_case, "mandate_add"),
            {"mandate-debtor_name": "x", "mandate-debtor_iban": IBAN, "mandate-signed_on": "01-06-2026"},
        ).status_code,
        client.post(url(energie_case, "mandate_revoke", mandate.pk), {"revoke-reason": "x"}).status_code,
        # a mandate of another case through a case in scope
        client.post(url(zorg_case, "mandate_revoke", mandate.pk), {"revoke-reason": "x"}).status_code,
    )
    assert answers == (404, 404, 404, 404)
    assert list(Mandate.objects.values_list("active", flat=True)) == [True]
