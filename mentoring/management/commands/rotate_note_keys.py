"""Re-encrypt every private note with the first key of TANDEM_NOTE_KEYS (key rotation, step 2 of 3)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from mentoring.relationship import notes_rotate_keys


class Command(BaseCommand):
    help = (
        "Re-encrypt every private note with the first key of TANDEM_NOTE_KEYS. Rotation: put a new key first "
        "in TANDEM_NOTE_KEYS (keep the old one after it), restart, run this, then remove the old key."
    )

    def handle(self, *args, **options) -> None:
        count = notes_rotate_keys()
        self.stdout.write(self.style.SUCCESS(f"Re-encrypted {count} private note{'s' if count != 1 else ''}."))
