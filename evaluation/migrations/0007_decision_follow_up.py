import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    # Committee decisions followed through: owner, due date, status, what was done and its history.

    dependencies = [
        ("evaluation", "0006_audit_versions"),
        ("programmes", "0017_verbose_names"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ReportDecisionUpdate",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("open", "Open"),
                            ("in_progress", "In progress"),
                            ("done", "Done"),
                            ("dropped", "Dropped"),
                        ],
                        max_length=20,
                    ),
                ),
                ("outcome", models.TextField(blank=True, max_length=5000)),
            ],
            options={
                "ordering": ["at", "pk"],
            },
        ),
        migrations.AddField(
            model_name="reportdecision",
            name="closed_on",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="reportdecision",
            name="due_on",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="reportdecision",
            name="outcome",
            field=models.TextField(blank=True, max_length=5000, verbose_name="what was done"),
        ),
        migrations.AddField(
            model_name="reportdecision",
            name="owner",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="report_decisions_owned",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="reportdecision",
            name="status",
            field=models.CharField(
                choices=[("open", "Open"), ("in_progress", "In progress"), ("done", "Done"), ("dropped", "Dropped")],
                default="open",
                max_length=20,
            ),
        ),
        migrations.AddField(
            model_name="reportdecision",
            name="updated_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="reportdecision",
            name="updated_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddIndex(
            model_name="reportdecision",
            index=models.Index(fields=["owner", "status"], name="reportdecision_owner_status"),
        ),
        migrations.AddConstraint(
            model_name="reportdecision",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("closed_on__isnull", False), ("status__in", ["done", "dropped"])),
                    models.Q(models.Q(("status__in", ["done", "dropped"]), _negated=True), ("closed_on__isnull", True)),
                    _connector="OR",
                ),
                name="reportdecision_closed_on_when_closed",
            ),
        ),
        migrations.AddField(
            model_name="reportdecisionupdate",
            name="by",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL
            ),
        ),
        migrations.AddField(
            model_name="reportdecisionupdate",
            name="decision",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="updates", to="evaluation.reportdecision"
            ),
        ),
    ]
