"""Forms of the letters screens that are not a template's own (the case screen's "send a letter",
and a letter that came back)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from incasso.core.formatting import choice_label, format_date
from incasso.core.forms import Form, date_field
from incasso.letters.models import LetterTemplate, ReturnReason, TemplateCode
from incasso.letters.queueing import CHANNELS, DEBTOR_TEMPLATES
from incasso.strategies.models import Channel, OutgoingMessage


class SendLetterForm(forms.Form):
    """A letter for the case's debtor: one of the active templates for debtors, and a channel that
    template has (post and e-mail always; SMS when the template has an SMS text)."""

    template_code = forms.ChoiceField(label=_("Letter"))
    channel = forms.ChoiceField(label=_("Channel"), choices=[(c.value, c.label) for c in CHANNELS])

    def __init__(self, *args: Any, language: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rows = LetterTemplate.objects.filter(
            active=True, code__in=DEBTOR_TEMPLATES, language__in={language, "nl"}
        )
        active: dict[str, LetterTemplate] = {}
        for template in sorted(rows, key=lambda t: t.language == language):  # the debtor's language wins
            active[template.code] = template  # else the Dutch text, as `template_active` chooses
        self.templates = active
        choice = self.fields["template_code"]
        assert isinstance(choice, forms.ChoiceField)
        choice.choices = [
            (code, choice_label(TemplateCode, code)) for code in DEBTOR_TEMPLATES if code in active
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        template = self.templates.get(data.get("template_code", ""))
        if template is not None and data.get("channel") == Channel.SMS and not template.short_text.strip():
            self.add_error("channel", _("This letter has no SMS text: send it by post or e-mail."))
        return data


class LetterReturnForm(Form):
    """A letter the post brought back: which one (the case's letters by post that went out and were
    not returned yet), why, when, and a note."""

    message = forms.TypedChoiceField(label=_("Letter"), coerce=int)
    reason = forms.ChoiceField(label=_("Why it came back"), choices=[("", "—"), *ReturnReason.choices])
    returned_on = date_field(_("Came back on"))
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args: Any, letters: Sequence[OutgoingMessage], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice = self.fields["message"]
        assert isinstance(choice, forms.TypedChoiceField)
        choice.choices = [
            (m.pk, f"{capfirst(choice_label(TemplateCode, m.template_code))} · {format_date(m.sent_on)}")
            for m in letters
            if m.sent_on is not None
        ]
        if not self.is_bound:
            self.initial.setdefault("returned_on", timezone.localdate())
