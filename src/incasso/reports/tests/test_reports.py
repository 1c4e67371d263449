"""The portfolio report against a small portfolio whose every figure is worked out by hand below."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from incasso.cases.ledger import ledger_book, ledger_reverse
from incasso.cases.models import Bucket, CaseState, EntryKind
from incasso.cases.services import case_transition
from incasso.cases.tests.factories import CaseFactory, ClaimFactory, UserFactory
from incasso.clients.models import Client
from incasso.reports.selectors import portfolio_report

D = Decimal
START, END = dt.date(2026, 1, 1), dt.date(2026, 10, 31)


def _book(case, bucket, kind, amount, on):
    return ledger_book(case=case, bucket=bucket, kind=kind, amount=D(amount), value_on=on, source="test")


def _pay(case, bucket, amount, on):
    return ledger_book(
        case=case, bucket=bucket, kind=EntryKind.PAYMENT, amount=-D(amount), value_on=on, source="bank"
    )


@pytest.fixture
def portfolio(zorg, energie, officer):
    """Zorg: A (opened 1 Feb, € 1,000, costs and interest charged, € 300 paid 10 March),
    B (opened 1 March, € 500 paid in full 1 April, closed that day), C (opened June 2025, € 200,
    € 50 paid 5 May and bounced). Energie: D (opened 15 January, € 800, nothing paid)."""
    a = CaseFactory(client=zorg, officer=officer, state=CaseState.AMICABLE, opened_on=dt.date(2026, 2, 1))
    ClaimFactory(case=a, principal=D("1000.00"))
    _book(a, Bucket.COSTS, EntryKind.COSTS_CHARGED, "100.00", dt.date(2026, 3, 1))
    _book(a, Bucket.INTEREST, EntryKind.INTEREST_BOOKED, "20.00", dt.date(2026, 3, 10))
    for bucket, amount in (
        (Bucket.COSTS, "100.00"),
        (Bucket.INTEREST, "20.00"),
        (Bucket.PRINCIPAL, "180.00"),
    ):
        _pay(a, bucket, amount, dt.date(2026, 3, 10))
    b = CaseFactory(client=zorg, officer=officer, state=CaseState.AMICABLE, opened_on=dt.date(2026, 3, 1))
    ClaimFactory(case=b, principal=D("500.00"))
    _pay(b, Bucket.PRINCIPAL, "500.00", dt.date(2026, 4, 1))
    case_transition(case=b, to=CaseState.CLOSED, actor=officer, closing_reason="paid", on=dt.date(2026, 4, 1))
    c = CaseFactory(client=zorg, officer=officer, state=CaseState.ON_HOLD, opened_on=dt.date(2025, 6, 1))
    ClaimFactory(case=c, principal=D("200.00"))
    ledger_reverse(
        entry=_pay(c, Bucket.PRINCIPAL, "50.00", dt.date(2026, 5, 5)), actor=officer, reason="storno"
    )
    d = CaseFactory(client=energie, officer=officer, state=CaseState.AMICABLE, opened_on=dt.date(2026, 1, 15))
    ClaimFactory(case=d, principal=D("800.00"))
    return {"a": a, "b": b, "c": c, "d": d}


def test_every_figure_of_the_period(portfolio, django_assert_max_num_queries):
    with django_assert_max_num_queries(15):
        report = portfolio_report(clients=Client.objects.order_by("name"), start=START, end=END)
    t = report.total
    assert (t.received, t.received_principal) == (3, D("2300.00"))  # A, B, D
    assert t.recovered_principal == D("680.00") and t.recovery_rate == D("29.6")  # 180 + 500 of 2300
    assert t.collected == {"principal": D("680.00"), "interest": D("20.00"), "costs": D("100.00")}
    assert t.collected_total == D("800.00")  # C's bounced 50 counts nothing
    assert t.paying_cases == 2  # A and B; C's payment came back
    assert t.closed["paid"] == 1 and t.closed_total == 1 and t.success_rate == D("100.0")
    assert t.paid_days == [31] and t.days_to_payment_mean == D("31.0")
    assert t.open_cases == 3  # A, C, D
    assert t.open_balance == {"principal": D("1820.00"), "interest": D("0.00"), "costs": D("0.00")}
    assert [(r.client.code, r.figures.received, r.figures.collected_total) for r in report.rows] == [
        ("ENERGIE", 1, D("0.00")),
        ("ZORG", 2, D("800.00")),
    ]


def _promise(case, officer, *, made_on, status="open", evaluated_on=None):
    from incasso.arrangements.models import PaymentPromise

    return PaymentPromise.objects.create(
        case=case,
        amount=D("100.00"),
        made_on=made_on,
        due_on=made_on + dt.timedelta(days=14),
        officer=officer,
        status=status,
        evaluated_on=evaluated_on,
    )


@pytest.fixture
def promises(portfolio, officer):
    """Zorg: made in March and kept in March; made in April, broken in May; made in December 2025 and
    kept in January (decided in the period, made before it); made in October and still open.
    Energie: made in June 2025 and broken in July 2025 (outside the period: counts nothing)."""
    a, c, d = portfolio["a"], portfolio["c"], portfolio["d"]
    _promise(a, officer, made_on=dt.date(2026, 3, 1), status="kept", evaluated_on=dt.date(2026, 3, 16))
    _promise(a, officer, made_on=dt.date(2026, 4, 1), status="broken", evaluated_on=dt.date(2026, 5, 2))
    _promise(c, officer, made_on=dt.date(2025, 12, 20), status="kept", evaluated_on=dt.date(2026, 1, 4))
    _promise(c, officer, made_on=dt.date(2026, 10, 25))
    _promise(d, officer, made_on=dt.date(2025, 6, 1), status="broken", evaluated_on=dt.date(2025, 7, 1))


def test_promises_made_kept_and_broken_in_the_period_and_the_keep_rate(promises):
    report = portfolio_report(clients=Client.objects.order_by("name"), start=START, end=END)
    t = report.total
    assert (t.promises_made, t.promises_kept, t.promises_broken) == (3, 2, 1)
    assert t.promise_keep_rate == D("66.7")  # 2 of the 3 decided
    energie, zorg = (r.figures for r in report.rows)
    assert (zorg.promises_made, zorg.promises_kept, zorg.promises_broken) == (3, 2, 1)
    assert (energie.promises_made, energie.promises_broken, energie.promise_keep_rate) == (0, 0, None)
    march = portfolio_report(
        clients=Client.objects.all(), start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31)
    )
    assert (march.total.promises_made, march.total.promises_kept, march.total.promise_keep_rate) == (
        1,
        1,
        D("100.0"),
    )


def test_the_page_the_csv_and_the_api_show_the_promises(client, promises, officer):
    client.force_login(officer)
    period = {"start": "2026-01-01", "end": "2026-10-31"}
    html = client.get(reverse("reports:index"), period).content.decode()
    assert "Betaalbeloften" in html and "Nakomingspercentage" in html and "66,7 %" in html
    assert "beloften waarover de dagelijkse verwerking in de periode besliste" in html  # the definition
    response = client.get(reverse("reports:export_csv"), period)
    header, _energie, zorg, total = list(
        csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";")
    )
    line = dict(zip(header, total, strict=True))
    assert (
        line["Betaalbeloften gedaan"],
        line["Betaalbeloften nagekomen"],
        line["Betaalbeloften verbroken"],
    ) == (
        "3",
        "2",
        "1",
    )
    assert line["Betaalbeloften nagekomen (%)"] == "66,7"
    assert dict(zip(header, zorg, strict=True))["Betaalbeloften gedaan"] == "3"
    from incasso.api.services import api_token_create

    _, token = api_token_create(user=officer, name="BI")
    body = client.get(
        "/api/v1/reports/portfolio", period, headers={"Authorization": f"Bearer {token}"}
    ).json()
    assert (body["total"]["promises_made"], body["total"]["promise_keep_rate"]) == (3, "66.7")


def test_months_ages_and_states(portfolio):
    report = portfolio_report(clients=Client.objects.all(), start=START, end=END)
    months = {m.first_day: m for m in report.months}
    assert len(report.months) == 12 and report.months[-1].first_day == dt.date(2026, 10, 1)
    march = months[dt.date(2026, 3, 1)]
    assert march.collected == {"principal": D("180.00"), "interest": D("20.00"), "costs": D("100.00")}
    assert march.received == 1  # B
    assert months[dt.date(2026, 4, 1)].collected_total == D("500.00")
    assert months[dt.date(2026, 5, 1)].collected_total == 0  # paid and bounced
    assert months[dt.date(2026, 1, 1)].received == 1  # D
    bar = report.chart.bars[[m.first_day for m in report.months].index(dt.date(2026, 3, 1))]
    # March: three segments, principal at the bottom
    assert [s.series for s in bar.segments] == [0, 1, 2] and bar.total == D("300.00")
    # on 31 October: A (272 days) and D (289 days) in 181-365, C (517 days) over a year
    assert [(b.cases, b.balance) for b in report.ages] == [
        (0, 0),
        (0, 0),
        (0, 0),
        (2, D("1620.00")),
        (1, D("200.00")),
    ]
    states = {b.key: (b.cases, b.balance) for b in report.states}
    assert states["amicable"] == (2, D("1620.00")) and states["on_hold"] == (1, D("200.00"))
    assert "closed" not in states


def test_open_is_counted_as_it_stood_on_the_last_day(portfolio):
    report = portfolio_report(clients=Client.objects.all(), start=START, end=dt.date(2026, 3, 31))
    t = report.total
    # B was still open on 31 March (paid 1 April) and A had paid 300 of 1,120
    assert t.open_cases == 4 and t.closed_total == 0
    assert t.open_balance == {"principal": D("2320.00"), "interest": D("0.00"), "costs": D("0.00")}
    assert t.collected_total == D("300.00")


def test_a_client_user_sees_only_its_client(client, portfolio, zorg_user):
    client.force_login(zorg_user)
    html = client.get(reverse("reports:index"), {"start": "2026-01-01", "end": "2026-10-31"}).content.decode()
    assert "Zorggroep Noord" in html and "Energie Zuid" not in html
    assert "€ 800,00" in html and "€ 1.020,00" in html  # collected; open: A 820 + C 200
    assert 'name="client"' in html and "Alle opdrachtgevers" not in html  # no choice to make
    response = client.get(
        reverse("reports:index"), {"client": "ENERGIE", "start": "2026-01-01", "end": "2026-10-31"}
    )
    html = response.content.decode()
    assert "Energie Zuid" not in html and "€ 800,00" not in html and "geen beschikbare keuze" in html
    refused = client.get(reverse("reports:export_csv"), {"client": "ENERGIE"})
    assert refused.status_code == 400 and "Energie Zuid" not in refused.content.decode()


def test_staff_restricted_to_a_client_see_that_client(client, portfolio, energie):
    restricted = UserFactory(username="rik", role="officer")
    restricted.clients.add(energie)
    client.force_login(restricted)
    html = client.get(reverse("reports:index"), {"start": "2026-01-01", "end": "2026-10-31"}).content.decode()
    assert "Energie Zuid" in html and "Zorggroep Noord" not in html and "€ 800,00" in html


def test_staff_see_all_clients_and_can_narrow_to_one(client, portfolio, officer):
    client.force_login(officer)
    html = client.get(reverse("reports:index"), {"start": "2026-01-01", "end": "2026-10-31"}).content.decode()
    assert "Alle opdrachtgevers" in html and "Per opdrachtgever" in html
    assert "29,6 %" in html and "2 opdrachtgevers" in html
    html = client.get(
        reverse("reports:index"), {"client": "ENERGIE", "start": "2026-01-01", "end": "2026-10-31"}
    ).content.decode()
    assert "€ 800,00" in html and "Per opdrachtgever" not in html and "0,0 %" in html
    energie = Client.objects.get(code="ENERGIE")  # a state opens its cases in the case list
    assert f'href="{reverse("cases:list")}?state=amicable&amp;client={energie.pk}"' in html
    # the download takes the filter shown (also after htmx changed it without reloading the page)
    assert (
        f'href="{reverse("reports:export_csv")}?client=ENERGIE&amp;start=2026-01-01&amp;end=2026-10-31"'
        in html
    )


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"start": "2026-05-01", "end": "2026-04-01"}, "De periode eindigt voordat hij begint."),
        ({"start": "2026-13-45", "end": "2026-04-01"}, "Van: Voer een geldige datum in."),
        ({"start": "2026-01-01", "end": "2999-01-01"}, "Een rapportage kan niet verder kijken dan vandaag."),
        (
            {"client": "NOPE", "start": "2026-01-01", "end": "2026-04-01"},
            "Opdrachtgever: Selecteer een geldige keuze.",
        ),
    ],
)
def test_bad_filters_are_named_and_show_no_figures(client, portfolio, officer, params, message):
    client.force_login(officer)
    response = client.get(reverse("reports:index"), params)
    html = response.content.decode()
    assert response.status_code == 200 and message in html.replace("&#x27;", "'")
    assert "Per opdrachtgever" not in html and "kpis" not in html
    csv_response = client.get(reverse("reports:export_csv"), params)
    assert csv_response.status_code == 400 and message.split(": ")[-1] in csv_response.content.decode()


def test_the_csv_has_a_line_per_client_and_the_totals(client, portfolio, officer):
    client.force_login(officer)
    response = client.get(reverse("reports:export_csv"), {"start": "2026-01-01", "end": "2026-10-31"})
    assert response["Content-Disposition"] == 'attachment; filename="rapportage-2026-01-01-2026-10-31.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    header, energie, zorg, total = rows
    line = dict(zip(header, total, strict=True))
    assert line["Opdrachtgever"] == "Totaal"
    assert line["Ontvangen dossiers"] == "3" and line["Hoofdsom ontvangen"] == "2300,00"
    assert line["Invorderingspercentage (%)"] == "29,6"
    assert line["Geïnd: totaal"] == "800,00" and line["Geïnd: kosten"] == "100,00"
    assert (
        line["Open: totaal"] == "1820,00" and line["Gemiddeld aantal dagen tot volledige betaling"] == "31,0"
    )
    assert (energie[0], zorg[0]) == ("Energie Zuid", "Zorggroep Noord")


def test_htmx_gets_the_report_alone_and_english_reads_english(client, portfolio, officer):
    client.force_login(officer)
    fragment = client.get(
        reverse("reports:index"), {"start": "2026-01-01", "end": "2026-10-31"}, headers={"HX-Request": "true"}
    ).content.decode()
    assert fragment.lstrip().startswith('<div id="report"') and "<html" not in fragment
    client.cookies["django_language"] = "en"
    html = client.get(reverse("reports:index"), {"start": "2026-01-01", "end": "2026-10-31"}).content.decode()
    assert (
        "Collected per month" in html and "Recovery rate" in html and "€ 800,00" in html
    )  # amounts as everywhere


def test_anonymous_users_go_to_the_login(client):
    response = client.get(reverse("reports:index"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_the_api_serves_the_same_report_in_the_tokens_scope(portfolio, zorg_user, officer):
    from django.test import Client as HttpClient

    from incasso.api.services import api_token_create

    def api(user):
        _, token = api_token_create(user=user, name="BI")
        return HttpClient(headers={"Authorization": f"Bearer {token}"})

    period = {"start": "2026-01-01", "end": "2026-10-31"}
    body = api(zorg_user).get("/api/v1/reports/portfolio", period).json()
    assert [c["client"] for c in body["clients"]] == ["ZORG"]
    assert body["total"]["collected"] == {
        "principal": "680.00",
        "interest": "20.00",
        "costs": "100.00",
        "total": "800.00",
    }
    assert body["total"]["received_principal"] == "1500.00" and body["total"]["recovery_rate"] == "45.3"
    assert body["total"]["closed"]["paid"] == 1 and len(body["months"]) == 12
    assert api(zorg_user).get("/api/v1/reports/portfolio", {**period, "client": "ENERGIE"}).status_code == 404
    staff = api(officer)
    assert staff.get("/api/v1/reports/portfolio", period).json()["total"]["received_principal"] == "2300.00"
    bad = staff.get("/api/v1/reports/portfolio", {"start": "2026-05-01", "end": "2026-04-01"})
    assert bad.status_code == 422 and "ends before it starts" in bad.json()["detail"]
    assert staff.get("/api/v1/reports/portfolio", {"start": "2026-05-01"}).status_code == 422  # no end


def test_sums_stay_in_cents_where_the_database_adds_decimals_as_floats(zorg, officer):
    case = CaseFactory(client=zorg, officer=officer, state=CaseState.AMICABLE, opened_on=dt.date(2026, 2, 1))
    ClaimFactory(case=case, principal=D("0.30"))
    for amount in ("0.10", "0.20"):  # 0.1 + 0.2 is 0.30000000000000004 in binary floating point
        _pay(case, Bucket.PRINCIPAL, amount, dt.date(2026, 3, 1))
    report = portfolio_report(clients=Client.objects.all(), start=START, end=END)
    assert report.total.collected["principal"] == D("0.30")
    assert str(report.total.collected["principal"]) == "0.30" and str(report.total.open_total) == "0.00"
    assert report.total.recovery_rate == D("100.0")
