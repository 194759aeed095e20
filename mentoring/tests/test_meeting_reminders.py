"""Reminders before planned meetings (issue 17, point 5): a day and an hour before, each person's choice, in
their time zone, exactly once under the faults the check-in reminders survive; and no check-in reminder when a
meeting is already planned before the due date."""

from __future__ import annotations

import datetime
import time

import pytest
import time_machine
from django.core import mail
from django.db import connection

from conftest import at_once, require
from mentoring.models import MeetingReminder, MeetingReminderChoice, Pairing, PlannedSession, Reminder
from mentoring.services import meeting_reminders, planning
from mentoring.services.reminders import reminders_sweep
from mentoring.tests.factories import PairingFactory
from mentoring.tests.test_reminders import DyingBackend, FailingBackend, WorkerKilled

pytestmark = pytest.mark.django_db
UTC = datetime.UTC
MEETING = datetime.datetime(2026, 12, 10, 8, 0, tzinfo=UTC)  # Thursday: 10:00 in Helsinki, 08:00 in London


def sweep(when: datetime.datetime):
    with time_machine.travel(when, tick=False):
        return reminders_sweep(now=when)


def inbox(person) -> list:
    return [m for m in mail.outbox if m.to == [person.email] and "Mentoring session with" in m.subject]


def plan(pairing, mentor, mentee, starts_at=MEETING, *, link="https://meet.example.org/abc") -> PlannedSession:
    with time_machine.travel(datetime.datetime(2026, 12, 1, 9, tzinfo=UTC), tick=False):
        planned = planning.planned_propose(
            pairing=pairing, by=mentor, times=[starts_at], duration_minutes=60, mode="video", video_link=link
        )
        planning.planned_accept(planned=planned, by=mentee, starts_at=starts_at)
    mail.outbox.clear()  # the invitations
    return planned


@pytest.fixture
def pair(pairing, mentor, mentee):
    Pairing.objects.filter(pk=pairing.pk).update(checkin_due_on=datetime.date(2027, 1, 30))
    mentor.time_zone, mentee.time_zone = "Europe/Helsinki", "Europe/London"
    mentor.save(update_fields=["time_zone"])
    mentee.save(update_fields=["time_zone"])
    return pairing


def test_a_day_and_an_hour_before_each_person_once_in_their_own_time(pair, mentor, mentee):
    plan(pair, mentor, mentee)
    sweep(MEETING - datetime.timedelta(days=1, minutes=1))
    assert mail.outbox == []
    for minutes in (0, 5, 30):
        sweep(MEETING - datetime.timedelta(days=1) + datetime.timedelta(minutes=minutes))
    [day_mentor] = inbox(mentor)
    [day_mentee] = inbox(mentee)
    assert day_mentor.subject == "Mentoring session with Mina Mentee tomorrow"
    assert "Thu 10 December 2026, 10:00 (Europe/Helsinki)" in day_mentor.body
    assert "Thu 10 December 2026, 08:00 (Europe/London)" in day_mentee.body
    assert "Join: https://meet.example.org/abc" in day_mentee.body
    for minutes in (60, 30, 1):
        sweep(MEETING - datetime.timedelta(minutes=minutes))
    assert [m.subject for m in inbox(mentee)] == [
        "Mentoring session with Max Mentor tomorrow",
        "Mentoring session with Max Mentor in an hour",
    ]
    sweep(MEETING + datetime.timedelta(minutes=5))
    assert len(inbox(mentor)) == len(inbox(mentee)) == 2


def test_each_person_chooses_which_reminders(pair, mentor, mentee):
    MeetingReminderChoice.objects.create(person=mentee, day_before=False, hour_before=True)
    MeetingReminderChoice.objects.create(person=mentor, day_before=False, hour_before=False)
    plan(pair, mentor, mentee)
    sweep(MEETING - datetime.timedelta(hours=23))
    sweep(MEETING - datetime.timedelta(minutes=50))
    assert [m.subject for m in inbox(mentee)] == ["Mentoring session with Max Mentor in an hour"]
    assert inbox(mentor) == []


def test_a_late_sweep_sends_only_what_is_true_now(pair, mentor, mentee):
    plan(pair, mentor, mentee)
    sweep(MEETING - datetime.timedelta(minutes=20))  # the workers were down all day
    assert [m.subject for m in inbox(mentee)] == ["Mentoring session with Max Mentor in an hour"]


def test_a_moved_meeting_is_reminded_afresh_and_a_cancelled_one_not_at_all(pair, mentor, mentee):
    planned = plan(pair, mentor, mentee)
    sweep(MEETING - datetime.timedelta(hours=20))
    assert len(inbox(mentee)) == 1
    later = MEETING + datetime.timedelta(days=1)
    with time_machine.travel(MEETING - datetime.timedelta(hours=19), tick=False):
        planning.planned_move(planned=planned, by=mentor, starts_at=later, reason="Clash")
    mail.outbox.clear()
    sweep(later - datetime.timedelta(hours=20))
    assert [m.subject for m in inbox(mentee)] == ["Mentoring session with Max Mentor tomorrow"]
    # Recorded, then cancelled before its email went: skipped, never sent.
    with time_machine.travel(later - datetime.timedelta(minutes=59), tick=False):
        meeting_reminders.meeting_reminders_record(now=later - datetime.timedelta(minutes=59))
        planning.planned_cancel(planned=PlannedSession.objects.get(), by=mentee, reason="Ill")
    mail.outbox.clear()
    sweep(later - datetime.timedelta(minutes=58))
    assert inbox(mentee) == [] and inbox(mentor) == []
    assert set(MeetingReminder.objects.filter(kind="hour").values_list("status", flat=True)) == {"skipped"}


def test_a_failing_mail_server_is_retried_with_back_off_then_reported(settings, pair, mentor, mentee):
    MeetingReminderChoice.objects.create(person=mentor, day_before=False, hour_before=False)
    settings.TANDEM_EMAIL_BACKEND = f"{FailingBackend.__module__}.FailingBackend"
    plan(pair, mentor, mentee, starts_at=MEETING + datetime.timedelta(days=2))
    start = MEETING + datetime.timedelta(days=1, minutes=1)
    sweep(start)
    reminder = MeetingReminder.objects.get()
    moment, waits = start, []
    while reminder.status == MeetingReminder.Status.PENDING:
        waits.append(reminder.next_attempt_at - moment)
        moment = reminder.next_attempt_at
        sweep(moment)
        reminder.refresh_from_db()
    assert [w // datetime.timedelta(minutes=1) for w in waits] == [5, 10, 20, 40, 80]
    assert (reminder.status, reminder.attempts) == ("failed", 6)
    assert reminder.last_error == "ConnectionRefusedError: the mail server does not answer"


def test_a_worker_killed_mid_send_leaves_the_reminder_to_the_sweep_after_the_lease(settings, pair, mentor, mentee):
    MeetingReminderChoice.objects.create(person=mentor, day_before=False, hour_before=False)
    plan(pair, mentor, mentee)
    settings.TANDEM_EMAIL_BACKEND = f"{DyingBackend.__module__}.DyingBackend"
    start = MEETING - datetime.timedelta(hours=20)
    with pytest.raises(WorkerKilled):
        sweep(start)
    assert MeetingReminder.objects.get().status == "sending"
    settings.TANDEM_EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    sweep(start + datetime.timedelta(minutes=5))
    assert inbox(mentee) == []  # a worker still busy with it is not overtaken
    sweep(start + datetime.timedelta(minutes=11))  # the 10-minute lease ran out
    sweep(start + datetime.timedelta(minutes=20))
    assert len(inbox(mentee)) == 1
    assert MeetingReminder.objects.get().status == "sent"


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_send_each_meeting_reminder_once(monkeypatch, programme, mentor, mentee):
    require(connection.vendor == "postgresql", "concurrent sweeps need PostgreSQL (set DATABASE_URL)")
    pairings = [PairingFactory(programme=programme, mentor=mentor) for _ in range(3)]
    for n, pairing in enumerate(pairings):
        plan(pairing, mentor, pairing.mentee, starts_at=MEETING + datetime.timedelta(hours=n))
    record = meeting_reminders.meeting_reminders_record

    def slowly(**kwargs):
        time.sleep(0.3)  # both sweeps read the same due meetings before either writes
        return record(**kwargs)

    monkeypatch.setattr(meeting_reminders, "meeting_reminders_record", slowly)
    now = MEETING - datetime.timedelta(hours=20)
    results = at_once(
        lambda: meeting_reminders.meeting_reminders_sweep(now=now),
        lambda: meeting_reminders.meeting_reminders_sweep(now=now),
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(r["sent"] for r in results) == 6
    assert len(inbox(mentor)) == 3
    assert MeetingReminder.objects.count() == 6


# --- The check-in reminder knows about planned meetings ---------------------------------------------------------


def test_no_check_in_reminder_when_a_meeting_is_planned_before_the_due_date(pair, mentor, mentee):
    Pairing.objects.filter(pk=pair.pk).update(checkin_due_on=datetime.date(2026, 12, 12))
    planned = plan(pair, mentor, mentee)  # Thursday 10 December, before the due date
    sweep(datetime.datetime(2026, 12, 9, 7, tzinfo=UTC))
    assert not Reminder.objects.filter(kind="upcoming").exists()
    with time_machine.travel(datetime.datetime(2026, 12, 9, 8, tzinfo=UTC), tick=False):
        planning.planned_cancel(planned=planned, by=mentee, reason="Ill")
    sweep(datetime.datetime(2026, 12, 9, 9, tzinfo=UTC))
    assert Reminder.objects.filter(kind="upcoming").count() == 1


def test_a_meeting_planned_after_the_due_date_does_not_hold_the_check_in_reminder_back(pair, mentor, mentee):
    Pairing.objects.filter(pk=pair.pk).update(checkin_due_on=datetime.date(2026, 12, 9))
    plan(pair, mentor, mentee)  # 10 December, the day after the due date
    sweep(datetime.datetime(2026, 12, 8, 7, tzinfo=UTC))
    assert Reminder.objects.filter(kind="upcoming").count() == 1


@pytest.mark.parametrize("size", [3, 30])
def test_meeting_reminders_take_the_same_queries_for_3_and_30_meetings(
    programme, mentor, django_assert_num_queries, size
):
    for n in range(size):
        pairing = PairingFactory(programme=programme, mentor=mentor)
        plan(pairing, mentor, pairing.mentee, starts_at=MEETING + datetime.timedelta(minutes=n))
    now = MEETING - datetime.timedelta(hours=20)
    # Recording (3): the meetings due; the people's choices; the insert. Sending (10, and one per email): abandoned
    # claims given up and released (2); the claim in its savepoint (4); the chunk with people and pairings; each
    # email marked sent as it goes (a worker killed mid-chunk repeats only the one in flight); marking the skipped
    # ones; the empty next claim in its savepoint (2).
    with time_machine.travel(now, tick=False), django_assert_num_queries(13 + 2 * size):
        counts = meeting_reminders.meeting_reminders_sweep(now=now)
    assert counts["sent"] == 2 * size
