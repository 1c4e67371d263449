"""The Allocation table (transaction → ledger entry) goes: every entry a bank transaction makes names
it in `source` (`bank:<id>`, `BankTransaction.entry_source`), which payments already did. Before the
table is dropped, the entries it linked with another source (a return's reversals, which carried the
actor) get their transaction's source, so no link is lost. Amounts, dates and kinds are untouched."""

from django.db import migrations

MOVE_LINKS = """
UPDATE cases_ledgerentry
   SET source = (SELECT 'bank:' || a.transaction_id FROM payments_allocation a
                  WHERE a.entry_id = cases_ledgerentry.id)
 WHERE id IN (SELECT a.entry_id FROM payments_allocation a
               WHERE cases_ledgerentry.source <> 'bank:' || a.transaction_id)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0003_instalment_reference_rule"),
        ("cases", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(MOVE_LINKS, reverse_sql=migrations.RunSQL.noop),
        migrations.DeleteModel(name="Allocation"),
    ]
