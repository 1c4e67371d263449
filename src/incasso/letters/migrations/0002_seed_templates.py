"""Load the shipped letter texts (`letters/defaults/*.txt`) as version 1 of each template.

Reads the files directly (no project imports, as migrations must). Texts that already exist are left
alone; reversing removes only the untouched version-1 rows this migration added.
"""

from pathlib import Path

from django.db import migrations

DEFAULTS = Path(__file__).resolve().parent.parent / "defaults"


def _texts():
    for path in sorted(DEFAULTS.glob("*.txt")):
        code, language = path.stem.split(".")
        head, _, body = path.read_text(encoding="utf-8").partition("\n\n")
        meta = dict(line.split(":", 1) for line in head.splitlines())
        yield code, language, meta["subject"].strip(), meta.get("sms", "").strip(), body.strip() + "\n"


def seed(apps, schema_editor):
    LetterTemplate = apps.get_model("letters", "LetterTemplate")
    for code, language, subject, sms, body in _texts():
        if not LetterTemplate.objects.filter(code=code, language=language).exists():
            LetterTemplate.objects.create(
                code=code,
                language=language,
                version=1,
                subject=subject,
                short_text=sms,
                body=body,
                active=True,
            )


def unseed(apps, schema_editor):
    LetterTemplate = apps.get_model("letters", "LetterTemplate")
    LetterTemplate.objects.filter(version=1, updated_by__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("letters", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
