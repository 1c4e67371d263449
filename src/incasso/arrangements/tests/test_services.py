"""Arrangements with the database: authority, approval, limits, agreement, acceptance, payments."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from decimal import Decimal

import pytest
from django.utils import translation
from pypdf import PdfReader

from incasso.arrangements.instalments import instalment_record_payment
from incasso.arrangements.models import (
    Arrangement,
    ArrangementPolicy,
    ArrangementStatus,
    InstalmentPayment,
    InstalmentStatus,
)
from incasso.arrangements.selectors import approval_queue, instalment_for_reference
from incasso.arrangements.services import (
    arrangement_accept,
    arrangement_approve,
    arrangement_propose,
    arrangement_reject,
)
from incasso.arrangements.tests.conftest import TODAY, plan
from incasso.calculations.payment_reference import is_valid_payment_reference
from incasso.cases.models import Event
from incasso.core.exceptions import DomainError
from incasso.strategies.models import Hold

D = Decimal


def test_within_authority_is_active_at_once_with_hold_state_and_agreement(zorg_case, officer):
    arrangement = arrangement_propose(case=zorg_case, schedule=plan(), officer=officer, today=TODAY)
    zorg_case.refresh_from_db()
    assert arrangement.status == ArrangementStatus.ACTIVE
    assert zorg_case.state == "arrangement"
    assert Hold.objects.get(case=zorg_case, released_at__isnull=True).reason == "arrangement"
    assert arrangement.agreement_sha256 == hashlib.sha256(bytes(arrangement.agreement_pdf)).hexdigest()
    assert arrangement.instalments.count() == 6
    assert Event.objects.filter(case=zorg_case, summary__startswith="Betalingsregeling getroffen").exists()


def test_instalment_references_are_valid_unique_nine_prefixed_and_found_again(
    zorg_case, energie_case, officer
):
    a = arrangement_propose(case=zorg_case, schedule=plan(), officer=officer, today=TODAY)
    b = arrangement_propose(case=energie_case, schedule=plan("480.50", 3), officer=officer, today=TODAY)
    refs = [i.payment_reference for x in (a, b) for i in x.instalments.all()]
    assert len(set(refs)) == 9
    assert all(is_valid_payment_reference(r) and r[1] == "9" and len(r) == 16 for r in refs)
    assert zorg_case.payment_reference not in refs
    spaced = " ".join(refs[4][i : i + 4] for i in range(0, 16, 4))
    assert instalment_for_reference(spaced).number == 5
    assert instalment_for_reference("1234") is None


def test_beyond_authority_waits_for_a_supervisor_and_is_approved_by_another(zorg_case, officer, supervisor):
    arrangement = arrangement_propose(
        case=zorg_case,
        schedule=plan(count=12),
        officer=officer,
        motivation="Vaste baan, klein inkomen",
        today=TODAY,
    )
    assert arrangement.status == ArrangementStatus.PENDING
    assert list(approval_queue(user=supervisor)) == [arrangement]
    assert list(approval_queue(user=officer)) == []
    zorg_case.refresh_from_db()
    assert zorg_case.state == "amicable"
    approved = arrangement_approve(arrangement=arrangement, supervisor=supervisor, today=TODAY)
    zorg_case.refresh_from_db()
    assert approved.status == ArrangementStatus.ACTIVE and approved.decided_by == supervisor
    assert zorg_case.state == "arrangement"
    assert approved.agreement_sha256


def test_beyond_authority_needs_a_motivation(zorg_case, officer):
    with pytest.raises(DomainError, match="motivation"):
        arrangement_propose(case=zorg_case, schedule=plan(count=12), officer=officer, today=TODAY)


def test_approval_by_the_proposer_is_refused_and_nothing_changes(zorg_case, supervisor, officer):
    from incasso.arrangements.models import ArrangementAuthority

    ArrangementAuthority.objects.create(user=supervisor, max_months=3, max_balance=D("1000"))
    arrangement = arrangement_propose(
        case=zorg_case, schedule=plan(count=12), officer=supervisor, motivation="zie notitie", today=TODAY
    )
    events = Event.objects.filter(case=zorg_case).count()
    with translation.override("en"), pytest.raises(DomainError, match="proposed yourself"):
        arrangement_approve(arrangement=arrangement, supervisor=supervisor, today=TODAY)
    with translation.override("en"), pytest.raises(DomainError, match="proposed yourself"):
        arrangement_reject(arrangement=arrangement, supervisor=supervisor)
    arrangement.refresh_from_db()
    assert arrangement.status == ArrangementStatus.PENDING and arrangement.decided_by is None
    assert Event.objects.filter(case=zorg_case).count() == events
    assert not Hold.objects.filter(case=zorg_case).exists()


def test_officer_cannot_approve(zorg_case, officer, supervisor):
    arrangement = arrangement_propose(
        case=zorg_case, schedule=plan(count=12), officer=officer, motivation="m", today=TODAY
    )
    from incasso.cases.tests.factories import UserFactory

    with translation.override("en"), pytest.raises(DomainError, match="Only a supervisor"):
        arrangement_approve(arrangement=arrangement, supervisor=UserFactory(role="officer"), today=TODAY)


def test_rejection_ends_the_proposal(zorg_case, officer, supervisor):
    arrangement = arrangement_propose(
        case=zorg_case, schedule=plan(count=12), officer=officer, motivation="m", today=TODAY
    )
    arrangement_reject(arrangement=arrangement, supervisor=supervisor, note="Te lang")
    arrangement.refresh_from_db()
    assert arrangement.status == ArrangementStatus.REJECTED
    assert Event.objects.filter(case=zorg_case, summary__contains="afgewezen: Te lang").exists()


def test_beyond_the_clients_limits_is_refused(zorg_case, zorg, supervisor):
    ArrangementPolicy.objects.create(client=zorg, max_months=6, min_instalment=D("25"))
    with pytest.raises(DomainError, match="maximaal 6 maanden"):
        arrangement_propose(case=zorg_case, schedule=plan(count=12), officer=supervisor, today=TODAY)
    assert not Arrangement.objects.exists()


def test_start_date_in_the_past_is_refused(zorg_case, officer):
    with pytest.raises(DomainError, match="verleden"):
        arrangement_propose(
            case=zorg_case, schedule=plan(start=TODAY - dt.timedelta(days=1)), officer=officer, today=TODAY
        )


def test_sum_mismatch_is_refused(zorg_case, officer):
    from incasso.arrangements import schedule as s

    rows = [(dt.date(2026, 4, 1), D("600.00")), (dt.date(2026, 5, 1), D("600.00"))]
    bad = s.schedule_from_rows(balance=D("1250.00"), frequency=s.Frequency.MONTHLY, rows=rows)
    with translation.override("en"), pytest.raises(DomainError, match=r"add up to € 1\.200,00"):
        arrangement_propose(case=zorg_case, schedule=bad, officer=officer, today=TODAY)


def test_schedule_for_another_balance_is_refused(zorg_case, officer):
    with translation.override("en"), pytest.raises(DomainError, match=r"case balance is € 1\.250,00"):
        arrangement_propose(case=zorg_case, schedule=plan("1000.00"), officer=officer, today=TODAY)


def test_agreement_pdf_names_both_parties_the_schedule_and_default(zorg_case, officer):
    arrangement = arrangement_propose(case=zorg_case, schedule=plan(), officer=officer, today=TODAY)
    text = "\n".join(
        page.extract_text() for page in PdfReader(io.BytesIO(bytes(arrangement.agreement_pdf))).pages
    )
    first = arrangement.instalments.order_by("number").first()
    grouped = " ".join(first.payment_reference[i : i + 4] for i in range(0, 16, 4))
    assert "Betalingsregeling" in text and zorg_case.number in text
    assert "Zorggroep Noord" in text and zorg_case.debtor.display_name in text
    assert grouped in text and "01-04-2026" in text and "€ 208,33" in text and "€ 208,35" in text
    assert "€ 1.250,00" in text
    assert "vervalt deze regeling" in text and "handtekening" in text.lower()


def test_online_acceptance_needs_the_exact_document_hash(zorg_case, officer):
    arrangement = arrangement_propose(case=zorg_case, schedule=plan(), officer=officer, today=TODAY)
    with translation.override("en"), pytest.raises(DomainError, match="not the stored agreement"):
        arrangement_accept(
            arrangement=arrangement, method="online", evidence={"document_sha256": "0" * 64, "ip": "1.2.3.4"}
        )
    accepted = arrangement_accept(
        arrangement=arrangement,
        method="online",
        evidence={"document_sha256": arrangement.agreement_sha256, "ip": "192.0.2.7"},
    )
    assert accepted.accepted_document_sha256 == arrangement.agreement_sha256
    assert accepted.accepted_ip == "192.0.2.7" and accepted.accepted_at is not None
    with translation.override("en"), pytest.raises(DomainError, match="already been accepted"):
        arrangement_accept(arrangement=arrangement, method="signed_upload", evidence={"file": b"%PDF"})


def test_signed_upload_keeps_the_hash_of_the_scan(zorg_case, officer):
    arrangement = arrangement_propose(case=zorg_case, schedule=plan(), officer=officer, today=TODAY)
    accepted = arrangement_accept(
        arrangement=arrangement, method="signed_upload", evidence={"file": b"scan-bytes"}
    )
    assert accepted.signed_upload_sha256 == hashlib.sha256(b"scan-bytes").hexdigest()


def test_a_payment_is_counted_once_and_its_excess_pays_the_next_instalment(zorg_case, officer):
    arrangement = arrangement_propose(case=zorg_case, schedule=plan(), officer=officer, today=TODAY)
    first, second = arrangement.instalments.order_by("number")[:2]
    links = instalment_record_payment(
        instalment=first, amount=D("300.00"), value_date=TODAY, source="banktx:1"
    )
    again = instalment_record_payment(
        instalment=first, amount=D("300.00"), value_date=TODAY, source="banktx:1"
    )
    assert [link.pk for link in links] == [link.pk for link in again]
    assert InstalmentPayment.objects.filter(source="banktx:1").count() == 2
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == InstalmentStatus.PAID and second.status == InstalmentStatus.OPEN
    assert sum(p.amount for p in second.payments.all()) == D("300.00") - first.amount
