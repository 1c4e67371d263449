"""The copy of a debtor's personal data (GDPR art. 15 and 20): one ZIP a supervisor hands over.

`gegevens.json` holds every record kept on the debtor and their cases, in a machine-readable form
(art. 20); the letters as sent, the uploaded documents and the signed arrangements are in the ZIP
as the files themselves; `LEESMIJ.txt` says in plain Dutch what the file holds, why the data is
processed, how long it is kept and which rights the debtor has.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils import timezone

from incasso.arrangements.models import Arrangement, Dispute, Instalment, PaymentPromise, Settlement
from incasso.cases.models import (
    Case,
    Claim,
    ClientQuestion,
    Document,
    Event,
    InterestFreeze,
    LedgerEntry,
    Note,
    Task,
)
from incasso.debtors.models import Debtor
from incasso.legal.models import BailiffUpdate, Handover, LimitationEvent
from incasso.letters.models import SentLetter
from incasso.payments.models import BankTransaction, Mandate
from incasso.privacy import retention
from incasso.strategies.models import ChannelOptOut, Hold, OutgoingMessage

FORMAT = "incasso-inzage/1"
# Internal keys of the system that say nothing about the debtor.
SKIPPED_FIELDS = frozenset({"next_action_on", "key", "position", "statement_import", "sha256"})


def _value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _row(obj: models.Model) -> dict[str, Any]:
    """Every stored column of one record; files and binary columns are named, not inlined."""
    out: dict[str, Any] = {}
    for f in obj._meta.concrete_fields:
        if f.name in SKIPPED_FIELDS or isinstance(f, models.BinaryField):
            continue
        if isinstance(f, models.FileField):
            out[f.name] = getattr(obj, f.name).name or None
            continue
        if f.choices and getattr(obj, f.attname):
            out[f.name] = getattr(obj, f.attname)
            out[f"{f.name}_label"] = str(getattr(obj, f"get_{f.name}_display")())
            continue
        out[f.name if not f.is_relation else f.attname] = _value(getattr(obj, f.attname))
    return out


def _rows(qs: Iterable[models.Model]) -> list[dict[str, Any]]:
    return [_row(obj) for obj in qs]


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("_") or "bestand"


@dataclass(frozen=True)
class Export:
    filename: str
    content: bytes
    data: dict[str, Any]
    files: tuple[str, ...]


README = """Inzage in uw persoonsgegevens

Dit bestand bevat alle gegevens die {agency} over u heeft, op {date}.
U vroeg hierom op grond van artikel 15 van de Algemene verordening gegevensbescherming (AVG).

Wat zit erin?
- gegevens.json: al uw gegevens in een vorm die een computer kan lezen: uw naam, adressen,
  e-mailadressen, telefoonnummers en bankrekeningen, en per dossier de facturen, de berekening
  van wat u moet betalen, uw betalingen, afspraken, brieven, notities en wat er is gebeurd.
- brieven/: de brieven zoals wij ze u stuurden.
- documenten/: de stukken in uw dossier.
- regelingen/: uw betalingsregelingen, zoals u ze kreeg en tekende.

Waarom hebben wij deze gegevens?
Wij innen een vordering voor onze opdrachtgever. Daarvoor hebben wij uw gegevens nodig.

Hoe lang bewaren wij ze?
Zolang een dossier open is. Daarna nog {years} jaar. Dan halen wij uw naam, adres en andere
persoonsgegevens weg. De bedragen blijven bewaard, zonder uw naam.

Wat kunt u doen?
Klopt er iets niet? Dan kunt u ons vragen dit te verbeteren. U kunt ook vragen uw gegevens te
verwijderen als wij ze niet meer nodig hebben. Bent u het niet met ons eens? Dan kunt u een klacht
indienen bij de Autoriteit Persoonsgegevens (autoriteitpersoonsgegevens.nl).
"""


def debtor_export(debtor: Debtor, *, agency: str, years: int, today: dt.date | None = None) -> Export:
    """Everything held on the debtor, as a ZIP. Reads only."""
    today = today or timezone.localdate()
    cases = list(Case.objects.filter(debtor=debtor).select_related("client", "debt_type").order_by("pk"))
    files: dict[str, bytes] = {}
    case_rows = []
    for case in cases:
        c = case.pk
        letters = list(
            SentLetter.objects.filter(case_id=c).select_related("template").order_by("sent_at", "pk")
        )
        for sent in letters:
            if sent.pdf:
                files[f"brieven/{case.number}-{sent.letter_date}-{sent.template.code}-{sent.pk}.pdf"] = bytes(
                    sent.pdf
                )
        documents = list(Document.objects.filter(case_id=c).order_by("pk"))
        for document in documents:
            if document.file:
                with document.file.open("rb") as fh:
                    files[f"documenten/{case.number}-{document.pk}-{_safe(document.original_name)}"] = (
                        fh.read()
                    )
        arrangements = list(Arrangement.objects.filter(case_id=c).order_by("pk"))
        settlements = list(Settlement.objects.filter(case_id=c).order_by("pk"))
        agreed: list[tuple[str, str, Arrangement | Settlement]] = [
            *((f"{a.pk}", "regeling", a) for a in arrangements),
            *((f"S{s.pk}", "schikking", s) for s in settlements),
        ]
        for name, kind, item in agreed:  # the agreements as made, and the signed copies that came back
            if item.agreement_pdf:
                files[f"regelingen/{case.number}-{name}-{kind}.pdf"] = bytes(item.agreement_pdf)
            if item.signed_upload:
                files[f"regelingen/{case.number}-{name}-getekend"] = bytes(item.signed_upload)
        case_rows.append(
            {
                **_row(case),
                "client_name": case.client.name,
                "debt_type_name": case.debt_type.name,
                "claims": _rows(Claim.objects.filter(case_id=c).order_by("pk")),
                "ledger": _rows(LedgerEntry.objects.filter(case_id=c).order_by("value_on", "pk")),
                "interest_freezes": _rows(InterestFreeze.objects.filter(case_id=c).order_by("pk")),
                "timeline": _rows(Event.objects.filter(case_id=c).order_by("occurred_at", "pk")),
                "notes": _rows(Note.objects.filter(case_id=c).order_by("pk")),
                "tasks": _rows(Task.objects.filter(case_id=c).order_by("pk")),
                "messages": _rows(OutgoingMessage.objects.filter(case_id=c).order_by("pk")),
                "letters": _rows(letters),
                "documents": _rows(documents),
                "payments_received": _rows(
                    BankTransaction.objects.filter(case_id=c).order_by("value_date", "pk")
                ),
                "mandates": _rows(Mandate.objects.filter(case_id=c).order_by("pk")),
                "arrangements": [
                    {
                        **_row(arrangement),
                        "instalments": _rows(
                            Instalment.objects.filter(arrangement=arrangement).order_by("number")
                        ),
                    }
                    for arrangement in arrangements
                ],
                "settlements": _rows(settlements),
                "payment_promises": _rows(PaymentPromise.objects.filter(case_id=c).order_by("pk")),
                "disputes": _rows(Dispute.objects.filter(case_id=c).order_by("pk")),
                "questions_to_client": _rows(ClientQuestion.objects.filter(case_id=c).order_by("pk")),
                "holds": _rows(Hold.objects.filter(case_id=c).order_by("pk")),
                "limitation_events": _rows(LimitationEvent.objects.filter(claim__case_id=c).order_by("pk")),
                "handovers": _rows(Handover.objects.filter(case_id=c).order_by("pk")),
                "bailiff_updates": _rows(BailiffUpdate.objects.filter(case_id=c).order_by("pk")),
            }
        )
    state = retention.retention((case.closed_on for case in cases), today=today, years=years)
    data = {
        "format": FORMAT,
        "generated_on": today.isoformat(),
        "controller": agency,
        "retention": {
            "years_after_last_case_closed": years,
            "state": state.state.value,
            "erase_on": state.erase_on.isoformat() if state.erase_on else None,
        },
        "debtor": _row(debtor),
        "addresses": _rows(debtor.addresses.order_by("pk")),
        "contact_points": _rows(debtor.contact_points.order_by("pk")),
        "bank_accounts": _rows(debtor.bank_accounts.order_by("pk")),
        "channel_opt_outs": _rows(ChannelOptOut.objects.filter(debtor=debtor).order_by("pk")),
        "cases": case_rows,
        "files": sorted(files),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("LEESMIJ.txt", README.format(agency=agency, date=f"{today:%d-%m-%Y}", years=years))
        archive.writestr("gegevens.json", json.dumps(data, ensure_ascii=False, indent=2, default=str))
        for name, content in sorted(files.items()):
            archive.writestr(name, content)
    return Export(
        filename=f"inzage-debiteur-{debtor.pk}-{today:%Y%m%d}.zip",
        content=buffer.getvalue(),
        data=data,
        files=tuple(sorted(files)),
    )
