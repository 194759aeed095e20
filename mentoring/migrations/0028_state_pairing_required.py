import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("mentoring", "0027_state_pairing_recorded"),
    ]

    operations = [
        migrations.AlterField(
            model_name="sessionstate",
            name="pairing",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="mentoring.pairing",
            ),
        ),
        migrations.AddIndex(
            model_name="mentoringsession",
            index=models.Index(
                condition=models.Q(("recorded", False)),
                fields=["pairing", "held_on"],
                name="session_unrecorded",
            ),
        ),
        migrations.AddIndex(
            model_name="sessionstate",
            index=models.Index(
                fields=["pairing", "held_on"],
                include=["status", "since", "until", "duration_minutes"],
                name="sessionstate_pairing_day",
            ),
        ),
    ]
