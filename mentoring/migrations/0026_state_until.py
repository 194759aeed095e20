from django.db import migrations, models

# Each history row ends where the next one (by since, then id: the order a period's report reads) begins; the
# last row of a session stays open (null). Set-based, so that a large history fills in one statement.
FILL = """
UPDATE mentoring_sessionstate AS s SET until = n.next_since
FROM (
    SELECT id, LEAD(since) OVER (PARTITION BY session_id ORDER BY since, id) AS next_since
    FROM mentoring_sessionstate
) AS n
WHERE s.id = n.id AND n.next_since IS NOT NULL
"""


class Migration(migrations.Migration):
    dependencies = [
        ("mentoring", "0025_reminder_digest_claim"),
    ]

    operations = [
        migrations.AddField(
            model_name="sessionstate",
            name="until",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop, elidable=False),
    ]
