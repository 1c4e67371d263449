"""Forms for the supervisor's strategy screens and the officer's "move to another strategy"."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from incasso.core.exceptions import DomainError
from incasso.core.forms import date_field
from incasso.strategies.models import HoldReason, Step, Strategy, StrategyVersion
from incasso.strategies.services import (
    ACTION_FIELDS,
    MESSAGE_CHANNELS,
    STEP_FIELDS,
    STRATEGY_FIELDS,
    step_template_choices,
)


def add_domain_error(form: forms.BaseForm, exc: DomainError) -> None:
    """Show a service's refusal on the field it names, or above the form when it names none."""
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


class StrategyForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Strategy
        fields = list(STRATEGY_FIELDS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        others = Strategy.objects.order_by("name")
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        self.fields["challenger"].queryset = others  # type: ignore[attr-defined]
        self.fields["client"].empty_label = _("— agency default (every client) —")  # type: ignore[attr-defined]
        self.fields["debt_type"].empty_label = _("— any debt type —")  # type: ignore[attr-defined]
        self.fields["challenger"].empty_label = _("— none —")  # type: ignore[attr-defined]

    def _post_clean(self) -> None:  # model validation happens in the service, with its own messages
        pass

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in STRATEGY_FIELDS}


class StepForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Step
        fields = list(STEP_FIELDS)
        widgets = {"offset_days": forms.NumberInput(attrs={"style": "width: 6rem"})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["offset_days"].help_text = _("Days after the case's start or the previous step.")
        # A choice of the letter templates, not a code typed from memory (the service checks it too).
        self.fields["template_code"] = forms.ChoiceField(
            label=self.fields["template_code"].label,
            choices=[("", _("— no template —")), *step_template_choices()],
            required=False,
        )
        self.fields["channel"].choices = [  # type: ignore[attr-defined]
            (value, label)
            for value, label in self.fields["channel"].choices  # type: ignore[attr-defined]
            if value in MESSAGE_CHANNELS or value == ""
        ]
        for name, actions in ACTION_FIELDS.items():  # incasso.js shows them for these actions only
            self.fields[name].widget.attrs["data-actions"] = " ".join(actions)

    def _post_clean(self) -> None:  # the service checks the step and names every problem
        pass

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in STEP_FIELDS}


class NewVersionForm(forms.Form):
    copy_current = forms.BooleanField(
        label=_("copy the steps of the current version"), required=False, initial=True
    )


class HoldForm(forms.Form):
    """A hold placed by hand on the case screen."""

    reason = forms.ChoiceField(
        label=_("Reason"),
        choices=[
            (r.value, r.label)
            for r in (HoldReason.DEBT_COUNSELLING, HoldReason.INSOLVENCY, HoldReason.DECEASED)
        ],
    )
    until = date_field(_("Until (optional)"), required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class MoveForm(forms.Form):
    version = forms.ModelChoiceField(label=_("new strategy"), queryset=StrategyVersion.objects.none())
    reason = forms.CharField(label=_("reason"), max_length=200)

    def __init__(self, *args: Any, versions: list[StrategyVersion], **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        field = self.fields["version"]
        field.queryset = StrategyVersion.objects.filter(pk__in=[v.pk for v in versions])  # type: ignore[attr-defined]
        field.choices = [("", "—")] + [(v.pk, f"{v.strategy.name} · v{v.number}") for v in versions]  # type: ignore[attr-defined]
