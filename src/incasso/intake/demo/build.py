"""Building the demo: the users, the clients and their cases, the default strategies and the letterhead."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from incasso.accounts.models import Role, User
from incasso.calculations.costs import collection_costs
from incasso.calculations.deadlines import fourteen_day_term, is_dutch_public_holiday
from incasso.cases.ledger import ledger_book
from incasso.cases.models import (
    Bucket,
    Case,
    CaseState,
    DebtType,
    EntryKind,
    Event,
    EventKind,
    InterestBasis,
    LedgerEntry,
    Note,
)
from incasso.cases.selectors import case_balance
from incasso.cases.services import case_open, case_transition
from incasso.cases.timeline import contact_log, note_add, task_complete, task_create
from incasso.clients.models import Client
from incasso.clients.services import client_create
from incasso.core.formatting import format_date
from incasso.debtors.selectors import debtor_current_address
from incasso.debtors.services import (
    contact_point_mark_invalid,
    debtor_create,
    debtor_move,
)
from incasso.intake.demo.money import _arrangement, _pay, _todays_statement, settlements_demo
from incasso.intake.demo.people import Builder
from incasso.intake.demo.post import returned_post_demo
from incasso.intake.demo.questions import questions_demo
from incasso.intake.demo.specs import (
    CLIENTS,
    CONTACTS,
    DEMO_PASSWORD,
    NOTES,
    PATHS,
    REASONS,
    SOURCE,
    STATES,
    TASKS,
    VAT_PERCENT,
    ClientSpec,
)
from incasso.letters.models import Letterhead
from incasso.letters.rendering.samples import AGENCY, AGENCY_EN
from incasso.strategies.seeds import strategies_assign_unassigned, strategies_seed_defaults


@dataclass(frozen=True)
class DemoResult:
    created: bool
    clients: int
    cases: int
    states: dict[str, int]
    logins: tuple[tuple[str, str], ...]  # (username, role description)


def demo_present() -> bool:
    return Client.objects.filter(code__in=[spec.code for spec in CLIENTS]).exists()


def _case(builder: Builder, spec: ClientSpec, client: Client, staff: list[User], debt_type: DebtType) -> Case:
    rng = builder.rng
    debtor, organisation = builder.debtor(spec)
    if not organisation and rng.random() < 0.05 and debtor.language != "en":
        debtor.language = "en"  # an expat: letters in English
        debtor.save(update_fields=["language"])
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
    if state != "new":
        _contacts(builder, case, officer, last_day=closed_on if state == "closed" else builder.today)
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
    _date_history(builder, case)
    return case


def _contacts(builder: Builder, case: Case, officer: User, *, last_day: dt.date) -> None:
    """0–3 calls or visits between the opening and `last_day`, on weekdays within the contact hours
    (the demo's officers keep the Wki rules), so the work queue's "days since contact" varies."""
    rng = builder.rng
    weights = [w for *_, w, _ in CONTACTS]
    first_day = case.opened_on + dt.timedelta(days=3)
    for _ in range(rng.choices((0, 1, 2, 3), weights=(35, 30, 20, 15))[0]):
        day = builder.day_between(first_day, last_day)
        while day.weekday() >= 5 or is_dutch_public_holiday(day):
            day -= dt.timedelta(days=1)
        if day < case.opened_on:
            continue
        moment = timezone.make_aware(
            dt.datetime.combine(day, dt.time(rng.randrange(9, 17), rng.randrange(60)))
        )
        if moment > timezone.now():
            continue
        kind, outcome, _, notes = rng.choices(CONTACTS, weights=weights)[0]
        contact_log(case=case, kind=kind, outcome=outcome, note=rng.choice(notes), actor=officer, now=moment)


def _date_history(builder: Builder, case: Case) -> None:
    """The demo writes a case's history in one sitting, so every service stamps "now". Date each
    event to when it happened: the opening (and the first state change), a booking's value date, a payment's value date, the
    closing day; a call keeps its own moment; what the demo does today (arrangements, tasks) stays
    today; anything else happened on the day of the event before it. Notes get their event's date."""
    events = list(Event._base_manager.filter(case=case).order_by("pk"))
    values = dict(LedgerEntry.objects.filter(case=case).values_list("pk", "value_on"))
    today_keys = {"arrangement", "hold", "interest_freeze", "mandate", "task"}
    day = case.opened_on
    changed = []
    for n, event in enumerate(events):
        details = event.details or {}
        if event.kind in {EventKind.CALL, EventKind.VISIT}:
            continue
        if event.kind in {EventKind.CREATED, EventKind.IMPORTED} or details.get("from") == CaseState.NEW:
            day = case.opened_on  # taken on the day it came in
        elif details.get("entry") in values:
            day = values[details["entry"]]
        elif event.kind == EventKind.PAYMENT and details.get("value_date"):
            day = dt.date.fromisoformat(details["value_date"])
        elif details.get("to") == CaseState.CLOSED and case.closed_on:
            day = case.closed_on
        elif today_keys & details.keys():
            continue
        if day >= builder.today:
            continue
        event.occurred_at = timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0))) + dt.timedelta(
            minutes=5 * n
        )
        changed.append(event)
    Event._base_manager.bulk_update(changed, ["occurred_at"])
    for event in changed:
        if isinstance((event.details or {}).get("note"), int):
            Note.objects.filter(pk=event.details["note"]).update(created_at=event.occurred_at)


ARCHIVE_SHIFT = dt.timedelta(days=6 * 365)


def _archived_case(
    builder: Builder, spec: ClientSpec, client: Client, officer: User, debt_type: DebtType
) -> Case:
    """A consumer case paid in full six years or more ago, by a debtor with no other case: past the
    five years the debtor's data is kept, so the Privacy screen lists it as due for erasure."""
    claims = [
        dataclasses.replace(
            c,
            invoice_number=c.invoice_number.replace(
                str(c.invoice_date.year), str((c.invoice_date - ARCHIVE_SHIFT).year)
            ),
            invoice_date=c.invoice_date - ARCHIVE_SHIFT,
            due_date=c.due_date - ARCHIVE_SHIFT,
            interest_basis=None,
        )
        for c in builder.claims(spec)
    ]
    opened_on = max(c.due_date for c in claims) + dt.timedelta(days=builder.rng.randrange(30, 90))
    debtor = debtor_create(data=builder.person(), today=opened_on)
    case = case_open(
        client=client,
        debtor=debtor,
        debtor_role="consumer",
        debt_type=debt_type,
        claims=claims,
        opened_on=opened_on,
        actor=officer,
        source=SOURCE,
        client_reference=f"{spec.reference_prefix}{builder.rng.randrange(10000, 99999)}",
        officer=officer,
    )
    _pay(builder, case, 1.0, opened_on + dt.timedelta(days=20), opened_on + dt.timedelta(days=120))
    case.refresh_from_db()
    _date_history(builder, case)
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
    builder = Builder(seed=seed, today=today)
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
    archived = max(1, cases // 60) if cases > 1 else 0
    for _ in range(cases - archived):
        spec, client, debt_type = builder.rng.choices(clients, weights=weights)[0]
        team = healthcare_staff if client in healthcare else staff
        case = _case(builder, spec, client, team, debt_type)
        states[case.state] += 1
    for _ in range(archived):  # the Privacy screen's list of debtors past the retention term
        spec, client, debt_type = builder.rng.choices(clients, weights=weights)[0]
        case = _archived_case(builder, spec, client, officer, debt_type)
        states[case.state] += 1
    # Default collection strategies (consumer with a 20 % e-mail-first challenger, business), and every
    # case on one (the closed ones unscheduled, as their history), so the daily run and the
    # champion/challenger report have something to show.
    strategies_seed_defaults(challenger_share=20)
    strategies_assign_unassigned(closed_too=True)
    settlements_demo(builder, officer)
    questions_demo(builder, officer)
    _letterhead()
    returned_post_demo(today=today, officer=officer)
    _todays_statement(builder)
    return DemoResult(
        created=True, clients=len(clients), cases=cases, states=dict(states), logins=tuple(logins)
    )


def demo_logins_text(result: DemoResult) -> str:
    lines = [f"  {username:<15} {label}" for username, label in result.logins]
    return "\n".join(["Logins (password for all: " + DEMO_PASSWORD + "):", *lines])


def demo_portal_login() -> str:
    """One open demo case's debtor portal login (/portaal/): the three facts printed on its letters."""
    cases = Case.objects.filter(
        client__code__in=[spec.code for spec in CLIENTS], state=CaseState.AMICABLE, debtor__kind="person"
    ).select_related("debtor")
    for case in cases.order_by("pk")[:50]:
        address = debtor_current_address(debtor=case.debtor)
        if address is not None:
            where = str(getattr(settings, "INCASSO_PORTAL_URL", "")) or "/portaal/"
            return (
                f"Debtor portal ({where}): case number {case.number}, payment reference "
                f"{case.payment_reference}, postcode {address.postcode} ({case.debtor.display_name})"
            )
    return "Debtor portal (/portaal/): no open demo case with a current address"
