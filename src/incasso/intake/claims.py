"""Claim files, row by row: per-row validation and grouping by debtor (the columns are in
`claim_columns`, the cell parsers in `cells`).

No database: the caller passes the known debt type codes. Every problem is collected (never just the
first), each as a `RowError` naming the row as the spreadsheet shows it (header = row 1) and the
canonical column name. The column list is documented in docs/claims-import.md.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from incasso.cases.services import ClaimInput
from incasso.core.identifiers import (
    normalise_email,
    normalise_iban,
    normalise_kvk,
    normalise_phone,
    normalise_postcode,
)
from incasso.debtors.services import AddressInput, DebtorInput
from incasso.intake.cells import parse_amount, parse_date, text
from incasso.intake.claim_columns import (
    COLUMNS,
    DEFAULT_DEBT_TYPE,
    MAX_LENGTH,
    canonical_header,
    column_map,
    parse_choice,
)
from incasso.intake.tables import Cell, Table


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return _("row %(row)s, column %(column)s: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclass(frozen=True)
class ClaimRow:
    """One valid invoice row, ready for the services."""

    row: int
    debtor_key: str
    debtor: DebtorInput
    debtor_role: str
    debt_type: str
    claim: ClaimInput
    client_reference: str = ""
    debtor_number: str = ""


@dataclass(frozen=True)
class ClaimGroup:
    """The rows of one debtor: they become one case."""

    debtor_key: str
    rows: tuple[ClaimRow, ...]
    debtor: DebtorInput  # the first row's data, with every row's e-mails, phones and IBANs
    debtor_role: str
    debt_type: str
    client_reference: str


@dataclass(frozen=True)
class ParsedClaims:
    rows: tuple[ClaimRow, ...]
    errors: tuple[RowError, ...]
    warnings: tuple[str, ...] = field(default_factory=tuple)


def _identifier(
    normalise: Callable[[str], str], message: Callable[[str], str] | None = None
) -> Callable[[Cell], str]:
    def parse(cell: Cell) -> str:
        try:
            return normalise(text(cell))
        except ValidationError as exc:
            raise ValueError(message(text(cell)) if message else exc.messages[0]) from None

    return parse


# --- rows ------------------------------------------------------------------------------------------


def _fold(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    return "".join(c for c in decomposed if c.isalnum())


def debtor_key(*, debtor_number: str, debtor: DebtorInput) -> str:
    """Same debtor = same client + this key: the client's debtor number if given, else the
    normalised name + postcode + house number."""
    if debtor_number:
        return f"nr:{debtor_number}"
    name = (
        debtor.organisation_name
        if debtor.kind == "organisation"
        else (f"{debtor.first_names} {debtor.name_prefix} {debtor.last_name}")
    )
    address = debtor.address
    postcode = _fold(address.postcode) if address else ""
    house = _fold(address.house_number) if address else ""
    return f"name:{_fold(name)}|{postcode}|{house}"


class _RowReader:
    """Reads the cells of one row, collecting an error per bad cell instead of stopping."""

    def __init__(
        self, number: int, cells: tuple[Cell, ...], columns: dict[str, int], decimal_comma: bool
    ) -> None:
        self.number = number
        self.cells = cells
        self.columns = columns
        self.decimal_comma = decimal_comma
        self.errors: list[RowError] = []

    def raw(self, column: str) -> Cell:
        index = self.columns.get(column)
        return None if index is None else self.cells[index]

    def error(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.number, column, message))

    def get[T](self, column: str, parse: Callable[[Cell], T], *, required: bool = False, default: T) -> T:
        cell = self.raw(column)
        if not text(cell):
            if required:
                self.error(column, _("a value is required"))
            return default
        if column in MAX_LENGTH and len(text(cell)) > MAX_LENGTH[column]:
            self.error(column, _("longer than %(max)s characters") % {"max": MAX_LENGTH[column]})
            return default
        try:
            return parse(cell)
        except ValueError as exc:
            self.error(column, str(exc))
            return default

    def text(self, column: str, *, required: bool = False) -> str:
        return self.get(column, text, required=required, default="")


def _parse_row(reader: _RowReader, debt_types: Collection[str]) -> ClaimRow | None:
    r = reader

    def amount(places: int) -> Callable[[Cell], Decimal]:
        return partial(parse_amount, decimal_comma=r.decimal_comma, places=places)

    invoice_number = r.text("invoice_number", required=True)
    invoice_date = r.get("invoice_date", parse_date, required=True, default=None)
    due_date = r.get("due_date", parse_date, required=True, default=None)
    principal = r.get("principal", amount(2), required=True, default=None)
    if principal is not None and principal <= 0:
        r.error(
            "principal",
            _("principal must be more than zero, got %(value)s") % {"value": text(r.raw("principal"))},
        )
    if invoice_date and due_date and due_date < invoice_date:
        r.error(
            "due_date",
            _("due date %(due_date)s is before invoice date %(invoice_date)s")
            % {"due_date": f"{due_date:%d-%m-%Y}", "invoice_date": f"{invoice_date:%d-%m-%Y}"},
        )
    kind = r.get("debtor_type", lambda c: parse_choice(c, "debtor_type"), required=True, default="")
    role = r.get("debtor_role", lambda c: parse_choice(c, "debtor_role"), required=True, default="")
    basis = r.get("interest_basis", lambda c: parse_choice(c, "interest_basis"), default=None)
    rate = r.get("contractual_rate", amount(3), default=None)
    if basis == "contractual" and rate is None:
        r.error("contractual_rate", _("a contractual interest basis needs a rate"))
    if rate is not None and not 0 <= rate <= 100:
        r.error("contractual_rate", _("rate %(rate)s is not a percentage between 0 and 100") % {"rate": rate})
    debt_type = r.text("debt_type").lower() or DEFAULT_DEBT_TYPE
    if debt_type not in debt_types:
        r.error(
            "debt_type",
            _("unknown debt type %(debt_type)s (known: %(known)s)")
            % {"debt_type": debt_type, "known": ", ".join(sorted(debt_types))},
        )
    last_name = r.text("last_name", required=kind == "person")
    organisation_name = r.text("organisation_name", required=kind == "organisation")
    country = (r.text("country") or "NL").upper()
    if not re.fullmatch(r"[A-Z]{2}", country):
        r.error(
            "country",
            _("country %(country)s is not a two-letter code such as NL or BE") % {"country": country},
        )
        country = "NL"
    address = AddressInput(
        street=r.text("street", required=True),
        house_number=r.text("house_number", required=True),
        postcode=r.get(
            "postcode", _identifier(lambda v: normalise_postcode(v, country)), required=True, default=""
        ),
        city=r.text("city", required=True),
        country=country,
        source="client",
    )
    email = r.get(
        "email",
        _identifier(normalise_email, lambda v: _("Invalid e-mail address %(value)s") % {"value": v}),
        default="",
    )
    phone = r.get("phone", _identifier(normalise_phone), default="")
    iban = r.get("iban", _identifier(normalise_iban), default="")
    debtor = DebtorInput(
        kind=kind,
        last_name=last_name if kind == "person" else "",
        first_names=r.text("first_names") if kind == "person" else "",
        name_prefix=r.text("name_prefix") if kind == "person" else "",
        organisation_name=organisation_name if kind == "organisation" else "",
        date_of_birth=r.get("date_of_birth", parse_date, default=None),
        kvk_number=r.get("kvk_number", _identifier(normalise_kvk), default=""),
        address=address,
        emails=(email,) if email else (),
        phones=(phone,) if phone else (),
        ibans=(iban,) if iban else (),
        source="client",
        language=r.get("language", lambda c: parse_choice(c, "language"), default="nl"),
    )
    client_reference = r.text("client_reference")
    debtor_number = r.text("debtor_number")
    description = r.text("description")
    if r.errors or invoice_date is None or due_date is None or principal is None:
        return None
    claim = ClaimInput(
        invoice_number=invoice_number,
        invoice_date=invoice_date,
        due_date=due_date,
        principal=principal,
        description=description,
        interest_basis=basis,
        contractual_rate=rate,
    )
    return ClaimRow(
        row=r.number,
        debtor_key=debtor_key(debtor_number=debtor_number, debtor=debtor),
        debtor=debtor,
        debtor_role=role,
        debt_type=debt_type,
        claim=claim,
        client_reference=client_reference,
        debtor_number=debtor_number,
    )


def claims_parse(table: Table, *, debt_types: Collection[str]) -> ParsedClaims:
    """Every row of the table as a ClaimRow, or the errors that stop it. Raises TableFileError for
    missing columns. Messages are in the active language (Dutch by default)."""
    columns = column_map(table)
    unknown = [h for h in table.headers if h and canonical_header(h) not in COLUMNS]
    warnings = (
        [_("ignored unknown column(s): %(columns)s") % {"columns": ", ".join(unknown)}] if unknown else []
    )
    rows: list[ClaimRow] = []
    errors: list[RowError] = []
    first_row_of_invoice: dict[str, int] = {}
    for number, cells in table.rows:
        reader = _RowReader(number, cells, columns, table.decimal_comma)
        row = _parse_row(reader, debt_types)
        invoice = reader.text("invoice_number")
        if invoice:
            if invoice in first_row_of_invoice:
                reader.error(
                    "invoice_number",
                    _("invoice %(invoice)s is also on row %(row)s")
                    % {"invoice": invoice, "row": first_row_of_invoice[invoice]},
                )
                row = None
            else:
                first_row_of_invoice[invoice] = number
        errors.extend(reader.errors)
        if row is not None:
            rows.append(row)
    return ParsedClaims(rows=tuple(rows), errors=tuple(errors), warnings=tuple(warnings))


def claims_group(
    rows: Sequence[ClaimRow],
) -> tuple[tuple[ClaimGroup, ...], tuple[RowError, ...], tuple[str, ...]]:
    """Rows of the same debtor become one case. One case has one debtor role and one debt type, so a
    row that differs from the debtor's first row is an error; differing names or addresses under the
    same debtor number are a warning (the first row wins)."""
    by_key: dict[str, list[ClaimRow]] = {}
    for row in rows:
        by_key.setdefault(row.debtor_key, []).append(row)
    groups = []
    errors = []
    warnings = []
    for key, members in by_key.items():
        first = members[0]
        for row in members[1:]:
            if row.debtor_role != first.debtor_role:
                errors.append(
                    RowError(
                        row.row,
                        "debtor_role",
                        _("%(value)s differs from %(first)s on row %(row)s for the same debtor")
                        % {"value": row.debtor_role, "first": first.debtor_role, "row": first.row},
                    )
                )
            if row.debt_type != first.debt_type:
                errors.append(
                    RowError(
                        row.row,
                        "debt_type",
                        _("%(value)s differs from %(first)s on row %(row)s for the same debtor")
                        % {"value": row.debt_type, "first": first.debt_type, "row": first.row},
                    )
                )
            same_person = debtor_key(debtor_number="", debtor=row.debtor) == debtor_key(
                debtor_number="", debtor=first.debtor
            )
            if not same_person:
                warnings.append(
                    _(
                        "row %(row)s: name or address differs from row %(first)s for debtor number "
                        "%(debtor_number)s; the data of row %(first)s is used"
                    )
                    % {"row": row.row, "first": first.row, "debtor_number": row.debtor_number}
                )
        debtor = DebtorInput(
            **{
                **first.debtor.__dict__,
                "emails": tuple(dict.fromkeys(v for r in members for v in r.debtor.emails)),
                "phones": tuple(dict.fromkeys(v for r in members for v in r.debtor.phones)),
                "ibans": tuple(dict.fromkeys(v for r in members for v in r.debtor.ibans)),
            }
        )
        groups.append(
            ClaimGroup(
                debtor_key=key,
                rows=tuple(members),
                debtor=debtor,
                debtor_role=first.debtor_role,
                debt_type=first.debt_type,
                client_reference=next((r.client_reference for r in members if r.client_reference), ""),
            )
        )
    return tuple(groups), tuple(errors), tuple(warnings)
