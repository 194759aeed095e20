"""Run the check-in reminder sweep now, as beat's task does."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from mentoring.services.reminders import reminders_sweep


class Command(BaseCommand):
    help = (
        "Record the check-in reminders due up to now and send the reminder emails waiting, as the periodic task "
        "does. Safe to run at any time, also while the workers run and for as long as it takes: nothing is recorded "
        "or sent twice (its claims on the emails it sends are renewed as it goes)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what is due and waiting; record and send nothing."
        )

    def handle(self, *args, **options) -> None:
        counts = reminders_sweep(dry_run=options["dry_run"])
        if options["dry_run"]:
            self.stdout.write(
                f"Pairings due a reminder: {counts.due}. Emails waiting to be sent: {counts.waiting}. "
                "Dry run: nothing was recorded or sent."
            )
            return
        self.stdout.write(
            f"Pairings due a reminder: {counts.due}; reminders recorded: {counts.recorded}. "
            f"Emails sent: {counts.sent}, skipped: {counts.skipped}, failed: {counts.failed}."
            + (f" Reminders too old to matter, left out: {counts.dropped}." if counts.dropped else "")
            + (
                f" The mail server is not answering: {counts.held} emails wait for the next sweep."
                if counts.held
                else ""
            )
        )
