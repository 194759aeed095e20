"""Check-in reminders: one reminder per pairing, kind and due date; one email per person a day; the outbox
survives crashes, repeats, concurrent sweeps and downtime."""

from __future__ import annotations

import datetime
import io
import time
import zoneinfo

import pytest
import time_machine
from celery.exceptions import SoftTimeLimitExceeded
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from conftest import at_once, require
from mentoring import tasks
from mentoring.models import (
    Alert,
    MentoringSession,
    Pairing,
    Reminder,
    ReminderDigest,
    ReminderRecipient,
)
from mentoring.selectors.reminders import ReminderCounts
from mentoring.services import reminder_emails, reminders
from mentoring.services.reminders import reminders_sweep
from mentoring.tasks import send_due_checkin_reminders
from mentoring.tests.factories import PairingFactory
from programmes.models import Notification, Role
from programmes.tests.factories import MembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")
DUE = datetime.date(2026, 3, 10)  # a Tuesday


def at(day: int, hour: int = 9, minute: int = 0, month: int = 3) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=LONDON)


def due_on(pairing: Pairing, day: datetime.date, *, last_session_on: datetime.date | None = None) -> Pairing:
    """Set the stored schedule, as mentoring.services.checkins.checkins_refresh keeps it."""
    Pairing.objects.filter(pk=pairing.pk).update(checkin_due_on=day, last_session_on=last_session_on)
    pairing.refresh_from_db()
    return pairing


def sweep(when: datetime.datetime, **kwargs) -> ReminderCounts:
    with time_machine.travel(when, tick=False):
        return reminders_sweep(**kwargs)


def inbox(person) -> list[mail.EmailMessage]:
    return [m for m in mail.outbox if m.to == [person.email]]


class FailingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("the mail server does not answer")


class WorkerKilled(BaseException):
    """What a SIGKILL looks like from inside: nothing after it runs (not an Exception: nothing catches it)."""


class DyingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise WorkerKilled


class SendThenDieBackend(LocmemBackend):
    def send_messages(self, email_messages):
        super().send_messages(email_messages)
        raise WorkerKilled


# --- What is due, to whom, once ----------------------------------------------------------------------------


def test_upcoming_check_in_reminds_both_sides_once_however_often_the_sweep_runs(pairing, mentor, mentee):
    due_on(pairing, DUE)
    assert sweep(at(6)).due == 0  # four days ahead: not yet
    assert mail.outbox == []

    counts = sweep(at(7))
    assert (counts.due, counts.recorded, counts.sent) == (1, 1, 2)
    for _ in range(3):  # more ticks the same morning
        assert sweep(at(7, 9, 15)).sent == 0
    assert sweep(at(8)).due == 0

    assert len(inbox(mentor)) == len(inbox(mentee)) == 1
    email = inbox(mentor)[0]
    assert email.subject == "Your mentoring check-in is coming up"
    assert "Your check-in with Mina Mentee is due on 10 March 2026 (in 3 days)." in email.body
    assert pairing.get_absolute_url() in email.body
    assert "Your check-in with Max Mentor is due on 10 March 2026" in inbox(mentee)[0].body
    assert Notification.objects.filter(person=mentee, url=pairing.get_absolute_url()).count() == 1
    assert Reminder.objects.get().kind == Reminder.Kind.UPCOMING


def test_overdue_check_in_nudges_both_sides_from_the_day_after(pairing, mentor, mentee):
    due_on(pairing, DUE)
    sweep(at(7))
    assert sweep(at(10, 23, 45)).sent == 0  # the due day itself is not overdue yet

    assert sweep(at(11, 0, 15)).sent == 2
    assert sweep(at(12)).sent == 0
    assert "was due on 10 March 2026" in inbox(mentee)[-1].body
    assert inbox(mentee)[-1].subject == "Your mentoring check-in is overdue"
    assert list(Reminder.objects.order_by("pk").values_list("kind", flat=True)) == ["upcoming", "overdue"]


def test_a_confirmed_session_moves_the_due_date_and_the_next_one_is_reminded_afresh(pairing, mentor):
    due_on(pairing, DUE)
    sweep(at(7))
    due_on(pairing, datetime.date(2026, 3, 22), last_session_on=datetime.date(2026, 3, 8))  # they met
    assert sweep(at(11)).due == 0  # nothing overdue: the old due date is gone
    assert sweep(at(19)).sent == 2
    assert [m.subject for m in inbox(mentor)] == ["Your mentoring check-in is coming up"] * 2


def test_a_paused_or_closed_pairing_gets_nothing(pairing, programme):
    due_on(pairing, DUE)
    Pairing.objects.filter(pk=pairing.pk).update(status=Pairing.Status.PAUSED)
    closed = PairingFactory(programme=programme, status=Pairing.Status.COMPLETED, checkin_due_on=DUE)
    for day in (7, 11, 25):
        assert sweep(at(day)).due == 0
    assert mail.outbox == [] and not Reminder.objects.exists() and not Alert.objects.exists()
    assert not Notification.objects.filter(url__in=[pairing.get_absolute_url(), closed.get_absolute_url()]).exists()


def test_escalation_raises_one_alert_and_tells_the_coordinators(pairing, coordinator, mentor, mentee):
    due_on(pairing, datetime.date(2026, 3, 3), last_session_on=datetime.date(2026, 2, 2))
    other = PersonFactory(display_name="Colm Coordinator")
    MembershipFactory(programme=pairing.programme, person=other, role=Role.COORDINATOR)
    sweep(at(4))  # overdue, within the grace days (7)
    assert sweep(at(10)).sent == 0  # 7 days overdue: not beyond the grace days yet

    counts = sweep(at(15))
    assert counts.recorded == 1 and counts.sent == 2  # the two coordinators; the pair had its nudge
    for day in (15, 16, 20):
        sweep(at(day, 12))
    alert = Alert.objects.get()
    assert (alert.kind, alert.severity, alert.pairing) == (Alert.Kind.ESCALATION, Alert.Severity.HIGH, pairing)
    assert alert.reason == "Check-in overdue by 12 days (due 3 March 2026); last confirmed session 2 February 2026"
    for person in (coordinator, other):
        [email] = inbox(person)
        assert email.subject == "A mentoring check-in is overdue beyond the grace period"
        assert "Max Mentor and Mina Mentee (Growing Together): Check-in overdue by 12 days" in email.body
        assert Notification.objects.filter(person=person, url=pairing.get_absolute_url()).count() == 1
    assert len(inbox(mentor)) == 1  # the overdue nudge only: escalation goes to the coordinators


def test_three_days_of_downtime_bring_one_reminder_of_what_is_true_now(pairing, coordinator, mentor, mentee):
    due_on(pairing, DUE)
    # Beat stopped before the upcoming reminder and came back when the check-in was already overdue.
    counts = sweep(at(11, 10))
    assert (counts.due, counts.sent) == (1, 2)
    assert list(Reminder.objects.values_list("kind", flat=True)) == ["overdue"]  # no stale "upcoming"
    for minute in (15, 30, 45):  # the ticks that follow find nothing
        assert sweep(at(11, 10, minute)).recorded == 0
    assert len(inbox(mentor)) == len(inbox(mentee)) == 1 and inbox(coordinator) == []

    # Down again, this time past the grace days: the escalation, and no second overdue nudge.
    sweep(at(21))
    assert sorted(Reminder.objects.values_list("kind", flat=True)) == ["escalation", "overdue"]
    assert len(inbox(mentor)) == 1 and len(inbox(coordinator)) == 1 and Alert.objects.count() == 1


def test_downtime_straight_past_the_grace_days_records_overdue_and_escalation_at_once(pairing, coordinator, mentee):
    due_on(pairing, DUE)
    counts = sweep(at(20))
    assert (counts.due, counts.recorded) == (1, 2)
    assert sorted(Reminder.objects.values_list("kind", flat=True)) == ["escalation", "overdue"]
    assert len(inbox(mentee)) == 1 and len(inbox(coordinator)) == 1 and Alert.objects.count() == 1


def test_reminders_never_carry_what_the_pair_wrote(pairing, coordinator, mentor):
    MentoringSession.objects.create(
        pairing=pairing,
        logged_by=mentor,
        held_on=datetime.date(2026, 2, 20),
        duration_minutes=60,
        summary="SECRET-SUMMARY",
        next_steps="SECRET-STEPS",
        status=MentoringSession.Status.CONFIRMED,
    )
    due_on(pairing, datetime.date(2026, 3, 1), last_session_on=datetime.date(2026, 2, 20))
    sweep(at(20))
    told = [m.subject + m.body for m in mail.outbox] + list(Notification.objects.values_list("text", flat=True))
    told += list(Alert.objects.values_list("reason", flat=True))
    assert len(told) >= 5 and not any("SECRET" in text for text in told)


# --- One email a day ------------------------------------------------------------------------------------------


def test_several_reminders_of_one_day_come_in_one_email(settings, pairing, programme, mentor):
    settings.TANDEM_SITE_URL = "https://tandem.example.org"
    second = PairingFactory(programme=programme, mentor=mentor, mentee=PersonFactory(display_name="Nora Second"))
    due_on(pairing, DUE)
    due_on(second, datetime.date(2026, 3, 5))
    sweep(at(7))  # the first is coming up, the second is overdue
    [email] = inbox(mentor)
    assert email.subject == "2 mentoring check-in reminders"
    assert "Your check-in with Nora Second was due on 5 March 2026." in email.body
    assert "Your check-in with Mina Mentee is due on 10 March 2026 (in 3 days)." in email.body
    for url in (second.get_absolute_url(), pairing.get_absolute_url()):
        assert f"https://tandem.example.org{url}" in email.body
    assert ReminderDigest.objects.filter(person=mentor).count() == 1


def test_a_reminder_after_todays_email_waits_for_tomorrows(pairing, programme, mentor, mentee):
    second = PairingFactory(programme=programme, mentor=mentor, mentee=PersonFactory(display_name="Nora Second"))
    due_on(pairing, DUE)
    due_on(second, datetime.date(2026, 3, 20))
    sweep(at(7))
    due_on(second, datetime.date(2026, 3, 9))  # rescheduled: now due within three days
    sweep(at(7, 14))
    assert len(inbox(mentor)) == 1  # already had today's email
    assert len(inbox(second.mentee)) == 1  # had none today
    assert Notification.objects.filter(person=mentor, url=second.get_absolute_url()).exists()  # in the app at once

    assert sweep(at(7, 23, 45)).sent == 0
    assert sweep(at(8, 0, 15)).sent == 1
    assert "Your check-in with Nora Second is due on 9 March 2026 (in 1 day)." in inbox(mentor)[1].body
    assert [d.day for d in ReminderDigest.objects.filter(person=mentor).order_by("day")] == [
        datetime.date(2026, 3, 7),
        datetime.date(2026, 3, 8),
    ]


def test_in_app_only_people_get_a_notification_and_no_email(pairing, mentor, mentee):
    mentee.email_reminders = False
    mentee.save()
    due_on(pairing, DUE)
    counts = sweep(at(7))
    assert counts.sent == 1 and inbox(mentee) == [] and len(inbox(mentor)) == 1
    note = Notification.objects.get(person=mentee)
    assert note.text == "Your check-in with Max Mentor is due on 10 March 2026 (in 3 days)."
    assert ReminderRecipient.objects.get(person=mentee).digest is None


# --- The outbox: failures, crashes, repeats --------------------------------------------------------------------


def test_a_failing_mail_server_is_retried_with_back_off_then_hourly_as_failed_until_it_answers(
    settings, pairing, mentor, mentee, client, administrator
):
    settings.TANDEM_EMAIL_BACKEND = f"{__name__}.FailingBackend"
    mentee.email_reminders = False
    mentee.save()
    due_on(pairing, DUE)
    start = at(7)
    assert sweep(start).failed == 1
    digest = ReminderDigest.objects.get()
    waits = []
    moment = start
    while digest.status == ReminderDigest.Status.PENDING:
        wait = digest.next_attempt_at - moment
        assert sweep(moment + wait - datetime.timedelta(seconds=1)).failed == 0  # not before its time
        moment = digest.next_attempt_at
        assert sweep(moment).failed == 1
        waits.append(wait)
        digest.refresh_from_db()
    assert [w // datetime.timedelta(minutes=1) for w in waits] == [5, 10, 20, 40, 80]
    assert (digest.status, digest.attempts) == (ReminderDigest.Status.FAILED, 6)
    assert digest.last_error == "ConnectionRefusedError: the mail server does not answer"
    # Not given up: tried again an hour later (not before), as long as the server does not answer.
    assert sweep(moment + datetime.timedelta(minutes=59)).failed == 0
    assert sweep(moment + datetime.timedelta(hours=1)).failed == 1
    digest.refresh_from_db()
    assert (digest.status, digest.attempts) == (ReminderDigest.Status.FAILED, 7)

    # Administrators see it, and can change nothing.
    client.force_login(administrator)
    page = client.get(reverse("admin:mentoring_reminderdigest_changelist"), {"status__exact": "failed"})
    assert "ConnectionRefusedError: the mail server does not answer" in page.content.decode()
    assert str(mentor) in page.content.decode()
    assert client.get(reverse("admin:mentoring_reminderdigest_add")).status_code == 403
    assert client.post(reverse("admin:mentoring_reminderdigest_delete", args=[digest.pk])).status_code == 403

    # The server answers again: the next try after the wait sends it, once.
    settings.TANDEM_EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert sweep(moment + datetime.timedelta(hours=1, minutes=59)).sent == 0
    assert sweep(moment + datetime.timedelta(hours=2)).sent == 1
    assert sweep(moment + datetime.timedelta(hours=3)).sent == 0
    assert len(inbox(mentor)) == 1


def test_a_crash_between_recording_and_sending_is_caught_up_by_the_next_sweep(monkeypatch, pairing, mentor, mentee):
    due_on(pairing, DUE)

    def crash(**kwargs):
        raise RuntimeError("the worker fell over")

    with monkeypatch.context() as patched:
        patched.setattr(reminders, "reminder_digests_send", crash)
        with pytest.raises(RuntimeError):
            sweep(at(7))
    assert Reminder.objects.count() == 1 and mail.outbox == []
    assert set(ReminderDigest.objects.values_list("status", flat=True)) == {"pending"}

    assert sweep(at(7, 9, 15)).sent == 2
    assert sweep(at(7, 9, 30)).sent == 0
    assert len(inbox(mentor)) == len(inbox(mentee)) == 1


def test_a_worker_killed_mid_send_leaves_the_email_to_the_next_sweep_after_the_lease(settings, pairing, mentor, mentee):
    mentee.email_reminders = False
    mentee.save()
    due_on(pairing, DUE)
    settings.TANDEM_EMAIL_BACKEND = f"{__name__}.DyingBackend"
    with pytest.raises(WorkerKilled):
        sweep(at(7))
    assert ReminderDigest.objects.get().status == ReminderDigest.Status.SENDING

    settings.TANDEM_EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert sweep(at(7, 9, 5)).sent == 0  # a worker still busy with it must not be overtaken
    assert sweep(at(7, 9, 11)).sent == 1  # the 10-minute lease ran out: claimed again
    assert sweep(at(7, 9, 30)).sent == 0
    assert len(inbox(mentor)) == 1
    digest = ReminderDigest.objects.get()
    assert (digest.status, digest.attempts) == (ReminderDigest.Status.SENT, 2)


def test_a_worker_killed_after_the_mail_server_took_the_email_is_not_left_stuck(settings, pairing, mentor, mentee):
    # The one window no outbox closes: the server accepted the email, the row was not yet marked. Within the
    # lease nobody sends it again; after it, the email goes again rather than being lost (at least once).
    mentee.email_reminders = False
    mentee.save()
    due_on(pairing, DUE)
    settings.TANDEM_EMAIL_BACKEND = f"{__name__}.SendThenDieBackend"
    with pytest.raises(WorkerKilled):
        sweep(at(7))
    settings.TANDEM_EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert sweep(at(7, 9, 9)).sent == 0 and len(inbox(mentor)) == 1
    assert sweep(at(7, 9, 11)).sent == 1
    assert ReminderDigest.objects.get().status == ReminderDigest.Status.SENT


def test_a_worker_that_dies_on_every_attempt_ends_failed(settings, pairing, mentee):
    mentee.email_reminders = False
    mentee.save()
    due_on(pairing, DUE)
    settings.TANDEM_EMAIL_BACKEND = f"{__name__}.DyingBackend"
    moment = at(7)
    for _ in range(reminder_emails.MAX_ATTEMPTS):
        with pytest.raises(WorkerKilled):
            sweep(moment)
        moment += datetime.timedelta(minutes=11)
    sweep(moment)
    digest = ReminderDigest.objects.get()
    assert (digest.status, digest.attempts) == (ReminderDigest.Status.FAILED, 6)
    assert "stopped while sending" in digest.last_error


def test_a_reminder_no_longer_true_when_its_email_goes_is_left_out(monkeypatch, pairing, coordinator, mentor, mentee):
    due_on(pairing, DUE)
    with monkeypatch.context() as patched:
        patched.setattr(reminders, "reminder_digests_send", lambda **kwargs: ReminderCounts())
        sweep(at(7))  # recorded, never sent: the workers stopped
    counts = sweep(at(12))  # back, two days after the due date
    assert counts.sent == 2
    for person in (mentor, mentee):
        [email] = inbox(person)
        assert "was due on 10 March 2026" in email.body and "is due on" not in email.body
    # A pairing paused meanwhile: its waiting reminder goes nowhere.
    with monkeypatch.context() as patched:
        patched.setattr(reminders, "reminder_digests_send", lambda **kwargs: ReminderCounts())
        sweep(at(20))
    Pairing.objects.filter(pk=pairing.pk).update(status=Pairing.Status.PAUSED, checkin_due_on=None)
    counts = sweep(at(20, 10))
    assert (counts.sent, counts.skipped) == (0, 1) and inbox(coordinator) == [] and len(mail.outbox) == 2


class OutOfTimeOnSecondBackend(LocmemBackend):
    def send_messages(self, email_messages):
        if len(mail.outbox) >= 1:
            raise SoftTimeLimitExceeded
        return super().send_messages(email_messages)


def test_a_sweep_out_of_time_marks_what_went_and_puts_the_rest_back_in_the_outbox(settings, pairing, mentor, mentee):
    due_on(pairing, DUE)
    settings.TANDEM_EMAIL_BACKEND = f"{__name__}.OutOfTimeOnSecondBackend"
    with pytest.raises(SoftTimeLimitExceeded):
        sweep(at(7))
    statuses = sorted(ReminderDigest.objects.values_list("status", "attempts"))
    assert statuses == [("pending", 0), ("sent", 1)] and len(mail.outbox) == 1
    settings.TANDEM_EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert sweep(at(7, 9, 1)).sent == 1  # no lease to wait for
    assert len(inbox(mentor)) == len(inbox(mentee)) == 1


def test_a_large_outbox_goes_out_in_follow_up_tasks_within_the_time_budget(monkeypatch, programme, pairing):
    monkeypatch.setattr(reminder_emails, "SEND_CHUNK", 1)
    due_on(pairing, DUE)
    due_on(PairingFactory(programme=programme), DUE)
    with time_machine.travel(at(7), tick=False):
        counts = reminders_sweep(budget_seconds=0)  # one chunk, then out of budget
        assert (counts.sent, counts.waiting) == (1, 3)
        monkeypatch.setattr(tasks, "_send_budget", lambda: 0)
        send_due_checkin_reminders.delay()  # each run sends a chunk and queues the next
    assert len(mail.outbox) == 4
    assert set(ReminderDigest.objects.values_list("status", flat=True)) == {"sent"}


# --- Two sweeps at once (PostgreSQL) ---------------------------------------------------------------------------


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_send_each_reminder_once(monkeypatch, programme, coordinator):
    require(connection.vendor == "postgresql", "concurrent sweeps need PostgreSQL (set DATABASE_URL)")
    pairings = [PairingFactory(programme=programme) for _ in range(6)]
    for i, pairing in enumerate(pairings):
        due_on(pairing, DUE + datetime.timedelta(days=[2, -2, -9][i % 3]))  # upcoming, overdue, escalated
    record = reminders._record_batch

    def slowly(*args, **kwargs):
        time.sleep(0.3)  # both sweeps have read the same due pairings before either writes
        return record(*args, **kwargs)

    monkeypatch.setattr(reminders, "_record_batch", slowly)
    now = at(10)
    results = at_once(lambda: reminders_sweep(now=now), lambda: reminders_sweep(now=now))

    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(r.recorded for r in results) == [0, 8]  # one sweep won every insert (6, and 2 escalations)
    assert sum(r.sent for r in results) == 6 * 2 + 1  # both sides of 6 pairings, and the coordinator's one email
    assert Reminder.objects.count() == 8 and Alert.objects.count() == 2
    assert sorted(len(inbox(p.mentee)) for p in pairings) == [1] * 6
    [email] = inbox(coordinator)
    assert email.subject == "2 mentoring check-in reminders"
    assert Notification.objects.count() == 6 * 2 + 2


# --- The task, the command, the query budget ---------------------------------------------------------------


def test_beat_task_runs_the_sweep(settings, pairing, mentor):
    assert settings.CELERY_BEAT_SCHEDULE["send-due-checkin-reminders"]["task"] == send_due_checkin_reminders.name
    due_on(pairing, DUE)
    with time_machine.travel(at(7), tick=False):
        send_due_checkin_reminders.delay()
        send_due_checkin_reminders.delay()  # redelivered
    assert len(inbox(mentor)) == 1


def test_send_reminders_dry_run_records_and_sends_nothing(pairing):
    due_on(pairing, DUE)
    out = io.StringIO()
    with time_machine.travel(at(7), tick=False):
        call_command("send_reminders", "--dry-run", stdout=out)
    assert (
        out.getvalue().strip()
        == "Pairings due a reminder: 1. Emails waiting to be sent: 0. Dry run: nothing was recorded or sent."
    )
    assert not Reminder.objects.exists() and not Notification.objects.exists() and mail.outbox == []

    out = io.StringIO()
    with time_machine.travel(at(7), tick=False):
        call_command("send_reminders", stdout=out)
    assert out.getvalue().strip() == (
        "Pairings due a reminder: 1; reminders recorded: 1. Emails sent: 2, skipped: 0, failed: 0."
    )
    assert len(mail.outbox) == 2


@pytest.mark.parametrize("size", [3, 40])
def test_sweep_query_budget_is_the_same_for_3_and_40_due_pairings(
    programme, coordinator, django_assert_num_queries, size
):
    for i in range(size):
        # Upcoming, overdue and escalated in every size: every kind of write happens in both.
        due_on(PairingFactory(programme=programme), DUE + datetime.timedelta(days=[2, -2, -9][i % 3]))
    # Recording (16; on PostgreSQL 16 too: 2 more for JIT off, 2 fewer as its inserts return their rows): per
    # batch, in its savepoint (and with PostgreSQL's JIT off): the batch; the reminders inserted and read back
    # (one statement on PostgreSQL), the coordinators, the digests (found, made, read back; made and returned
    # in one statement on PostgreSQL), recipients, notifications, alerts; then the empty next batch in its
    # savepoint; and the grace days once.
    # Sending (11, and one per email): abandoned claims given up and released, failed ones whose wait is over
    # (3); in a savepoint, the claim (the digests with their people, then marking them claimed); their reminders
    # with pairings and names; each email marked sent as it goes; the empty next claim in its savepoint. On
    # PostgreSQL, 2 more around the chunk's sending: synchronous_commit off for the marks, then back.
    # Reminders before planned meetings (6; none planned here: mentoring.tests.test_meeting_reminders has their
    # own budget): the meetings due; abandoned claims given up and released (2); the empty claim in its savepoint.
    emails = 2 * size + 1
    # On PostgreSQL 2 more: synchronous_commit off while the chunk is sent, and back on (reminder_emails).
    with django_assert_num_queries(33 + emails + (2 if connection.vendor == "postgresql" else 0)):
        counts = sweep(at(10))
    assert counts.recorded == size + len(range(2, size, 3))  # each escalated one is overdue too
    assert counts.sent == emails
