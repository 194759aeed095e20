"""Delivering reminder emails (issue 21, points 9-12), against a real SMTP server (a local aiosmtpd sink): one
connection per chunk, each email marked sent as the server takes it, claims renewed while a slow sender works,
a mail outage of hours followed by recovery, reminders too old to matter dropped with a count, failed emails
sent again from the admin or a command, and /healthz's "mail" part."""

from __future__ import annotations

import datetime
import io
import time
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from conftest import require
from core.beat import beat_heartbeat_write
from mentoring.models import Pairing, Reminder, ReminderDigest
from mentoring.services import reminder_emails
from mentoring.services.reminder_emails import reminder_digests_send, reminder_mail_health
from mentoring.services.reminders import reminders_record, reminders_sweep
from mentoring.tests.factories import PairingFactory
from perf.smtp_sink import SmtpSink
from programmes.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")
DUE = datetime.date(2026, 3, 10)
START = datetime.datetime(2026, 3, 7, 9, tzinfo=LONDON)  # three days before: "coming up"
Status = ReminderDigest.Status


def pairings_due(programme, count: int) -> list[Pairing]:
    """Pairings due on DUE whose mentees read reminders in the app only: one email each, to the mentor."""
    return [
        PairingFactory(programme=programme, mentee=PersonFactory(email_reminders=False), checkin_due_on=DUE)
        for _ in range(count)
    ]


def record(when: datetime.datetime) -> None:
    with time_machine.travel(when, tick=False):
        reminders_record(now=when)


def send(when: datetime.datetime, **kwargs):
    with time_machine.travel(when, tick=False):
        return reminder_digests_send(now=when, **kwargs)


@pytest.fixture
def sink(settings):
    with SmtpSink() as running:
        for name, value in running.settings().items():
            setattr(settings, name, value)
        yield running


# --- One connection per chunk (point 12) --------------------------------------------------------------------


def test_a_chunk_goes_over_one_smtp_connection(monkeypatch, programme, sink):
    monkeypatch.setattr(reminder_emails, "SEND_CHUNK", 5)
    pairings = pairings_due(programme, 12)
    record(START)
    assert send(START).sent == 12
    assert sink.connections == 3  # chunks of 5, 5 and 2
    assert sink.received == {p.mentor.email: 1 for p in pairings}


class _DurabilityRecorder(LocmemBackend):
    """Notes PostgreSQL's synchronous_commit at the moment each email goes."""

    seen: list[str] = []

    def send_messages(self, messages):
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            self.seen.append(cursor.fetchone()[0])
        return super().send_messages(messages)


def test_sent_marks_skip_the_disk_flush_only_while_a_chunk_is_sent(programme, monkeypatch):
    require(connection.vendor == "postgresql", "synchronous_commit is PostgreSQL's (set DATABASE_URL)")
    monkeypatch.setattr(_DurabilityRecorder, "seen", [])
    pairings_due(programme, 3)
    record(START)
    backend = f"{_DurabilityRecorder.__module__}.{_DurabilityRecorder.__qualname__}"
    assert send(START, email_backend=backend).sent == 3
    assert _DurabilityRecorder.seen == ["off"] * 3
    with connection.cursor() as cursor:  # the rest of the worker's writes wait for the disk again
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"
    assert ReminderDigest.objects.filter(status=Status.SENT, sent_at__isnull=False).count() == 3


def test_a_refused_email_does_not_fail_the_rest_of_its_chunk(programme, sink):
    pairings = pairings_due(programme, 5)
    sink.refuse_to = {pairings[1].mentor.email}
    record(START)
    counts = send(START)
    assert (counts.sent, counts.failed) == (4, 1)
    assert sink.connections == 2  # opened afresh after the refusal, then shared by the rest
    assert sink.received == {p.mentor.email: 1 for p in pairings if p != pairings[1]}
    refused = ReminderDigest.objects.get(person=pairings[1].mentor)
    assert refused.status == Status.PENDING and "451" in refused.last_error


# --- Marked sent as the server takes it (point 9) -----------------------------------------------------------


class Killed(BaseException):
    """What SIGKILL does to a worker, as far as the database can tell: it stops, nothing more is written."""


class DiesOnThirdBackend(LocmemBackend):
    def send_messages(self, messages):
        if len(mail.outbox) == 2:
            raise Killed
        return super().send_messages(messages)


def test_a_sender_killed_mid_chunk_has_marked_every_email_that_went(settings, programme):
    pairings = pairings_due(programme, 5)
    record(START)
    settings.TANDEM_EMAIL_BACKEND = f"{__name__}.DiesOnThirdBackend"
    with pytest.raises(Killed):
        send(START)
    statuses = dict(ReminderDigest.objects.values_list("person_id", "status"))
    assert sorted(statuses.values()) == ["sending"] * 3 + ["sent"] * 2
    settings.TANDEM_EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send(START + datetime.timedelta(minutes=5)).sent == 0  # the lease still runs
    assert send(START + datetime.timedelta(minutes=11)).sent == 3  # only those not sent
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.mentor.email for p in pairings)


# --- Claims renewed while sending (point 10) ----------------------------------------------------------------


class SlowBackendWithASweepBeside(LocmemBackend):
    """Each email takes 0.3 s; after the fourth, another sweep runs (as beat's would), past the 1 s lease."""

    busy = False

    def send_messages(self, messages):
        time.sleep(0.3)
        sent = super().send_messages(messages)
        if len(mail.outbox) == 4 and not SlowBackendWithASweepBeside.busy:
            SlowBackendWithASweepBeside.busy = True
            try:
                reminder_digests_send(now=reminder_emails.timezone.now())
            finally:
                SlowBackendWithASweepBeside.busy = False
        return sent


def test_a_sender_slower_than_the_lease_keeps_its_claims_and_nobody_sends_twice(settings, programme):
    settings.TANDEM_REMINDER_LEASE_SECONDS = 1
    pairings = pairings_due(programme, 6)
    reminders_record(now=reminder_emails.timezone.now() - datetime.timedelta(days=0))
    Pairing.objects.update(checkin_due_on=reminder_emails.timezone.localdate() + datetime.timedelta(days=2))
    reminders_record(now=reminder_emails.timezone.now())
    settings.TANDEM_EMAIL_BACKEND = f"{__name__}.SlowBackendWithASweepBeside"
    counts = reminder_digests_send(now=reminder_emails.timezone.now())
    assert counts.sent == 6  # 1.8 s of sending under a 1 s lease: the sweep beside it took nothing back
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.mentor.email for p in pairings)
    assert set(ReminderDigest.objects.values_list("status", "attempts")) == {(Status.SENT, 1)}


# --- A mail outage of four hours, then recovery (point 11) ----------------------------------------------------


def test_a_four_hour_outage_then_recovery_delivers_each_reminder_still_due_once(programme, sink):
    pairings = pairings_due(programme, 8)
    # One more, recorded nine days ago and never sent since (the programme gives 7 grace days): too old.
    stale = PairingFactory(
        programme=programme, mentee=PersonFactory(email_reminders=False), checkin_due_on=datetime.date(2026, 2, 26)
    )
    record(datetime.datetime(2026, 2, 27, 9, tzinfo=LONDON))
    ReminderDigest.objects.filter(person=stale.mentor).update(status=Status.FAILED)
    record(START)
    ReminderDigest.objects.filter(person=stale.mentor).update(status=Status.PENDING, next_attempt_at=START, attempts=0)

    sink.refusing = True
    moment, trouble_seen, dropped = START, set(), 0
    while moment < START + datetime.timedelta(hours=4):  # beat's sweep every 15 minutes, the server refusing
        counts = send(moment)
        dropped += counts.dropped  # the stale one needs no mail server to be left out
        assert counts.sent == 0 and counts.failed <= reminder_emails.BREAKER  # never knocks for every email
        assert counts.waiting == 0  # nor queues a follow-up task that would knock again at once
        trouble_seen.add(reminder_mail_health(now=moment))
        moment += datetime.timedelta(minutes=15)
    assert sink.total == 0 and sink.refused <= 16 * reminder_emails.BREAKER
    assert "trouble" in trouble_seen
    # Nothing given up for good: each waits, in the outbox or as failed (tried again hourly).
    waiting = ReminderDigest.objects.exclude(person=stale.mentor).values_list("status", flat=True)
    assert len(waiting) == 8 and set(waiting) <= {Status.PENDING, Status.FAILED}

    sink.refusing = False
    for _ in range(4 * 4):  # four more hours of sweeps: every one still due goes, the failed ones after their wait
        counts = send(moment)
        dropped += counts.dropped
        moment += datetime.timedelta(minutes=15)
    assert sink.received == {p.mentor.email: 1 for p in pairings}
    assert dropped == 1
    left_out = ReminderDigest.objects.get(person=stale.mentor)
    assert (left_out.status, left_out.sent_at, left_out.dropped) == (Status.SENT, None, 1)
    assert reminder_mail_health(now=moment) == "ok"


def test_send_reminders_says_how_many_reminders_were_too_old(programme):
    stale = PairingFactory(programme=programme, checkin_due_on=datetime.date(2026, 2, 26))
    record(datetime.datetime(2026, 2, 27, 9, tzinfo=LONDON))
    ReminderDigest.objects.update(status=Status.FAILED, next_attempt_at=START)
    Pairing.objects.filter(pk=stale.pk).update(checkin_due_on=datetime.date(2026, 2, 26))
    out = io.StringIO()
    with time_machine.travel(START, tick=False):
        call_command("send_reminders", stdout=out)
    assert "Reminders too old to matter, left out: 2." in out.getvalue()
    assert mail.outbox == [] and Reminder.objects.filter(pairing=stale).exists()


# --- Sending failed ones again: the command and the admin action ----------------------------------------------


def failed_digests(programme, count: int) -> list[ReminderDigest]:
    pairings_due(programme, count)
    record(START)
    ReminderDigest.objects.update(
        status=Status.FAILED, attempts=6, next_attempt_at=START + datetime.timedelta(hours=1), last_error="refused"
    )
    return list(ReminderDigest.objects.order_by("pk"))


def test_retry_failed_emails_puts_them_back_and_the_next_sweep_sends_them(programme):
    digests = failed_digests(programme, 3)
    ReminderDigest.objects.filter(pk=digests[0].pk).update(day=datetime.date(2026, 3, 1))
    out = io.StringIO()
    with time_machine.travel(START, tick=False):
        call_command("retry_failed_emails", "--since", "2026-03-05", stdout=out)
    assert out.getvalue().strip() == "Check-in reminder emails back in the outbox: 2. Meeting reminder emails: 0."
    assert send(START).sent == 2
    assert ReminderDigest.objects.get(pk=digests[0].pk).status == Status.FAILED  # before --since: left alone


def test_the_admin_sends_failed_digests_again_and_leaves_the_others_alone(programme, client, administrator):
    digests = failed_digests(programme, 3)
    ReminderDigest.objects.filter(pk=digests[2].pk).update(status=Status.SENT)
    client.force_login(administrator)
    with time_machine.travel(START, tick=False):
        page = client.post(
            reverse("admin:mentoring_reminderdigest_changelist"),
            {"action": "send_again", "_selected_action": [d.pk for d in digests]},
            follow=True,
        )
    text = page.content.decode()
    assert "2 failed reminder emails are back in the outbox: they go with the next sweep." in text
    assert "1 selected email had not failed: left as it was." in text
    assert sorted(ReminderDigest.objects.values_list("status", "attempts")) == [
        ("pending", 0),
        ("pending", 0),
        ("sent", 6),
    ]
    with time_machine.travel(START, tick=False):
        assert reminders_sweep(now=START).sent == 2


# --- /healthz "mail" ------------------------------------------------------------------------------------------


def test_healthz_mail_part_says_trouble_for_failed_retrying_or_late_emails(settings, client, programme):
    settings.TANDEM_MAIL_LATE_MINUTES = 60
    pairings_due(programme, 1)
    record(START)
    digest = ReminderDigest.objects.get()

    def health(**changes) -> tuple[int, str]:
        ReminderDigest.objects.filter(pk=digest.pk).update(**changes)
        with time_machine.travel(START + datetime.timedelta(minutes=30), tick=False):
            beat_heartbeat_write(node="test")  # beat ticking: only the mail part decides the answer here
            response = client.get(reverse("healthz"))
        return response.status_code, response.json()["mail"]

    assert health() == (200, "ok")  # due half an hour ago: the next sweep sends it
    assert health(next_attempt_at=START - datetime.timedelta(minutes=31)) == (503, "trouble")  # 61 minutes late
    assert health(next_attempt_at=START + datetime.timedelta(minutes=10), attempts=2) == (503, "trouble")
    assert health(attempts=1) == (200, "ok")  # one failure is not trouble yet
    assert health(status=Status.FAILED, attempts=6) == (503, "trouble")
    assert health(next_attempt_at=START - datetime.timedelta(days=1)) == (200, "ok")  # failed long ago
    assert health(status=Status.SENT) == (200, "ok")
