"""Writes for legal follow-up: limitation events, hand-overs (request, approval, the guarded
hand-over itself) and the bailiff's updates. One transaction each; case rows locked first.

Hand-over decisions (docs/legal.md):
* Required documents: at least one Document of kind `invoice` or `contract` on the case (the bailiff
  needs the basis of the claim; art. 111 Rv asks for the grounds and the evidence).
* Client approval: required unless the client's `ClientLegalPolicy` says otherwise. An administrator may
  override a missing approval (`force=True`) with a reason; the override is stored with the name.
* The case moves to `bailiff` (to a bailiff) or `legal` (to a lawyer) through `case_transition`, so the
  state machine's rules apply (a `new` case cannot be handed over).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from incasso.calculations.allocation import OpenClaim, allocate_payment
from incasso.calculations.money import to_cents
from incasso.cases.ledger import ledger_book
from incasso.cases.models import (
    Bucket,
    Case,
    CaseState,
    Claim,
    Document,
    DocumentKind,
    EntryKind,
    EventKind,
    LedgerEntry,
)
from incasso.cases.services import case_transition
from incasso.cases.timeline import event_record
from incasso.core.access import is_administrator
from incasso.core.exceptions import DomainError
from incasso.core.formatting import format_date, format_money, record_text
from incasso.legal.models import (
    BailiffUpdate,
    BailiffUpdateKind,
    Handover,
    HandoverStatus,
    HandoverTo,
    LimitationEvent,
    LimitationEventKind,
)
from incasso.legal.selectors import client_policy, handover_open, is_staff

TARGET_STATE = {HandoverTo.BAILIFF: CaseState.BAILIFF, HandoverTo.LAWYER: CaseState.LEGAL}
REQUIRED_DOCUMENT_KINDS = (DocumentKind.INVOICE, DocumentKind.CONTRACT)


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


@transaction.atomic
def limitation_record(
    *,
    claim: Claim,
    kind: str,
    occurred_on: dt.date,
    actor: Any = None,
    sent_on: dt.date | None = None,
    proof: Document | None = None,
    note: str = "",
    message: Any = None,
) -> LimitationEvent:
    """Record a fact that interrupts (or, for a judgment, restarts) the claim's limitation term;
    `message` is our letter that made it (a stuitingsbrief), so a return or bounce can void it."""
    if kind not in LimitationEventKind.values:
        raise DomainError(_("Unknown limitation event %(kind)r") % {"kind": kind}, field="kind")
    if sent_on and sent_on > occurred_on:
        raise DomainError(_("A statement cannot be received before it was sent"), field="occurred_on")
    if proof is not None and proof.case_id != claim.case_id:
        raise DomainError(_("The proof belongs to another case"), field="proof")
    Case.objects.select_for_update().filter(pk=claim.case_id).first()
    row = LimitationEvent.objects.create(
        claim=claim,
        kind=kind,
        occurred_on=occurred_on,
        sent_on=sent_on,
        proof=proof,
        note=note,
        by=_user(actor),
        message=message,
    )
    event_record(
        case=claim.case,
        kind=EventKind.NOTE,
        summary=f"Verjaring {claim.invoice_number}: {record_text(LimitationEventKind(kind).label)} op {format_date(occurred_on)}",
        actor=actor,
        details={
            "legal": "limitation",
            "claim": claim.pk,
            "kind": kind,
            "occurred_on": occurred_on.isoformat(),
        },
    )
    return row


@transaction.atomic
def limitation_interrupt(
    *,
    case: Case,
    sent_on: dt.date,
    received_on: dt.date,
    actor: Any = None,
    proof: Document | None = None,
    message: Any = None,
) -> list[LimitationEvent]:
    """A written interruption (stuitingsbrief, 3:317) for every open claim of the case.

    Hook: call this when the letters app sends template `limitation_interruption`, with the send date,
    the (expected or proven) date of receipt and the message; `proof` is the archived letter or
    delivery proof."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.state == CaseState.CLOSED:
        raise DomainError(_("A closed case needs no interruption"), field="state")
    open_claims = [c for c in Claim.objects.filter(case=locked) if _claim_open(c)]
    return [
        limitation_record(
            claim=c,
            kind=LimitationEventKind.WRITTEN_INTERRUPTION,
            occurred_on=received_on,
            sent_on=sent_on,
            proof=proof,
            actor=actor,
            note="stuitingsbrief",
            message=message,
        )
        for c in open_claims
    ]


@transaction.atomic
def limitation_interruption_void(*, message: Any, on: dt.date, reason: str) -> list[LimitationEvent]:
    """Our stuitingsbrief `message` never reached the debtor (returned by the post, bounced): a
    statement that does not reach its addressee has no effect (3:37 lid 3 BW), so the interruptions
    recorded when it was sent are voided. They are kept, with the date and the reason, and the limitation
    basis names them as not counted. Returns the rows voided now (none the second time)."""
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Say why the interruption does not count"), field="reason")
    Case.objects.select_for_update().filter(pk=message.case_id).first()
    rows = list(
        LimitationEvent.objects.select_for_update()
        .filter(message=message, voided_on__isnull=True)
        .select_related("claim")
        .order_by("pk")
    )
    for row in rows:
        row.voided_on = on
        row.void_reason = reason[:300]
        row.save(update_fields=["voided_on", "void_reason"])
        event_record(
            case=row.claim.case,
            kind=EventKind.NOTE,
            summary=f"Verjaring {row.claim.invoice_number}: stuiting van {format_date(row.occurred_on)} "
            f"telt niet: {reason}"[:300],
            details={
                "legal": "limitation",
                "claim": row.claim_id,
                "voided": row.pk,
                "message": message.pk,
            },
        )
    return rows


def _claim_open(claim: Claim) -> bool:
    from django.db.models import Sum

    total = claim.ledger_entries.aggregate(total=Sum("amount", default=Decimal(0)))["total"]
    return Decimal(total).quantize(Decimal("0.01")) > 0


def _require_staff(actor: Any) -> None:
    if not is_staff(actor):
        raise DomainError(_("Only agency staff hand cases over"), field="actor")


@transaction.atomic
def handover_request(*, case: Case, to: str, party: str = "", actor: Any) -> Handover:
    """Ask for a hand-over (idempotent: an open request for the same destination is returned)."""
    _require_staff(actor)
    return _handover_request(case=case, to=to, party=party, actor=actor)


@transaction.atomic
def handover_request_by_terms(*, case: Case, to: str, why: str) -> Handover:
    """The client's own terms ask for a hand-over (after a broken arrangement): requested by the system,
    `why` on the timeline. The officer still hands over, with the client's approval where required."""
    return _handover_request(case=case, to=to, party="", actor=None, why=why)


def _handover_request(*, case: Case, to: str, party: str, actor: Any, why: str = "") -> Handover:
    if to not in HandoverTo.values:
        raise DomainError(_("Hand over to a bailiff or a lawyer, not %(to)r") % {"to": to}, field="to")
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.state == CaseState.CLOSED:
        raise DomainError(_("A closed case is not handed over"), field="case")
    existing = handover_open(case=locked, to=to)
    if existing is not None:
        if party and existing.party_name != party:
            existing.party_name = party
            existing.save(update_fields=["party_name"])
        return existing
    row = Handover.objects.create(case=locked, to=to, party_name=party, requested_by=_user(actor))
    event_record(
        case=locked,
        kind=EventKind.NOTE,
        summary=f"Overdracht aan {record_text(HandoverTo(to).label)} aangevraagd"
        + (f" ({party})" if party else "")
        + (f": {why}" if why else ""),
        actor=actor,
        details={"legal": "handover_requested", "handover": row.pk, **({"why": why} if why else {})},
    )
    return row


@transaction.atomic
def handover_approve(*, handover: Handover, approver: Any, note: str = "") -> Handover:
    """The client's approval: by a user of the case's client, or by staff on the client's behalf
    (then a note saying how the client approved is required)."""
    locked = Handover.objects.select_for_update().get(pk=handover.pk)
    case = locked.case
    is_client = getattr(approver, "role", None) == "client_user" and approver.client_id == case.client_id
    if not is_client and not is_staff(approver):
        raise DomainError(_("Only the client or agency staff on its behalf can approve"), field="approver")
    if not is_client and not note.strip():
        raise DomainError(
            _("Approving on the client's behalf needs a note (who approved, how)"), field="note"
        )
    if locked.handed_over_at is not None:
        raise DomainError(_("This hand-over has already taken place"), field="handover")
    locked.approved_by = approver
    locked.approved_at = timezone.now()
    locked.approval_note = note.strip()
    locked.status = HandoverStatus.APPROVED
    locked.save(update_fields=["approved_by", "approved_at", "approval_note", "status"])
    who = approver.username + ("" if is_client else " namens de opdrachtgever")
    event_record(
        case=case,
        kind=EventKind.NOTE,
        summary=f"Overdracht aan {HandoverTo(locked.to).label} goedgekeurd door {who}",
        actor=approver,
        details={"legal": "handover_approved", "handover": locked.pk, "note": note},
    )
    return locked


def handover_refusal(*, case: Case, handover: Handover | None, force: bool, actor: Any, reason: str) -> str:
    """Why the hand-over may not take place now ('' when it may). Reads only."""
    if not case.documents.filter(kind__in=REQUIRED_DOCUMENT_KINDS).exists():
        return _("The case has no invoice or contract: add one first (a hand-over requires it).")
    approved = handover is not None and handover.approved_at is not None
    if client_policy(client_id=case.client_id).handover_approval_required and not approved:
        if not force:
            return _("The client has not yet approved the hand-over.")
        if not is_administrator(actor):
            return _("Only an administrator may hand over without the client's approval.")
        if not reason.strip():
            return _("Handing over without approval needs a reason.")
    return ""


@transaction.atomic
def case_handover(
    *,
    case: Case,
    to: str,
    party: str = "",
    actor: Any,
    force: bool = False,
    reason: str = "",
    out_dir: Path | None = None,
    as_of: dt.date | None = None,
) -> Handover:
    """Hand the case over to a bailiff or lawyer: the guarded state change plus the package.

    Refusals raise DomainError with the reason and change nothing. `out_dir`: where to write the
    package (default: MEDIA_ROOT/handovers/<case>/<id>)."""
    from incasso.legal.package import package_write  # the package imports the renderers (typst)

    _require_staff(actor)
    if to not in HandoverTo.values:
        raise DomainError(_("Hand over to a bailiff or a lawyer, not %(to)r") % {"to": to}, field="to")
    locked = Case.objects.select_for_update().get(pk=case.pk)
    pending = handover_open(case=locked, to=to)
    refusal = handover_refusal(case=locked, handover=pending, force=force, actor=actor, reason=reason)
    if refusal:
        raise DomainError(refusal, field="handover")
    handover = pending or Handover.objects.create(
        case=locked, to=to, party_name=party, requested_by=_user(actor)
    )
    forced = (
        client_policy(client_id=locked.client_id).handover_approval_required and handover.approved_at is None
    )
    case_transition(
        case=locked, to=TARGET_STATE[HandoverTo(to)], actor=actor, reason=f"overdracht aan {party or to}"
    )
    on = as_of or timezone.localdate()
    target = out_dir or _default_dir(locked, handover)
    digests = package_write(
        case=locked, handover_to=to, party=party or handover.party_name, as_of=on, out_dir=target
    )
    handover.party_name = party or handover.party_name
    handover.status = HandoverStatus.HANDED_OVER
    handover.handed_over_by = actor
    handover.handed_over_at = timezone.now()
    handover.as_of = on
    handover.package_path = str(target)
    handover.package_sha256 = digests
    if forced:
        handover.forced_by = actor
        handover.force_reason = reason.strip()
    handover.save()
    summary = f"Overgedragen aan {HandoverTo(to).label}" + (
        f" {handover.party_name}" if handover.party_name else ""
    )
    if forced:
        summary += f"; zonder goedkeuring opdrachtgever, door beheerder {actor.username}: {reason.strip()}"
    event_record(
        case=locked,
        kind=EventKind.NOTE,
        summary=summary,
        actor=actor,
        details={
            "legal": "handed_over",
            "handover": handover.pk,
            "forced_by": actor.username if forced else "",
            "reason": reason.strip(),
            "files": digests,
        },
    )
    return handover


def _default_dir(case: Case, handover: Handover) -> Path:
    from django.conf import settings

    return Path(settings.MEDIA_ROOT) / "handovers" / case.number / str(handover.pk)


@transaction.atomic
def bailiff_update_record(
    *,
    case: Case,
    kind: str,
    on: dt.date,
    actor: Any,
    amount: Decimal | None = None,
    note: str = "",
    claim: Claim | None = None,
) -> BailiffUpdate:
    """Book what the bailiff reports: costs → a `costs_charged` ledger entry on `claim` (default the
    oldest claim); a payment received → ledger payment entries split over the ledger's open buckets by
    art. 6:43/6:44 (costs, interest booked, principal; an overpayment stays on the principal of the
    oldest claim); a judgment → a limitation event of kind judgment on `claim` or every claim (20 years,
    3:324); a note → the timeline only. Each also gets a timeline event."""
    _require_staff(actor)
    if kind not in BailiffUpdateKind.values:
        raise DomainError(_("Unknown update %(kind)r") % {"kind": kind}, field="kind")
    locked = Case.objects.select_for_update().get(pk=case.pk)
    money_kinds = (BailiffUpdateKind.COSTS, BailiffUpdateKind.PAYMENT_RECEIVED)
    if kind in money_kinds and (not isinstance(amount, Decimal) or amount <= 0):
        raise DomainError(_("Costs and payments need a positive amount"), field="amount")
    if claim is not None and claim.case_id != locked.pk:
        raise DomainError(_("That claim belongs to another case"), field="claim")
    handover = (
        Handover.objects.filter(case=locked, handed_over_at__isnull=False).order_by("-handed_over_at").first()
    )
    update = BailiffUpdate.objects.create(
        case=locked, handover=handover, kind=kind, amount=amount, on=on, note=note, by=_user(actor)
    )
    source = f"bailiff:{update.pk}"
    first = claim or Claim.objects.filter(case=locked).order_by("due_date", "id").first()
    if kind == BailiffUpdateKind.COSTS:
        assert amount is not None
        ledger_book(
            case=locked,
            bucket=Bucket.COSTS,
            kind=EntryKind.COSTS_CHARGED,
            amount=amount,
            value_on=on,
            source=source,
            actor=actor,
            reason=note or "kosten deurwaarder",
            claim=first,
        )
    elif kind == BailiffUpdateKind.PAYMENT_RECEIVED:
        assert amount is not None
        for part_claim, bucket, part in _split_payment(locked, amount, first):
            ledger_book(
                case=locked,
                bucket=bucket,
                kind=EntryKind.PAYMENT,
                amount=-part,
                value_on=on,
                source=source,
                actor=actor,
                reason=note or "betaling via deurwaarder",
                claim=part_claim,
            )
    elif kind == BailiffUpdateKind.JUDGMENT:
        claims = [claim] if claim is not None else list(Claim.objects.filter(case=locked))
        for c in claims:
            limitation_record(
                claim=c, kind=LimitationEventKind.JUDGMENT, occurred_on=on, actor=actor, note=note or "vonnis"
            )
    label = BailiffUpdateKind(kind).label
    event_record(
        case=locked,
        kind=EventKind.NOTE,
        summary=f"Bericht deurwaarder: {label} {format_date(on)}"
        + (f" {format_money(amount)}" if amount else "")
        + (f" – {note}" if note else ""),
        actor=actor,
        details={"legal": "bailiff_update", "update": update.pk, "kind": kind},
    )
    return update


def _split_payment(
    case: Case, amount: Decimal, fallback: Claim | None
) -> list[tuple[Claim | None, str, Decimal]]:
    """A payment over the ledger's open (claim, bucket) balances by 6:43/6:44; the rest to `fallback`."""
    claims = {c.pk: c for c in Claim.objects.filter(case=case).order_by("due_date", "id")}
    balance: dict[tuple[int, str], Decimal] = {}
    for claim_id, bucket, value in LedgerEntry.objects.filter(case=case, claim__isnull=False).values_list(
        "claim_id", "bucket", "amount"
    ):
        balance[(claim_id, bucket)] = balance.get((claim_id, bucket), Decimal(0)) + value
    opens = [
        OpenClaim(
            str(pk),
            max(to_cents(balance.get((pk, Bucket.COSTS), Decimal(0))), 0),
            max(to_cents(balance.get((pk, Bucket.INTEREST), Decimal(0))), 0),
            max(to_cents(balance.get((pk, Bucket.PRINCIPAL), Decimal(0))), 0),
            due_date=c.due_date,
        )
        for pk, c in claims.items()
    ]
    allocation = allocate_payment(to_cents(amount), [o for o in opens if o.owed > 0])
    parts: list[tuple[Claim | None, str, Decimal]] = []
    for p in allocation.parts:
        for bucket, value in (
            (Bucket.COSTS, p.costs),
            (Bucket.INTEREST, p.interest),
            (Bucket.PRINCIPAL, p.principal),
        ):
            if value:
                parts.append((claims[int(p.claim_id)], bucket, value))
    if allocation.unallocated:
        parts.append((fallback, Bucket.PRINCIPAL, allocation.unallocated))
    return parts
