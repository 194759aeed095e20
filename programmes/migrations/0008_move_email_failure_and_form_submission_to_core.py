# EmailFailure and FormSubmission now belong to core (core/migrations/0001_initial.py): Django forgets them
# here without touching their tables.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("programmes", "0007_form_submission_one_time_tokens"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="EmailFailure"),
                migrations.DeleteModel(name="FormSubmission"),
            ],
            database_operations=[],
        ),
    ]
