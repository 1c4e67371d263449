"""Letter fixtures on top of the root personas: the agency letterhead and cases that can get letters."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from incasso.calculations.payment_reference import generate_payment_reference

LETTER_DAY = dt.date(2026, 3, 2)  # a Monday
FIRST_DUE = dt.date(2026, 3, 16)  # the first instalment of `arrangement_case`


@pytest.fixture
def letterhead(db):
    from incasso.letters.models import Letterhead

    return Letterhead.objects.create(
        name="Noordhoek Incasso B.V.",
        address="Oudegracht 120\n3511 AZ Utrecht",
        return_address="Retouradres: Postbus 1234, 3500 BE Utrecht",
        wki_registration="2024-000123",
        kvk="87654321",
        iban="NL91ABNA0417164300",
        bic="ABNANL2A",
        account_holder="Noordhoek Incasso B.V. inzake derdengelden",
        phone="030 123 45 67",
        email="info@noordhoekincasso.nl",
        website="www.noordhoekincasso.nl",
        complaint_line="Een klacht? Lees op noordhoekincasso.nl/klachten hoe u die indient.",
        complaint_line_en="A complaint? Read on noordhoekincasso.nl/complaints how to file it.",
        signer_name="M. Bakker",
    )


def make_letter_case(case, *, number: int):
    case.payment_reference = generate_payment_reference(number)
    case.save(update_fields=["payment_reference"])
    return case


@pytest.fixture
def zorg_letter_case(zorg_case, letterhead):
    """Zorggroep Noord's case: one invoice of € 1.250,00, debtor at 1234 AB Utrecht. The client has
    a postal address and a contact person, for the progress report addressed to it."""
    from incasso.clients.models import ClientContact

    client = zorg_case.client
    client.letterhead_text = "Zorggroep Noord\nPostbus 500\n9700 AM  Groningen"
    client.save(update_fields=["letterhead_text"])
    ClientContact.objects.create(client=client, name="A. Jansen", role="financiële administratie")
    return make_letter_case(zorg_case, number=2026_000101)


@pytest.fixture
def energie_letter_case(energie_case, letterhead):
    """Energie Zuid's case: one invoice of € 480,50, debtor at 5611 AA Eindhoven."""
    return make_letter_case(energie_case, number=2026_000202)


def queue_message(case, *, channel: str, template_code: str = "reminder", on: dt.date = LETTER_DAY):
    """An outgoing message as the daily run queues it (with its step execution)."""
    from incasso.strategies.models import OutgoingMessage, Step, StepExecution, Strategy, StrategyVersion

    strategy = Strategy.objects.create(
        name=f"Test {case.number} {channel} {template_code}", debtor_role="consumer"
    )
    version = StrategyVersion.objects.create(strategy=strategy, number=1)
    step = Step.objects.create(
        version=version,
        position=1,
        name="stap",
        offset_days=0,
        action="send_message",
        channel=channel,
        template_code=template_code,
    )
    from django.utils import timezone

    execution = StepExecution.objects.create(
        case=case, step=step, due_on=on, executed_at=timezone.now(), outcome="executed"
    )
    return OutgoingMessage.objects.create(
        case=case,
        debtor_id=case.debtor_id,
        channel=channel,
        template_code=template_code,
        step_execution=execution,
        queued_on=on,
    )


ZERO = Decimal("0.00")


@pytest.fixture
def arrangement_case(time_machine, settings, zorg_letter_case, officer):
    """Zorggroep Noord's case (€ 1.250,00 principal) on four monthly instalments from 16-03-2026,
    proposed by its officer within his authority, so active at once (through the services)."""
    from zoneinfo import ZoneInfo

    from incasso.arrangements.schedule import build_schedule
    from incasso.arrangements.services import arrangement_propose
    from incasso.cases.selectors import case_balance

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    at = dt.datetime.combine(LETTER_DAY, dt.time(9), tzinfo=ZoneInfo("Europe/Amsterdam"))
    time_machine.move_to(at, tick=False)
    balance = case_balance(case=zorg_letter_case).total
    schedule = build_schedule(balance=balance, count=4, start_on=FIRST_DUE)
    arrangement = arrangement_propose(
        case=zorg_letter_case, schedule=schedule, officer=officer, today=LETTER_DAY
    )
    assert arrangement.status == "active"
    return zorg_letter_case


def delivery_state():
    """Everything a delivery report or a bounce may change, to prove a repeat or a refusal changed
    nothing: the messages, their deliveries, the contact points, the timeline and the tasks."""
    from incasso.cases.models import Event, Task
    from incasso.debtors.models import ContactPoint
    from incasso.letters.models import Delivery
    from incasso.strategies.models import OutgoingMessage

    return (
        list(OutgoingMessage.objects.order_by("pk").values_list("status", "delivered_on")),
        list(Delivery.objects.order_by("pk").values()),
        list(ContactPoint.objects.order_by("pk").values_list("value", "is_valid", "invalid_reason")),
        list(Event.objects.order_by("pk").values_list("summary", flat=True)),
        list(Task.objects.order_by("pk").values_list("title", flat=True)),
    )


@pytest.fixture
def tasks_refused(db):
    """The database refuses new tasks (a trigger: the outside world failing, not our code mocked), to
    break a report or a bounce half-way through. The test's transaction takes the trigger away."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION incasso_test_refuse() RETURNS trigger AS $$ BEGIN "
                "RAISE EXCEPTION 'tasks refused in this test'; END; $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                "CREATE TRIGGER incasso_test_no_task BEFORE INSERT ON cases_task "
                "FOR EACH ROW EXECUTE FUNCTION incasso_test_refuse()"
            )
        else:
            cursor.execute(
                "CREATE TRIGGER incasso_test_no_task BEFORE INSERT ON cases_task "
                "BEGIN SELECT RAISE(ABORT, 'tasks refused in this test'); END"
            )
