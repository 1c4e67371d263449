"""Builders for legal tests: a case with a debt type of a given limitation class, documents."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.files.base import ContentFile

from incasso.cases.models import Case, DebtType, Document
from incasso.cases.tests.factories import AddressFactory, CaseFactory, ClaimFactory


def debt_type(limitation_class: str) -> DebtType:
    found, _ = DebtType.objects.get_or_create(
        code=f"legal-{limitation_class.replace(':', '-')}",
        defaults={"name": f"test {limitation_class}", "limitation_class": limitation_class},
    )
    return found


def case_with_claim(
    *,
    limitation_class: str = "3:307",
    due_date: dt.date = dt.date(2020, 4, 1),
    principal: Decimal = Decimal("1000.00"),
    state: str = "amicable",
    **case_kwargs: object,
) -> Case:
    case = CaseFactory(debt_type=debt_type(limitation_class), state=state, **case_kwargs)
    AddressFactory(debtor=case.debtor)
    ClaimFactory(
        case=case, principal=principal, invoice_date=due_date - dt.timedelta(days=30), due_date=due_date
    )
    return case


def document(
    case: Case, kind: str = "invoice", name: str = "factuur.pdf", body: bytes = b"%PDF-1.4 test"
) -> Document:
    import hashlib

    doc = Document(
        case=case,
        kind=kind,
        original_name=name,
        content_type="application/pdf",
        size=len(body),
        sha256=hashlib.sha256(body).hexdigest(),
    )
    doc.file.save(name, ContentFile(body), save=False)
    doc.save()
    return doc
