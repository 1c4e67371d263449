"""The columns of a claim file: the required and optional ones, the header spellings and values people
use for them (aliases), the allowed choices and lengths, and the check of a file's header row. The list
is documented in docs/claims-import.md."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from incasso.intake.cells import text
from incasso.intake.tables import Cell, Table, TableFileError

REQUIRED = (
    "invoice_number",
    "invoice_date",
    "due_date",
    "principal",
    "debtor_type",
    "debtor_role",
    "street",
    "house_number",
    "postcode",
    "city",
)
OPTIONAL = (
    "last_name",
    "first_names",
    "name_prefix",
    "date_of_birth",
    "organisation_name",
    "kvk_number",
    "country",
    "email",
    "phone",
    "iban",
    "description",
    "debt_type",
    "interest_basis",
    "contractual_rate",
    "client_reference",
    "debtor_number",
    "language",
)
COLUMNS = REQUIRED + OPTIONAL

ALIASES = {
    "factuurnummer": "invoice_number",
    "factuurnr": "invoice_number",
    "factuurdatum": "invoice_date",
    "vervaldatum": "due_date",
    "hoofdsom": "principal",
    "bedrag": "principal",
    "soort_debiteur": "debtor_type",
    "debiteur_type": "debtor_type",
    "hoedanigheid": "debtor_role",
    "rol": "debtor_role",
    "achternaam": "last_name",
    "voornamen": "first_names",
    "voorletters": "first_names",
    "tussenvoegsel": "name_prefix",
    "geboortedatum": "date_of_birth",
    "bedrijfsnaam": "organisation_name",
    "organisatie": "organisation_name",
    "kvk": "kvk_number",
    "kvk_nummer": "kvk_number",
    "straat": "street",
    "huisnummer": "house_number",
    "plaats": "city",
    "woonplaats": "city",
    "land": "country",
    "e_mail": "email",
    "emailadres": "email",
    "e_mailadres": "email",
    "telefoon": "phone",
    "telefoonnummer": "phone",
    "rekeningnummer": "iban",
    "omschrijving": "description",
    "soort_vordering": "debt_type",
    "schuldsoort": "debt_type",
    "rentegrondslag": "interest_basis",
    "rente": "interest_basis",
    "contractuele_rente": "contractual_rate",
    "rentepercentage": "contractual_rate",
    "uw_kenmerk": "client_reference",
    "kenmerk": "client_reference",
    "referentie": "client_reference",
    "debiteurnummer": "debtor_number",
    "klantnummer": "debtor_number",
    "taal": "language",
    "correspondentietaal": "language",
}

VALUE_ALIASES = {
    "debtor_type": {
        "persoon": "person",
        "natuurlijk_persoon": "person",
        "organisatie": "organisation",
        "bedrijf": "organisation",
    },
    "debtor_role": {"consument": "consumer", "particulier": "consumer", "zakelijk": "business"},
    "language": {"nederlands": "nl", "dutch": "nl", "engels": "en", "english": "en"},
    "interest_basis": {
        "wettelijk": "consumer",
        "handelsrente": "commercial",
        "contractueel": "contractual",
        "geen": "none",
    },
}
CHOICES = {
    "debtor_type": ("person", "organisation"),
    "debtor_role": ("consumer", "business"),
    "interest_basis": ("consumer", "commercial", "contractual", "none"),
    "language": ("nl", "en"),
}
MAX_LENGTH = {
    "invoice_number": 50,
    "description": 200,
    "client_reference": 100,
    "debtor_number": 50,
    "last_name": 100,
    "first_names": 100,
    "name_prefix": 20,
    "organisation_name": 200,
    "street": 200,
    "house_number": 20,
    "city": 100,
}
DEFAULT_DEBT_TYPE = "services"


def canonical_header(header: str) -> str:
    key = re.sub(r"[\s\-./]+", "_", header.strip().lower().lstrip("\ufeff")).strip("_")
    return ALIASES.get(key, key)


def column_map(table: Table) -> dict[str, int]:
    """Canonical column name -> index; raise TableFileError for missing or doubled columns."""
    positions: dict[str, int] = {}
    doubled = []
    for index, header in enumerate(table.headers):
        name = canonical_header(header)
        if name in positions:
            doubled.append(name)
        positions[name] = index
    if doubled:
        raise TableFileError(
            _("%(file)s: these columns appear twice: %(columns)s")
            % {"file": table.file_name, "columns": ", ".join(sorted(set(doubled)))}
        )
    missing = [name for name in REQUIRED if name not in positions]
    if "last_name" not in positions and "organisation_name" not in positions:
        missing.append(_("last_name or organisation_name"))
    if missing:
        raise TableFileError(
            _("%(file)s: missing required column(s): %(columns)s")
            % {"file": table.file_name, "columns": ", ".join(missing)}
        )
    return positions


def parse_choice(cell: Cell, column: str) -> str:
    raw = re.sub(r"[\s\-]+", "_", text(cell).lower())
    value = VALUE_ALIASES.get(column, {}).get(raw, raw)
    if value not in CHOICES[column]:
        raise ValueError(
            _("%(value)s is not one of: %(choices)s")
            % {"value": text(cell) or _("(empty)"), "choices": ", ".join(CHOICES[column])}
        )
    return value
