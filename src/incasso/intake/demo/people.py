"""The demo's builder: seeded randomness for people, places, claims and money amounts."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from faker import Faker
from schwifty import IBAN

from incasso.cases.services import ClaimInput
from incasso.core.identifiers import normalise_postcode
from incasso.debtors.models import Debtor
from incasso.debtors.services import (
    AddressInput,
    DebtorInput,
    debtor_create,
)
from incasso.intake.demo.specs import AREA_CODES, BANKS, CENT, NAME_PREFIXES, ClientSpec
from incasso.payments.models import BankStatementImport


class Builder:
    def __init__(self, *, seed: int, today: dt.date) -> None:
        self.rng = random.Random(seed)
        self.fake = Faker("nl_NL")
        self.fake.seed_instance(seed)
        self.today = today
        self.debtors: list[tuple[Debtor, bool]] = []  # (debtor, is organisation)
        self.invoice_seq: Counter[str] = Counter()
        self._statement: BankStatementImport | None = None

    def statement(self) -> BankStatementImport:
        """The demo's bank statement: the payments the demo books arrive on it, as from a real import."""
        if self._statement is None:
            self._statement = BankStatementImport.objects.create(
                file_name="demo-afschrift.xml",
                sha256="0" * 64,
                format="demo",
                imported_at=timezone.now(),
                by_label="demo",
            )
        return self._statement

    # --- people and places -----------------------------------------------------------------

    def money(self, low: float, high: float) -> Decimal:
        return Decimal(str(round(self.rng.uniform(low, high), 2))).quantize(CENT)

    def day_between(self, start: dt.date, end: dt.date) -> dt.date:
        if end <= start:
            return start
        return start + dt.timedelta(days=self.rng.randrange((end - start).days + 1))

    def address(self) -> AddressInput:
        while True:
            postcode = self.fake.postcode()
            try:
                postcode = normalise_postcode(postcode)
                break
            except ValidationError:
                continue
        house = str(self.rng.randint(1, 240)) + self.rng.choice(["", "", "", "", "A", "B", "-2", "-hs"])
        return AddressInput(
            street=self.fake.street_name(),
            house_number=house,
            postcode=postcode,
            city=self.fake.city(),
            source="client",
        )

    def phone(self) -> str:
        if self.rng.random() < 0.7:
            return f"06{self.rng.choice('12345')}{self.rng.randrange(10**7):07d}"
        area = self.rng.choice(AREA_CODES)
        return f"{area}{self.rng.randint(2, 8)}{self.rng.randrange(10 ** (9 - len(area))):0{9 - len(area)}d}"

    def iban(self) -> str:
        account = f"{self.rng.randrange(10**8, 10**10):010d}"
        return str(IBAN.generate("NL", bank_code=self.rng.choice(BANKS), account_code=account).compact)

    def person(self) -> DebtorInput:
        last = self.fake.last_name()
        prefix = next((p.strip() for p in NAME_PREFIXES if last.lower().startswith(p)), "")
        if prefix:
            last = last[len(prefix) + 1 :]
        first = self.fake.first_name()
        email = (
            f"{first}.{last}".lower().replace(" ", "").replace("'", "").replace(",", "")
            + "@"
            + self.fake.free_email_domain()
        )
        born = self.day_between(dt.date(1940, 1, 1), dt.date(2005, 12, 31))
        return DebtorInput(
            kind="person",
            first_names=first,
            name_prefix=prefix,
            last_name=last[:1].upper() + last[1:],
            date_of_birth=born,
            address=self.address(),
            emails=(self._ascii(email),) if self.rng.random() < 0.8 else (),
            phones=(self.phone(),) if self.rng.random() < 0.75 else (),
            ibans=(self.iban(),) if self.rng.random() < 0.6 else (),
            source="client",
        )

    def organisation(self) -> DebtorInput:
        name = self.fake.company()
        slug = "".join(c for c in name.lower() if c.isalnum())[:20] or "bedrijf"
        return DebtorInput(
            kind="organisation",
            organisation_name=name,
            kvk_number=f"{self.rng.randrange(10**7, 10**8)}",
            address=self.address(),
            emails=(f"administratie@{self._ascii(slug)}.nl",),
            phones=(self.phone(),),
            ibans=(self.iban(),),
            source="client",
        )

    @staticmethod
    def _ascii(value: str) -> str:
        import unicodedata

        return unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()

    # --- the portfolio -----------------------------------------------------------------------

    def debtor(self, spec: ClientSpec) -> tuple[Debtor, bool]:
        if self.debtors and self.rng.random() < 0.05:
            return self.rng.choice(self.debtors)  # a debtor with more than one case
        organisation = self.rng.random() < spec.business_share
        data = self.organisation() if organisation else self.person()
        debtor = debtor_create(data=data, today=self.day_between(dt.date(2022, 1, 1), dt.date(2023, 6, 30)))
        self.debtors.append((debtor, organisation))
        return debtor, organisation

    def claims(self, spec: ClientSpec) -> list[ClaimInput]:
        first_day = dt.date(2023, 1, 1)
        last_day = self.today - dt.timedelta(days=45)
        start = self.day_between(first_day, last_day)
        claims = []
        for _ in range(self.rng.choices((1, 2, 3, 4), weights=(50, 25, 15, 10))[0]):
            invoice_date = min(start + dt.timedelta(days=self.rng.randrange(0, 120)), last_day)
            self.invoice_seq[spec.code] += 1
            number = f"{spec.invoice_prefix}{invoice_date.year}-{self.invoice_seq[spec.code]:06d}"
            claims.append(
                ClaimInput(
                    invoice_number=number,
                    invoice_date=invoice_date,
                    due_date=invoice_date + dt.timedelta(days=self.rng.choice((14, 14, 30, 30, 30))),
                    principal=self.money(*spec.principal),
                    description=self.rng.choice(spec.descriptions),
                )
            )
        return claims
