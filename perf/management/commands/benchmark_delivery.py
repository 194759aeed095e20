"""Time emailing a cold day's reminders to a local SMTP server (perf.delivery); everything is rolled back."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from perf.delivery import delivery_measure, delivery_target


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = (
        "Time the delivery of a cold day's reminder emails (every reminder of PAIRINGS made-up pairings due at "
        "once) to a local SMTP server that discards them, and judge it against the target: a cold 100,000-pairing "
        "day delivered within 15 minutes (extrapolated from a smaller size). Everything made is rolled back."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--pairings", type=int, default=10_000)

    def handle(self, *args, pairings: int, **options) -> None:
        try:
            with transaction.atomic():
                figures = delivery_measure(pairings=pairings, log=self.stdout.write)
                raise Rollback
        except Rollback:
            pass
        met, said = delivery_target(figures)
        self.stdout.write(
            f"{figures['emails']:,} emails in {figures['seconds']:.1f} s: {figures['emails_per_second']:.0f} emails/s "
            f"({figures['failed']} failed). Cold 100,000-pairing day: {said}: {'met' if met else 'MISSED'}."
        )
