"""Seed the default debt classification. Data only; reversible; no project imports."""

from django.db import migrations

DEBT_TYPES = [
    # code, name (Dutch UI default), default interest basis, limitation class
    ("goods", "Verkochte goederen", "consumer", "7:28"),
    ("services", "Diensten", "consumer", "3:307"),
    ("rent", "Huur", "consumer", "3:308"),
    ("energy", "Energie", "consumer", "3:308"),
    ("healthcare", "Zorg", "consumer", "3:307"),
    ("subscription", "Abonnement", "consumer", "3:308"),
    ("loan", "Lening", "contractual", "3:307"),
    ("mortgage_arrears", "Hypotheekachterstand", "contractual", "3:308"),
    ("government_levy", "Overheidsheffing", "none", "3:307"),
    ("b2b_invoice", "Zakelijke factuur", "commercial", "3:307"),
]


def seed(apps, schema_editor):
    DebtType = apps.get_model("cases", "DebtType")
    for code, name, basis, limitation in DEBT_TYPES:
        DebtType.objects.get_or_create(
            code=code, defaults={"name": name, "default_interest_basis": basis, "limitation_class": limitation}
        )


def unseed(apps, schema_editor):
    DebtType = apps.get_model("cases", "DebtType")
    DebtType.objects.filter(code__in=[row[0] for row in DEBT_TYPES], cases__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
