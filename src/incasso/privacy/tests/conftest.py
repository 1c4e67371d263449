"""A debtor with a full file: the personal data every part of Incasso keeps, made through the services."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from incasso.letters.tests.conftest import LETTER_DAY, letterhead, queue_message, zorg_letter_case  # noqa: F401

# What the debtor's file holds that names them; none of it may survive an erasure.
PERSONAL = {
    "first_names": "Jantine",
    "last_name": "Kwakernaak",
    "street": "Lindenlaan",
    "email": "jantine.kwakernaak@example.nl",
    "phone": "0612345678",
    "iban": "NL02ABNA0123456789",
    "payer": "J KWAKERNAAK-DE WIT",
    "note": "vertelde over haar ziekenhuisopname",
    "call": "zegt dat ze ziek thuis zit",
    "dispute": "nooit behandeld op de poli dermatologie",
    "document": "verwijsbrief-kwakernaak.pdf",
    "income": "1873.45",
    "goods": "traplift met serienummer KW-7781",
    "question": "heeft mevrouw de behandeling op 3 maart gehad",
    "answer": "ja, behandeld door dr. Oosterbroek",
    "return_note": "buurvrouw zegt: verhuisd naar haar dochter in Zwolle",
    "ip": "203.0.113.77",  # the portal acceptance of the settlement offer
}


@dataclass
class File:
    case: object
    debtor: object
    document_path: object
    principal: Decimal


@pytest.fixture
def full_file(zorg_letter_case, officer, tmp_path, settings) -> File:  # noqa: F811
    from incasso.arrangements.disputes import dispute_open
    from incasso.audit.models import AccessKind
    from incasso.audit.services import access_record
    from incasso.cases.ledger import ledger_book
    from incasso.cases.models import Bucket, EntryKind
    from incasso.cases.timeline import contact_log, document_add, note_add
    from incasso.debtors.models import BankAccount, ContactPoint
    from incasso.letters.print_batch import print_batch
    from incasso.payments.models import BankStatementImport, BankTransaction

    settings.MEDIA_ROOT = str(tmp_path / "media")
    case = zorg_letter_case
    debtor = case.debtor
    debtor.first_names = PERSONAL["first_names"]
    debtor.last_name = PERSONAL["last_name"]
    debtor.date_of_birth = dt.date(1971, 6, 3)
    debtor.save()
    address = debtor.addresses.get()
    address.street = PERSONAL["street"]
    address.save()
    ContactPoint.objects.create(debtor=debtor, kind="email", value=PERSONAL["email"])
    ContactPoint.objects.create(debtor=debtor, kind="phone", value=PERSONAL["phone"])
    BankAccount.objects.create(debtor=debtor, iban=PERSONAL["iban"], holder_name=PERSONAL["payer"])

    reminder = queue_message(case, channel="letter", template_code="reminder")
    print_batch(on=LETTER_DAY, out_dir=tmp_path / "print")
    from incasso.letters.returns import letter_return_record

    letter_return_record(
        case=case,
        message_id=reminder.pk,
        reason="moved",
        returned_on=LETTER_DAY + dt.timedelta(days=3),
        actor=officer,
        note=PERSONAL["return_note"],
    )
    address.refresh_from_db()
    address.is_valid = True  # the debtor's new address, say: the rest of the file needs one
    address.save()
    note_add(case=case, author=officer, text=f"Debiteur {PERSONAL['note']}")
    contact_log(case=case, kind="call", outcome="reached", note=PERSONAL["call"], actor=officer)
    document = document_add(
        case=case,
        upload=SimpleUploadedFile(PERSONAL["document"], b"%PDF-1.4 verwijsbrief", "application/pdf"),
        kind="correspondence",
        uploaded_by=officer,
    )
    access_record(user=officer, case=case, kind=AccessKind.DOCUMENT, detail=document.original_name)
    dispute_open(case=case, reason="not_received", description=PERSONAL["dispute"], officer=officer)
    from incasso.arrangements.settlements import settlement_propose

    offer = settlement_propose(
        case=case,
        kind="goods_return",
        amount=Decimal("100.00"),
        deadline=timezone.localdate() + dt.timedelta(days=10),
        officer=officer,
        settles_in_full=False,
        goods_description=PERSONAL["goods"],
        return_instructions=f"ophalen aan de {PERSONAL['street']}",
    )
    from incasso.arrangements.settlements import settlement_accept_online

    settlement_accept_online(
        settlement=offer, document_sha256=offer.agreement_sha256, ip=PERSONAL["ip"], actor_label="portal"
    )
    from incasso.cases.questions import question_answer, question_ask
    from incasso.cases.tests.factories import UserFactory

    question = question_ask(case=case, question=PERSONAL["question"], officer=officer, topic="dispute")
    client_user = UserFactory(username="privacy-klant", role="client_user", client=case.client)
    question_answer(question=question, answer=PERSONAL["answer"], user=client_user)
    record = BankStatementImport.objects.create(
        file_name="t.xml", sha256="1" * 64, format="camt.053", imported_at=timezone.now(), entries_read=1
    )
    BankTransaction.objects.create(
        statement_import=record,
        account_iban="NL20INGB0001234567",
        key="K1",
        booking_date=dt.date(2026, 3, 10),
        value_date=dt.date(2026, 3, 10),
        amount=Decimal("50.00"),
        counterparty_name=PERSONAL["payer"],
        counterparty_iban=PERSONAL["iban"],
        remittance_text=f"dossier {case.number} {PERSONAL['last_name']}",
        status="booked",
        case=case,
    )
    ledger_book(
        case=case,
        bucket=Bucket.PRINCIPAL,
        kind=EntryKind.PAYMENT,
        amount=Decimal("-50.00"),
        value_on=dt.date(2026, 3, 10),
        source="bank",
        reason=f"Betaling {PERSONAL['payer']}",
    )
    from incasso.payments.direct_debit import mandate_record

    mandate_record(
        case=case,
        debtor_name=PERSONAL["payer"],
        debtor_iban=PERSONAL["iban"],
        signed_on=dt.date(2026, 3, 1),
        actor=officer,
        today=max(timezone.localdate(), dt.date(2026, 3, 1)),
    )
    return File(case=case, debtor=debtor, document_path=document.file.path, principal=Decimal("1250.00"))


def close(case, *, on: dt.date, by) -> None:
    from incasso.cases.services import case_transition

    case_transition(case=case, to="closed", actor=by, closing_reason="uncollectable", on=on)
