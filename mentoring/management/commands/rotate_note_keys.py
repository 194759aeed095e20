"""Re-encrypt every private note and all the pair's other encrypted text with the first key of TANDEM_NOTE_KEYS
(key rotation, step 2 of 3)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from mentoring.fields import encrypted_fields, encrypted_fields_rotate
from mentoring.services.relationship import notes_rotate_keys


class Command(BaseCommand):
    help = (
        "Re-encrypt every private note, and everything else a pair wrote (goals, session summaries, agreements, "
        "requests, reflections...), with the first key of TANDEM_NOTE_KEYS. Rotation: put a new key first in "
        "TANDEM_NOTE_KEYS (keep the old one after it), restart, run this, then remove the old key."
    )

    def handle(self, *args, **options) -> None:
        count = notes_rotate_keys()
        self.stdout.write(self.style.SUCCESS(f"Re-encrypted {count} private note{'s' if count != 1 else ''}."))
        rows, unreadable = encrypted_fields_rotate()
        kinds = ", ".join(
            f"{model._meta.verbose_name_plural} ({', '.join(names)})" for model, names in encrypted_fields().items()
        )
        self.stdout.write(self.style.SUCCESS(f"Re-encrypted {rows} row{'s' if rows != 1 else ''} of {kinds}."))
        if unreadable:
            self.stdout.write(
                self.style.WARNING(
                    f"{unreadable} value{'s' if unreadable != 1 else ''} could not be opened with any key of "
                    "TANDEM_NOTE_KEYS and were left as they are: they read again once their key is put back."
                )
            )
