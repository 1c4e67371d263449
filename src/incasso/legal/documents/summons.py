"""The draft summons (concept-dagvaarding, art. 111 Rv) as blocks. A draft for the bailiff or lawyer:
what the system knows is filled in; what it cannot know (roldatum, hearing address, the defendant's
defences) is marked as a placeholder. Pure over a `Dossier`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from incasso.calculations.sheet import format_date, format_money
from incasso.legal.court import COURT_LABEL, Court
from incasso.legal.documents.blocks import Block, LegalDocument, heading, kv, para, placeholder
from incasso.legal.documents.summary import claims_block, party_rows, totals_block

if TYPE_CHECKING:
    from incasso.legal.dossier import Dossier


def summons_document(d: Dossier) -> LegalDocument:
    s = d.statement
    court = COURT_LABEL[d.court.court]
    fee = (
        format_money(d.fee.amount)
        if d.fee.amount is not None
        else "[griffierecht rechtbank: zie rechtspraak.nl]"
    )
    interests = sorted({c.interest for c in d.claims})
    principal = s.principal.outstanding if s else sum((c.principal for c in d.claims), Decimal(0))
    blocks: list[Block] = [
        placeholder(
            "CONCEPT – opgesteld door het incassosysteem. De gerechtsdeurwaarder of advocaat vult de gemarkeerde "
            "gegevens in en controleert het geheel voor betekening."
        ),
        para(
            f"Heden, [datum betekening], op verzoek van {d.client.name}"
            + (f", ingeschreven in het Handelsregister onder nummer {d.client.kvk}" if d.client.kvk else "")
            + ", die in deze zaak woonplaats kiest ten kantore van [gemachtigde / gerechtsdeurwaarder, adres], "
            "heb ik, [naam gerechtsdeurwaarder], gerechtsdeurwaarder te [plaats],"
        ),
        heading("Eiser"),
        kv(party_rows("Eiser", d.client)),
        heading("Gedaagde"),
        kv(party_rows("Gedaagde", d.debtor)),
        heading("Oproeping"),
        para(
            "Gedaagde wordt opgeroepen om op [roldatum] om [tijd] uur "
            + (
                "in persoon of vertegenwoordigd door een gemachtigde"
                if d.court.court is Court.KANTONRECHTER
                else "vertegenwoordigd door een advocaat"
            )
            + f" te verschijnen ter terechtzitting van de {court}, zittingsplaats [adres], in de regel de "
            "rechtbank van de woonplaats van gedaagde (art. 99 Rv)."
        ),
        para(
            "Indien gedaagde niet verschijnt en het griffierecht niet tijdig voldoet, verleent de rechter verstek "
            "en wijst hij de vordering toe, tenzij deze hem onrechtmatig of ongegrond voorkomt (art. 139 Rv)."
        ),
        para(
            f"Van eiser wordt griffierecht geheven (schatting {fee}; {d.fee.note}). "
            "[Of van gedaagde bij verschijning griffierecht wordt geheven, het bedrag en de betalingstermijn.]"
        ),
        heading("Eis en gronden"),
        para(
            f"1. Eiser heeft aan gedaagde op diens verzoek geleverd en/of diensten verricht ({d.debt_type}) en "
            "daarvoor de volgende facturen gezonden:"
        ),
        claims_block(d),
        para(
            "2. Gedaagde heeft de facturen ondanks herhaalde aanmaning niet (volledig) betaald en is in verzuim "
            "vanaf de vervaldata hierboven. Op de overeenkomst zijn [algemene voorwaarden, bron] van toepassing."
        ),
        para(
            f"3. Over de hoofdsom is verschuldigd: {', '.join(interests)}, berekend tot de dag van dagvaarding."
        ),
    ]
    if s is not None and s.costs.charged:
        blocks.append(
            para(
                f"4. Eiser heeft buitengerechtelijke werkzaamheden verricht; de buitengerechtelijke incassokosten "
                f"bedragen {format_money(s.costs.charged)} (art. 6:96 BW, Besluit vergoeding voor buitengerechtelijke "
                "incassokosten)"
                + (", na een veertiendagenbrief van [datum, bewijs van ontvangst]." if d.consumer else ".")
            )
        )
    if d.payments:
        paid = sum((p.amount for p in d.payments), Decimal(0))
        blocks.append(
            para(
                f"5. Gedaagde heeft in totaal {format_money(paid)} betaald; dat is toegerekend volgens art. 6:43–6:44 BW."
            )
        )
    if s is not None:
        blocks += [
            heading(f"Berekening tot de dag van dagvaarding ({format_date(d.as_of)})"),
            totals_block(d),
        ]
    blocks += [
        heading("Verweer en bewijs (art. 111 lid 3 Rv)"),
        placeholder("[Door gedaagde gevoerde verweren en de reactie daarop.]"),
        para(
            "Bewijsmiddelen: "
            + (", ".join(f"{name} ({kind})" for _, name, kind, _, _ in d.documents) or "[bewijsstukken]")
            + ". Eiser biedt bewijs aan van al zijn stellingen."
        ),
        heading("Bevoegdheid"),
        para(f"{court}: {d.court.reason} (vordering {format_money(d.court.value)})."),
        heading("Eis"),
        para(
            f"Eiser vordert dat de {court} bij uitvoerbaar bij voorraad verklaard vonnis gedaagde veroordeelt tot "
            f"betaling van {format_money(d.outstanding)}, vermeerderd met de {', '.join(interests)} over "
            f"{format_money(principal)} vanaf {format_date(d.as_of + dt.timedelta(days=1))} tot de dag der algehele "
            "voldoening, met veroordeling van gedaagde in de kosten van het geding."
        ),
        placeholder("[Kosten exploot: € …]  [Handtekening gerechtsdeurwaarder]"),
    ]
    return LegalDocument(
        title="Concept-dagvaarding",
        subtitle=f"{d.client.name} / {d.debtor.name}",
        date=format_date(d.as_of),
        reference=d.case_number,
        author=d.agency,
        blocks=tuple(blocks),
        footer=f"Concept · dossier {d.case_number} · berekend tot en met {format_date(d.as_of)}",
    )
