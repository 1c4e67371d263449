"""`incasso calc ...`: the calculation core from the command line. Needs no database.

    incasso calc interest --principal 1000.00 --from 2023-03-15 --to 2025-06-30 --basis consumer
    incasso calc costs --principal 2500 [--vat-percent 21]
    incasso calc allocate --payment 500 --costs 375 --interest 23.97 --principal 2500
    incasso calc reference 4711 | incasso calc reference --check 5000056789012345

Every subcommand takes --json for stable machine output (amounts as decimal strings with two places).
Bad input gives a one-line error (CommandError), never a traceback.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from incasso.calculations.allocation import allocate_within_claim
from incasso.calculations.costs import collection_costs
from incasso.calculations.errors import CalculationError
from incasso.calculations.interest import CONVENTION_LINES, DayBasis, InterestResult, statutory_interest
from incasso.calculations.money import money
from incasso.calculations.payment_reference import generate_payment_reference, validate_payment_reference
from incasso.calculations.rate_table import RateBasis, RateTable, packaged_table
from incasso.calculations.sheet import (
    BASIS_LABEL,
    group_by_four,
    render_allocation,
    render_costs,
    render_interest,
)
from incasso.rates.selectors import rate_table_or_packaged

RATE_HELP = (
    "Rates: the packaged 6:119/6:119a tables, with changes stored by `incasso rates add` laid over them "
    "when the database is reachable and migrated (otherwise the packaged tables, silently). "
    "--packaged-rates never reads the database."
)


def parse_amount(value: str, name: str, *, positive: bool = True) -> Decimal:
    try:
        amount = money(value, name=name)
    except CalculationError as exc:
        raise CommandError(str(exc)) from None
    if amount < 0 or (positive and amount == 0):
        raise CommandError(f"{name} must be {'positive' if positive else 'zero or more'}, got {value}")
    return amount


def parse_date(value: str, name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{name}: {value!r} is not a date (use YYYY-MM-DD)") from None


def cents(value: Decimal) -> str:
    return f"{value:.2f}"


def interest_json(result: InterestResult, basis: str, source: str, warnings: list[str]) -> dict[str, Any]:
    lines: list[tuple[dt.date, int, dict[str, Any]]] = [
        (c.on, 0, {"type": "capitalisation", "date": c.on.isoformat(), "amount": cents(c.amount),
                   "new_base": cents(c.new_base)})
        for c in result.capitalisations
    ]  # fmt: skip
    lines += [
        (s.start, 1, {"type": "segment", "from": s.start.isoformat(), "to": s.end.isoformat(), "days": s.days,
                      "base": cents(s.base), "rate": str(s.rate), "amount": cents(s.amount)})
        for s in result.segments
    ]  # fmt: skip
    lines.sort(key=lambda item: (item[0], item[1]))
    return {
        "principal": cents(result.principal),
        "first_interest_day": result.first_day.isoformat(),
        "last_interest_day": result.last_day.isoformat(),
        "days": result.days,
        "basis": basis,
        "day_basis": result.day_basis.value,
        "compound": result.compound,
        "interest": cents(result.interest),
        "total": cents(result.total),
        "rounding_difference": cents(result.rounding_difference),
        "lines": [item[2] for item in lines],
        "rate_table": source,
        "warnings": warnings,
        "convention": " ".join(CONVENTION_LINES).format(basis=BASIS_LABEL[result.day_basis]),
    }


def unverified_in_period(table: RateTable, first: dt.date, last: dt.date) -> list[str]:
    rows = table.rows
    found = []
    for i, row in enumerate(rows):
        end = rows[i + 1].effective_from - dt.timedelta(days=1) if i + 1 < len(rows) else dt.date.max
        if not row.verified and row.effective_from <= last and end >= first:
            found.append(f"unverified rate: {table.name} {row.effective_from.isoformat()} {row.percent}%")
    return found


class Command(BaseCommand):
    help = "Interest, collection costs, payment allocation and payment references. " + RATE_HELP
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(
            dest="action", required=True, metavar="{interest,costs,allocate,reference}"
        )
        interest = sub.add_parser("interest", help="statutory interest over a period. " + RATE_HELP)
        interest.add_argument("--principal", required=True)
        interest.add_argument("--from", dest="first", required=True, help="first interest day (included)")
        interest.add_argument("--to", dest="last", required=True, help="last interest day (included)")
        interest.add_argument("--basis", required=True, help="consumer (6:119) or commercial (6:119a)")
        interest.add_argument("--day-basis", default="act365", help="act365 (default) or actact")
        interest.add_argument("--no-compound", action="store_true", help="no yearly capitalisation")
        interest.add_argument("--per-segment-rounding", action="store_true", help="round every segment")
        interest.add_argument("--packaged-rates", action="store_true", help="ignore stored rate changes")
        costs = sub.add_parser("costs", help="collection costs (WIK scale)")
        costs.add_argument("--principal", required=True)
        costs.add_argument("--vat-percent", default="0", help="only when the creditor cannot deduct VAT")
        allocate = sub.add_parser("allocate", help="allocate a payment: costs, interest, principal")
        for name in ("--payment", "--costs", "--interest", "--principal"):
            allocate.add_argument(name, required=name == "--payment", default="0")
        reference = sub.add_parser("reference", help="payment reference (betalingskenmerk)")
        reference.add_argument("number", nargs="?", help="case or invoice number (up to 15 digits)")
        reference.add_argument(
            "--check", metavar="REFERENCE", help="validate a reference (exit 1 if invalid)"
        )
        for p in (interest, costs, allocate, reference):
            p.add_argument("--json", action="store_true", help="machine-readable output")

    def handle(self, *args: Any, **options: Any) -> None:
        handlers: dict[str, Callable[[dict[str, Any]], tuple[dict[str, Any], str]]] = {
            "interest": self.interest,
            "costs": self.costs,
            "allocate": self.allocate,
            "reference": self.reference,
        }
        try:
            data, text = handlers[options["action"]](options)
        except CalculationError as exc:
            raise CommandError(str(exc)) from None
        if options["json"]:
            self.stdout.write(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False))
        else:
            self.stdout.write(text.rstrip("\n"))
        if data.get("valid") is False:
            raise CommandError(f"invalid payment reference: {data['error']}", returncode=1)

    def interest(self, options: dict[str, Any]) -> tuple[dict[str, Any], str]:
        principal = parse_amount(options["principal"], "--principal")
        first, last = parse_date(options["first"], "--from"), parse_date(options["last"], "--to")
        if last < first:
            raise CommandError(f"--to {last.isoformat()} is before --from {first.isoformat()}")
        if options["basis"] not in {b.value for b in RateBasis}:
            raise CommandError(f"unknown --basis {options['basis']!r}; use consumer or commercial")
        if options["day_basis"] not in {b.value for b in DayBasis}:
            raise CommandError(f"unknown --day-basis {options['day_basis']!r}; use act365 or actact")
        if options["packaged_rates"]:
            table, merged = packaged_table(options["basis"]), False
        else:
            table, merged = rate_table_or_packaged(options["basis"])
        result = statutory_interest(
            principal,
            first,
            last,
            table,
            day_basis=options["day_basis"],
            compound=not options["no_compound"],
            per_segment_rounding=options["per_segment_rounding"],
        )
        source = "packaged+database" if merged else "packaged"
        warnings = unverified_in_period(table, first, last)
        text = render_interest(result) + "".join(f"WAARSCHUWING: {w}\n" for w in warnings)
        text += f"Rentetabel: {table.name} ({source})\n"
        return interest_json(result, options["basis"], source, warnings), text

    def costs(self, options: dict[str, Any]) -> tuple[dict[str, Any], str]:
        principal = parse_amount(options["principal"], "--principal")
        vat = parse_amount(options["vat_percent"], "--vat-percent", positive=False)
        result = collection_costs(principal, vat_percent=vat)
        data = {
            "principal": cents(result.principal),
            "scale_amount": cents(result.scale_amount),
            "costs": cents(result.costs),
            "vat_percent": str(result.vat_percent),
            "vat": cents(result.vat),
            "total": cents(result.total),
            "minimum_applied": result.minimum_applied,
            "maximum_applied": result.maximum_applied,
        }
        return data, render_costs(result)

    def allocate(self, options: dict[str, Any]) -> tuple[dict[str, Any], str]:
        payment = parse_amount(options["payment"], "--payment")
        costs, interest, principal = (
            parse_amount(options[k], f"--{k}", positive=False) for k in ("costs", "interest", "principal")
        )
        result = allocate_within_claim(payment, costs=costs, interest=interest, principal=principal)
        part = result.for_claim("claim")
        zero = Decimal("0.00")
        data = {
            "payment": cents(payment),
            "costs": cents(part.costs if part else zero),
            "interest": cents(part.interest if part else zero),
            "principal": cents(part.principal if part else zero),
            "unallocated": cents(result.unallocated),
        }
        return data, render_allocation(payment, result)

    def reference(self, options: dict[str, Any]) -> tuple[dict[str, Any], str]:
        if options["check"] is not None:
            ref = options["check"]
            try:
                digits = validate_payment_reference(ref)
            except CalculationError as exc:
                return {
                    "payment_reference": ref,
                    "valid": False,
                    "error": str(exc),
                }, f"{ref}: ONGELDIG ({exc})"
            return {
                "payment_reference": digits,
                "valid": True,
                "error": "",
            }, f"{digits}: geldig betalingskenmerk"
        if options["number"] is None:
            raise CommandError("give a number to generate a reference from, or --check REFERENCE")
        ref = generate_payment_reference(options["number"])
        grouped = group_by_four(ref)
        data = {"number": options["number"], "payment_reference": ref, "formatted": grouped}
        return data, f"Betalingskenmerk voor {options['number']}: {grouped}"
