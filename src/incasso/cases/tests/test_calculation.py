"""The case's calculation sheet: the ledger replayed by the calculation core, shown to staff and the client."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from incasso.calculations import ClaimFacts, CostsFact, PaymentFact, build_statement
from incasso.cases import ledger
from incasso.cases.statement import case_statement, case_statement_inputs
from incasso.rates.selectors import rate_tables

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 6, 30)


@pytest.fixture
def paid_case(zorg_case, officer):
    """1,250.00 due 01-12-2025, collection costs 187.50 on 15-01-2026, payment 300 on 01-03-2026,
    and a wrong payment of 50 that was reversed."""
    ledger.ledger_book(
        case=zorg_case,
        bucket="costs",
        kind="costs_charged",
        amount=Decimal("187.50"),
        value_on=dt.date(2026, 1, 15),
        source="wik",
        actor=officer,
    )
    ledger.ledger_book(
        case=zorg_case,
        bucket="principal",
        kind="payment",
        amount=Decimal("-300.00"),
        value_on=dt.date(2026, 3, 1),
        source="bank:1",
    )
    wrong = ledger.ledger_book(
        case=zorg_case,
        bucket="principal",
        kind="payment",
        amount=Decimal("-50.00"),
        value_on=dt.date(2026, 3, 2),
        source="bank:2",
    )
    ledger.ledger_reverse(entry=wrong, actor=officer, reason="verkeerd dossier")
    return zorg_case


def test_case_statement_equals_the_core_on_the_same_facts(paid_case):
    expected = build_statement(
        [
            ClaimFacts(
                id="ZN-1001",
                principal=Decimal("1250.00"),
                first_interest_day=dt.date(2025, 12, 2),
                due_date=dt.date(2025, 12, 1),
            )
        ],
        [CostsFact("ZN-1001", Decimal("187.50"), dt.date(2026, 1, 15))],
        [PaymentFact(Decimal("300.00"), dt.date(2026, 3, 1))],
        as_of=AS_OF,
        tables=rate_tables(),
    )
    statement = case_statement(case=paid_case, as_of=AS_OF)
    assert statement is not None
    assert statement.outstanding == expected.outstanding
    assert statement.costs.paid == Decimal("187.50")  # 6:44: costs first
    assert statement.interest.charged > 0


def test_reversed_and_future_payments_are_left_out(paid_case):
    inputs = case_statement_inputs(case=paid_case, as_of=dt.date(2026, 2, 1))
    assert inputs.payments == ()
    inputs = case_statement_inputs(case=paid_case, as_of=AS_OF)
    assert [p.amount for p in inputs.payments] == [Decimal("300.00")]


def test_calculation_page_shows_the_sheet(client, officer, paid_case):
    client.force_login(officer)
    response = client.get(reverse("cases:calculation", args=[paid_case.number]), {"as_of": "30-06-2026"})
    assert response.status_code == 200
    html = response.content.decode()
    statement = case_statement(case=paid_case, as_of=AS_OF)
    from incasso.core.formatting import format_money

    assert format_money(statement.outstanding) in html
    assert "ZN-1001" in html and "ACT/365" in html


def test_a_date_that_does_not_exist_is_said_not_silently_replaced_by_today(client, officer, paid_case):
    client.force_login(officer)
    response = client.get(reverse("cases:calculation", args=[paid_case.number]), {"as_of": "31-13-2026"})
    html = response.content.decode()
    assert response.context["form"].errors["as_of"][0] in html
    assert 'class="alert error"' in html


def test_calculation_sheet_downloads_as_text(client, officer, paid_case):
    client.force_login(officer)
    response = client.get(
        reverse("cases:calculation", args=[paid_case.number]), {"as_of": "30-06-2026", "format": "txt"}
    )
    assert response["Content-Type"].startswith("text/plain")
    assert "berekening-" in response["Content-Disposition"]
    assert b"Renteberekening dossier" in response.content


def test_other_clients_user_gets_404_on_the_calculation(client, energie_user, paid_case):
    client.force_login(energie_user)
    assert client.get(reverse("cases:calculation", args=[paid_case.number])).status_code == 404


def test_own_client_user_may_read_the_calculation(client, zorg_user, paid_case):
    client.force_login(zorg_user)
    assert client.get(reverse("cases:calculation", args=[paid_case.number])).status_code == 200


def test_case_header_shows_what_is_owed_today_with_running_interest(client, officer, paid_case):
    from incasso.core.formatting import format_money

    client.force_login(officer)
    html = client.get(reverse("cases:owed_today", args=[paid_case.number])).content.decode()
    import django.utils.timezone as tz

    statement = case_statement(case=paid_case, as_of=tz.localdate())
    assert format_money(statement.outstanding) in html
    detail = client.get(reverse("cases:detail", args=[paid_case.number])).content.decode()
    assert reverse("cases:owed_today", args=[paid_case.number]) in detail


def _sheet(client, officer, case) -> str:
    client.force_login(officer)
    response = client.get(reverse("cases:calculation", args=[case.number]), {"as_of": "30-06-2026"})
    return response.content.decode()


def test_the_sheet_says_where_a_payment_came_from_not_its_code(client, officer, paid_case):
    from incasso.cases.labels import SOURCE_KINDS
    from incasso.core.formatting import record_text

    html = _sheet(client, officer, paid_case)
    assert "bank:1" not in html
    assert f"betaling ({record_text(SOURCE_KINDS['bank'])})" in html  # "(bankafschrift)" once translated


def test_an_unverified_rate_is_named_by_its_table_not_its_key(client, officer, paid_case):
    from incasso.rates.models import RateChange

    RateChange.objects.create(
        basis="consumer",
        effective_from=dt.date(2026, 1, 1),
        percent=Decimal("4.5"),
        source="t",
        verified=False,
    )
    sheet = [line for line in _sheet(client, officer, paid_case).splitlines() if "niet geverifieerd" in line]
    assert sheet == [
        "WAARSCHUWING: tarief niet geverifieerd: Wettelijke rente (art. 6:119 BW) 01-01-2026 4,5%"
    ]


def test_the_total_row_shows_what_was_charged_in_all(client, officer, paid_case):
    import re

    from incasso.core.formatting import format_money

    statement = case_statement(case=paid_case, as_of=AS_OF)
    charged = format_money(statement.principal.charged + statement.interest.charged + statement.costs.charged)
    html = _sheet(client, officer, paid_case)
    row = re.search(r'<tr class="total">(.*?)</tr>', html, re.S)
    assert row is not None and f'<td class="num">{charged}</td>' in row.group(1)
    text_total = [line for line in html.splitlines() if line.startswith("totaal ")]
    assert text_total and charged in text_total[0]
