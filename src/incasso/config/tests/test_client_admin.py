"""A client's settings in the Django admin: the arrangement limits, the legal policy and the contract
inline on the client's page, each also on its own list, and the officers' arrangement authority."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from incasso.arrangements.models import ArrangementAuthority, ArrangementPolicy
from incasso.legal.models import ClientLegalPolicy
from incasso.payments.models import ClientContract

pytestmark = pytest.mark.django_db

MODELS = [
    ("clients", "client"),
    ("arrangements", "arrangementpolicy"),
    ("arrangements", "arrangementauthority"),
    ("legal", "clientlegalpolicy"),
    ("payments", "clientcontract"),
]
INLINES = ("arrangement_policy", "legal_policy", "payment_contract")  # the formsets' prefixes


def _inline(prefix: str, **fields: object) -> dict[str, object]:
    data: dict[str, object] = {
        f"{prefix}-TOTAL_FORMS": "1" if fields else "0",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1",
    }
    return data | {f"{prefix}-0-{name}": value for name, value in fields.items()}


def _client_form(client_obj, **inlines: dict[str, object]) -> dict[str, object]:
    data: dict[str, object] = {
        "name": client_obj.name,
        "code": client_obj.code,
        "kvk_number": "",
        "vat_number": "",
        "vat_deductible": "on",
        "remittance_iban": "",
        "letterhead_text": "",
        "is_active": "on",
        **_inline("contacts"),
    }
    for prefix in INLINES:
        data |= _inline(prefix, **inlines.get(prefix, {}))
    return data


@pytest.fixture
def settings_rows(zorg, officer):
    return {
        "arrangementpolicy": ArrangementPolicy.objects.create(client=zorg, max_months=18),
        "arrangementauthority": ArrangementAuthority.objects.create(
            user=officer, max_months=9, max_balance=Decimal("4000.00")
        ),
        "clientlegalpolicy": ClientLegalPolicy.objects.create(client=zorg, handover_approval_required=False),
        "clientcontract": ClientContract.objects.create(client=zorg, commission_percent=Decimal("12.50")),
        "client": zorg,
    }


@pytest.mark.parametrize(("app", "model"), MODELS)
def test_the_administrator_opens_every_list_add_and_change_page(
    client, admin_user, settings_rows, app, model
):
    client.force_login(admin_user)
    row = settings_rows[model]
    for url in (
        reverse(f"admin:{app}_{model}_changelist"),
        reverse(f"admin:{app}_{model}_add"),
        reverse(f"admin:{app}_{model}_change", args=[row.pk]),
    ):
        assert client.get(url).status_code == 200, url


def test_the_clients_page_shows_its_settings_inline_with_every_field(client, admin_user, settings_rows, zorg):
    client.force_login(admin_user)
    page = client.get(reverse("admin:clients_client_change", args=[zorg.pk])).content.decode()
    for prefix in INLINES:
        assert f'name="{prefix}-TOTAL_FORMS"' in page
    # no `fields` list: every field of the policy is there, so a field added to the model shows up too
    for field in ("max_months", "min_instalment", "down_payment_percent", "interest_frozen", "grace_days"):
        assert f'name="arrangement_policy-0-{field}"' in page
    assert 'value="18"' in page and 'value="12.50"' in page


def test_a_client_gets_its_limits_legal_policy_and_contract_from_its_page(client, admin_user, zorg):
    client.force_login(admin_user)
    data = _client_form(
        zorg,
        arrangement_policy={
            "max_months": "6",
            "min_instalment": "40.00",
            "down_payment_percent": "10",
            "interest_frozen": "on",
            "grace_days": "5",
            "misses_to_break": "2",
            "settlement_max_discount_percent": "15",
            "settlement_max_days": "21",
            "goods_return_allowed": "on",
            "after_broken": "lawyer",  # supervisor_after_broken left unticked
        },
        legal_policy={"court_fee_category": "legal_person"},
        payment_contract={"commission_percent": "15", "remittance_iban": "nl91 abna 0417 1643 00"},
    )
    response = client.post(reverse("admin:clients_client_change", args=[zorg.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    policy = ArrangementPolicy.objects.get(client=zorg)
    assert (policy.max_months, policy.min_instalment, policy.grace_days) == (6, Decimal("40.00"), 5)
    assert (policy.settlement_max_discount_percent, policy.settlement_max_days) == (Decimal("15.00"), 21)
    assert (policy.after_broken, policy.supervisor_after_broken) == ("lawyer", False)
    assert ClientLegalPolicy.objects.get(client=zorg).handover_approval_required is False  # unticked
    contract = ClientContract.objects.get(client=zorg)
    assert (contract.commission_percent, contract.remittance_iban) == (Decimal("15.00"), "NL91ABNA0417164300")


def test_a_wrong_remittance_iban_or_commission_is_refused_and_nothing_saved(client, admin_user, zorg):
    client.force_login(admin_user)
    url = reverse("admin:payments_clientcontract_add")
    wrong_iban = client.post(
        url, {"client": zorg.pk, "commission_percent": "10", "remittance_iban": "NL91ABNA0417164301"}
    )
    assert wrong_iban.status_code == 200 and "controlecijfers kloppen niet" in wrong_iban.content.decode()
    too_much = client.post(url, {"client": zorg.pk, "commission_percent": "120", "remittance_iban": ""})
    assert too_much.status_code == 200 and "errornote" in too_much.content.decode()
    policy = client.post(
        reverse("admin:arrangements_arrangementpolicy_add"),
        {
            "client": zorg.pk,
            "max_months": "12",
            "min_instalment": "25",
            "down_payment_percent": "100",
            "grace_days": "7",
            "misses_to_break": "0",
            "settlement_max_discount_percent": "15",
            "settlement_max_days": "21",
        },
    )
    assert policy.status_code == 200 and "errornote" in policy.content.decode()
    assert not ClientContract.objects.exists() and not ArrangementPolicy.objects.exists()


def test_a_supervisor_needs_staff_status_and_the_permissions_from_an_administrator(client, supervisor, zorg):
    client.force_login(supervisor)
    page = reverse("admin:clients_client_change", args=[zorg.pk])
    assert client.get(page).status_code == 302  # to the admin's login: not staff
    supervisor.is_staff = True
    supervisor.save(update_fields=["is_staff"])
    codenames = [
        f"{action}_{model}"
        for action in ("view", "change", "add")
        for model in ("client", "arrangementpolicy", "clientlegalpolicy", "clientcontract")
    ]
    supervisor.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    client.force_login(supervisor)
    html = client.get(page).content.decode()
    for prefix in INLINES:
        assert f'name="{prefix}-TOTAL_FORMS"' in html
    assert client.get(reverse("admin:arrangements_arrangementpolicy_changelist")).status_code == 200
    assert client.get(reverse("admin:arrangements_arrangementauthority_changelist")).status_code == 403


def test_officers_and_client_users_do_not_get_in(client, officer, zorg_user, zorg):
    for user in (officer, zorg_user):
        client.force_login(user)
        assert client.get(reverse("admin:clients_client_change", args=[zorg.pk])).status_code == 302
