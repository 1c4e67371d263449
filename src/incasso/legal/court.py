"""Which court hears a money claim, and the court fee (griffierecht) the plaintiff pays there.

Pure: no Django, no database, no clock.

* Art. 93 sub a Rv: the kantonrechter hears money claims of at most EUR 25,000 *including the interest
  accrued up to the day of the summons*; above that the rechtbank (sector civiel). Decision: the value
  is everything claimed on the summons date - principal, interest and extrajudicial collection costs
  (they are part of the claim); the costs of the proceedings themselves are not (art. 94 Rv).
  Subject-matter competence regardless of amount (rent, employment, consumer credit and consumer
  purchase, art. 93 sub c Rv) is not decided here: `court_for_claim` takes a flag for it.
* Court fees: `data/griffierecht.csv`, per court (kantonrechter: six bands; rechtbank: unknown value
  and three bands) and year, three columns (legal person / natural person / limited means), source
  noted per row. The table in force on the summons date is used; a date in a later year than the
  newest table is estimated from it, and the note says that the year's official table is missing.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from functools import cache
from pathlib import Path

KANTON_LIMIT = Decimal("25000.00")
DATA = Path(__file__).resolve().parent / "data" / "griffierecht.csv"


class Court(StrEnum):
    KANTONRECHTER = "kantonrechter"
    RECHTBANK = "rechtbank"


class FeeCategory(StrEnum):
    LEGAL_PERSON = "legal_person"
    NATURAL_PERSON = "natural_person"
    LIMITED_MEANS = "limited_means"


COURT_LABEL = {
    Court.KANTONRECHTER: "Rechtbank, team kanton (kantonrechter)",
    Court.RECHTBANK: "Rechtbank, team handel (civiel)",
}
CATEGORY_LABEL = {
    FeeCategory.LEGAL_PERSON: "rechtspersoon",
    FeeCategory.NATURAL_PERSON: "natuurlijk persoon",
    FeeCategory.LIMITED_MEANS: "on- of minvermogende",
}


@dataclass(frozen=True, slots=True)
class CourtChoice:
    court: Court
    value: Decimal
    reason: str


def court_for_claim(value: Decimal, *, cantonal_subject: bool = False) -> CourtChoice:
    """The court for a money claim worth `value` on the summons date (interest included)."""
    if not isinstance(value, Decimal):
        raise TypeError(f"value must be a Decimal, got {type(value).__name__}")
    if cantonal_subject:
        return CourtChoice(Court.KANTONRECHTER, value, "art. 93 sub c Rv: kantonzaak ongeacht het bedrag")
    if value <= KANTON_LIMIT:
        return CourtChoice(
            Court.KANTONRECHTER,
            value,
            "art. 93 sub a Rv: vordering van ten hoogste € 25.000, rente tot de dag van dagvaarding inbegrepen",
        )
    return CourtChoice(
        Court.RECHTBANK,
        value,
        "vordering boven € 25.000 inclusief rente tot de dag van dagvaarding (art. 93 Rv)",
    )


@dataclass(frozen=True, slots=True)
class FeeBand:
    court: Court
    valid_from: dt.date
    lower_exclusive: Decimal | None  # None with upper None: a claim of unknown value
    upper_inclusive: Decimal | None
    fees: dict[FeeCategory, Decimal]
    source: str

    @property
    def unknown_value(self) -> bool:
        return self.lower_exclusive is None

    def holds(self, value: Decimal) -> bool:
        if self.lower_exclusive is None:
            return False
        above = value > self.lower_exclusive or (self.lower_exclusive == 0 and value >= 0)
        return above and (self.upper_inclusive is None or value <= self.upper_inclusive)


@dataclass(frozen=True, slots=True)
class FeeEstimate:
    amount: Decimal | None
    category: FeeCategory
    band: FeeBand | None
    note: str


class FeeTableError(ValueError):
    """The packaged court-fee table is malformed."""


@cache
def fee_table(path: Path = DATA) -> tuple[FeeBand, ...]:
    rows = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    bands = []
    for number, row in enumerate(csv.DictReader(rows), start=2):
        try:
            lower = Decimal(row["lower_exclusive"]) if row["lower_exclusive"] else None
            upper = Decimal(row["upper_inclusive"]) if row["upper_inclusive"] else None
            if lower is None and upper is not None:
                raise ValueError("an upper bound without a lower bound")
            bands.append(
                FeeBand(
                    court=Court(row["court"]),
                    valid_from=dt.date.fromisoformat(row["valid_from"]),
                    lower_exclusive=lower,
                    upper_inclusive=upper,
                    fees={c: Decimal(row[c.value]) for c in FeeCategory},
                    source=row["source"],
                )
            )
        except (ValueError, ArithmeticError, KeyError, TypeError) as exc:
            raise FeeTableError(f"{path.name}, data row {number}: {exc}") from exc
    return tuple(bands)


def _bands_in_force(court: Court, on: dt.date | None) -> tuple[FeeBand, ...]:
    """The bands of `court` from the newest table that starts on or before `on` (None: the newest)."""
    own = [b for b in fee_table() if b.court is court]
    starts = sorted({b.valid_from for b in own if on is None or b.valid_from <= on})
    if not starts:
        return ()
    return tuple(b for b in own if b.valid_from == starts[-1])


def court_fee(
    value: Decimal | None,
    category: FeeCategory | str,
    *,
    court: Court = Court.KANTONRECHTER,
    on: dt.date | None = None,
) -> FeeEstimate:
    """The court fee the plaintiff pays for a claim of `value` (None: unknown value) at `court`,
    from the table in force on `on` (the summons date; None: the newest table)."""
    category = FeeCategory(category)
    if value is not None and value < 0:
        raise ValueError("a claim value cannot be negative")
    bands = _bands_in_force(Court(court), on)
    label = "kanton" if court is Court.KANTONRECHTER else "rechtbank"
    if not bands:
        return FeeEstimate(None, category, None, f"griffierecht {label}: geen tabel, zie rechtspraak.nl")
    if value is None:
        band = next((b for b in bands if b.unknown_value), next(b for b in bands if not b.unknown_value))
    else:
        band = next(b for b in bands if b.holds(value))
    year = band.valid_from.year
    note = f"griffierecht {label} {year}, {CATEGORY_LABEL[category]} ({band.source})"
    if on is not None and on.year > year:
        note += f"; de tarieven {on.year} staan nog niet in de tabel: controleer rechtspraak.nl"
    return FeeEstimate(band.fees[category], category, band, note)
