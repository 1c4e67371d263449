"""Cells of a claim file as people fill them in: text, dates (2026-01-31 or 31-01-2026) and amounts
(1234.56, 1.234,56, € 1234,56). Each parser returns the value or raises ValueError with a message for
the user; `claims` turns it into a RowError naming the row and column."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from incasso.intake.tables import Cell


def text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, dt.datetime):
        return f"{cell:%d-%m-%Y}"
    return str(cell).strip()


_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DUTCH = re.compile(r"(\d{1,2})-(\d{1,2})-(\d{4})")


def parse_date(cell: Cell) -> dt.date:
    if isinstance(cell, dt.datetime):
        return cell.date()
    if isinstance(cell, dt.date):
        return cell
    raw = text(cell)
    if m := _ISO.fullmatch(raw):
        year, month, day = (int(g) for g in m.groups())
    elif m := _DUTCH.fullmatch(raw):
        day, month, year = (int(g) for g in m.groups())
    else:
        raise ValueError(
            _("date %(value)s is not in a known format (use 2026-01-31 or 31-01-2026)") % {"value": raw}
        )
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(_("date %(value)s does not exist") % {"value": raw}) from None


def _thousands(parts: list[str]) -> bool:
    """1.234.567 split at the separator: a first group of 1-3 digits, then groups of exactly 3."""
    return all(p.isdigit() for p in parts) and 1 <= len(parts[0]) <= 3 and all(len(p) == 3 for p in parts[1:])


def _not_an_amount(value: object) -> ValueError:
    return ValueError(_("not an amount: %(value)s") % {"value": value})


def parse_amount(cell: Cell, *, decimal_comma: bool, places: int = 2) -> Decimal:
    """Amounts as people type them: 1234.56, 1.234,56, € 1234,56. In a `;` file or a text cell in
    Excel the comma is the decimal sign; in a `,` file the point. The other sign is accepted as a
    thousands separator only where it groups by three (1.234,56), else as the decimal sign."""
    if isinstance(cell, bool) or cell is None or isinstance(cell, dt.date):
        raise _not_an_amount(text(cell) or _("(empty)"))
    if isinstance(cell, float):
        value = Decimal(repr(cell))  # the shortest repr is what the user typed into Excel
    elif isinstance(cell, int | Decimal):
        value = Decimal(cell)
    else:
        raw = re.sub(r"[\s€]|EUR", "", cell)
        sign, body = ("-", raw[1:]) if raw.startswith("-") else ("", raw)
        decimal_sign, other = (",", ".") if decimal_comma else (".", ",")
        if decimal_sign in body and other in body:
            if body.rfind(other) > body.rfind(decimal_sign):
                decimal_sign, other = other, decimal_sign
            whole, _sep, fraction = body.rpartition(decimal_sign)
            if not _thousands(whole.split(other)):
                raise _not_an_amount(cell)
            normal = f"{sign}{whole.replace(other, '')}.{fraction}"
        elif other in body:
            parts = body.split(other)
            if _thousands(parts) and (len(parts) > 2 or decimal_comma):
                normal = sign + "".join(parts)
            elif len(parts) == 2:
                normal = f"{sign}{parts[0]}.{parts[1]}"
            else:
                raise _not_an_amount(cell)
        else:
            normal = sign + body.replace(decimal_sign, ".")
        if not re.fullmatch(r"-?\d+(\.\d+)?", normal):
            raise _not_an_amount(cell)
        try:
            value = Decimal(normal)
        except InvalidOperation:
            raise _not_an_amount(cell) from None
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -places:
        raise ValueError(
            _("amount %(value)s has more than %(places)s decimals") % {"value": text(cell), "places": places}
        )
    return value
