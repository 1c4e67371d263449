"""The case file's writes: opening cases, the append-only ledger, the timeline and the state machine."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import translation

from incasso.calculations.payment_reference import is_valid_payment_reference
from incasso.cases import ledger, services, timeline
from incasso.cases.models import Case, Claim, DebtType, Event, LedgerEntry
from incasso.cases.selectors import case_balance
from incasso.core.exceptions import DomainError, IllegalTransition
from incasso.debtors.services import AddressInput, DebtorInput, debtor_create

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


TODAY = dt.date(2026, 11, 24)


def _claim(number: str = "F-1", principal: str = "100.00", **kw: object) -> services.ClaimInput:
    values: dict[str, object] = {
        "invoice_number": number,
        "invoice_date": dt.date(2026, 9, 1),
        "due_date": dt.date(2026, 10, 1),
        "principal": Decimal(principal),
    }
    values.update(kw)
    return services.ClaimInput(**values)  # type: ignore[arg-type]


@pytest.fixture
def debtor():
    return debtor_create(
        data=DebtorInput(
            kind="person",
            first_names="Piet",
            last_name="Bakker",
            address=AddressInput(street="Kerkstraat", house_number="12a", postcode="3511ab", city="Utrecht"),
            emails=["Piet@Example.NL"],
            phones=["06 12345678"],
            ibans=["nl91 abna 0417 1643 00"],
        ),
        today=TODAY,
    )


def _open(zorg, debtor, *claims: services.ClaimInput) -> Case:
    return services.case_open(
        client=zorg,
        debtor=debtor,
        debtor_role="consumer",
        debt_type=DebtType.objects.get(code="healthcare"),
        claims=claims or (_claim(),),
        opened_on=TODAY,
        source="test",
    )


def test_debtor_identifiers_are_normalised(debtor):
    address = debtor.addresses.get()
    assert address.postcode == "3511 AB"
    assert debtor.contact_points.get(kind="email").value == "Piet@example.nl"
    assert debtor.contact_points.get(kind="phone").value == "+31612345678"
    assert debtor.bank_accounts.get().iban == "NL91ABNA0417164300"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"ibans": ["NL00ABNA0417164300"]}, "iban"),
        ({"phones": ["12"]}, "phone"),
        ({"emails": ["not-an-email"]}, "email"),
        ({"kvk_number": "1234"}, "kvk_number"),
        ({"address": AddressInput(street="A", house_number="1", postcode="12345", city="X")}, "postcode"),
        ({"last_name": ""}, "last_name"),
    ],
)
def test_debtor_with_a_bad_field_is_refused_naming_the_field(change, field):
    values: dict[str, object] = {"kind": "person", "last_name": "Bakker"}
    values.update(change)
    with pytest.raises(DomainError) as err:
        debtor_create(data=DebtorInput(**values), today=TODAY)  # type: ignore[arg-type]
    assert err.value.field == field


def test_opening_a_case_books_each_principal_and_logs_it(zorg, debtor):
    case = _open(zorg, debtor, _claim("F-1", "100.00"), _claim("F-2", "250.55"))
    assert case.number == "2026-000001"
    assert is_valid_payment_reference(case.payment_reference)
    assert len(case.payment_reference) == 16
    assert case_balance(case=case).principal == Decimal("350.55")
    assert case.claims.get(invoice_number="F-1").interest_basis == "consumer"
    assert Event.objects.filter(case=case, kind="created").count() == 1


def test_case_numbers_count_up_per_year(zorg, debtor):
    first = _open(zorg, debtor, _claim("A"))
    second = _open(zorg, debtor, _claim("B"))
    assert (first.number, second.number) == ("2026-000001", "2026-000002")
    assert first.payment_reference != second.payment_reference


@pytest.mark.parametrize(
    ("claim", "field"),
    [
        (_claim(principal="-5.00"), "principal"),
        (_claim(principal="0.00"), "principal"),
        (_claim(principal="10.001"), "principal"),
        (_claim(due_date=dt.date(2026, 8, 1)), "due_date"),
        (_claim(number=" "), "invoice_number"),
        (_claim(interest_basis="contractual"), "contractual_rate"),
        (_claim(interest_basis="whatever"), "interest_basis"),
    ],
)
def test_a_bad_claim_writes_nothing(zorg, debtor, claim, field):
    before = (Case.objects.count(), Claim.objects.count(), LedgerEntry.objects.count(), Event.objects.count())
    with pytest.raises(DomainError) as err:
        _open(zorg, debtor, _claim("OK-1"), claim)
    assert err.value.field == field
    after = (Case.objects.count(), Claim.objects.count(), LedgerEntry.objects.count(), Event.objects.count())
    assert after == before


def test_the_same_invoice_cannot_be_claimed_twice_for_one_client(zorg, debtor):
    _open(zorg, debtor, _claim("F-9"))
    with pytest.raises(DomainError, match="already in a case"):
        _open(zorg, debtor, _claim("F-9"))


def test_ledger_entries_cannot_be_changed_or_deleted(zorg_case):
    entry = LedgerEntry.objects.filter(case=zorg_case).first()
    entry.amount = Decimal("1.00")
    with pytest.raises(TypeError, match="append-only"):
        entry.save()
    with pytest.raises(TypeError, match="append-only"):
        entry.delete()
    with pytest.raises(TypeError, match="append-only"):
        LedgerEntry.objects.filter(case=zorg_case).update(amount=Decimal("2.00"))
    with pytest.raises(TypeError, match="append-only"):
        LedgerEntry.objects.filter(case=zorg_case).delete()
    with pytest.raises(TypeError, match="append-only"):
        Event.objects.filter(case=zorg_case).delete()


def test_balance_per_bucket_is_the_sum_of_entries(zorg_case, officer):
    ledger.ledger_book(
        case=zorg_case,
        bucket="costs",
        kind="costs_charged",
        amount=Decimal("187.50"),
        value_on=TODAY,
        source="test",
        actor=officer,
        reason="WIK",
    )
    ledger.ledger_book(
        case=zorg_case,
        bucket="principal",
        kind="payment",
        amount=Decimal("-250.00"),
        value_on=TODAY,
        source="test",
        actor=officer,
    )
    balance = case_balance(case=zorg_case)
    assert (balance.principal, balance.interest, balance.costs) == (
        Decimal("1000.00"),
        Decimal("0.00"),
        Decimal("187.50"),
    )
    assert balance.total == Decimal("1187.50")


def test_a_reversal_cancels_an_entry_once_and_is_logged(zorg_case, officer):
    entry = ledger.ledger_book(
        case=zorg_case,
        bucket="costs",
        kind="costs_charged",
        amount=Decimal("40.00"),
        value_on=TODAY,
        source="test",
        actor=officer,
    )
    reversal = ledger.ledger_reverse(entry=entry, actor=officer, reason="14-dagenbrief ontbrak")
    assert reversal.amount == Decimal("-40.00") and reversal.reverses == entry
    assert case_balance(case=zorg_case).costs == Decimal("0.00")
    with pytest.raises(DomainError, match="already been reversed"):
        ledger.ledger_reverse(entry=entry, actor=officer, reason="again")
    with pytest.raises(DomainError, match="cannot itself be reversed"):
        ledger.ledger_reverse(entry=reversal, actor=officer, reason="undo")
    assert Event.objects.filter(case=zorg_case, summary__startswith="Boeking teruggedraaid").count() == 1


def test_a_booking_and_its_reversal_show_the_amount_in_dutch_on_the_timeline(zorg_case, officer):
    """The timeline is read by people: "kosten € 1.048,40", not the stored "kosten 1048.40"."""
    entry = ledger.ledger_book(
        case=zorg_case,
        bucket="costs",
        kind="costs_charged",
        amount=Decimal("1048.40"),
        value_on=TODAY,
        source="test",
        actor=officer,
    )
    ledger.ledger_reverse(entry=entry, actor=officer, reason="vergissing")
    summaries = list(Event.objects.filter(case=zorg_case, kind="ledger").values_list("summary", flat=True))
    assert any(s.endswith("kosten € 1.048,40") and s.startswith("incassokosten berekend") for s in summaries)
    assert "Boeking teruggedraaid: kosten € 1.048,40" in summaries


def test_float_amounts_are_refused(zorg_case):
    with pytest.raises(TypeError, match="Decimal"):
        ledger.ledger_book(
            case=zorg_case,
            bucket="costs",
            kind="costs_charged",
            amount=1.5,  # type: ignore[arg-type]
            value_on=TODAY,
            source="test",
        )


def test_database_refuses_a_zero_ledger_entry(zorg_case):
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(
            case=zorg_case,
            bucket="costs",
            kind="correction",
            amount=Decimal("0"),
            value_on=TODAY,
            booked_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
            source="x",
        )


def test_state_changes_follow_the_machine_and_are_logged(zorg_case, officer):
    case = services.case_transition(case=zorg_case, to="on_hold", actor=officer, reason="betwisting")
    case = services.case_transition(case=case, to="amicable", actor=officer)
    assert case.state == "amicable"
    summaries = list(Event.objects.filter(case=case, kind="state_changed").values_list("summary", flat=True))
    assert len(summaries) == 2


def test_an_illegal_transition_is_refused_with_a_clear_message(zorg_case, officer):
    with pytest.raises(IllegalTransition, match="cannot go to 'new'"):
        services.case_transition(case=zorg_case, to="new", actor=officer)
    zorg_case.refresh_from_db()
    assert zorg_case.state == "amicable"


def test_closing_needs_a_reason_and_paid_needs_a_zero_balance(zorg_case, officer):
    with pytest.raises(IllegalTransition, match="needs a reason"):
        services.case_transition(case=zorg_case, to="closed", actor=officer)
    with pytest.raises(DomainError, match="cannot be closed as paid"):
        services.case_transition(case=zorg_case, to="closed", actor=officer, closing_reason="paid")
    ledger.ledger_book(
        case=zorg_case,
        bucket="principal",
        kind="payment",
        amount=Decimal("-1250.00"),
        value_on=TODAY,
        source="bank",
    )
    case = services.case_transition(
        case=zorg_case, to="closed", actor=officer, closing_reason="paid", on=TODAY
    )
    assert (case.state, case.closed_on, case.closing_reason, case.next_action_on) == (
        "closed",
        TODAY,
        "paid",
        None,
    )
    with pytest.raises(IllegalTransition, match="closed"):
        services.case_transition(case=case, to="amicable", actor=officer)


def test_notes_and_tasks_land_on_the_timeline(zorg_case, officer):
    timeline.note_add(case=zorg_case, author=officer, text="Debiteur belt terug")
    task = timeline.task_create(
        case=zorg_case, title="Terugbellen", due_on=TODAY, kind="call", created_by=officer
    )
    assert task.assignee == officer
    timeline.task_complete(task=task, by=officer)
    kinds = list(Event.objects.filter(case=zorg_case).values_list("kind", flat=True))
    assert kinds.count("task") == 2 and "note" in kinds
    with pytest.raises(DomainError):
        timeline.note_add(case=zorg_case, author=officer, text="  ")
