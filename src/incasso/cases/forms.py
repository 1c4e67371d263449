"""Forms for the officer's screens. They parse and type the request; the rules live in services.

A form checks only what it must to build the service's input (a date is a date, an amount is a
number). Whether a principal may be negative or a postcode is Dutch is for the services to say;
their DomainError is put back on the field it names (`add_domain_error`).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import DecimalValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from incasso.accounts.models import User
from incasso.cases.models import (
    CaseState,
    ClosingReason,
    ContactOutcome,
    DebtorRole,
    DebtType,
    DocumentKind,
    EventKind,
    Task,
    TaskKind,
)
from incasso.cases.services import ClaimInput
from incasso.clients.selectors import client_list_for_user
from incasso.core.access import STAFF_ROLES, can_write
from incasso.core.exceptions import DomainError
from incasso.core.forms import Form, date_field
from incasso.debtors.models import ContactKind, CorrespondenceLanguage, DataSource, DebtorKind
from incasso.debtors.services import AddressInput, DebtorInput


def add_domain_error(form: forms.BaseForm, exc: DomainError) -> None:
    """Show a service's refusal on the field it names, or above the form when it names none."""
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


class AmountField(forms.CharField):
    """An amount as a Dutch user types it: '1.234,56', '1234,56', '€ 1234.56' -> Decimal.

    A text input, not a browser number input: an English-language Chrome drops the comma a Dutch
    officer types there ("100,50" becomes 10050). `min_value` and `decimal_places` check the amount
    in the form, for screens whose service does not check them itself."""

    def __init__(
        self, *, min_value: Decimal | None = None, decimal_places: int | None = None, **kwargs: Any
    ) -> None:
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
        super().__init__(**kwargs)
        if min_value is not None:
            self.validators.append(MinValueValidator(min_value))
        if decimal_places is not None:
            self.validators.append(DecimalValidator(max_digits=12, decimal_places=decimal_places))

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        text = str(super().to_python(value) or "").replace("€", "").replace(" ", "")
        if not text:
            return None
        if "," in text:
            text = text.replace(".", "").replace(",", ".")
        try:
            return Decimal(text)
        except InvalidOperation:
            raise ValidationError(_("Enter an amount, e.g. 1.234,56"), code="invalid") from None


def _blank(label: Any) -> list[tuple[str, Any]]:
    return [("", label)]


class CaseSearchForm(Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    client = forms.TypedChoiceField(label=_("Client"), required=False, coerce=int, empty_value=None)
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=_blank(_("All states")) + CaseState.choices
    )
    officer = forms.TypedChoiceField(label=_("Officer"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update(
            {
                "placeholder": _("Case, name, postcode, e-mail, IBAN, invoice…"),
                "type": "search",
                "autofocus": True,
            }
        )
        if can_write(user):
            clients = client_list_for_user(user=user).values_list("pk", "name")
            self.fields["client"].choices = _blank(_("All clients")) + list(clients)  # type: ignore[attr-defined]
            officers = User.objects.filter(role__in=STAFF_ROLES, is_active=True).order_by(
                "first_name", "username"
            )
            self.fields["officer"].choices = _blank(_("All officers")) + [  # type: ignore[attr-defined]
                (u.pk, u.get_full_name() or u.username) for u in officers
            ]
        else:  # a client user sees only their own client's cases: nothing to choose
            del self.fields["client"], self.fields["officer"]

    def filters(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "query": data.get("q") or "",
            "client_id": data.get("client"),
            "state": data.get("state") or "",
            "officer_id": data.get("officer"),
        }


class NoteForm(Form):
    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class TaskForm(Form):
    title = forms.CharField(label=_("Task"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=TaskKind.choices, initial=TaskKind.CALL)
    due_on = date_field(_("Due on"))


class ContactForm(Form):
    """Log a telephone call or home visit; optionally it completes one of the case's open call or visit tasks."""

    kind = forms.ChoiceField(
        label=_("Contact"),
        choices=[(EventKind.CALL, _("telephone call")), (EventKind.VISIT, _("home visit"))],
        initial=EventKind.CALL,
    )
    outcome = forms.ChoiceField(label=_("Outcome"), choices=ContactOutcome.choices)
    note = forms.CharField(
        label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    task = forms.TypedChoiceField(label=_("Completes task"), coerce=int, empty_value=None, required=False)

    def __init__(self, *args: Any, open_tasks: Sequence[Task], **kwargs: Any) -> None:
        """`open_tasks`: the case's tasks not done yet (the case screen has them loaded already)."""
        super().__init__(*args, **kwargs)
        self.open_tasks = {t.pk: t for t in open_tasks if t.kind in (TaskKind.CALL, TaskKind.VISIT)}
        self.fields["task"].choices = [("", _("— none —"))] + [  # type: ignore[attr-defined]
            (pk, f"{t.title} ({t.get_kind_display()})") for pk, t in self.open_tasks.items()
        ]

    def clean_task(self) -> Task | None:
        pk = self.cleaned_data.get("task")
        return self.open_tasks[pk] if pk is not None else None


SOURCE_CHOICES = [(value, label) for value, label in DataSource.choices if value != DataSource.MANUAL]


class AddressForm(Form):
    """The debtor moved: the new address and from when."""

    prefix = "address"  # the case screen has other forms with a `country` or `kind`

    street = forms.CharField(label=_("Street"), max_length=200)
    house_number = forms.CharField(label=_("House number"), max_length=20)
    postcode = forms.CharField(label=_("Postcode"), max_length=12)
    city = forms.CharField(label=_("City"), max_length=100)
    country = forms.CharField(label=_("Country"), initial="NL", max_length=2, min_length=2)
    moved_on = date_field(_("Lives there from"))
    source = forms.ChoiceField(label=_("Source"), choices=SOURCE_CHOICES, initial="debtor")

    def address_input(self) -> AddressInput:
        d = self.cleaned_data
        return AddressInput(
            street=d["street"],
            house_number=d["house_number"],
            postcode=d["postcode"],
            city=d["city"],
            country=d["country"].upper(),
            source=d["source"],
        )


class ContactPointForm(Form):
    prefix = "contact_point"
    kind = forms.ChoiceField(label=_("Kind"), choices=ContactKind.choices, initial=ContactKind.PHONE)
    value = forms.CharField(label=_("E-mail address or phone number"), max_length=254)
    source = forms.ChoiceField(label=_("Source"), choices=SOURCE_CHOICES, initial="debtor")


class LanguageForm(Form):
    prefix = "debtor"
    language = forms.ChoiceField(label=_("Language of letters"), choices=CorrespondenceLanguage.choices)


class MarkInvalidForm(Form):
    """One address or contact point (its id) is not valid any more, and why."""

    target = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Why"), max_length=200)


class DocumentForm(Form):
    file = forms.FileField(label=_("File"))
    kind = forms.ChoiceField(label=_("Kind"), choices=DocumentKind.choices, initial=DocumentKind.INVOICE)


class InterestFreezeForm(Form):
    """Freeze the interest by hand; the service decides which dates are allowed."""

    starts_on = date_field(_("Frozen from"))
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. complaint under investigation")}),
    )
    ends_on = date_field(_("Frozen until (optional)"), required=False)


class InterestFreezeEndForm(Form):
    """End the current freeze: the last frozen day; interest runs again from the next day."""

    ends_on = date_field(_("Last frozen day"))


class TransitionForm(Form):
    """All states are accepted here on purpose: the state machine in the service decides."""

    state = forms.ChoiceField(label=_("New state"), choices=CaseState.choices)
    closing_reason = forms.ChoiceField(
        label=_("Closing reason"), required=False, choices=_blank("—") + ClosingReason.choices
    )
    reason = forms.CharField(label=_("Explanation"), required=False, max_length=200)


class CaseOpenForm(Form):
    client = forms.TypedChoiceField(label=_("Client"), coerce=int)
    debt_type = forms.TypedChoiceField(label=_("Debt type"), coerce=int)
    debtor_role = forms.ChoiceField(
        label=_("Debtor acts as"),
        choices=DebtorRole.choices,
        widget=forms.RadioSelect,
        initial=DebtorRole.CONSUMER,
    )
    client_reference = forms.CharField(label=_("Client's reference"), required=False, max_length=100)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.clients = {c.pk: c for c in client_list_for_user(user=user)}
        self.debt_types = {d.pk: d for d in DebtType.objects.filter(is_active=True)}
        self.fields["client"].choices = _blank("—") + [(pk, c.name) for pk, c in self.clients.items()]  # type: ignore[attr-defined]
        self.fields["debt_type"].choices = _blank("—") + [(pk, d.name) for pk, d in self.debt_types.items()]  # type: ignore[attr-defined]


class DebtorForm(Form):
    kind = forms.ChoiceField(
        label=_("Debtor is a"),
        choices=DebtorKind.choices,
        widget=forms.RadioSelect,
        initial=DebtorKind.PERSON,
    )
    first_names = forms.CharField(label=_("First names / initials"), required=False, max_length=100)
    name_prefix = forms.CharField(label=_("Prefix"), required=False, max_length=20)
    last_name = forms.CharField(label=_("Last name"), required=False, max_length=100)
    organisation_name = forms.CharField(label=_("Organisation name"), required=False, max_length=200)
    date_of_birth = date_field(_("Date of birth"), required=False)
    kvk_number = forms.CharField(label=_("KvK number"), required=False, max_length=12)
    street = forms.CharField(label=_("Street"), required=False, max_length=200)
    house_number = forms.CharField(label=_("House number"), required=False, max_length=20)
    postcode = forms.CharField(label=_("Postcode"), required=False, max_length=12)
    city = forms.CharField(label=_("City"), required=False, max_length=100)
    country = forms.CharField(label=_("Country"), initial="NL", max_length=2)
    email = forms.CharField(label=_("E-mail"), required=False, max_length=254)
    phone = forms.CharField(label=_("Phone"), required=False, max_length=30)
    iban = forms.CharField(label=_("IBAN"), required=False, max_length=42)
    language = forms.ChoiceField(
        label=_("Language of letters"),
        choices=CorrespondenceLanguage.choices,
        initial=CorrespondenceLanguage.NL,
        required=False,  # not sent (an older form, a script): Dutch
    )

    def debtor_input(self) -> DebtorInput:
        d = self.cleaned_data
        has_address = any(d[name].strip() for name in ("street", "house_number", "postcode", "city"))
        address = AddressInput(
            street=d["street"],
            house_number=d["house_number"],
            postcode=d["postcode"],
            city=d["city"],
            country=d["country"] or "NL",
            source="manual",
        )
        return DebtorInput(
            kind=d["kind"],
            first_names=d["first_names"],
            name_prefix=d["name_prefix"],
            last_name=d["last_name"],
            organisation_name=d["organisation_name"],
            date_of_birth=d["date_of_birth"],
            kvk_number=d["kvk_number"],
            address=address if has_address else None,
            emails=(d["email"],) if d["email"] else (),
            phones=(d["phone"],) if d["phone"] else (),
            ibans=(d["iban"],) if d["iban"] else (),
            source="manual",
            language=d["language"] or CorrespondenceLanguage.NL,
        )


class ClaimForm(Form):
    invoice_number = forms.CharField(label=_("Invoice number"), max_length=50)
    invoice_date = date_field(_("Invoice date"))
    due_date = date_field(_("Due date"))
    principal = AmountField(label=_("Principal"), widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    description = forms.CharField(label=_("Description"), required=False, max_length=200)

    def claim_input(self) -> ClaimInput:
        d = self.cleaned_data
        return ClaimInput(
            invoice_number=d["invoice_number"],
            invoice_date=d["invoice_date"],
            due_date=d["due_date"],
            principal=d["principal"],
            description=d["description"],
        )


class BaseClaimFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    """Django's own "Please submit at least 1 form." means nothing to an officer: say "claim"."""

    default_error_messages = {
        **forms.BaseFormSet.default_error_messages,
        "too_few_forms": _("Enter at least one claim."),
    }


ClaimFormSet = forms.formset_factory(
    ClaimForm, formset=BaseClaimFormSet, extra=0, min_num=1, validate_min=True, max_num=50
)


class CalculationDateForm(Form):
    as_of = date_field(_("As of"), required=False)
