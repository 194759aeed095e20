from django.db import migrations, models

# As 0026 for the session history: each row ends where the next one (by since, then id) begins; the last stays
# open (null). Set-based, one statement.
FILL = """
UPDATE mentoring_goalstate AS s SET until = n.next_since
FROM (
    SELECT id, LEAD(since) OVER (PARTITION BY goal_id ORDER BY since, id) AS next_since
    FROM mentoring_goalstate
) AS n
WHERE s.id = n.id AND n.next_since IS NOT NULL
"""


class Migration(migrations.Migration):
    dependencies = [
        ("mentoring", "0028_state_pairing_required"),
    ]

    operations = [
        migrations.AddField(
            model_name="goalstate",
            name="until",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop, elidable=False),
    ]
