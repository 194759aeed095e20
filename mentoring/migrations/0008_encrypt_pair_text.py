"""Encrypt what a pair writes in their own words.

Three steps: the columns become plain ``text`` (a token is longer than a varchar(200) title), the existing values
are encrypted with the first of TANDEM_NOTE_KEYS, then the fields become EncryptedTextField (same column type:
from then on the model encrypts on save and decrypts on load). The reverse decrypts them again.
"""

from django.db import migrations, models

import mentoring.fields

# model name -> fields, with their plain definition (step 1) and their encrypted one (step 3).
FIELDS = {
    "agreement": {
        "arrangements": (
            models.TextField(blank=True, max_length=2000),
            mentoring.fields.EncryptedTextField(blank=True, max_length=2000),
        ),
    },
    "closingreflection": {
        "text": (models.TextField(), mentoring.fields.EncryptedTextField()),
    },
    "concern": {
        "text": (models.TextField(max_length=2000), mentoring.fields.EncryptedTextField(max_length=2000)),
    },
    "goal": {
        "title": (
            models.TextField(max_length=200),
            mentoring.fields.EncryptedTextField(max_length=200, single_line=True),
        ),
        "success": (
            models.TextField(blank=True, max_length=2000, verbose_name="what success looks like"),
            mentoring.fields.EncryptedTextField(blank=True, max_length=2000, verbose_name="what success looks like"),
        ),
    },
    "mentoringsession": {
        "summary": (
            models.TextField(blank=True, max_length=5000, verbose_name="shared summary"),
            mentoring.fields.EncryptedTextField(blank=True, max_length=5000, verbose_name="shared summary"),
        ),
        "next_steps": (
            models.TextField(blank=True, max_length=2000),
            mentoring.fields.EncryptedTextField(blank=True, max_length=2000),
        ),
        "dispute_reason": (
            models.TextField(blank=True, max_length=500),
            mentoring.fields.EncryptedTextField(blank=True, max_length=500, single_line=True),
        ),
    },
    "mentorrequest": {
        "message": (
            models.TextField(blank=True, help_text="A short note to the mentor (optional)."),
            mentoring.fields.EncryptedTextField(blank=True, help_text="A short note to the mentor (optional)."),
        ),
        "decline_reason": (models.TextField(blank=True), mentoring.fields.EncryptedTextField(blank=True)),
    },
    "pairing": {
        "paused_reason": (
            models.TextField(blank=True, max_length=300),
            mentoring.fields.EncryptedTextField(blank=True, max_length=300, single_line=True),
        ),
    },
}

BATCH = 500


def _convert(apps, convert) -> None:
    for model_name, fields in FIELDS.items():
        model = apps.get_model("mentoring", model_name)
        names = list(fields)
        last_pk = 0
        while True:
            batch = list(model._base_manager.filter(pk__gt=last_pk).order_by("pk").only("pk", *names)[:BATCH])
            if not batch:
                break
            for row in batch:
                for name in names:
                    value = getattr(row, name)
                    if value:
                        setattr(row, name, convert(value, f"{model_name}.{name} #{row.pk}"))
            model._base_manager.bulk_update(batch, names)
            last_pk = batch[-1].pk


def encrypt_existing(apps, schema_editor) -> None:
    from mentoring import crypto

    _convert(apps, lambda value, where: crypto.encrypt(value))


def decrypt_existing(apps, schema_editor) -> None:
    from mentoring import crypto

    def decrypt(value: str, where: str) -> str:
        text = crypto.decrypt_or_none(value)
        if text is None:
            raise RuntimeError(f"{where} cannot be decrypted with TANDEM_NOTE_KEYS: put back the key it used.")
        return text

    _convert(apps, decrypt)


class Migration(migrations.Migration):
    dependencies = [
        ("mentoring", "0007_pairing_reminded_at"),
    ]

    operations = [
        *(
            migrations.AlterField(model_name=model_name, name=name, field=plain)
            for model_name, fields in FIELDS.items()
            for name, (plain, _) in fields.items()
        ),
        migrations.RunPython(encrypt_existing, decrypt_existing),
        *(
            migrations.AlterField(model_name=model_name, name=name, field=encrypted)
            for model_name, fields in FIELDS.items()
            for name, (_, encrypted) in fields.items()
        ),
    ]
