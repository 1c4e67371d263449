"""The demo's fixed material: its clients, the states a case ends up in and the paths there, the notes,
tasks and names it draws from."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from incasso.cases.models import TaskKind

DEMO_PASSWORD = "incasso-demo"
SOURCE = "demo"
DEMO_ACCOUNT = "NL20INGB0001234567"  # the agency's (fictitious) collection account on the demo statement
DEMO_MANDATES = 4  # arrangements paid by SEPA direct debit, each with a signed mandate
CENT = Decimal("0.01")
VAT_PERCENT = Decimal(21)
BANKS = ("ABNA", "INGB", "RABO", "SNSB", "ASNB", "TRIO", "KNAB", "BUNQ", "RBRB")
NAME_PREFIXES = ("van der ", "van den ", "van de ", "van ", "de ", "den ", "ter ", "ten ", "in 't ", "'t ")
AREA_CODES = (
    "010",
    "020",
    "023",
    "024",
    "030",
    "033",
    "035",
    "040",
    "043",
    "050",
    "053",
    "070",
    "071",
    "076",
)


@dataclass(frozen=True)
class ClientSpec:
    code: str
    name: str
    kvk_number: str
    vat_deductible: bool
    remittance_iban: str
    debt_type: str
    invoice_prefix: str
    reference_prefix: str
    business_share: float  # how many debtors are organisations
    principal: tuple[int, int]  # euros, min and max per invoice
    descriptions: tuple[str, ...]
    weight: int
    user: str


CLIENTS = (
    ClientSpec(
        "DEMO-ZORG",
        "Zorggroep Rijnland",
        "41178390",
        True,
        "NL64ABNA0417164301",
        "healthcare",
        "ZR",
        "PAT-",
        0.03,
        (35, 2400),
        (
            "Poliklinisch consult",
            "Dagopname",
            "Laboratoriumonderzoek",
            "Eigen bijdrage operatie",
            "Fysiotherapie",
            "Spoedeisende hulp",
            "Röntgenonderzoek",
        ),
        3,
        "klant-zorg",
    ),
    ClientSpec(
        "DEMO-ENERGIE",
        "Energie Direct Nederland B.V.",
        "52837461",
        False,
        "NL20INGB0001234567",
        "energy",
        "EN",
        "KL",
        0.15,
        (60, 1900),
        (
            "Jaarafrekening stroom en gas",
            "Termijnbedrag elektriciteit",
            "Eindafrekening na verhuizing",
            "Netbeheerkosten",
            "Termijnbedrag gas",
        ),
        3,
        "klant-energie",
    ),
    ClientSpec(
        "DEMO-SHOP",
        "Webwinkel Huis & Tuin B.V.",
        "63019274",
        True,
        "NL44RABO0123456789",
        "goods",
        "WS",
        "ORD-",
        0.25,
        (15, 650),
        (
            "Tuinset Lugano",
            "Barbecue en accessoires",
            "Vloerkleed 200x300",
            "Bestelling via achteraf betalen",
            "Hogedrukreiniger",
            "Bureaustoel",
        ),
        2,
        "klant-shop",
    ),
    ClientSpec(
        "DEMO-WONEN",
        "Woonstichting De Linie",
        "30126587",
        True,
        "NL61SNSB0987654321",
        "rent",
        "HL",
        "HC-",
        0.02,
        (640, 1150),
        (
            "Huur en servicekosten",
            "Huurachterstand",
            "Eindafrekening servicekosten",
            "Herstelkosten na oplevering",
        ),
        2,
        "klant-wonen",
    ),
)

# target state, closing reason, weight
STATES = (
    ("new", "", 9),
    ("amicable", "", 30),
    ("arrangement", "", 12),
    ("on_hold", "", 7),
    ("legal", "", 8),
    ("bailiff", "", 5),
    ("closed", "paid", 14),
    ("closed", "settled", 5),
    ("closed", "uncollectable", 5),
    ("closed", "withdrawn", 5),
)
PATHS = {
    "new": (),
    "amicable": ("amicable",),
    "arrangement": ("amicable", "arrangement"),
    "on_hold": ("amicable", "on_hold"),
    "legal": ("amicable", "legal"),
    "bailiff": ("amicable", "legal", "bailiff"),
    "closed": ("amicable", "closed"),
}
REASONS = {
    "arrangement": ("Betalingsregeling afgesproken", "Regeling na telefonisch contact"),
    "on_hold": (
        "Dispuut over de factuur",
        "Schuldhulpverlening gestart",
        "Betaalbelofte",
        "Overleden, wacht op erven",
    ),
    "legal": ("Geen reactie op sommaties", "Dagvaarding voorbereiden"),
    "bailiff": ("Vonnis ontvangen, naar deurwaarder",),
}
NOTES = (
    "Debiteur gebeld: belooft voor het einde van de maand te betalen.",
    "Debiteur betwist de hoogte van de factuur; kopie opgevraagd bij opdrachtgever.",
    "Voicemail ingesproken, verzoek om terugbellen.",
    "E-mail ontvangen: debiteur vraagt om een betalingsregeling.",
    "Adres gecontroleerd, klopt volgens debiteur.",
    "Opdrachtgever meldt dat de dienst correct is geleverd.",
    "Debiteur geeft aan in de schuldhulpverlening te zitten; bewijs opgevraagd.",
    "Werkgever bekend; loonbeslag mogelijk na vonnis.",
)
# Calls and home visits logged on the demo's cases: (kind, outcome, weight, notes to pick from)
CONTACTS = (
    ("call", "no_answer", 40, ("", "Voicemail ingesproken, verzoek om terugbellen.")),
    (
        "call",
        "reached",
        25,
        ("Debiteur kent de factuur, betaalt na salaris.", "Uitgelegd hoe de rente is berekend."),
    ),
    ("call", "promise", 15, ("Belooft het volledige bedrag deze maand over te maken.",)),
    ("call", "refused", 10, ("Debiteur vindt de incassokosten te hoog.",)),
    ("visit", "no_answer", 6, ("Niemand thuis, kaartje achtergelaten.",)),
    ("visit", "reached", 4, ("Thuis gesproken; debiteur vraagt om een regeling.",)),
)
TASKS = (
    (TaskKind.CALL, "Debiteur terugbellen"),
    (TaskKind.REVIEW, "Dossier beoordelen na termijn"),
    (TaskKind.FIND_CONTACT, "Nieuw telefoonnummer zoeken"),
    # not an approval: a proposed arrangement waits on the supervisor's approvals page, not as a task
    (TaskKind.REVIEW, "Reactie van de opdrachtgever verwerken"),
    (TaskKind.CALL, "Betaalbelofte controleren"),
)
