"""Factories for the case file. They go through the models directly for speed; services are
tested on their own."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from incasso.accounts.models import Role, User
from incasso.cases.models import Bucket, Case, Claim, DebtType, EntryKind, LedgerEntry
from incasso.clients.models import Client
from incasso.debtors.models import Address, Debtor


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    name = factory.Sequence(lambda n: f"Opdrachtgever {n} B.V.")
    code = factory.Sequence(lambda n: f"CL{n:03d}")
    kvk_number = "12345678"
    remittance_iban = "NL91ABNA0417164300"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.OFFICER
    password = factory.PostGenerationMethodCall("set_password", "geheim-wachtwoord-1")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if create:
            obj.save()


class DebtorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Debtor

    kind = "person"
    first_names = "Jan"
    last_name = factory.Sequence(lambda n: f"Jansen{n}")


class AddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Address

    debtor = factory.SubFactory(DebtorFactory)
    street = "Dorpsstraat"
    house_number = "1"
    postcode = "1234 AB"
    city = "Utrecht"
    valid_from = dt.date(2020, 1, 1)


def _debt_type() -> DebtType:
    return DebtType.objects.get(code="services")


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    number = factory.Sequence(lambda n: f"2026-{900000 + n:06d}")
    client = factory.SubFactory(ClientFactory)
    debtor = factory.SubFactory(DebtorFactory)
    debtor_role = "consumer"
    debt_type = factory.LazyFunction(_debt_type)
    opened_on = dt.date(2026, 1, 15)
    payment_reference = factory.Sequence(lambda n: f"{n:016d}")


class ClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Claim
        skip_postgeneration_save = True

    case = factory.SubFactory(CaseFactory)
    client = factory.SelfAttribute("case.client")
    invoice_number = factory.Sequence(lambda n: f"F{n:05d}")
    invoice_date = dt.date(2025, 11, 1)
    due_date = dt.date(2025, 12, 1)
    principal = Decimal("250.00")
    interest_basis = "consumer"

    @factory.post_generation
    def ledger(obj, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if create:
            LedgerEntry.objects.create(
                case=obj.case,
                claim=obj,
                bucket=Bucket.PRINCIPAL,
                kind=EntryKind.CLAIM_ADDED,
                amount=obj.principal,
                value_on=obj.due_date,
                booked_at=timezone.now(),
                source="factory",
            )
