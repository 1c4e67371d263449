"""A realistic Dutch demo portfolio, built through our own services so it obeys the same rules as
real data: clients, debtors (some moved, some with invalid contact details), cases in every state
with claims, collection costs, payments, write-offs, notes and tasks, and the demo users.

Deterministic for a given seed (random.Random + Faker nl_NL seeded); dates are relative to `today`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from faker import Faker
from schwifty import IBAN

from incasso.accounts.models import Role, User
from incasso.arrangements.schedule import propose_schedules
from incasso.arrangements.services import arrangement_propose, policy_for_client
from incasso.bankfiles.samples import Line, camt
from incasso.calculations import CalculationError
from incasso.calculations.costs import collection_costs
from incasso.calculations.deadlines import fourteen_day_term
from incasso.cases.ledger import ledger_book
from incasso.cases.models import Bucket, Case, CaseState, Claim, DebtType, EntryKind, InterestBasis, TaskKind
from incasso.cases.selectors import case_balance
from incasso.cases.services import ClaimInput, case_open, case_transition
from incasso.cases.timeline import note_add, task_complete, task_create
from incasso.clients.models import Client
from incasso.clients.services import client_create
from incasso.core.exceptions import DomainError
from incasso.core.formatting import format_date
from incasso.core.identifiers import normalise_postcode
from incasso.debtors.models import Debtor
from incasso.debtors.services import (
    AddressInput,
    DebtorInput,
    contact_point_mark_invalid,
    debtor_create,
    debtor_move,
)
from incasso.letters.models import Letterhead
from incasso.letters.rendering.samples import AGENCY, AGENCY_EN
from incasso.payments.booking import transaction_book
from incasso.payments.models import BankStatementImport, BankTransaction, MatchRule
from incasso.payments.position import case_amount_due
from incasso.payments.services import statement_import
from incasso.strategies.seeds import strategies_assign_unassigned, strategies_seed_defaults

DEMO_PASSWORD = "incasso-demo"
SOURCE = "demo"
DEMO_ACCOUNT = "NL20INGB0001234567"  # the agency's (fictitious) collection account on the demo statement
CENT = Decimal("0.01")
VAT_PERCENT = Decimal(21)
BANKS = ("ABNA", "INGB", "RABO", "SNSB", "ASNB", "TRIO", "KNAB", "BUNQ", "RBRB")
NAME_PREFIXES = ("van der ", "van den ", "van de ", "van ", "de ", "den ", "ter ", "ten ", "in 't ", "'t ")
AREA_CODES = (
    "010",
    "020",
    "023",
    "024",
    "030",
    "033",
    "035",
    "040",
    "043",
    "050",
    "053",
    "070",
    "071",
    "076",
)


@dataclass(frozen=True)
class ClientSpec:
    code: str
    name: str
    kvk_number: str
    vat_deductible: bool
    remittance_iban: str
    debt_type: str
    invoice_prefix: str
    reference_prefix: str
    business_share: float  # how many debtors are organisations
    principal: tuple[int, int]  # euros, min and max per invoice
    descriptions: tuple[str, ...]
    weight: int
    user: str


CLIENTS = (
    ClientSpec(
        "DEMO-ZORG",
        "Zorggroep Rijnland",
        "41178390",
        True,
        "NL64ABNA0417164301",
        "healthcare",
        "ZR",
        "PAT-",
        0.03,
        (35, 2400),
        (
            "Poliklinisch consult",
            "Dagopname",
            "Laboratoriumonderzoek",
            "Eigen bijdrage operatie",
            "Fysiotherapie",
            "Spoedeisende hulp",
            "Röntgenonderzoek",
        ),
        3,
        "klant-zorg",
    ),
    ClientSpec(
        "DEMO-ENERGIE",
        "Energie Direct Nederland B.V.",
        "52837461",
        False,
        "NL20INGB0001234567",
        "energy",
        "EN",
        "KL",
        0.15,
        (60, 1900),
        (
            "Jaarafrekening stroom en gas",
            "Termijnbedrag elektriciteit",
            "Eindafrekening na verhuizing",
            "Netbeheerkosten",
            "Termijnbedrag gas",
        ),
        3,
        "klant-energie",
    ),
    ClientSpec(
        "DEMO-SHOP",
        "Webwinkel Huis & Tuin B.V.",
        "63019274",
        True,
        "NL44RABO0123456789",
        "goods",
        "WS",
        "ORD-",
        0.25,
        (15, 650),
        (
            "Tuinset Lugano",
            "Barbecue en accessoires",
            "Vloerkleed 200x300",
            "Bestelling via achteraf betalen",
            "Hogedrukreiniger",
            "Bureaustoel",
        ),
        2,
        "klant-shop",
    ),
    ClientSpec(
        "DEMO-WONEN",
        "Woonstichting De Linie",
        "30126587",
        True,
        "NL61SNSB0987654321",
        "rent",
        "HL",
        "HC-",
        0.02,
        (640, 1150),
        (
            "Huur en servicekosten",
            "Huurachterstand",
            "Eindafrekening servicekosten",
            "Herstelkosten na oplevering",
        ),
        2,
        "klant-wonen",
    ),
)

# target state, closing reason, weight
STATES = (
    ("new", "", 9),
    ("amicable", "", 30),
    ("arrangement", "", 12),
    ("on_hold", "", 7),
    ("legal", "", 8),
    ("bailiff", "", 5),
    ("closed", "paid", 14),
    ("closed", "settled", 5),
    ("closed", "uncollectable", 5),
    ("closed", "withdrawn", 5),
)
PATHS = {
    "new": (),
    "amicable": ("amicable",),
    "arrangement": ("amicable", "arrangement"),
    "on_hold": ("amicable", "on_hold"),
    "legal": ("amicable", "legal"),
    "bailiff": ("amicable", "legal", "bailiff"),
    "closed": ("amicable", "closed"),
}
REASONS = {
    "arrangement": ("Betalingsregeling afgesproken", "Regeling na telefonisch contact"),
    "on_hold": (
        "Dispuut over de factuur",
        "Schuldhulpverlening gestart",
        "Betaalbelofte",
        "Overleden, wacht op erven",
    ),
    "legal": ("Geen reactie op sommaties", "Dagvaarding voorbereiden"),
    "bailiff": ("Vonnis ontvangen, naar deurwaarder",),
}
NOTES = (
    "Debiteur gebeld: belooft voor het einde van de maand te betalen.",
    "Debiteur betwist de hoogte van de factuur; kopie opgevraagd bij opdrachtgever.",
    "Voicemail ingesproken, verzoek om terugbellen.",
    "E-mail ontvangen: debiteur vraagt om een betalingsregeling.",
    "Adres gecontroleerd, klopt volgens debiteur.",
    "Opdrachtgever meldt dat de dienst correct is geleverd.",
    "Debiteur geeft aan in de schuldhulpverlening te zitten; bewijs opgevraagd.",
    "Werkgever bekend; loonbeslag mogelijk na vonnis.",
)
TASKS = (
    (TaskKind.CALL, "Debiteur terugbellen"),
    (TaskKind.REVIEW, "Dossier beoordelen na termijn"),
    (TaskKind.FIND_CONTACT, "Nieuw telefoonnummer zoeken"),
    # not an approval: a proposed arrangement waits on the supervisor's approvals page, not as a task
    (TaskKind.REVIEW, "Reactie van de opdrachtgever verwerken"),
    (TaskKind.CALL, "Betaalbelofte controleren"),
)


@dataclass(frozen=True)
class DemoResult:
    created: bool
    clients: int
    cases: int
    states: dict[str, int]
    logins: tuple[tuple[str, str], ...]  # (username, role description)


def demo_present() -> bool:
    return Client.objects.filter(code__in=[spec.code for spec in CLIENTS]).exists()


class _Builder:
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
            f"{first}.{last}".lower().replace(" ", "").replace("'", "") + "@" + self.fake.free_email_domain()
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


def _pay(
    builder: _Builder, case: Case, share: float, on_from: dt.date, until: dt.date
) -> BankTransaction | None:
    """A payment of `share` of what the case owes on the payment day (1.0: everything, running
    interest included), arriving from the debtor's bank with the case's betalingskenmerk on the demo
    statement, and booked exactly as the statement import books it: interest to that day first, then
    costs -> interest -> principal (6:44 BW). A payment that clears the case closes it as paid."""
    pay_on = builder.day_between(on_from, until)
    due = case_amount_due(case=case, as_of=pay_on)
    amount = due if share >= 1 else (due * Decimal(str(share))).quantize(CENT)
    if amount <= 0:
        return None
    debtor = case.debtor
    iban = debtor.bank_accounts.values_list("iban", flat=True).first() or ""
    txn = BankTransaction.objects.create(
        statement_import=builder.statement(),
        account_iban=DEMO_ACCOUNT,
        key=f"demo-{case.number}-{pay_on:%Y%m%d}",
        statement_id=f"DEMO-{pay_on:%Y%m%d}",
        booking_date=pay_on,
        value_date=pay_on,
        amount=amount,
        counterparty_iban=iban,
        counterparty_name=debtor.display_name,
        remittance_text=f"Betaling dossier {case.number}",
        structured_reference=case.payment_reference,
    )
    return transaction_book(
        txn=txn,
        case=case,
        rule=MatchRule.REFERENCE,
        confidence=Decimal("1.00"),
        reason="betalingskenmerk van het dossier (demo-afschrift)",
    )


def _arrangement(builder: _Builder, case: Case, officer: User) -> None:
    """Propose a real payment arrangement through the service: the officer's authority decides
    whether it runs at once or waits in the supervisor's approval queue."""
    balance = case_balance(case=case).total
    months = builder.rng.choice((3, 6, 6, 12))
    policy = policy_for_client(case.client_id)
    proposals = propose_schedules(
        balance=balance, start_on=builder.today + dt.timedelta(days=7), months=(months,), limits=policy.limits
    )
    # beyond the client's limits the service refuses: the case simply stays in amicable collection
    with contextlib.suppress(DomainError, CalculationError):
        arrangement_propose(
            case=case,
            schedule=proposals[0],
            officer=officer,
            motivation="Debiteur kan niet in één keer betalen; inkomen en vaste lasten besproken.",
            today=builder.today,
        )


def _case(
    builder: _Builder, spec: ClientSpec, client: Client, staff: list[User], debt_type: DebtType
) -> Case:
    rng = builder.rng
    debtor, organisation = builder.debtor(spec)
    claims = builder.claims(spec)
    if organisation and debt_type.default_interest_basis == InterestBasis.CONSUMER_STATUTORY:
        # as the claims import decides: a business debtor owes the commercial rate (6:119a BW)
        claims = [dataclasses.replace(c, interest_basis=InterestBasis.COMMERCIAL_STATUTORY) for c in claims]
    officer = rng.choice(staff)
    last_due = max(c.due_date for c in claims)
    opened_on = min(last_due + dt.timedelta(days=rng.randrange(20, 200)), builder.today)
    case = case_open(
        client=client,
        debtor=debtor,
        debtor_role="business" if organisation else "consumer",
        debt_type=debt_type,
        claims=claims,
        opened_on=opened_on,
        actor=officer,
        source=SOURCE,
        client_reference=f"{spec.reference_prefix}{rng.randrange(10000, 99999)}",
        officer=officer,
    )
    state, closing_reason = rng.choices([(s, r) for s, r, _ in STATES], weights=[w for *_, w in STATES])[0]
    if state != "new":
        total = sum((c.principal for c in claims), Decimal(0))
        costs = collection_costs(total, vat_percent=0 if client.vat_deductible else VAT_PERCENT)
        ledger_book(
            case=case,
            bucket=Bucket.COSTS,
            kind=EntryKind.COSTS_CHARGED,
            amount=costs.total,
            value_on=min(opened_on + dt.timedelta(days=15), builder.today),
            source=SOURCE,
            actor=officer,
            reason="Buitengerechtelijke incassokosten (WIK-staffel)"
            + (", incl. 21% btw" if costs.vat else ""),
        )
        if not organisation:
            # A consumer owes these costs only after a 14-day letter whose term has passed (6:96 lid 6
            # BW). The demo's clients sent it before handing the case over, three weeks before opening.
            letter_on = opened_on - dt.timedelta(days=21)
            term = fourteen_day_term(sent_on=letter_on)
            note_add(
                case=case,
                author=officer,
                text=f"Veertiendagenbrief verstuurd door de opdrachtgever op {format_date(letter_on)}, "
                f"vóór de overdracht (kopie bij de opdrachtgever); de termijn liep tot en met "
                f"{format_date(term.last_day)}, dus de incassokosten zijn verschuldigd.",
            )
    closed_on = builder.day_between(opened_on, builder.today)
    # payments come after the costs were charged (a payment before them would leave the costs open)
    paid_from = min(opened_on + dt.timedelta(days=16), builder.today) if state != "new" else opened_on
    if state == "arrangement":
        _pay(builder, case, rng.choice((0.1, 0.2, 0.3)), paid_from, builder.today)
    elif state in {"amicable", "on_hold", "legal"} and rng.random() < 0.25:
        _pay(builder, case, rng.choice((0.05, 0.1, 0.25)), paid_from, builder.today)
    closed_on = max(closed_on, paid_from)
    for step in PATHS[state]:
        reason = rng.choice(REASONS.get(step, ("",)))
        if step == "arrangement":
            _arrangement(builder, case, officer)  # a real one: active within authority, else pending
            case.refresh_from_db()
            continue
        if step == "closed":
            if closing_reason in {"paid", "settled"}:
                _pay(builder, case, 1.0 if closing_reason == "paid" else 0.7, paid_from, closed_on)
                case.refresh_from_db()
            if case.state == "closed":  # the payment cleared it and closed it as paid
                continue
            if closing_reason == "settled":
                rest = case_balance(case=case)
                for bucket, amount in (
                    (Bucket.PRINCIPAL, rest.principal),
                    (Bucket.INTEREST, rest.interest),
                    (Bucket.COSTS, rest.costs),
                ):
                    if amount > 0:
                        ledger_book(
                            case=case,
                            bucket=bucket,
                            kind=EntryKind.WRITE_OFF,
                            amount=-amount,
                            value_on=closed_on,
                            source=SOURCE,
                            actor=officer,
                            reason="Restant afgeboekt na schikking",
                        )
            case = case_transition(
                case=case, to="closed", actor=officer, closing_reason=closing_reason, on=closed_on
            )
        else:
            case = case_transition(case=case, to=step, actor=officer, reason=reason)
    for _ in range(rng.choices((0, 1, 2), weights=(55, 30, 15))[0]):
        note_add(case=case, author=officer, text=rng.choice(NOTES))
    if state != "closed" and rng.random() < 0.3:
        kind, title = rng.choice(TASKS)
        due_on = builder.today + dt.timedelta(days=rng.choice((-3, -1, 0, 0, 0, 1, 2, 7, 14)))
        task = task_create(
            case=case, title=title, due_on=due_on, kind=kind, assignee=officer, created_by=officer
        )
        if due_on < builder.today and rng.random() < 0.3:
            task_complete(task=task, by=officer)
    if rng.random() < 0.06:
        point = debtor.contact_points.filter(is_valid=True).first()
        if point is not None:
            contact_point_mark_invalid(
                contact_point=point,
                reason=rng.choice(
                    (
                        "E-mail onbestelbaar (bounce)",
                        "Nummer niet in gebruik",
                        "Debiteur onbekend op dit nummer",
                    )
                ),
            )
    if rng.random() < 0.04:
        debtor_move(
            debtor=debtor, address=builder.address(), moved_on=builder.day_between(opened_on, builder.today)
        )
    return case


def _user(
    username: str,
    *,
    role: str,
    first_name: str,
    last_name: str,
    client: Client | None = None,
    superuser: bool = False,
    restricted_to: list[Client] | None = None,
) -> tuple[str, str]:
    if not User.objects.filter(username=username).exists():
        create: Callable[..., User] = User.objects.create_superuser if superuser else User.objects.create_user
        user = create(
            username=username,
            password=DEMO_PASSWORD,
            role=role,
            client=client,
            first_name=first_name,
            last_name=last_name,
            email=f"{username}@demo.incasso.invalid",
        )
        if restricted_to:
            user.clients.set(restricted_to)
    label = Role(role).label
    names = [client.name] if client else [c.name for c in restricted_to or ()]
    return username, f"{label}" + (f" · {', '.join(names)}" if names else "")


@transaction.atomic
def _letterhead() -> None:
    """The agency's letterhead (the made-up one of the sample letters): without one no letter or
    e-mail of the demo could go out."""
    head, english = AGENCY, AGENCY_EN
    Letterhead.objects.get_or_create(
        client=None,
        defaults={
            "name": head.name,
            "address": "\n".join(head.address_lines),
            "return_address": head.return_address,
            "return_address_en": english.return_address,
            "wki_registration": head.wki_registration,
            "kvk": head.kvk,
            "iban": head.iban,
            "bic": head.bic,
            "account_holder": head.account_holder,
            "phone": head.phone,
            "email": head.email,
            "website": head.website,
            "complaint_line": head.complaint_line,
            "complaint_line_en": english.complaint_line,
            "signer_name": "M. Bakker",
        },
    )


def _todays_statement(builder: _Builder) -> None:
    """This morning's bank statement, read by the real importer: one payment the matcher books by
    itself (an invoice number in the description) and three that wait on the payments screen for an
    officer (a debtor's name only, two case numbers at once, a payer nobody knows)."""
    open_cases = list(
        Case.objects.filter(state=CaseState.AMICABLE).select_related("debtor").order_by("number")
    )
    if len(open_cases) < 4:
        return
    by_invoice, by_name, first, second = builder.rng.sample(open_cases, 4)
    on = builder.today
    invoice = Claim.objects.filter(case=by_invoice).order_by("id").values_list("invoice_number", flat=True)[0]
    lines = [
        Line(
            amount=(case_amount_due(case=by_invoice, as_of=on) / 4).quantize(CENT),
            on=on,
            name=by_invoice.debtor.display_name,
            text=f"Betaling factuur {invoice}",
        ),
        Line(amount=Decimal("75.00"), on=on, name=by_name.debtor.display_name, text="Betaling"),
        Line(
            amount=Decimal("120.00"),
            on=on,
            name=builder.fake.name(),
            text=f"Dossiers {first.number} en {second.number}",
        ),
        Line(amount=Decimal("25.00"), on=on, name="Stichting Buurtkracht", text="Gift"),
    ]
    data = camt(lines, statement_id=f"DEMO-{on:%Y%m%d}", account=DEMO_ACCOUNT, created_on=on)
    statement_import(data=data, name=f"afschrift-{on:%Y%m%d}.xml")


def demo_build(*, cases: int = 300, seed: int = 2026, today: dt.date) -> DemoResult:
    """Build the demo portfolio; returns what exists. Does nothing when the demo clients exist."""
    if demo_present():
        _letterhead()  # a demo from before the demo had one
        return DemoResult(created=False, clients=0, cases=0, states={}, logins=())
    logins = [
        _user("officer", role=Role.OFFICER, first_name="Olga", last_name="de Boer"),
        _user("supervisor", role=Role.SUPERVISOR, first_name="Sven", last_name="Kramer"),
        _user("admin", role=Role.ADMINISTRATOR, first_name="Anna", last_name="Visser", superuser=True),
    ]
    officer, supervisor = User.objects.get(username="officer"), User.objects.get(username="supervisor")
    staff = [officer, officer, officer, supervisor]  # the supervisor keeps a small portfolio of her own
    builder = _Builder(seed=seed, today=today)
    clients = []
    for spec in CLIENTS:
        client = client_create(
            name=spec.name,
            code=spec.code,
            kvk_number=spec.kvk_number,
            vat_deductible=spec.vat_deductible,
            remittance_iban=spec.remittance_iban,
            letterhead_text=f"{spec.name}\nPostbus {builder.rng.randint(100, 9999)}",
        )
        clients.append((spec, client, DebtType.objects.get(code=spec.debt_type)))
        first, _, last = spec.user.partition("-")
        logins.append(
            _user(
                spec.user,
                role=Role.CLIENT_USER,
                first_name=first.title(),
                last_name=last.title(),
                client=client,
            )
        )
    # A team member who works only for the healthcare clients: sees their cases and nothing else.
    healthcare = [client for spec, client, _ in clients if spec.debt_type == "healthcare"]
    logins.insert(
        2,
        _user(
            "officer-zorg",
            role=Role.OFFICER,
            first_name="Zara",
            last_name="Jansen",
            restricted_to=healthcare,
        ),
    )
    # She handles a share of the healthcare cases (a list as long as `staff`: the same random draws)
    zara = User.objects.get(username="officer-zorg")
    healthcare_staff = [officer, zara, officer, supervisor]
    states: Counter[str] = Counter()
    weights = [spec.weight for spec, _, _ in clients]
    for _ in range(cases):
        spec, client, debt_type = builder.rng.choices(clients, weights=weights)[0]
        team = healthcare_staff if client in healthcare else staff
        case = _case(builder, spec, client, team, debt_type)
        states[case.state] += 1
    # Default collection strategies (consumer with a 20 % e-mail-first challenger, business), and every
    # case on one (the closed ones unscheduled, as their history), so the daily run and the
    # champion/challenger report have something to show.
    strategies_seed_defaults(challenger_share=20)
    strategies_assign_unassigned(closed_too=True)
    _letterhead()
    _todays_statement(builder)
    return DemoResult(
        created=True, clients=len(clients), cases=cases, states=dict(states), logins=tuple(logins)
    )


def demo_logins_text(result: DemoResult) -> str:
    lines = [f"  {username:<15} {label}" for username, label in result.logins]
    return "\n".join(["Logins (password for all: " + DEMO_PASSWORD + "):", *lines])
