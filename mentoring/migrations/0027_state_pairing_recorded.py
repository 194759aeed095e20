import django.db.models.deletion
from django.db import migrations, models

# The filled columns are made required and indexed in 0028: on PostgreSQL, the foreign key's deferred checks
# of these updates must run (at this migration's commit) before the table can be altered.
# Both set-based, in one statement each (PostgreSQL and SQLite alike), so that a large history fills quickly.
FILL_PAIRING = """
UPDATE mentoring_sessionstate SET pairing_id = (
    SELECT pairing_id FROM mentoring_mentoringsession WHERE mentoring_mentoringsession.id = mentoring_sessionstate.session_id
)
"""
FILL_RECORDED = """
UPDATE mentoring_mentoringsession SET recorded = EXISTS (
    SELECT 1 FROM mentoring_sessionstate WHERE mentoring_sessionstate.session_id = mentoring_mentoringsession.id
)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("mentoring", "0026_state_until"),
    ]

    operations = [
        migrations.AddField(
            model_name="mentoringsession",
            name="recorded",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.AddField(
            model_name="sessionstate",
            name="pairing",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="mentoring.pairing",
            ),
        ),
        migrations.RunSQL(FILL_PAIRING, migrations.RunSQL.noop, elidable=False),
        migrations.RunSQL(FILL_RECORDED, migrations.RunSQL.noop, elidable=False),
    ]
