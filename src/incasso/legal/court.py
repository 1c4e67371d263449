"""Which court hears a money claim, and the court fee (griffierecht) the plaintiff pays there.

Pure: no Django, no database, no clock.

* Art. 93 sub a Rv: the kantonrechter hears money claims of at most EUR 25,000 *including the interest
  accrued up to the day of the summons*; above that the rechtbank (sector civiel). Decision: the value
  is everything claimed on the summons date - principal, interest and extrajudicial collection costs
  (they are part of the claim); the costs of the proceedings themselves are not (art. 94 Rv).
  Subject-matter competence regardless of amount (rent, employment, consumer credit and consumer
  purchase, art. 93 sub c Rv) is not decided here: `court_for_claim` takes a flag for it.
* Court fees: `data/griffierecht_2024.csv`, the cantonal table with six bands and three columns
  (legal person / natural person / limited means), source noted in the file. Only the cantonal table is
  kept; for the rechtbank the estimate is None with a note.
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
DATA = Path(__file__).resolve().parent / "data" / "griffierecht_2024.csv"


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
    valid_from: dt.date
    lower_exclusive: Decimal
    upper_inclusive: Decimal | None
    fees: dict[FeeCategory, Decimal]
    source: str

    def holds(self, value: Decimal) -> bool:
        above = value > self.lower_exclusive or (self.lower_exclusive == 0 and value >= 0)
        return above and (self.upper_inclusive is None or value <= self.upper_inclusive)


@dataclass(frozen=True, slots=True)
class FeeEstimate:
    amount: Decimal | None
    category: FeeCategory
    band: FeeBand | None
    note: str


@cache
def fee_table(path: Path = DATA) -> tuple[FeeBand, ...]:
    rows = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    bands = []
    for row in csv.DictReader(rows):
        bands.append(
            FeeBand(
                valid_from=dt.date.fromisoformat(row["valid_from"]),
                lower_exclusive=Decimal(row["lower_exclusive"]),
                upper_inclusive=Decimal(row["upper_inclusive"]) if row["upper_inclusive"] else None,
                fees={c: Decimal(row[c.value]) for c in FeeCategory},
                source=row["source"],
            )
        )
    return tuple(bands)


def court_fee(
    value: Decimal | None, category: FeeCategory | str, *, court: Court = Court.KANTONRECHTER
) -> FeeEstimate:
    """The cantonal court fee for a claim of `value` (None: unknown value, first band)."""
    category = FeeCategory(category)
    if court is Court.RECHTBANK:
        return FeeEstimate(
            None, category, None, "griffierecht rechtbank: niet in de tabel, zie rechtspraak.nl"
        )
    if value is not None and value < 0:
        raise ValueError("a claim value cannot be negative")
    bands = fee_table()
    band = bands[0] if value is None else next(b for b in bands if b.holds(value))
    note = f"griffierecht kanton {band.valid_from.year}, {CATEGORY_LABEL[category]} ({band.source})"
    return FeeEstimate(band.fees[category], category, band, note)
