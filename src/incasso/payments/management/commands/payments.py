"""`incasso payments remit --client CODE --from YYYY-MM-DD --to YYYY-MM-DD --out DIR`: prepare the
remittance (afdracht) and write statement.csv, statement.xlsx and pain001.xml into DIR.

`incasso payments direct-debit --date YYYY-MM-DD --out FILE.xml [--version 02|08] [--items FILE.csv]`:
one pain.008 for the unpaid instalments due on or before the date on cases with an active mandate
(`selectors.instalments_due_for_direct_debit`), or for the items in the CSV
(`mandate_id;amount;due_on;reference`, header line optional) when --items is given."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from incasso.clients.models import Client
from incasso.core.exceptions import DomainError
from incasso.payments.direct_debit import DebitItem, direct_debit_file
from incasso.payments.models import Mandate
from incasso.payments.remittance import (
    remittance_prepare,
    remittance_statement,
    statement_csv,
    statement_xlsx,
)
from incasso.payments.selectors import instalments_due_for_direct_debit


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"not a date (YYYY-MM-DD): {text!r}") from None


class Command(BaseCommand):
    help = "Payments out: `remit` (afdracht to a client) and `direct-debit` (pain.008 for instalments)."

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        # `--version` is the pain.008 version here, not Django's: ours replaces the base option.
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["remit", "direct-debit"])
        parser.add_argument("--client", help="client code (remit)")
        parser.add_argument("--from", dest="period_from", help="first day YYYY-MM-DD (remit)")
        parser.add_argument("--to", dest="period_to", help="last day YYYY-MM-DD (remit)")
        parser.add_argument("--date", help="collection date YYYY-MM-DD (direct-debit)")
        parser.add_argument("--version", choices=["02", "08"], default="02", help="pain.008.001.02 or .08")
        parser.add_argument(
            "--items",
            help="CSV mandate_id;amount;due_on;reference (direct-debit; default: the instalments due)",
        )
        parser.add_argument("--out", required=True, help="directory (remit) or file (direct-debit)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["what"] == "remit":
                self._remit(options)
            else:
                self._direct_debit(options)
        except DomainError as error:
            raise CommandError(error.message) from None

    def _remit(self, options: dict[str, Any]) -> None:
        for name in ("client", "period_from", "period_to"):
            if not options[name]:
                raise CommandError(f"remit needs --{name.replace('period_', '')}")
        client = Client.objects.filter(code=options["client"]).first()
        if client is None:
            raise CommandError(f"no client {options['client']!r}")
        out = Path(options["out"])
        out.mkdir(parents=True, exist_ok=True)
        remittance = remittance_prepare(
            client=client,
            period_from=_date(options["period_from"]),
            period_to=_date(options["period_to"]),
            actor=None,
        )
        statement = remittance_statement(remittance=remittance)
        (out / "statement.csv").write_bytes(statement_csv(statement))
        (out / "statement.xlsx").write_bytes(statement_xlsx(statement, title=client.code))
        if remittance.pain001:
            (out / "pain001.xml").write_bytes(bytes(remittance.pain001))
        self.stdout.write(
            f"Remittance {remittance.pk} for {client.code}: {len(statement.rows)} payment line(s), "
            f"collected {remittance.collected_total}, to client {remittance.client_amount}, "
            f"to agency {remittance.agency_amount} (commission {remittance.commission_amount})"
            + ("" if remittance.pain001 else "; no pain001.xml (nothing to transfer)")
        )

    def _direct_debit(self, options: dict[str, Any]) -> None:
        if not options["date"]:
            raise CommandError("direct-debit needs --date")
        run_date = _date(options["date"])
        if options["items"]:
            items = self._items(Path(options["items"]))
        else:
            items = instalments_due_for_direct_debit(run_date=run_date)
        if not items:
            self.stdout.write("Nothing to collect.")
            return
        run = direct_debit_file(run_date=run_date, items=items, version=options["version"])
        for line in run.skipped:
            self.stdout.write(f"skipped {line}")
        if run.collection is None:
            self.stdout.write("Nothing to collect.")
            return
        Path(options["out"]).write_bytes(bytes(run.collection.file))
        self.stdout.write(
            f"{run.collection.lines.count()} debit(s), total {run.collection.total}, "
            f"{run.collection.schema} written to {options['out']}"
        )

    def _items(self, path: Path) -> list[DebitItem]:
        rows = [r for r in csv.reader(path.read_text(encoding="utf-8-sig").splitlines(), delimiter=";") if r]
        if rows and rows[0][0].strip().lower() == "mandate_id":
            rows = rows[1:]
        mandates = {
            m.mandate_id: m for m in Mandate.objects.filter(mandate_id__in=[r[0].strip() for r in rows])
        }
        items = []
        for n, row in enumerate(rows, start=1):
            try:
                mandate_id, amount, due_on, reference = (c.strip() for c in row)
                items.append(
                    DebitItem(
                        mandates[mandate_id], Decimal(amount.replace(",", ".")), _date(due_on), reference
                    )
                )
            except (ValueError, KeyError, InvalidOperation) as exc:
                raise CommandError(f"{path}: line {n}: {exc!r}") from None
        return items
