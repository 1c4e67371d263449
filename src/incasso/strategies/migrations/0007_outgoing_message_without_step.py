# Messages queued outside the daily run (by hand, on an event): no step execution, a reason key instead.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0011_anonymised_at'),
        ('debtors', '0004_debtor_language'),
        ('strategies', '0006_hold_reason_settlement'),
    ]

    operations = [
        migrations.AddField(
            model_name='outgoingmessage',
            name='reason_key',
            field=models.CharField(blank=True, db_default='', default='', max_length=60, verbose_name='reason'),
        ),
        migrations.AlterField(
            model_name='outgoingmessage',
            name='step_execution',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='messages', to='strategies.stepexecution'),
        ),
        migrations.AddConstraint(
            model_name='outgoingmessage',
            constraint=models.UniqueConstraint(condition=models.Q(('step_execution__isnull', True)), fields=('case', 'template_code', 'reason_key'), name='message_once_per_reason'),
        ),
        migrations.AddConstraint(
            model_name='outgoingmessage',
            constraint=models.CheckConstraint(condition=models.Q(('step_execution__isnull', False), models.Q(('reason_key', ''), _negated=True), _connector='OR'), name='message_step_or_reason'),
        ),
    ]
