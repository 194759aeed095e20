# EmailFailure and FormSubmission moved here from programmes: only Django's record of them changes. Their
# tables (programmes_emailfailure, programmes_formsubmission) and rows stay where they are.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

MOVED = ["emailfailure", "formsubmission"]


def content_types_to(app_label: str, previous: str):
    # Keeps the admin permissions on these models (and any group that holds them) attached to them.
    def move(apps, schema_editor):
        ContentType = apps.get_model("contenttypes", "ContentType")
        ContentType.objects.filter(app_label=previous, model__in=MOVED).update(app_label=app_label)

    return move


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("programmes", "0007_form_submission_one_time_tokens"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="EmailFailure",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("at", models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                        ("subject", models.CharField(max_length=300)),
                        ("recipients", models.CharField(max_length=1000)),
                        ("error", models.CharField(max_length=500)),
                    ],
                    options={
                        "verbose_name": "email that could not be sent",
                        "verbose_name_plural": "emails that could not be sent",
                        "db_table": "programmes_emailfailure",
                        "ordering": ["-at", "-pk"],
                    },
                ),
                migrations.CreateModel(
                    name="FormSubmission",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("token", models.CharField(max_length=64, unique=True)),
                        ("path", models.CharField(max_length=2000)),
                        ("response_url", models.CharField(blank=True, max_length=2000)),
                        ("created_at", models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                        (
                            "person",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "programmes_formsubmission",
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_to("core", "programmes"), content_types_to("programmes", "core")),
    ]
