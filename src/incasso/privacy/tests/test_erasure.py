"""Erasure (GDPR art. 17): refused while the law needs the data; complete when it is done; the money stays."""

from __future__ import annotations

import datetime as dt
import json
import os
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Sum

from incasso.cases.models import Case, Event, LedgerEntry
from incasso.core.exceptions import DomainError
from incasso.debtors.models import Address, BankAccount, ContactPoint, Debtor
from incasso.letters.models import SentLetter
from incasso.privacy.services import ANONYMISED, Reason, debtor_anonymise, erase_due
from incasso.privacy.tests.conftest import PERSONAL, close

TODAY = dt.date(2026, 11, 24)


def _dump() -> str:
    """Every row of every table as text: what a copy of the database would give away."""
    out = StringIO()
    call_command("dumpdata", "--natural-foreign", stdout=out)
    return out.getvalue()


def test_refused_while_a_case_is_open_and_nothing_changes(full_file, supervisor):
    before = _dump()
    with pytest.raises(DomainError, match="nog een open dossier"):
        debtor_anonymise(debtor=full_file.debtor, by=supervisor, reason=Reason.REQUEST, today=TODAY)
    assert _dump() == before


def test_on_request_refused_within_the_two_years_the_bki_keeps_a_closed_file(full_file, supervisor):
    close(full_file.case, on=dt.date(2025, 1, 10), by=supervisor)
    with pytest.raises(DomainError, match="bewaard tot 10-01-2027"):
        debtor_anonymise(debtor=full_file.debtor, by=supervisor, reason=Reason.REQUEST, today=TODAY)
    assert Debtor.objects.get(pk=full_file.debtor.pk).last_name == PERSONAL["last_name"]


def test_erasure_leaves_no_personal_data_anywhere_and_every_amount_as_it_was(
    full_file, supervisor, django_capture_on_commit_callbacks
):
    case = full_file.case
    close(case, on=dt.date(2024, 6, 1), by=supervisor)
    before = _dump()
    for value in PERSONAL.values():
        if value != PERSONAL["income"]:
            assert value in before, value  # the fixture really holds it
    balance = LedgerEntry.objects.filter(case=case).aggregate(s=Sum("amount"))["s"]
    assert os.path.exists(full_file.document_path)

    with django_capture_on_commit_callbacks(execute=True):
        erasure = debtor_anonymise(
            debtor=full_file.debtor, by=supervisor, reason=Reason.REQUEST, today=TODAY, note="brief 20-11"
        )

    after = _dump()
    for name, value in PERSONAL.items():
        assert value not in after, name
    assert str(full_file.debtor.date_of_birth) not in after
    debtor = Debtor.objects.get(pk=full_file.debtor.pk)
    assert debtor.display_name == ANONYMISED and debtor.anonymised_at is not None
    assert not Address.objects.filter(debtor=debtor).exists()
    assert not ContactPoint.objects.filter(debtor=debtor).exists()
    assert not BankAccount.objects.filter(debtor=debtor).exists()
    sent = SentLetter.objects.get(case=case)
    assert sent.pdf is None and sent.pages == 0 and sent.data == {}
    assert not os.path.exists(full_file.document_path)
    # the money and the file's skeleton stay
    assert LedgerEntry.objects.filter(case=case).aggregate(s=Sum("amount"))["s"] == balance
    assert Case.objects.get(pk=case.pk).number == case.number
    assert erasure.counts["addresses"] == 1 and erasure.counts["contact_points"] == 2
    # the timeline keeps its kinds, dates and the references the screens use; says what happened
    erased = Event.objects.filter(case=case, kind="privacy").get()
    assert erased.summary.startswith("Persoonsgegevens verwijderd") and erased.actor == supervisor
    call = Event.objects.get(case=case, kind="call")
    assert call.details.get("outcome") == "reached" and "note" not in call.details

    with pytest.raises(DomainError, match="al verwijderd"):
        debtor_anonymise(debtor=debtor, by=supervisor, reason=Reason.REQUEST, today=TODAY)


def test_the_case_screen_of_an_erased_debtor_says_so_and_serves_no_document(full_file, supervisor, client):
    close(full_file.case, on=dt.date(2024, 6, 1), by=supervisor)
    document = full_file.case.documents.get()
    debtor_anonymise(debtor=full_file.debtor, by=supervisor, reason=Reason.REQUEST, today=TODAY)
    client.force_login(supervisor)
    page = client.get(f"/cases/{full_file.case.number}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "persoonsgegevens van de debiteur zijn verwijderd" in html and PERSONAL["last_name"] not in html
    assert client.get(f"/cases/{full_file.case.number}/documents/{document.pk}/").status_code == 404


def _closed_case_for(debtor, *, client, on, supervisor) -> Case:
    from incasso.cases.tests.factories import CaseFactory

    case = CaseFactory(client=client, debtor=debtor, state="amicable")
    close(case, on=on, by=supervisor)
    return case


def test_the_run_erases_exactly_the_debtors_past_the_term_and_a_second_run_nothing(
    zorg, energie, supervisor, settings
):
    from incasso.cases.tests.factories import CaseFactory, DebtorFactory

    settings.INCASSO_RETENTION_YEARS = 5
    past = DebtorFactory(last_name="Verleden")
    _closed_case_for(past, client=zorg, on=dt.date(2020, 3, 1), supervisor=supervisor)
    _closed_case_for(past, client=energie, on=dt.date(2021, 11, 24), supervisor=supervisor)  # exactly 5 years
    recent = DebtorFactory(last_name="Recent")
    _closed_case_for(recent, client=zorg, on=dt.date(2019, 1, 1), supervisor=supervisor)
    _closed_case_for(recent, client=energie, on=dt.date(2022, 1, 1), supervisor=supervisor)
    still_open = DebtorFactory(last_name="Openstaand")
    _closed_case_for(still_open, client=zorg, on=dt.date(2015, 1, 1), supervisor=supervisor)
    CaseFactory(client=energie, debtor=still_open, state="amicable")

    dry = erase_due(by=supervisor, today=TODAY, dry_run=True)
    assert (dry.due, dry.erased) == (1, 0)
    assert Debtor.objects.get(pk=past.pk).anonymised_at is None

    result = erase_due(by=supervisor, today=TODAY)
    assert (result.due, result.erased) == (1, 1)
    names = dict(Debtor.objects.values_list("pk", "last_name"))
    assert names[past.pk] == ANONYMISED
    assert names[recent.pk] == "Recent" and names[still_open.pk] == "Openstaand"
    assert Event.objects.filter(case__debtor=past, kind="privacy").count() == 2

    again = erase_due(by=supervisor, today=TODAY)
    assert (again.due, again.erased) == (0, 0)


def test_old_direct_debit_files_are_cleared_with_the_run(zorg, supervisor):
    from django.utils import timezone

    from incasso.payments.models import DirectDebitCollection

    old = DirectDebitCollection.objects.create(
        run_date=dt.date(2020, 1, 10),
        schema="CORE",
        file=b"<Document>Kwakernaak</Document>",
        created_at=timezone.make_aware(dt.datetime(2020, 1, 9, 12)),
    )
    new = DirectDebitCollection.objects.create(
        run_date=dt.date(2026, 11, 10),
        schema="CORE",
        file=b"<Document>Jansen</Document>",
        created_at=timezone.now(),
    )
    assert erase_due(by=supervisor, today=TODAY).collection_files_cleared == 1
    old.refresh_from_db()
    new.refresh_from_db()
    assert bytes(old.file) == b"" and bytes(new.file) == b"<Document>Jansen</Document>"


def test_the_command_prints_json_and_refuses_a_future_date(zorg, supervisor):
    from django.core.management.base import CommandError

    out = StringIO()
    call_command("privacy", "erase-due", "--json", "--dry-run", stdout=out)
    summary = json.loads(out.getvalue())
    assert summary["dry_run"] is True and summary["retention_years"] == 5 and summary["due"] == 0
    with pytest.raises(CommandError, match="lies in the future"):
        call_command("privacy", "erase-due", "--date", "2999-01-01")
    with pytest.raises(CommandError, match="is not a date"):
        call_command("privacy", "erase-due", "--date", "24-11-2026")


def test_a_retention_term_below_two_years_stops_the_system_check(db, settings):
    from django.core.management.base import SystemCheckError

    settings.INCASSO_RETENTION_YEARS = 1
    with pytest.raises(SystemCheckError, match=r"incasso\.privacy\.E001"):
        call_command("check")


def test_amounts_survive_as_decimals(full_file, supervisor):
    close(full_file.case, on=dt.date(2024, 6, 1), by=supervisor)
    debtor_anonymise(debtor=full_file.debtor, by=supervisor, reason=Reason.REQUEST, today=TODAY)
    payment = LedgerEntry.objects.get(case=full_file.case, kind="payment")
    assert payment.amount == Decimal("-50.00") and payment.reason == "Betaling"
