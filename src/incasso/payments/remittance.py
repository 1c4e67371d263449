"""Remittance to clients (afdracht): what was collected on a client's cases in a period, split between
the client and the agency, with a statement (CSV, Excel) and a SEPA credit transfer (pain.001).

What counts (read from the ledger, never recomputed):
* payment entries (`kind=payment`) whose value date lies in the period;
* reversals of payment entries (a returned direct debit, a corrected booking) whose value date *or*
  booking date lies in the period, so a return that arrives after its payment was remitted is taken
  back in the next remittance;
* minus everything already in a remittance: `RemittanceLine` holds each ledger entry at most once
  (unique constraint), so no entry is ever remitted twice, whatever periods are asked.

The split, per payment (one line per case, payment and date):
* principal, and interest when the contract says so, go to the client;
* collection costs (and interest when it stays with the agency) go to the agency;
* commission = contract percent of (principal + the client's interest), rounded half-up to the cent
  per line, is moved from the client to the agency.
Totals are sums of the lines, so the statement adds up with the ledger to the cent.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from openpyxl import Workbook
from sepaxml import SepaTransfer

from incasso.calculations.money import round_cents, to_cents
from incasso.cases.models import Bucket, EntryKind, LedgerEntry
from incasso.clients.models import Client
from incasso.core.excel_csv import csv_amount, csv_bytes
from incasso.core.exceptions import DomainError
from incasso.payments.models import ClientContract, Remittance, RemittanceLine
from incasso.payments.sepa import TRANSFER_SCHEMA, creditor_from_settings, iban_check, xml_validate

ZERO = Decimal("0.00")
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Split:
    commission: Decimal
    to_client: Decimal
    to_agency: Decimal


def split_collected(
    *,
    principal: Decimal,
    interest: Decimal,
    costs: Decimal,
    commission_percent: Decimal,
    interest_to_client: bool,
) -> Split:
    """Who gets what of one payment (negative amounts for a reversal). The parts add up exactly."""
    client_base = principal + (interest if interest_to_client else ZERO)
    commission = round_cents(client_base * commission_percent / HUNDRED)
    to_client = client_base - commission
    return Split(commission, to_client, principal + interest + costs - to_client)


@dataclass(frozen=True)
class StatementRow:
    case_number: str
    debtor: str
    on: dt.date
    kind: str  # "betaling" | "storno"
    principal: Decimal
    interest: Decimal
    costs: Decimal
    commission: Decimal
    to_client: Decimal
    to_agency: Decimal

    @property
    def collected(self) -> Decimal:
        return self.principal + self.interest + self.costs


@dataclass(frozen=True)
class Statement:
    rows: tuple[StatementRow, ...]

    def total(self, name: str) -> Decimal:
        return sum((getattr(r, name) for r in self.rows), ZERO)


def remittable_entries(*, client: Client, period_from: dt.date, period_to: dt.date) -> QuerySet[LedgerEntry]:
    """The client's payment entries and payment reversals in the period that no remittance holds yet."""
    period = (period_from, period_to)
    return (
        LedgerEntry.objects.filter(case__client=client)
        .filter(
            Q(kind=EntryKind.PAYMENT, value_on__range=period)
            | Q(kind=EntryKind.REVERSAL, reverses__kind=EntryKind.PAYMENT)
            & (Q(value_on__range=period) | Q(booked_at__date__range=period))
        )
        .exclude(pk__in=RemittanceLine.objects.values("entry_id"))
    )


def _rows(
    entries: Iterable[LedgerEntry], *, commission_percent: Decimal, interest_to_client: bool
) -> Statement:
    groups: dict[tuple[Any, ...], dict[str, Any]] = {}
    for e in entries:
        reversal = e.kind == EntryKind.REVERSAL
        on = timezone.localdate(e.booked_at) if reversal else e.value_on
        source = e.reverses.source if reversal and e.reverses else e.source
        key = (e.case.number, on, reversal, source)
        group = groups.setdefault(
            key,
            {"debtor": str(e.case.debtor), Bucket.PRINCIPAL: ZERO, Bucket.INTEREST: ZERO, Bucket.COSTS: ZERO},
        )
        group[e.bucket] -= e.amount  # payments lower the debt: collected = -amount
    rows = []
    for (number, on, reversal, _source), g in sorted(
        groups.items(), key=lambda i: (i[0][1], i[0][0], i[0][2])
    ):
        principal, interest, costs = g[Bucket.PRINCIPAL], g[Bucket.INTEREST], g[Bucket.COSTS]
        split = split_collected(
            principal=principal,
            interest=interest,
            costs=costs,
            commission_percent=commission_percent,
            interest_to_client=interest_to_client,
        )
        rows.append(
            StatementRow(
                number,
                g["debtor"],
                on,
                "storno" if reversal else "betaling",
                principal,
                interest,
                costs,
                split.commission,
                split.to_client,
                split.to_agency,
            )
        )
    return Statement(tuple(rows))


def remittance_statement(*, remittance: Remittance) -> Statement:
    """The statement of a prepared remittance, from its lines and the terms it was prepared with."""
    entries = (
        LedgerEntry.objects.filter(pk__in=remittance.lines.values("entry_id"))
        .select_related("case", "case__debtor", "reverses")
        .order_by("id")
    )
    return _rows(
        entries,
        commission_percent=remittance.commission_percent,
        interest_to_client=remittance.interest_to_client,
    )


def _pain001(
    remittance: Remittance, *, client: Client, iban: str, bic: str, execution_date: dt.date
) -> bytes:
    agency = creditor_from_settings()
    config = {"name": agency.name, "IBAN": agency.iban, "BIC": agency.bic, "batch": False, "currency": "EUR"}
    transfer = SepaTransfer(config, schema=TRANSFER_SCHEMA, clean=True)
    payment: dict[str, Any] = {
        "name": client.name,
        "IBAN": iban,
        "amount": to_cents(remittance.client_amount),
        "execution_date": execution_date,
        "description": f"Afdracht {client.code} {remittance.period_from:%d-%m-%Y} t/m {remittance.period_to:%d-%m-%Y}",
        "endtoend_id": f"AFDRACHT-{remittance.pk}",
    }
    if bic:
        payment["BIC"] = bic
    transfer.add_payment(payment)
    data: bytes = transfer.export(validate=False)
    xml_validate(data, schema=TRANSFER_SCHEMA)
    return data


@transaction.atomic
def remittance_prepare(*, client: Client, period_from: dt.date, period_to: dt.date, actor: Any) -> Remittance:
    """Gather what was collected for `client` in the period and not yet remitted, store the remittance
    with its lines and pain.001. Refused (nothing saved) without anything to remit or with a bad IBAN."""
    if period_from > period_to:
        raise DomainError("The period ends before it starts", field="period_to")
    locked = Client.objects.select_for_update().get(pk=client.pk)  # one prepare per client at a time
    contract = ClientContract.objects.filter(client=locked).first()
    payee = iban_check(
        (contract.remittance_iban if contract and contract.remittance_iban else "") or locked.remittance_iban,
        field="iban",
        who=f"client {locked.code}",
    )
    percent = contract.commission_percent if contract else ZERO
    interest_to_client = contract.interest_to_client if contract else True
    entries = list(
        remittable_entries(client=locked, period_from=period_from, period_to=period_to)
        .select_related("case", "case__debtor", "reverses")
        .order_by("id")
    )
    if not entries:
        raise DomainError(
            f"Nothing collected for {locked.code} from {period_from:%d-%m-%Y} to {period_to:%d-%m-%Y} "
            "that has not been remitted already",
            field="period_from",
        )
    statement = _rows(entries, commission_percent=percent, interest_to_client=interest_to_client)
    to_client = statement.total("to_client")
    remittance = Remittance.objects.create(
        client=locked,
        period_from=period_from,
        period_to=period_to,
        created_at=timezone.now(),
        created_by=actor if getattr(actor, "pk", None) else None,
        collected_total=statement.total("collected"),
        client_amount=to_client,
        agency_amount=statement.total("to_agency"),
        commission_amount=statement.total("commission"),
        commission_percent=percent,
        interest_to_client=interest_to_client,
        iban=payee.iban,
    )
    # The unique constraint on the entry makes a concurrent or repeated prepare fail instead of paying twice.
    RemittanceLine.objects.bulk_create([RemittanceLine(remittance=remittance, entry=e) for e in entries])
    if to_client > 0:  # nothing to transfer (returns outweigh payments): the balance waits for the next one
        data = _pain001(
            remittance, client=locked, iban=payee.iban, bic=payee.bic, execution_date=timezone.localdate()
        )
        remittance.pain001 = data
        remittance.pain001_sha256 = hashlib.sha256(data).hexdigest()
        remittance.save(update_fields=["pain001", "pain001_sha256"])
    return remittance


HEADER = (
    "Dossier",
    "Debiteur",
    "Datum",
    "Soort",
    "Hoofdsom",
    "Rente",
    "Kosten",
    "Provisie",
    "Aan opdrachtgever",
)


def statement_csv(statement: Statement) -> bytes:
    """Semicolon-separated, decimal comma (what Dutch Excel opens), one line per payment and a totals line."""
    rows: list[Sequence[str]] = [HEADER]
    for r in statement.rows:
        rows.append(
            [r.case_number, r.debtor, r.on.isoformat(), r.kind]
            + [csv_amount(v) for v in (r.principal, r.interest, r.costs, r.commission, r.to_client)]
        )
    rows.append(
        ["Totaal", "", "", ""]
        + [
            csv_amount(statement.total(n))
            for n in ("principal", "interest", "costs", "commission", "to_client")
        ]
    )
    return csv_bytes(rows)


def statement_xlsx(statement: Statement, *, title: str = "Afdracht") -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = title[:31]
    ws.append(HEADER)
    for r in statement.rows:
        ws.append(
            [
                r.case_number,
                r.debtor,
                r.on,
                r.kind,
                r.principal,
                r.interest,
                r.costs,
                r.commission,
                r.to_client,
            ]
        )
    last = len(statement.rows) + 1
    ws.append(
        ["Totaal", "", None, ""]
        + [statement.total(n) for n in ("principal", "interest", "costs", "commission", "to_client")]
    )
    for row in ws.iter_rows(min_row=2, max_row=last + 1, min_col=5, max_col=9):
        for cell in row:
            cell.number_format = "#,##0.00"
    for row in ws.iter_rows(min_row=2, max_row=last, min_col=3, max_col=3):
        for cell in row:
            cell.number_format = "dd-mm-yyyy"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
