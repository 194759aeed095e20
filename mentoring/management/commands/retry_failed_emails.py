"""Put reminder emails that failed on every attempt back in the outbox (after a mail outage, a fixed setting)."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from mentoring.models import MeetingReminder, ReminderDigest
from mentoring.services.meeting_reminders import meeting_reminders_retry
from mentoring.services.reminder_emails import reminder_digests_retry


class Command(BaseCommand):
    help = (
        "Put the reminder emails that failed on every attempt back in the outbox, due now: the next sweep (or "
        "send_reminders) sends them. Reminders that stopped being true, or grew too old to matter (past the "
        "programme's grace days), are left out when they go. Failed emails are also tried again on their own "
        "every hour; this sends them without waiting."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--since",
            type=datetime.date.fromisoformat,
            help="Only emails of this day (YYYY-MM-DD) or later (check-in digests by their day, meeting reminders "
            "by when they were recorded).",
        )

    def handle(self, *args, since: datetime.date | None = None, **options) -> None:
        now = timezone.now()
        digests = ReminderDigest.objects.all()
        meetings = MeetingReminder.objects.all()
        if since is not None:
            digests = digests.filter(day__gte=since)
            meetings = meetings.filter(created_at__date__gte=since)
        retried = reminder_digests_retry(digests=digests, now=now)
        retried_meetings = meeting_reminders_retry(reminders=meetings, now=now)
        self.stdout.write(
            f"Check-in reminder emails back in the outbox: {retried}. Meeting reminder emails: {retried_meetings}."
        )
