"""Keeping a debtor's contact data right from the case screen: a new address (the debtor moved), a new
e-mail address or phone number, and marking one that bounced or is not in use as invalid.

The data is the debtor's, shared by all their cases; each change is recorded on the timeline of every
one of them (a letter that later goes to the new address must be explainable from any case file).
The daily run reads the result: it sends only to valid addresses and contact points and adds a
"find contact details" task when none is left.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from incasso.cases.models import Case, EventKind
from incasso.cases.timeline import event_record
from incasso.core.exceptions import DomainError
from incasso.core.formatting import format_date, record_text
from incasso.debtors.models import (
    Address,
    ContactKind,
    ContactPoint,
    CorrespondenceLanguage,
    Debtor,
    source_label,
)
from incasso.debtors.services import AddressInput, contact_value_clean, debtor_move

NOUN = {ContactKind.EMAIL: "e-mailadres", ContactKind.PHONE: "telefoonnummer"}  # the timeline is Dutch


def debtor_for_change(case: Case) -> Debtor:
    """The case's debtor, locked for a change of their data; refused once the data was erased."""
    debtor = Debtor.objects.select_for_update().get(pk=case.debtor_id)
    if debtor.anonymised_at is not None:
        raise DomainError(_("This debtor's personal data was erased; nothing can be added to it."))
    return debtor


def debtor_event_record(
    debtor: Debtor,
    *,
    summary: str,
    actor: Any,
    details: dict[str, Any],
    kind: str = EventKind.DEBTOR_CHANGED,
) -> None:
    """One event on the timeline of every case of the debtor: what happened to the debtor's data."""
    for case in Case.objects.filter(debtor=debtor).order_by("pk"):
        event_record(case=case, kind=kind, summary=summary, actor=actor, details=details)


def _address_line(address: Address) -> str:
    return f"{address.street} {address.house_number}, {address.postcode} {address.city}" + (
        f", {address.country}" if address.country != "NL" else ""
    )


@transaction.atomic
def debtor_address_add(
    *, case: Case, address: AddressInput, moved_on: dt.date, actor: Any, today: dt.date | None = None
) -> Address:
    """The debtor lives at `address` from `moved_on`: the current address ends the day before."""
    today = today or timezone.localdate()
    debtor = debtor_for_change(case)
    if moved_on > today:
        raise DomainError(_("The moving date lies in the future"), field="moved_on")
    latest = (
        Address.objects.filter(debtor=debtor)
        .order_by("-valid_from")
        .values_list("valid_from", flat=True)
        .first()
    )
    if latest is not None and moved_on <= latest:
        raise DomainError(
            _("The moving date must be after %(date)s, the start of the latest address")
            % {"date": format_date(latest)},
            field="moved_on",
        )
    new = debtor_move(debtor=debtor, address=address, moved_on=moved_on)
    debtor_event_record(
        debtor,
        summary=f"Nieuw adres vanaf {format_date(moved_on)}: {_address_line(new)}"
        + (f" (bron: {record_text(source_label(new.source))})" if new.source else ""),
        actor=actor,
        details={"address": new.pk},
    )
    return new


@transaction.atomic
def debtor_address_mark_invalid(*, case: Case, address_id: int, reason: str, actor: Any) -> Address:
    """Post comes back ("verhuisd", "onbekend op dit adres"): no letter goes there any more."""
    debtor = debtor_for_change(case)
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Say why the address is not valid"), field="reason")
    address = Address.objects.filter(debtor=debtor, pk=address_id).first()
    if address is None:
        raise DomainError(_("That address is not this debtor's"), field="address")
    if not address.is_valid:
        raise DomainError(_("That address is already marked invalid"), field="address")
    address.is_valid = False
    address.save(update_fields=["is_valid"])
    debtor_event_record(
        debtor,
        summary=f"Adres ongeldig: {_address_line(address)} ({reason})"[:300],
        actor=actor,
        details={"address": address.pk},
    )
    return address


@transaction.atomic
def debtor_contact_add(*, case: Case, kind: str, value: str, source: str, actor: Any) -> ContactPoint:
    """A new e-mail address or phone number; one marked invalid before becomes valid again."""
    debtor = debtor_for_change(case)
    if kind not in ContactKind.values:
        raise DomainError(_("Choose e-mail or phone"), field="kind")
    if not value.strip():
        raise DomainError(_("Fill in the e-mail address or phone number"), field="value")
    normalised = contact_value_clean(kind, value)
    noun = NOUN[ContactKind(kind)]
    same = {"value__iexact": normalised} if kind == ContactKind.EMAIL else {"value": normalised}
    point = ContactPoint.objects.filter(debtor=debtor, kind=kind, **same).first()  # Jan@ is jan@
    if point is not None and point.is_valid:
        raise DomainError(_("This debtor already has %(value)s") % {"value": normalised}, field="value")
    if point is not None:
        point.is_valid = True
        point.invalid_reason = ""
        point.source = source
        point.save(update_fields=["is_valid", "invalid_reason", "source"])
        summary = f"{noun.capitalize()} weer geldig: {point.value}"
    else:
        point = ContactPoint.objects.create(debtor=debtor, kind=kind, value=normalised, source=source)
        summary = f"Nieuw {noun}: {normalised}"
    debtor_event_record(
        debtor,
        summary=summary + (f" (bron: {record_text(source_label(source))})" if source else ""),
        actor=actor,
        details={"contact_point": point.pk},
    )
    return point


@transaction.atomic
def debtor_contact_mark_invalid(
    *, case: Case, contact_point_id: int, reason: str, actor: Any
) -> ContactPoint:
    """An e-mail that bounces, a number not in use: nothing is sent there any more."""
    debtor = debtor_for_change(case)
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Say why it is not valid"), field="reason")
    point = ContactPoint.objects.filter(debtor=debtor, pk=contact_point_id).first()
    if point is None:
        raise DomainError(
            _("That e-mail address or phone number is not this debtor's"), field="contact_point"
        )
    if not point.is_valid:
        raise DomainError(_("It is already marked invalid"), field="contact_point")
    point.is_valid = False
    point.invalid_reason = reason[:200]
    point.save(update_fields=["is_valid", "invalid_reason"])
    debtor_event_record(
        debtor,
        summary=f"{NOUN[ContactKind(point.kind)].capitalize()} ongeldig: {point.value} ({reason})"[:300],
        actor=actor,
        details={"contact_point": point.pk},
    )
    return point


@transaction.atomic
def debtor_language_set(*, case: Case, language: str, actor: Any) -> Debtor:
    """The language the debtor's letters, e-mails and SMS are written in from now on."""
    debtor = debtor_for_change(case)
    if language not in CorrespondenceLanguage.values:
        raise DomainError(_("Choose Dutch or English"), field="language")
    if debtor.language == language:
        return debtor
    debtor.language = language
    debtor.save(update_fields=["language"])
    debtor_event_record(
        debtor,
        summary=f"Taal van brieven: {record_text(CorrespondenceLanguage(language).label)}",
        actor=actor,
        details={"language": language},
    )
    return debtor
