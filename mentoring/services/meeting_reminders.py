"""Reminders before a planned meeting (issue 17, point 5): a day before and an hour before, each person's choice
(MeetingReminderChoice; both by default), with the time in the person's own zone.

They run in the check-in reminder sweep (mentoring.services.reminders.reminders_sweep, started by beat) and use
the same outbox discipline as its digests, on their own rows (a digest is one email a day; an hour-before
reminder cannot wait for tomorrow's):

1. Record: a row per (meeting, person, kind, SEQUENCE) inserted while ignoring conflicts, so two sweeps at once
   or a repeated sweep record it once; a moved meeting (a new SEQUENCE) is reminded afresh. A late sweep records
   only what is true now: within the last hour, the hour reminder and not the day one.
2. Send: due rows are claimed with row locks that skip locked rows, marked "sending" with an attempt counted and
   dated when claimed, sent straight through ``TANDEM_EMAIL_BACKEND`` over one connection per chunk, and each
   marked sent as soon as the mail server took it (a worker killed mid-chunk repeats at most the one in flight).
   A failure is retried with back-off, given up after ``MAX_ATTEMPTS`` (``retry_failed_emails`` puts it back); a
   row held by a worker that died goes back to the outbox when the lease (``TANDEM_REMINDER_LEASE_SECONDS``)
   runs out. A reminder no longer true when it goes (moved, cancelled, time passed) is skipped, not sent.

An email carries names, the time, the link to join or the place, and Tandem's link; never a summary or a note.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dates import meeting_time
from core.i18n import in_language_of
from mentoring.models import MeetingReminder, MeetingReminderChoice, Pairing, PlannedSession
from mentoring.services.invitations import site_url
from mentoring.services.reminder_emails import MAX_ATTEMPTS, RETRY_AFTER, SEND_CHUNK

BEFORE = {MeetingReminder.Kind.DAY: datetime.timedelta(days=1), MeetingReminder.Kind.HOUR: datetime.timedelta(hours=1)}
Status = MeetingReminder.Status


def _kind_due(planned: PlannedSession, now: datetime.datetime) -> str | None:
    """The one reminder true now: the hour one within the last hour, else the day one within the last day."""
    if planned.starts_at <= now:
        return None
    if planned.starts_at - BEFORE[MeetingReminder.Kind.HOUR] <= now:
        return MeetingReminder.Kind.HOUR
    if planned.starts_at - BEFORE[MeetingReminder.Kind.DAY] <= now:
        return MeetingReminder.Kind.DAY
    return None


def meeting_reminders_record(*, now: datetime.datetime) -> int:
    """Record the reminders due up to now (returns how many were due, recorded now or before). Three queries
    whatever the number of meetings."""
    planned = list(
        PlannedSession.objects.upcoming()
        # A paused pairing's pair does not meet (a leaver pauses it too): no reminder goes.
        .filter(pairing__status=Pairing.Status.ACTIVE)
        .filter(starts_at__gt=now, starts_at__lte=now + BEFORE[MeetingReminder.Kind.DAY])
        .values_list("pk", "starts_at", "sequence", "pairing__mentor_id", "pairing__mentee_id")
    )
    people = {person for row in planned for person in row[3:]}
    choices = {
        person_id: (day, hour)
        for person_id, day, hour in MeetingReminderChoice.objects.filter(person_id__in=people).values_list(
            "person_id", "day_before", "hour_before"
        )
    }
    rows = []
    for pk, starts_at, sequence, *pair in planned:
        kind = _kind_due(PlannedSession(starts_at=starts_at), now)
        for person_id in pair:
            day, hour = choices.get(person_id, (True, True))
            if (kind == MeetingReminder.Kind.DAY and day) or (kind == MeetingReminder.Kind.HOUR and hour):
                rows.append(
                    MeetingReminder(
                        planned_id=pk,
                        person_id=person_id,
                        kind=kind,
                        sequence=sequence,
                        next_attempt_at=now,
                        created_at=now,
                    )
                )
    # Sorted, so that two sweeps inserting the same keys lock in the same order.
    rows.sort(key=lambda r: (r.planned_id, r.person_id, r.kind))
    MeetingReminder.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def _claim(now: datetime.datetime) -> list[int]:
    with transaction.atomic():
        claimed = list(
            MeetingReminder.objects.filter(status=Status.PENDING, next_attempt_at__lte=now)
            .select_for_update(skip_locked=True)
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:SEND_CHUNK]
        )
        if claimed:
            MeetingReminder.objects.filter(pk__in=claimed).update(
                status=Status.SENDING, claimed_at=timezone.now(), attempts=F("attempts") + 1
            )
    return claimed


def _release_abandoned(now: datetime.datetime) -> None:
    lease = datetime.timedelta(seconds=settings.TANDEM_REMINDER_LEASE_SECONDS)
    # By the clock, as claims are dated: a sweep's ``now`` may be its start, long ago for a slow run.
    abandoned = MeetingReminder.objects.filter(status=Status.SENDING, claimed_at__lt=timezone.now() - lease)
    abandoned.filter(attempts__gte=MAX_ATTEMPTS).update(
        status=Status.FAILED, last_error="The worker stopped while sending it, on every attempt."
    )
    abandoned.filter(attempts__lt=MAX_ATTEMPTS).update(status=Status.PENDING, next_attempt_at=now)


def meeting_reminder_message(reminder: MeetingReminder) -> EmailMessage:
    """The reminder email, in its recipient's language."""
    planned, person = reminder.planned, reminder.person
    pairing = planned.pairing
    partner = pairing.mentee if person.pk == pairing.mentor_id else pairing.mentor
    with in_language_of(person):
        values = {
            "partner": partner,
            "when": f"{meeting_time(planned.starts_at, person.time_zone)} ({person.zone.key})",
        }
        if reminder.kind == MeetingReminder.Kind.HOUR:
            subject = _("Mentoring session with %(partner)s in an hour") % values
            news = _("Your mentoring session with %(partner)s is in an hour: %(when)s.") % values
        else:
            subject = _("Mentoring session with %(partner)s tomorrow") % values
            news = _("Your mentoring session with %(partner)s is tomorrow: %(when)s.") % values
        lines = [_("Hello %(name)s,") % {"name": person.get_short_name()}, "", news]
        if planned.video_link:
            lines.append(_("Join: %(link)s") % {"link": planned.video_link})
        elif planned.place:
            lines.append(_("Where: %(place)s") % {"place": planned.place})
        lines += ["", _("In Tandem: %(url)s") % {"url": site_url(planned.get_absolute_url())}, "", "Tandem", ""]
    return EmailMessage(subject, "\n".join(lines), None, [person.email])


def _still_true(reminder: MeetingReminder, now: datetime.datetime) -> bool:
    planned = reminder.planned
    return (
        planned.state == PlannedSession.State.ACCEPTED
        and planned.pairing.status == Pairing.Status.ACTIVE
        and planned.sequence == reminder.sequence
        and planned.starts_at > now
        and reminder.person.is_active
    )


def _failed(reminder: MeetingReminder, exc: Exception, now: datetime.datetime) -> None:
    error = f"{type(exc).__name__}: {exc}"[:500]
    if reminder.attempts >= MAX_ATTEMPTS:
        MeetingReminder.objects.filter(pk=reminder.pk).update(status=Status.FAILED, last_error=error)
    else:
        wait = RETRY_AFTER * 2 ** (reminder.attempts - 1)
        MeetingReminder.objects.filter(pk=reminder.pk).update(
            status=Status.PENDING, next_attempt_at=now + wait, last_error=error
        )


def meeting_reminders_send(*, now: datetime.datetime) -> dict[str, int]:
    """Send what is due now, chunk by chunk over one mail connection each: a fixed number of queries a chunk,
    plus one per email sent (marked at once) and one per failed email."""
    _release_abandoned(now)
    counts = {"sent": 0, "failed": 0, "skipped": 0}
    mail_connection = get_connection(settings.TANDEM_EMAIL_BACKEND)
    while claimed := _claim(now):
        batch = MeetingReminder.objects.filter(pk__in=claimed).select_related(
            "person", "planned__pairing__mentor", "planned__pairing__mentee"
        )
        skipped: list[int] = []
        try:
            for reminder in batch:
                if not _still_true(reminder, now):
                    skipped.append(reminder.pk)
                    continue
                try:
                    mail_connection.open()  # no-op while open: the chunk shares one connection
                    mail_connection.send_messages([meeting_reminder_message(reminder)])
                except Exception as exc:  # noqa: BLE001 (any failure of the mail server is retried, then reported)
                    _failed(reminder, exc, now)
                    counts["failed"] += 1
                    mail_connection.close()  # the next message starts on a fresh connection
                else:
                    MeetingReminder.objects.filter(pk=reminder.pk, status=Status.SENDING).update(
                        status=Status.SENT, sent_at=timezone.now()
                    )
                    counts["sent"] += 1
        finally:
            mail_connection.close()
        MeetingReminder.objects.filter(pk__in=skipped).update(status=Status.SKIPPED)
        counts["skipped"] += len(skipped)
    return counts


def meeting_reminders_retry(*, reminders: QuerySet[MeetingReminder], now: datetime.datetime) -> int:
    """Put failed meeting reminders back in the outbox, due now with every attempt anew; one no longer true when
    it goes (the meeting passed) is skipped then. Returns how many."""
    return reminders.filter(status=Status.FAILED).update(status=Status.PENDING, next_attempt_at=now, attempts=0)


def meeting_reminders_sweep(*, now: datetime.datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    recorded = meeting_reminders_record(now=now)
    return {"recorded": recorded, **meeting_reminders_send(now=now)}
