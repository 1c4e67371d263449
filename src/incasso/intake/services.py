"""Writing a claim file: validate everything, then open cases in one transaction or write nothing.

Decisions (documented in docs/claims-import.md):
- Rows of the same debtor (client + debtor number, else name + postcode + house number) become one case.
- An invoice the client already handed over (natural key: client + invoice number) is skipped and
  reported, so importing the same file twice creates nothing.
- A new invoice of a debtor who already has an open case at this client (found through the earlier
  import's `imported` event, or by name and current address) is added to that case with `claim_add`;
  the debtor's stored data is left as it is. If the debtor's cases are all closed, a new case is
  opened for the same debtor.
- An empty interest basis means the debt type's default, except that a business debtor gets the
  commercial rate (6:119a BW) where the default is the consumer rate.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from incasso.cases.models import Case, DebtType, EventKind, InterestBasis
from incasso.cases.services import case_open, claim_add, claim_validate
from incasso.cases.timeline import event_record
from incasso.clients.models import Client
from incasso.core.exceptions import DomainError
from incasso.debtors.services import debtor_create, debtor_validate
from incasso.intake.claims import ClaimGroup, ClaimRow, RowError, claims_group, claims_parse
from incasso.intake.selectors import debt_type_codes, debtor_match_for_key, invoices_already_imported
from incasso.intake.tables import Table, TableFileError, table_read

FIELD_TO_COLUMN = {"kind": "debtor_type"}


@dataclass(frozen=True)
class CaseLine:
    """A case the import opened (or would open), or an existing case it added claims to."""

    case_number: str  # empty in a dry run for a case not opened yet
    debtor_name: str
    rows: tuple[int, ...]
    invoice_numbers: tuple[str, ...]
    principal: Decimal
    existing: bool


@dataclass(frozen=True)
class SkippedRow:
    row: int
    invoice_number: str
    case_number: str

    def __str__(self) -> str:
        return _("row %(row)s: invoice %(invoice)s is already in case %(case)s") % {
            "row": self.row,
            "invoice": self.invoice_number,
            "case": self.case_number,
        }


@dataclass(frozen=True)
class ImportReport:
    file_name: str
    dry_run: bool
    opened: tuple[CaseLine, ...] = ()
    extended: tuple[CaseLine, ...] = ()
    skipped: tuple[SkippedRow, ...] = ()
    errors: tuple[RowError | str, ...] = ()
    warnings: tuple[str, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def claims_created(self) -> int:
        return sum(len(line.rows) for line in (*self.opened, *self.extended))

    @property
    def principal(self) -> Decimal:
        return sum((line.principal for line in (*self.opened, *self.extended)), Decimal("0.00"))


class _ImportFailed(Exception):
    def __init__(self, error: RowError) -> None:
        super().__init__(str(error))
        self.error = error


def _display_name(group: ClaimGroup) -> str:
    d = group.debtor
    if d.kind == "organisation":
        return d.organisation_name
    return " ".join(p for p in (d.first_names, d.name_prefix, d.last_name) if p)


def _with_basis(row: ClaimRow, debt_type: DebtType) -> ClaimRow:
    if (
        row.claim.interest_basis is None
        and row.debtor_role == "business"
        and debt_type.default_interest_basis == InterestBasis.CONSUMER_STATUTORY
    ):
        claim = dataclasses.replace(row.claim, interest_basis=InterestBasis.COMMERCIAL_STATUTORY)
        return dataclasses.replace(row, claim=claim)
    return row


def _validate(rows: Sequence[ClaimRow], debt_types: dict[str, DebtType]) -> list[RowError]:
    """The services' own checks, so the import cannot accept what case_open would refuse."""
    errors = []
    for row in rows:
        debt_type = debt_types.get(row.debt_type)
        if debt_type is None:
            errors.append(
                RowError(row.row, "debt_type", _("unknown debt type %(value)s") % {"value": row.debt_type})
            )
            continue
        checks: tuple[Callable[[], object], ...] = (
            partial(debtor_validate, row.debtor),
            partial(claim_validate, row.claim, debt_type=debt_type),
        )
        for check in checks:
            try:
                check()
            except DomainError as exc:
                column = FIELD_TO_COLUMN.get(exc.field or "", exc.field or "row")
                errors.append(RowError(row.row, column, exc.message))
    return errors


def claims_import(
    *, client: Client, rows: Sequence[ClaimRow], file_name: str, actor: Any = None, dry_run: bool = False
) -> ImportReport:
    """Validate all rows, then (unless dry_run) write them in one transaction: all or nothing."""
    debt_types = debt_type_codes()
    rows = [
        _with_basis(row, debt_types[row.debt_type]) if row.debt_type in debt_types else row for row in rows
    ]
    groups, group_errors, warnings = claims_group(rows)
    errors = sorted([*_validate(rows, debt_types), *group_errors], key=lambda e: (e.row, e.column))
    if errors:
        return ImportReport(file_name=file_name, dry_run=dry_run, errors=tuple(errors), warnings=warnings)
    try:
        with transaction.atomic():
            # One import per client at a time: the second waits, then skips what the first wrote.
            Client.objects.select_for_update().filter(pk=client.pk).first()
            report = _write(client, groups, debt_types, file_name, actor, dry_run, warnings)
    except _ImportFailed as failed:
        return ImportReport(file_name=file_name, dry_run=dry_run, errors=(failed.error,), warnings=warnings)
    return report


def _write(
    client: Client,
    groups: Sequence[ClaimGroup],
    debt_types: dict[str, DebtType],
    file_name: str,
    actor: Any,
    dry_run: bool,
    warnings: tuple[str, ...],
) -> ImportReport:
    source = f"import {file_name}"[:100]
    today = timezone.localdate()
    existing = invoices_already_imported(
        client_id=client.pk, invoice_numbers=[r.claim.invoice_number for g in groups for r in g.rows]
    )
    opened: list[CaseLine] = []
    extended: list[CaseLine] = []
    skipped: list[SkippedRow] = []
    for group in groups:
        new_rows = [r for r in group.rows if r.claim.invoice_number not in existing]
        skipped += [
            SkippedRow(r.row, r.claim.invoice_number, existing[r.claim.invoice_number])
            for r in group.rows
            if r.claim.invoice_number in existing
        ]
        if not new_rows:
            continue
        address = group.debtor.address
        assert address is not None
        clean_address = debtor_validate(group.debtor).address
        assert clean_address is not None
        match = debtor_match_for_key(
            client_id=client.pk,
            key=group.debtor_key,
            postcode=clean_address.postcode,
            house_number=clean_address.house_number,
        )
        target: Case | None = match.open_case if match else None
        if not dry_run:
            try:
                target = _write_group(
                    client,
                    group,
                    new_rows,
                    target,
                    match.debtor if match else None,
                    debt_types[group.debt_type],
                    today,
                    actor,
                    source,
                    file_name,
                )
            except DomainError as exc:
                row = new_rows[0].row
                raise _ImportFailed(
                    RowError(row, FIELD_TO_COLUMN.get(exc.field or "", exc.field or "row"), exc.message)
                ) from None
        line = CaseLine(
            case_number=target.number if target else "",
            debtor_name=_display_name(group),
            rows=tuple(r.row for r in new_rows),
            invoice_numbers=tuple(r.claim.invoice_number for r in new_rows),
            principal=sum((r.claim.principal for r in new_rows), Decimal("0.00")),
            existing=match is not None and match.open_case is not None,
        )
        (extended if line.existing else opened).append(line)
    return ImportReport(
        file_name=file_name,
        dry_run=dry_run,
        opened=tuple(opened),
        extended=tuple(extended),
        skipped=tuple(skipped),
        warnings=warnings,
    )


def _write_group(
    client: Client,
    group: ClaimGroup,
    new_rows: Sequence[ClaimRow],
    open_case: Case | None,
    known_debtor: Any,
    debt_type: DebtType,
    today: Any,
    actor: Any,
    source: str,
    file_name: str,
) -> Case:
    if open_case is not None:
        for row in new_rows:
            claim_add(case=open_case, claim=row.claim, actor=actor, source=source)
        return open_case
    debtor = known_debtor or debtor_create(data=group.debtor, today=today)
    case = case_open(
        client=client,
        debtor=debtor,
        debtor_role=group.debtor_role,
        debt_type=debt_type,
        claims=[r.claim for r in new_rows],
        opened_on=today,
        actor=actor,
        source=source,
        client_reference=group.client_reference,
    )
    claims_word = "vordering" if len(new_rows) == 1 else "vorderingen"
    event_record(
        case=case,
        kind=EventKind.IMPORTED,
        summary=f"Geïmporteerd uit {file_name} ({len(new_rows)} {claims_word})",
        actor=actor,
        actor_label="import",
        details={
            "file": file_name,
            "rows": [r.row for r in new_rows],
            "invoice_numbers": [r.claim.invoice_number for r in new_rows],
            "debtor_key": group.debtor_key,
        },
    )
    return case


def claims_import_file(
    *, client: Client, data: bytes, file_name: str, actor: Any = None, dry_run: bool = False
) -> ImportReport:
    """Read, parse and import one uploaded file. Every problem, in the file or in any row, ends up in
    the report's errors; with errors nothing is written. Messages are in the active language (Dutch by
    default, on the upload page and on the command line alike), the validators' messages included."""
    try:
        table = table_read(data=data, file_name=file_name)
    except TableFileError as exc:
        return ImportReport(file_name=file_name, dry_run=dry_run, errors=(exc.message,))
    return claims_import_table(client=client, table=table, actor=actor, dry_run=dry_run)


def claims_import_table(
    *, client: Client, table: Table, actor: Any = None, dry_run: bool = False
) -> ImportReport:
    """Parse and import a table already read (from a file, or built from the API's JSON rows)."""
    file_name = table.file_name
    try:
        parsed = claims_parse(table, debt_types=set(debt_type_codes()))
    except TableFileError as exc:
        return ImportReport(file_name=file_name, dry_run=dry_run, errors=(exc.message,))
    if parsed.errors:
        # Still run the service checks on the rows that parsed, so the list is complete.
        checked = claims_import(
            client=client, rows=parsed.rows, file_name=file_name, actor=actor, dry_run=True
        )
        errors = sorted(
            [*parsed.errors, *(e for e in checked.errors if isinstance(e, RowError))],
            key=lambda e: (e.row, e.column),
        )
        return ImportReport(
            file_name=file_name,
            dry_run=dry_run,
            errors=tuple(errors),
            warnings=parsed.warnings + checked.warnings,
        )
    report = claims_import(client=client, rows=parsed.rows, file_name=file_name, actor=actor, dry_run=dry_run)
    return dataclasses.replace(report, warnings=parsed.warnings + report.warnings)
