"""The name rule's blocking keys as a GIN index, on PostgreSQL only (other databases group in Python).

Each debtor's keys: the first four letters of every word of its name fields, lowercased. The name
rule (`payments.names`, `DEBTOR_KEYS_SQL`) asks `<this expression> && keys[]`, an index lookup with
no limit on the number of keys; the two texts must stay the same expression.
"""

from django.db import migrations

INDEX = "debtor_name_keys_idx"
KEYS = (
    r"regexp_split_to_array(regexp_replace(lower(first_names || ' ' || name_prefix || ' ' || last_name"
    r" || ' ' || organisation_name), '(\w{4})\w*', '\1', 'g'), '\W+')"
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX {INDEX} ON debtors_debtor USING gin (({KEYS}))")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("debtors", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
