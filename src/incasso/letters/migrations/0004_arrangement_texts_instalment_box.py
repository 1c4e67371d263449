"""Bring the shipped arrangement letter texts (confirmation, reminder, broken arrangement) up to date
where a database still has them untouched: their payment box now asks for the instalment with its own
betalingskenmerk, and the texts say so (docs/letters-workflow.md).

Only an active template that nobody edited (version 1, no `updated_by`: what `0002_seed_templates` or
`letters seed` stored) and whose text differs from the shipped file gets a new version with the file's
text; a supervisor's own text is left alone. Reads the files directly (no project imports, as
migrations must). Reversing removes the versions this migration added and makes version 1 active again.
"""

from pathlib import Path

from django.db import migrations

DEFAULTS = Path(__file__).resolve().parent.parent / "defaults"
CODES = ("arrangement_confirmation", "arrangement_reminder", "broken_arrangement")


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
    added = LetterTemplate.objects.filter(code__in=CODES, version=2, updated_by__isnull=True, active=True)
    for template in added.order_by("pk"):  # still active: nobody has edited it since
        template.delete()
        LetterTemplate.objects.filter(code=template.code, language=template.language, version=1).update(
            active=True
        )


class Migration(migrations.Migration):
    dependencies = [("letters", "0003_letterhead_english_texts")]
    operations = [migrations.RunPython(update, restore)]
