"""Erase the personal data of participants whose programmes all closed longer ago than the retention time."""

from django.conf import settings
from django.core.management.base import BaseCommand

from evaluation.services.personal_data import retention_apply


class Command(BaseCommand):
    help = "Erase personal data past TANDEM_RETENTION_DAYS_AFTER_CLOSE (with --dry-run: only count)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count who would be erased; change nothing.")

    def handle(self, *args, dry_run: bool = False, **options):
        days = settings.TANDEM_RETENTION_DAYS_AFTER_CLOSE
        if not days:
            self.stdout.write("Retention is off (TANDEM_RETENTION_DAYS_AFTER_CLOSE=0): nothing is erased.")
            return
        count = retention_apply(dry_run=dry_run)
        # Counts only: names of people about to be erased do not belong in a log.
        verb = "would be erased" if dry_run else "erased"
        self.stdout.write(f"{count} people {verb} (programmes closed more than {days} days ago).")
