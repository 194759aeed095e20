"""Webhook channels are per programme only: the per-person path (no page could set one) is removed."""

import django.db.models.deletion
from django.db import migrations, models


def drop_personal_channels(apps, schema_editor):
    # None can exist (nothing created them), but a channel without a programme would block the NOT NULL below.
    apps.get_model("mentoring", "WebhookChannel").objects.filter(programme__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("mentoring", "0015_webhooks"),
        ("programmes", "0014_person_time_zone"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="webhookchannel", name="webhook_channel_programme_or_person"),
        migrations.RunPython(drop_personal_channels, migrations.RunPython.noop),
        migrations.RemoveField(model_name="webhookchannel", name="person"),
        migrations.AlterField(
            model_name="webhookchannel",
            name="programme",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="webhook_channels",
                to="programmes.programme",
            ),
        ),
    ]
