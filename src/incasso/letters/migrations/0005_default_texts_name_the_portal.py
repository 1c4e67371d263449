"""Give the untouched shipped reminder, 14-day letter, summons and final notice the new shipped text:
each now ends with a paragraph that names the debtor portal and the three login facts, shown only when
`INCASSO_PORTAL_URL` is set (`{% if portal_url %}`), so the new text prints as before until it is.

Only an active template that nobody edited (version 1, no `updated_by`: what `0002_seed_templates` or
`letters seed` stored) and whose text differs from the shipped file gets a new version with the file's
text; a supervisor's own text is left alone (the editor lists `portal_url`; the paragraph can be pasted
from `letters/defaults/`). Reads the files directly (no project imports, as migrations must).
Reversing removes the versions this migration added, unless a letter was already made with one, and
makes version 1 active again.
"""

from pathlib import Path

from django.db import migrations

DEFAULTS = Path(__file__).resolve().parent.parent / "defaults"
CODES = ("reminder", "fourteen_day_letter", "summons", "final_notice")


def _text(code, language):
    path = DEFAULTS / f"{code}.{language}.txt"
    if not path.exists():
        return None
    head, _, body = path.read_text(encoding="utf-8").partition("\n\n")
    meta = dict(line.split(":", 1) for line in head.splitlines())
    return meta["subject"].strip(), meta.get("sms", "").strip(), body.strip() + "\n"


def update(apps, schema_editor):
    LetterTemplate = apps.get_model("letters", "LetterTemplate")
    for template in LetterTemplate.objects.filter(
        code__in=CODES, active=True, version=1, updated_by__isnull=True
    ).order_by("pk"):
        text = _text(template.code, template.language)
        if text is None:
            continue
        subject, sms, body = text
        if (template.subject, template.short_text, template.body) == (subject, sms, body):
            continue
        LetterTemplate.objects.filter(pk=template.pk).update(active=False)
        LetterTemplate.objects.create(
            code=template.code,
            language=template.language,
            version=2,
            subject=subject,
            short_text=sms,
            body=body,
            active=True,
        )


def restore(apps, schema_editor):
    LetterTemplate = apps.get_model("letters", "LetterTemplate")
    SentLetter = apps.get_model("letters", "SentLetter")
    Delivery = apps.get_model("letters", "Delivery")
    added = LetterTemplate.objects.filter(code__in=CODES, version=2, updated_by__isnull=True, active=True)
    for template in added.order_by("pk"):  # still active: nobody has edited it since
        if SentLetter.objects.filter(template=template).exists() or Delivery.objects.filter(
            template=template
        ).exists():
            continue  # letters name this version: it stays
        template.delete()
        LetterTemplate.objects.filter(code=template.code, language=template.language, version=1).update(
            active=True
        )


class Migration(migrations.Migration):
    dependencies = [("letters", "0004_arrangement_texts_instalment_box")]
    operations = [migrations.RunPython(update, restore)]
