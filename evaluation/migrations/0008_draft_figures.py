"""Draft figures kept while nothing they read has changed: the cache table, the change log, and the triggers
that write the change log on PostgreSQL (services/draft_figures.py says how they are read).

Each table a committee report's figures read gets three statement-level triggers (insert, update, delete). Each
logs one row per transaction and programme the statement touched, ``programme_id`` 0 for the tables that
belong to no one programme; a row whose parent is gone (a delete) logs 0 too, so nothing is missed. Updates
that only touch columns the figures never read (a login's time, a reminder's claim, the narrative being
written) log nothing, or every draft would be worked out again after each login.

The SQL is written out here, not imported, so that the migration stays what it was when later code changes;
a later migration that adds a table the figures read adds its triggers the same way (the test
``test_every_table_the_figures_read_logs_its_changes`` fails until it does).
"""

import django.db.models.deletion
from django.db import migrations, models

PAIRING = ("LEFT JOIN mentoring_pairing p ON p.id = r.pairing_id", "p.programme_id")
DIRECT = ("", "r.programme_id")
EVERYONE = ("", "0")
# table: (joins from the changed rows ``r`` to the programme, the programme's id, columns the figures never read)
TRACKED = {
    "programmes_programme": ("", "r.id", ()),
    "programmes_membership": (*DIRECT, ()),
    "programmes_application": (*DIRECT, ()),
    "programmes_programmerequirement": (*DIRECT, ()),
    "programmes_timeallocation": (*DIRECT, ()),
    "programmes_timeallocationstate": (
        "LEFT JOIN programmes_timeallocation a ON a.id = r.allocation_id",
        "a.programme_id",
        (),
    ),
    "programmes_opportunityrequest": (*DIRECT, ()),
    "programmes_course": (*EVERYONE, ()),
    "programmes_trainingrecord": (*EVERYONE, ()),
    "programmes_orgunit": (*EVERYONE, ()),
    "programmes_personunithistory": (*EVERYONE, ()),
    "programmes_person": (
        *EVERYONE,
        ("last_login", "password", "browser_language", "language", "time_zone", "email_reminders", "email_updates"),
    ),
    "mentoring_pairing": (*DIRECT, ("reminded_at",)),
    "mentoring_reflectiontime": (*DIRECT, ()),
    "mentoring_agreement": (*PAIRING, ()),
    "mentoring_agreementcadence": (*PAIRING, ()),
    "mentoring_pairingpause": (*PAIRING, ()),
    "mentoring_mentoringsession": (*PAIRING, ()),
    "mentoring_sessionstate": (*PAIRING, ()),
    "mentoring_goal": (*PAIRING, ()),
    "mentoring_goalstate": (
        "LEFT JOIN mentoring_goal g ON g.id = r.goal_id LEFT JOIN mentoring_pairing p ON p.id = g.pairing_id",
        "p.programme_id",
        (),
    ),
    "evaluation_report": (*DIRECT, ("narrative",)),
    "evaluation_reportdecision": ("LEFT JOIN evaluation_report x ON x.id = r.report_id", "x.programme_id", ()),
    "evaluation_intervention": (*DIRECT, ("follow_up_reminded_at",)),
    "evaluation_interventionkind": (
        "LEFT JOIN evaluation_intervention i ON i.id = r.intervention_id",
        "i.programme_id",
        (),
    ),
    "evaluation_survey": (*DIRECT, ()),
    "evaluation_question": (*EVERYONE, ()),
    "evaluation_surveyround": (*DIRECT, ("reminded_at",)),
    "evaluation_surveyresponse": ("LEFT JOIN evaluation_surveyround d ON d.id = r.round_id", "d.programme_id", ()),
    "evaluation_answer": (
        "LEFT JOIN evaluation_surveyresponse s ON s.id = r.response_id "
        "LEFT JOIN evaluation_surveyround d ON d.id = s.round_id",
        "d.programme_id",
        (),
    ),
}
EVENTS = {"ins": ("INSERT", "new_rows"), "upd": ("UPDATE", None), "del": ("DELETE", "old_rows")}


def _rows(event: str, ignored: tuple[str, ...]) -> str:
    """The changed rows a trigger logs: the inserted or deleted ones; for an update, old and new (a row may move
    to another programme), only those that changed in a column the figures read."""
    if event != "upd":
        return EVENTS[event][1]
    if not ignored:
        return "(SELECT * FROM new_rows UNION ALL SELECT * FROM old_rows)"
    skip = "ARRAY[" + ", ".join(f"'{c}'" for c in ignored) + "]::text[]"
    changed = (
        f"SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id "
        f"WHERE (to_jsonb(n) - {skip}) IS DISTINCT FROM (to_jsonb(o) - {skip})"
    )
    return f"(SELECT * FROM new_rows WHERE id IN ({changed}) UNION ALL SELECT * FROM old_rows WHERE id IN ({changed}))"


def _sql(table: str) -> list[str]:
    joins, programme, ignored = TRACKED[table]
    statements = []
    for event, (verb, _) in EVENTS.items():
        function = f"tandem_figures_{table}_{event}"
        referencing = {"ins": "NEW TABLE AS new_rows", "del": "OLD TABLE AS old_rows"}.get(
            event, "NEW TABLE AS new_rows OLD TABLE AS old_rows"
        )
        statements += [
            f"""CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO evaluation_figureschange (programme_id, xact, at)
    SELECT DISTINCT COALESCE({programme}, 0), pg_current_xact_id()::text::bigint, clock_timestamp()
    FROM {_rows(event, ignored)} r {joins}
    ON CONFLICT (xact, programme_id) DO NOTHING;
    RETURN NULL;
END $$""",
            f"DROP TRIGGER IF EXISTS tandem_figures_{event} ON {table}",
            f"CREATE TRIGGER tandem_figures_{event} AFTER {verb} ON {table} REFERENCING {referencing} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
        ]
    return statements


def triggers_create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite works every draft's figures out on each view (services/draft_figures.py)
    for table in TRACKED:
        for statement in _sql(table):
            schema_editor.execute(statement)


def triggers_drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TRACKED:
        for event in EVENTS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS tandem_figures_{event} ON {table}")
            schema_editor.execute(f"DROP FUNCTION IF EXISTS tandem_figures_{table}_{event}()")


class Migration(migrations.Migration):
    dependencies = [
        ("evaluation", "0007_decision_follow_up"),
        ("mentoring", "0029_goal_state_until"),
        ("programmes", "0021_state_until"),
    ]

    operations = [
        migrations.CreateModel(
            name="DraftFigures",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("content", models.JSONField()),
                ("code", models.CharField(max_length=64)),
                ("computed_on", models.DateField()),
                ("computed_at", models.DateTimeField()),
                ("db_snapshot", models.TextField()),
                (
                    "report",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="evaluation.report"
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="FiguresChange",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("programme_id", models.IntegerField()),
                ("xact", models.BigIntegerField()),
                ("at", models.DateTimeField()),
            ],
            options={
                "indexes": [models.Index(fields=["at"], name="figures_change_at")],
                "constraints": [models.UniqueConstraint(fields=("xact", "programme_id"), name="figures_change_once")],
            },
        ),
        migrations.RunPython(triggers_create, triggers_drop),
    ]
