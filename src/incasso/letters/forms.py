"""Forms of the letters screens that are not a template's own (the case screen's "send a letter")."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from incasso.core.formatting import choice_label
from incasso.letters.models import LetterTemplate, TemplateCode
from incasso.letters.queueing import CHANNELS, DEBTOR_TEMPLATES
from incasso.strategies.models import Channel


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
