"""`incasso demo`: a consistent portfolio built through the services, created once."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Sum

from incasso.accounts.models import User
from incasso.cases.models import Bucket, Case, Claim, EntryKind, Event, LedgerEntry, Note
from incasso.cases.selectors import case_balance
from incasso.cases.statement import case_statement
from incasso.clients.models import Client
from incasso.debtors.models import Debtor
from incasso.payments.models import BankTransaction

pytestmark = pytest.mark.django_db


def assert_portal_login_works(output: str) -> None:
    """The printed portal login opens that case (`portal.selectors.case_for_portal_login`)."""
    import re

    from incasso.portal.selectors import case_for_portal_login

    found = re.search(r"case number (\S+), payment reference (\d{16}), postcode ([^(]+) \(", output)
    assert found, output
    number, reference, postcode = found.groups()
    case = case_for_portal_login(number=number, payment_reference=reference, postcode=postcode)
    assert case is not None and case.number == number


def test_demo_builds_a_consistent_portfolio_once():
    out = StringIO()
    call_command("demo", cases=40, stdout=out)
    assert "password for all: incasso-demo" in out.getvalue()
    assert_portal_login_works(out.getvalue())
    assert Client.objects.filter(code__startswith="DEMO-").count() == 4
    assert Case.objects.count() == 40
    # one archived case, paid in full over five years ago: the Privacy screen has a debtor to erase
    from django.utils import timezone

    from incasso.privacy.selectors import debtors_due

    due = debtors_due(today=timezone.localdate(), years=5)
    assert due.count() == 1 and due.get().cases.get().closing_reason == "paid"
    # the history is dated as it happened, not all today: within each case's life, calls and visits
    # on weekdays within the contact hours (the demo keeps the Wki rules)
    today = timezone.localdate()
    days = set()
    for case in Case.objects.all():
        for event in case.events.all():
            day = timezone.localtime(event.occurred_at).date()
            assert case.opened_on <= day <= today, (case.number, event.summary)
            days.add(day)
    assert len(days) > 20
    assert Debtor.objects.filter(language="en").exists()  # a few expats get English letters
    # a few arrangements are paid by direct debit: a mandate each, and today's run has instalments to collect
    from incasso.payments.models import Mandate
    from incasso.payments.selectors import instalments_due_for_direct_debit

    mandates = Mandate.objects.filter(active=True)
    assert 1 <= mandates.count() <= 4
    assert all(m.case.arrangements.filter(status="active").exists() for m in mandates)
    due = instalments_due_for_direct_debit(run_date=today)
    assert {item.mandate for item in due} == set(mandates)
    contacts = Event.objects.filter(kind__in=["call", "visit"])
    assert contacts.count() >= 10
    assert not contacts.filter(details__has_key="outside_contact_window").exists()
    assert all(timezone.localtime(e.occurred_at).weekday() < 5 for e in contacts)
    assert len(set(Case.objects.values_list("state", flat=True))) >= 4
    officer = User.objects.get(username="officer")
    assert officer.role == "officer" and officer.check_password("incasso-demo")
    assert User.objects.get(username="admin").is_superuser
    assert User.objects.filter(role="client_user").count() == 4
    assert User.objects.get(username="klant-zorg").client.code == "DEMO-ZORG"
    assert not Client.objects.get(code="DEMO-ENERGIE").vat_deductible
    consumer_costs_checked = 0
    for case in Case.objects.all():
        entries = LedgerEntry.objects.filter(case=case, bucket=Bucket.PRINCIPAL)
        added = entries.filter(kind=EntryKind.CLAIM_ADDED).aggregate(s=Sum("amount"))["s"]
        claims = Claim.objects.filter(case=case).aggregate(s=Sum("principal"))["s"]
        assert Decimal(added).quantize(Decimal("0.01")) == Decimal(claims).quantize(Decimal("0.01"))
        others = entries.exclude(kind=EntryKind.CLAIM_ADDED)
        assert set(others.values_list("kind", flat=True)) <= {EntryKind.PAYMENT, EntryKind.WRITE_OFF}
        assert all(amount < 0 for amount in others.values_list("amount", flat=True))
        balance = case_balance(case=case)
        assert balance.principal >= 0 and balance.costs >= 0
        if case.closing_reason in {"paid", "settled"}:
            assert balance.total == 0
        if case.closing_reason == "paid":
            # paid through the import's booking: the calculation agrees with the ledger on the day
            # it closed (running interest was booked before the payment was split 6:44 BW)
            statement = case_statement(case=case, as_of=case.closed_on)
            assert statement is not None and statement.outstanding == 0
            assert BankTransaction.objects.filter(case=case, status="booked").exists()
        costs = LedgerEntry.objects.filter(case=case, kind=EntryKind.COSTS_CHARGED)
        if case.debtor_role == "consumer" and costs.exists():
            # never costs for a consumer without a 14-day letter whose term had passed (6:96 lid 6 BW)
            note = Note.objects.get(case=case, text__startswith="Veertiendagenbrief verstuurd")
            last_day = dt.datetime.strptime(note.text.split("tot en met ")[1][:10], "%d-%m-%Y").date()
            assert all(entry.value_on > last_day for entry in costs)
            consumer_costs_checked += 1
    assert consumer_costs_checked >= 5
    business = Claim.objects.filter(
        case__debtor_role="business", case__debt_type__default_interest_basis="consumer"
    )
    assert business.exists()
    assert set(business.values_list("interest_basis", flat=True)) == {"commercial"}
    paid = BankTransaction.objects.filter(status="booked")
    assert paid.exists() and all(
        t.match_rule == "reference" for t in paid.exclude(statement_id__startswith="DEMO-2")
    )
    # this morning's statement, read by the real importer: one booked by its invoice number, three for an officer
    today = BankTransaction.objects.filter(statement_import__file_name__startswith="afschrift-")
    assert sorted(today.values_list("status", "match_rule")) == [
        ("booked", "invoice_number"),
        ("suggested", "name"),
        ("unmatched", ""),
        ("unmatched", ""),
    ]
    two = today.get(remittance_text__startswith="Dossiers")
    named = re.findall(r"\d{4}-\d{6}", two.remittance_text)
    assert len(named) == 2 and all(number in two.reason for number in named)  # both candidates named

    # questions to the clients: one waits for klant-zorg's answer (a dispute's), one is answered
    from incasso.cases.models import ClientQuestion

    zorg_questions = ClientQuestion.objects.filter(case__client__code="DEMO-ZORG")
    assert zorg_questions.filter(answered_at__isnull=True, topic="dispute").exists()
    assert zorg_questions.filter(answered_by__username="klant-zorg").exists()

    before = Case.objects.count(), User.objects.count()
    again = StringIO()
    call_command("demo", cases=20, stdout=again)
    assert again.getvalue().splitlines()[0] == "demo data already present"
    assert again.getvalue().splitlines()[1].startswith("Debtor portal (/portaal/): case number ")
    assert (Case.objects.count(), User.objects.count()) == before


def test_demo_is_deterministic_for_a_seed():
    import datetime as dt

    from incasso.intake.demo import CLIENTS, Builder

    def sample(seed: int) -> tuple[object, ...]:
        builder = Builder(seed=seed, today=dt.date(2026, 11, 24))
        return builder.person(), builder.organisation(), tuple(builder.claims(CLIENTS[0]))

    assert sample(7) == sample(7)
    assert sample(7) != sample(8)


def test_the_demos_e_mails_can_go_out(settings, tmp_path):
    """The demo has the agency's letterhead, so the daily run's e-mails are sent (here: written to
    files, as `bin/run` does without a mail server), not failed for want of a sender."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    import time_machine

    from incasso.letters.models import Delivery, Letterhead
    from incasso.letters.sending import messages_process
    from incasso.strategies.models import OutgoingMessage
    from incasso.strategies.run import daily_run

    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(tmp_path)},
        }
    }
    tuesday_10h = dt.datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
    with time_machine.travel(tuesday_10h, tick=False):
        call_command("demo", cases=80, stdout=StringIO())
        assert Letterhead.objects.get(client=None).iban == "NL91ABNA0417164300"
        daily_run(run_date=tuesday_10h.date())
        assert OutgoingMessage.objects.filter(channel="email").exists()
        result = messages_process(now=tuesday_10h)
    assert result.sent >= 1
    assert not Delivery.objects.filter(failure_reason__icontains="briefhoofd").exists()
    written = "".join(path.read_text() for path in tmp_path.iterdir())
    assert written.count("Subject: ") == result.sent
