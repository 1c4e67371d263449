"""The `incasso payments` command and the remittances page (staff only)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from incasso.payments.direct_debit import mandate_create
from incasso.payments.models import Remittance
from incasso.payments.services import statement_import
from incasso.payments.tests.builders import Line, camt
from incasso.payments.tests.factories import worked_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid_case():  # type: ignore[no-untyped-def]
    case = worked_case()
    statement_import(
        data=camt([Line(Decimal("600.00"), on=dt.date(2024, 5, 10), reference=case.payment_reference)]),
        name="m.xml",
    )
    return case


def test_remit_command_writes_the_three_files(paid_case, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out"
    code = paid_case.client.code
    call_command(
        "payments", "remit", "--client", code, "--from", "2024-05-01", "--to", "2024-05-31", "--out", str(out)
    )
    assert {p.name for p in out.iterdir()} == {"statement.csv", "statement.xlsx", "pain001.xml"}
    assert "collected 600.00" in capsys.readouterr().out
    with pytest.raises(CommandError, match="Nothing collected"):
        call_command(
            "payments",
            "remit",
            "--client",
            code,
            "--from",
            "2024-05-01",
            "--to",
            "2024-05-31",
            "--out",
            str(out),
        )


def test_direct_debit_command_writes_a_pain008(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    mandate_create(
        mandate_id="MND-9",
        signed_on=dt.date(2024, 5, 1),
        debtor_name="Jan",
        debtor_iban="NL91ABNA0417164300",
        case=worked_case(),
    )
    items = tmp_path / "items.csv"
    items.write_text("mandate_id;amount;due_on;reference\nMND-9;45,50;2024-06-01;1000000000000099\n")
    out = tmp_path / "dd.xml"
    call_command(
        "payments",
        "direct-debit",
        "--date",
        "2024-06-03",
        "--items",
        str(items),
        "--out",
        str(out),
        "--version",
        "08",
    )
    assert b"pain.008.001.08" in out.read_bytes() and b"<SeqTp>FRST</SeqTp>" in out.read_bytes()
    assert "1 debit(s), total 45.50" in capsys.readouterr().out


def test_officer_prepares_and_downloads_a_remittance(client, officer, paid_case) -> None:  # type: ignore[no-untyped-def]
    client.force_login(officer)
    url = reverse("payments:remittances")
    response = client.post(
        url, {"client": paid_case.client.code, "period_from": "2024-05-01", "period_to": "2024-05-31"}
    )
    assert response.status_code == 302
    remittance = Remittance.objects.get()
    listing = client.get(url)
    assert listing.status_code == 200 and paid_case.client.code in listing.text
    for kind in ("csv", "xlsx", "pain001"):
        download = client.get(reverse("payments:remittance_download", args=[remittance.pk, kind]))
        assert download.status_code == 200 and download.content
    again = client.post(
        url, {"client": paid_case.client.code, "period_from": "2024-05-01", "period_to": "2024-05-31"}
    )
    assert again.status_code == 400 and "Nothing collected" in again.text


def test_client_users_get_403(client, zorg_user, paid_case) -> None:  # type: ignore[no-untyped-def]
    client.force_login(zorg_user)
    assert client.get(reverse("payments:remittances")).status_code == 403
    assert client.get(reverse("payments:remittance_download", args=[1, "csv"])).status_code == 403
