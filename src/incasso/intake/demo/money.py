"""Money in the demo: payments booked as the statement import books them, arrangements proposed through
the service (the first few paid by direct debit, with a signed mandate), and this morning's statement
read by the real importer."""

from __future__ import annotations

import contextlib
import datetime as dt
from decimal import Decimal

from incasso.accounts.models import User
from incasso.arrangements.models import Arrangement, ArrangementStatus
from incasso.arrangements.schedule import propose_schedules
from incasso.arrangements.services import arrangement_propose, policy_for_client
from incasso.arrangements.settlements import settlement_propose
from incasso.bankfiles.samples import Line, camt
from incasso.calculations import CalculationError
from incasso.cases.models import Case, CaseState, Claim
from incasso.cases.position import case_amount_due
from incasso.cases.selectors import case_balance
from incasso.core.exceptions import DomainError
from incasso.intake.demo.people import Builder
from incasso.intake.demo.specs import CENT, DEMO_ACCOUNT, DEMO_MANDATES
from incasso.payments.booking import transaction_book
from incasso.payments.direct_debit import mandate_record
from incasso.payments.models import BankTransaction, Mandate, MatchRule
from incasso.payments.services import statement_import


def _pay(
    builder: Builder, case: Case, share: float, on_from: dt.date, until: dt.date
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


def _arrangement(builder: Builder, case: Case, officer: User) -> None:
    """Propose a real payment arrangement through the service: the officer's authority decides
    whether it runs at once or waits in the supervisor's approval queue. The first `DEMO_MANDATES`
    debtors with a known IBAN pay by direct debit: their arrangement starts today (its first
    instalment is due today, so `incasso payments direct-debit --date <today>` has something to
    collect) and, once it runs, the debtor's signed mandate is recorded on the case."""
    balance = case_balance(case=case).total
    months = builder.rng.choice((3, 6, 6, 12))
    policy = policy_for_client(case.client_id)
    iban = case.debtor.bank_accounts.order_by("id").values_list("iban", flat=True).first()
    by_direct_debit = bool(iban) and Mandate.objects.count() < DEMO_MANDATES
    start_on = builder.today if by_direct_debit else builder.today + dt.timedelta(days=7)
    proposals = propose_schedules(balance=balance, start_on=start_on, months=(months,), limits=policy.limits)
    # beyond the client's limits the service refuses: the case simply stays in amicable collection
    with contextlib.suppress(DomainError, CalculationError):
        arrangement = arrangement_propose(
            case=case,
            schedule=proposals[0],
            officer=officer,
            motivation="Debiteur kan niet in één keer betalen; inkomen en vaste lasten besproken.",
            today=builder.today,
        )
        if by_direct_debit and iban and arrangement.status == ArrangementStatus.ACTIVE:
            mandate_record(
                case=case,
                debtor_name=case.debtor.display_name,
                debtor_iban=iban,
                signed_on=builder.today,
                actor=officer,
                today=builder.today,
            )


def settlements_demo(builder: Builder, officer: User) -> int:
    """A few settlement offers through the real service, so the screens have something to show: two
    lump sums (one within the officer's authority, one that waits for the supervisor) and a return of
    goods. Made on open amicable cases without an arrangement, after the strategies assigned them."""
    with_arrangement = Arrangement.objects.values_list("case_id", flat=True)
    candidates = list(
        Case.objects.filter(state="amicable", opened_on__lt=builder.today - dt.timedelta(days=30))
        .exclude(pk__in=with_arrangement)
        .order_by("number")[:40]
    )
    offers = (
        ("lump_sum", Decimal("0.92"), True, "", ""),
        (
            "lump_sum",
            Decimal("0.85"),
            True,
            "",
            "Debiteur kan een eenmalig bedrag van familie lenen; meer is er niet.",
        ),
        (
            "goods_return",
            Decimal("0.40"),
            False,
            "Eettafel en vier stoelen, onbeschadigd, in de originele verpakking",
            "",
        ),
    )
    made = 0
    # every 13th candidate: spread over the clients, and the demo's random draws stay untouched
    for case, (kind, share, in_full, goods, motivation) in zip(candidates[::13], offers, strict=False):
        owed = case_amount_due(case=case, as_of=builder.today)
        principal = case_balance(case=case).principal
        amount = (owed * share).quantize(CENT) if kind == "lump_sum" else (principal * share).quantize(CENT)
        with contextlib.suppress(DomainError, CalculationError):
            settlement_propose(
                case=case,
                kind=kind,
                amount=amount,
                deadline=builder.today + dt.timedelta(days=14 if kind == "lump_sum" else 21),
                officer=officer,
                settles_in_full=in_full,
                goods_description=goods,
                return_instructions="De opdrachtgever haalt de goederen op; de debiteur maakt een afspraak."
                if goods
                else "",
                motivation=motivation,
                today=builder.today,
            )
            made += 1
    return made


def _todays_statement(builder: Builder) -> None:
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
