"""Demo letters: one fixed summons (sommatie) for previews and the reference image, and varied ones
for the benchmark. All names, addresses and numbers are made up (the IBAN is the well-known
ABN AMRO example number)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import ROUND_HALF_UP, Decimal

from incasso.calculations.payment_reference import generate_payment_reference
from incasso.letters.rendering.data import Addressee, ClaimRow, Language, LetterData, Letterhead, Totals
from incasso.letters.rendering.formatting import format_date, format_money

CENT = Decimal("0.01")

AGENCY = Letterhead(
    name="Noordhoek Incasso B.V.",
    address_lines=("Oudegracht 120", "3511 AZ Utrecht"),
    wki_registration="2024-000123",
    kvk="87654321",
    iban="NL91ABNA0417164300",
    bic="ABNANL2A",
    account_holder="Noordhoek Incasso B.V. inzake derdengelden",
    phone="030 123 45 67",
    email="info@noordhoekincasso.nl",
    website="www.noordhoekincasso.nl",
    complaint_line=(
        "Een klacht? Lees op noordhoekincasso.nl/klachten hoe u die indient. "
        "Komen wij er samen niet uit, dan kunt u naar de Geschillencommissie Incasso."
    ),
    client_name="Energiebedrijf Voorbeeld B.V.",
    return_address="Retouradres: Postbus 1234, 3500 BE Utrecht",
)

AGENCY_EN = Letterhead(
    **{
        **{f: getattr(AGENCY, f) for f in AGENCY.__dataclass_fields__},
        "complaint_line": (
            "A complaint? Read on noordhoekincasso.nl/complaints how to file it. "
            "If we cannot resolve it together, you can go to the Geschillencommissie Incasso."
        ),
        "return_address": "Return address: Postbus 1234, 3500 BE Utrecht",
    }
)


def _bik(principal: Decimal) -> Decimal:
    """Collection costs per the staffel (Besluit BIK art. 2), for realistic demo amounts only."""
    steps = (
        (Decimal(2500), Decimal("0.15")),
        (Decimal(2500), Decimal("0.10")),
        (Decimal(5000), Decimal("0.05")),
        (Decimal(190000), Decimal("0.01")),
    )
    rest, costs = principal, Decimal(0)
    for size, rate in steps:
        part = min(rest, size)
        costs += part * rate
        rest -= part
    costs += rest * Decimal("0.005")
    return min(max(costs, Decimal(40)), Decimal(6775)).quantize(CENT, rounding=ROUND_HALF_UP)


def claims_with_costs(
    raw: list[tuple[str, dt.date, str, Decimal, Decimal]],
) -> tuple[tuple[ClaimRow, ...], Decimal]:
    """Spread the collection costs over the invoices by principal; the last takes the remainder."""
    total_principal = sum((r[3] for r in raw), Decimal(0))
    costs = _bik(total_principal)
    rows, spread = [], Decimal(0)
    for i, (number, date, desc, principal, interest) in enumerate(raw):
        if i == len(raw) - 1:
            part = costs - spread
        else:
            part = (costs * principal / total_principal).quantize(CENT, rounding=ROUND_HALF_UP)
            spread += part
        rows.append(ClaimRow(number, date, desc, principal, interest, part, principal + interest + part))
    return tuple(rows), costs


def _totals(
    claims: tuple[ClaimRow, ...], vat_rate: Decimal = Decimal(0), paid: Decimal = Decimal("0.00")
) -> Totals:
    principal = sum((c.principal for c in claims), Decimal("0.00"))
    interest = sum((c.interest for c in claims), Decimal("0.00"))
    costs = sum((c.costs for c in claims), Decimal("0.00"))
    vat = (costs * vat_rate).quantize(CENT, rounding=ROUND_HALF_UP)
    return Totals(principal, interest, costs, vat, principal + interest + costs + vat - paid, paid)


def _paragraphs(
    language: Language, *, client: str, first_letter: dt.date, costs: Decimal
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if language == "nl":
        before = (
            f"{client} heeft ons gevraagd om de facturen hieronder bij u te innen. "
            "U heeft deze nog niet betaald. "
            f"Op {format_date(first_letter)} hebben wij u een brief gestuurd. Daarin vroegen wij u om binnen "
            "14 dagen te betalen. Wij hebben uw betaling niet ontvangen.",
            f"Daarom moet u nu ook incassokosten betalen: {format_money(costs, 'nl')}. Ook rekenen wij de "
            "wettelijke rente. In het overzicht ziet u per factuur wat u moet betalen.",
        )
        after = (
            "Kunt u niet in één keer betalen? Bel of mail ons dan. Dan zoeken wij samen met u naar een "
            "oplossing, bijvoorbeeld een betalingsregeling. "
            "Heeft u meer schulden? Uw gemeente kan u gratis helpen.",
            "Bent u het niet eens met deze vordering? Laat het ons dan weten, het liefst per e-mail. "
            "Dan zetten wij de zaak stil tot wij uw bericht hebben beantwoord.",
        )
    else:
        before = (
            f"{client} has asked us to collect the invoices below from you. You have not yet paid them. "
            f"On {format_date(first_letter)} we sent you a letter asking you to pay within 14 days. "
            "We have not received your payment.",
            f"This is why you now also have to pay collection costs: {format_money(costs, 'en')}. We also "
            "charge the statutory interest. The overview shows what you have to pay for each invoice.",
        )
        after = (
            "Can you not pay everything at once? Call or e-mail us. We will look for a solution together "
            "with you, such as a payment plan. "
            "Do you have other debts? Your municipality can help you free of charge.",
            "Do you disagree with this claim? Please let us know, preferably by e-mail. "
            "We will put the case on hold until we have answered your message.",
        )
    return before, after


def sample_letter(*, n_claims: int = 3, language: Language = "nl") -> LetterData:
    """The fixed demo summons: 3 invoices from an energy supplier to a consumer."""
    base = [
        ("F2026-10412", dt.date(2026, 6, 3), "Energielevering juni 2026", Decimal("245.00"), Decimal("6.12")),
        ("F2026-11873", dt.date(2026, 7, 2), "Energielevering juli 2026", Decimal("189.50"), Decimal("3.98")),
        ("F2026-13301", dt.date(2026, 8, 4), "Jaarafrekening 2025–2026", Decimal("412.75"), Decimal("6.44")),
    ]
    raw = (
        [
            (
                f"F2026-{10412 + 731 * i:05d}",
                dt.date(2026, 1 + i % 9, 1 + i % 27),
                f"Energielevering {i + 1}",
                Decimal(120 + 37 * i).quantize(CENT) + Decimal("0.45"),
                Decimal(i % 7) + Decimal("0.38"),
            )
            for i in range(n_claims)
        ]
        if n_claims != 3
        else base
    )
    if language == "en":
        raw = [
            (
                n,
                d,
                desc.replace("Energielevering", "Energy supply").replace(
                    "Jaarafrekening", "Annual statement"
                ),
                p,
                i,
            )
            for n, d, desc, p, i in raw
        ]
    claims, costs = claims_with_costs(raw)
    before, after = _paragraphs(
        language, client="Energiebedrijf Voorbeeld B.V.", first_letter=dt.date(2026, 10, 20), costs=costs
    )
    return LetterData(
        letterhead=AGENCY if language == "nl" else AGENCY_EN,
        addressee=Addressee("De heer J. de Vries", ("Lindenlaan 14",), "3818 KX", "Amersfoort"),
        letter_date=dt.date(2026, 11, 22),
        our_reference="NI-2026-056789",
        client_reference="KL-0048213",
        subject="Sommatie: betaal uiterlijk 09-12-2026"
        if language == "nl"
        else "Final demand: pay by 09-12-2026",
        salutation="Geachte heer De Vries," if language == "nl" else "Dear Mr De Vries,",
        paragraphs=before,
        paragraphs_after=after,
        claims=claims,
        totals=_totals(claims),
        payment_reference="5000 0567 8901 2345",
        pay_by=dt.date(2026, 12, 9),
        payment_iban=AGENCY.iban,
        closing="Met vriendelijke groet," if language == "nl" else "Kind regards,",
        signer_name="M. Bakker",
        signer_title="Incassomedewerker" if language == "nl" else "Collection officer",
        language=language,
    )


_FIRST = ("J.", "A.", "M.", "S.", "P.", "E.", "K.", "L.", "R.", "W.")
_LAST = (
    "de Vries",
    "Jansen",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "de Groot",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "van Leeuwen",
    "Dekker",
    "Brouwer",
    "de Wit",
    "Dijkstra",
    "Smits",
    "Yılmaz",
)
_STREETS = (
    "Lindenlaan",
    "Kerkstraat",
    "Dorpsstraat",
    "Stationsweg",
    "Molenweg",
    "Julianastraat",
    "Beukenlaan",
)
_TOWNS = ("Amersfoort", "Utrecht", "Zwolle", "Groningen", "Tilburg", "Leeuwarden", "Den Haag", "Rotterdam")


def varied_letter(seed: int, *, language: Language = "nl") -> LetterData:
    """A different but realistic summons per seed (1–5 invoices), for the benchmark."""
    rng = random.Random(seed)
    n = rng.randint(1, 5)
    raw = []
    for i in range(n):
        principal = Decimal(rng.randint(2500, 250000)) / 100
        raw.append(
            (
                f"F2026-{rng.randint(10000, 99999)}",
                dt.date(2026, rng.randint(1, 9), rng.randint(1, 28)),
                f"Levering {i + 1}",
                principal,
                (principal * Decimal(rng.randint(1, 60)) / 1000).quantize(CENT),
            )
        )
    claims, costs = claims_with_costs(raw)
    last = rng.choice(_LAST)
    before, after = _paragraphs(
        language, client="Energiebedrijf Voorbeeld B.V.", first_letter=dt.date(2026, 10, 20), costs=costs
    )
    letter_date = dt.date(2026, 11, 1) + dt.timedelta(days=seed % 28)
    vat = Decimal("0.21") if seed % 4 == 0 else Decimal(0)
    return LetterData(
        letterhead=AGENCY if language == "nl" else AGENCY_EN,
        addressee=Addressee(
            f"{rng.choice(('De heer', 'Mevrouw'))} {rng.choice(_FIRST)} {last}",
            (f"{rng.choice(_STREETS)} {rng.randint(1, 250)}",),
            f"{rng.randint(1000, 9999)} {''.join(rng.choices('ABCDEFGHJKLMNPRSTVWXZ', k=2))}",
            rng.choice(_TOWNS),
        ),
        letter_date=letter_date,
        our_reference=f"NI-2026-{seed:06d}",
        client_reference=f"KL-{rng.randint(1000000, 9999999)}",
        subject=f"Sommatie: betaal uiterlijk {format_date(letter_date + dt.timedelta(days=17))}",
        salutation=f"Geachte heer of mevrouw {last[0].upper() + last[1:]},",
        paragraphs=before,
        paragraphs_after=after,
        claims=claims,
        totals=_totals(claims, vat_rate=vat),
        payment_reference=generate_payment_reference(2026_000000 + seed),
        pay_by=letter_date + dt.timedelta(days=17),
        payment_iban=AGENCY.iban,
        closing="Met vriendelijke groet,",
        signer_name="M. Bakker",
        signer_title="Incassomedewerker",
        language=language,
    )
