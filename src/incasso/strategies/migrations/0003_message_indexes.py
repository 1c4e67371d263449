"""Fewer indexes to write for every step execution and message the daily run makes, and an outbox index.

Dropped (each is the leading column of a composite index or unique key that serves the same lookups):
- step execution `case_id`: the unique key (case, step, due_on) starts with it;
- message `case_id`: the unique key (case, template_code, step_execution) starts with it;
- message `debtor_id`: the index (debtor, channel, queued_on) starts with it;
- message `template_code` (and its `varchar_pattern_ops` twin on PostgreSQL): nothing looks a message
  up by its template alone (the 14-day letter lookup goes by case first).

Measured on the daily-run benchmark (50,000 due cases, PostgreSQL): the executions and messages
INSERT went from 2.25–2.31 s to 1.94–1.97 s.

Added: `message_outbox_idx`, the queued messages by channel and date, partial on status "queued". The
print batch and the e-mail/SMS sender take the queued messages; without it they read every message
ever sent.

The indexes are dropped by name (`DROP INDEX IF EXISTS`) rather than by Django's AlterField, which on
PostgreSQL would also drop and re-add (and so re-validate) each foreign key constraint.
"""

import django.db.models.deletion
from django.db import migrations, models

# name → (table, column); the same names on PostgreSQL and SQLite (Django's schema editor names them)
INDEXES = {
    "strategies_stepexecution_case_id_85534115": ("strategies_stepexecution", "case_id"),
    "strategies_outgoingmessage_case_id_5738daa3": ("strategies_outgoingmessage", "case_id"),
    "strategies_outgoingmessage_debtor_id_55a1cf66": ("strategies_outgoingmessage", "debtor_id"),
    "strategies_outgoingmessage_template_code_0f3f7287": ("strategies_outgoingmessage", "template_code"),
}
LIKE_INDEX = "strategies_outgoingmessage_template_code_0f3f7287_like"  # PostgreSQL only


def drop(apps, schema_editor):
    names = [*INDEXES, LIKE_INDEX] if schema_editor.connection.vendor == "postgresql" else list(INDEXES)
    for name in names:
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


def create(apps, schema_editor):
    qn = schema_editor.quote_name
    for name, (table, column) in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {qn(name)} ON {qn(table)} ({qn(column)})")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {qn(LIKE_INDEX)} ON strategies_outgoingmessage "
            "(template_code varchar_pattern_ops)"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0007_drop_unused_like_indexes"),
        ("debtors", "0002_debtor_name_keys"),
        ("strategies", "0002_strategy_challenger"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="outgoingmessage",
                    name="case",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="outgoing_messages",
                        to="cases.case",
                    ),
                ),
                migrations.AlterField(
                    model_name="outgoingmessage",
                    name="debtor",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="debtors.debtor",
                    ),
                ),
                migrations.AlterField(
                    model_name="outgoingmessage",
                    name="template_code",
                    field=models.SlugField(db_index=False, verbose_name="template"),
                ),
                migrations.AlterField(
                    model_name="stepexecution",
                    name="case",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="step_executions",
                        to="cases.case",
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(drop, create)],
        ),
        migrations.AddIndex(
            model_name="outgoingmessage",
            index=models.Index(
                condition=models.Q(("status", "queued")),
                fields=["channel", "queued_on"],
                name="message_outbox_idx",
            ),
        ),
    ]
