from django.db import migrations, models


class Migration(migrations.Migration):
    # The audit's items in versions: a built-in survey per (kind, version); the existing built-ins become version 1,
    # so every round sent reads the same. Version 2 (Fuller and Unwin's further features) is made on demand.

    dependencies = [
        ("evaluation", "0005_audit_action_plans"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="survey",
            options={"ordering": ["title", "version"]},
        ),
        migrations.RemoveConstraint(
            model_name="survey",
            name="survey_one_builtin_per_kind",
        ),
        migrations.AddField(
            model_name="survey",
            name="version",
            field=models.PositiveSmallIntegerField(default=1),
        ),
        migrations.AlterField(
            model_name="question",
            name="dimension",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "—"),
                    ("communities", "Diverse communities of practice"),
                    ("co_construction", "Jobs organised for co-constructing knowledge"),
                    ("courses", "Off-the-job courses towards qualifications"),
                    ("reflection", "Time for reflection"),
                    ("support", "Support from managers and colleagues"),
                    ("transition", "A gradual, supported start for newcomers"),
                    ("boundaries", "Learning across boundaries"),
                    ("progression", "Recognised as learners, with a vision of progression"),
                    ("curriculum", "A planned workplace curriculum"),
                    ("facilitation", "Managers as facilitators of development"),
                ],
                default="",
                max_length=30,
            ),
        ),
        migrations.AddConstraint(
            model_name="survey",
            constraint=models.UniqueConstraint(
                condition=models.Q(("programme__isnull", True), models.Q(("kind", "custom"), _negated=True)),
                fields=("kind", "version"),
                name="survey_one_builtin_per_kind_version",
            ),
        ),
    ]
