"""Drop the `varchar_pattern_ops` indexes PostgreSQL's schema editor adds beside every unique CharField.

They serve `LIKE 'prefix%'` only. Nothing queries the case number or the payment reference that way:
exact lookups (the payments matcher, the screens) use the unique index, and the case search uses
`icontains`, which no btree serves. Both indexes cost every case insert and every non-HOT update of
a case (the daily run moves `next_action_on` of each due case, an indexed column) one more index
write each, and together ~137 MB per million cases. Elsewhere (SQLite) they do not exist.

Should a later AlterField of these fields recreate them, this migration's reasoning still holds.
"""

from django.db import migrations

LIKE_INDEXES = {
    "cases_case_number_980c9551_like": "number",
    "cases_case_payment_reference_bedbfb43_like": "payment_reference",
}


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in LIKE_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, column in LIKE_INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {schema_editor.quote_name(name)} ON cases_case "
            f"({schema_editor.quote_name(column)} varchar_pattern_ops)"
        )


class Migration(migrations.Migration):
    dependencies = [("cases", "0006_drop_indexes_covered_by_composites")]

    operations = [migrations.RunPython(drop, create)]
