"""Time emailing a cold day's reminders to a local SMTP server by 1, 2 and 4 senders side by side
(perf.delivery), in a throwaway database that is dropped afterwards."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from perf.delivery import SENDERS, delivery_measure, delivery_target


class Command(BaseCommand):
    help = (
        "Time the delivery of a cold day's reminder emails (every reminder of PAIRINGS made-up pairings due at "
        "once) to a local SMTP server that discards them, by 1, 2 and 4 sender processes side by side, and judge "
        "it against the target: a cold 100,000-pairing day delivered within 15 minutes by TANDEM_REMINDER_SENDERS "
        "senders (extrapolated from a smaller size). Runs in a throwaway database beside yours (a new PostgreSQL "
        "database, else a temporary SQLite file, one sender only), dropped at the end."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--pairings", type=int, default=10_000)
        parser.add_argument("--senders", default=",".join(map(str, SENDERS)), help="e.g. 1,2,4 (default)")

    def handle(self, *args, pairings: int, senders: str, **options) -> None:
        try:
            counts = tuple(int(n) for n in senders.split(","))
        except ValueError:
            raise CommandError("--senders takes numbers separated by commas, e.g. 1,2,4.") from None
        if pairings < 1 or not counts or min(counts) < 1:
            raise CommandError("--pairings and every --senders count must be at least 1.")
        db = connection.settings_dict
        with tempfile.TemporaryDirectory(prefix="tandem-delivery-") as folder:
            if connection.vendor == "sqlite":
                db.setdefault("TEST", {})["NAME"] = str(Path(folder) / "delivery.sqlite3")
            else:
                db.setdefault("TEST", {})["NAME"] = f"{db['NAME']}_delivery"
            old_name = db["NAME"]
            self.stdout.write(f"Creating the throwaway database {db['TEST']['NAME']} (yours is not touched)…")
            connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
            try:
                figures = delivery_measure(pairings=pairings, senders=counts, log=self.stdout.write)
            finally:
                connection.creation.destroy_test_db(old_name, verbosity=0)
        met, said = delivery_target(figures)
        self.stdout.write(
            f"{figures['emails']:,} emails in {figures['seconds']:.1f} s: {figures['emails_per_second']:.0f} emails/s "
            f"({figures['failed']} failed). Cold 100,000-pairing day: {said}: {'met' if met else 'MISSED'}."
        )
