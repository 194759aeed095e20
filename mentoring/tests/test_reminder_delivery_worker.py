"""Reminder emails under faults, on real processes (issue 21, points 9 and 10): a Celery worker and beat on
Redis and PostgreSQL, emailing a local SMTP server (aiosmtpd, slowed down per message so that a kill or a
lease lands in the middle of a chunk).

- A worker killed with SIGKILL while it sends a few hundred emails: a new worker finishes the job, and nobody
  gets a second email except, at most, the one in flight when the kill landed.
- ``send_reminders`` running longer than the lease while beat's sweeps run beside it: its claims are renewed,
  so nobody gets a second email.
"""

from __future__ import annotations

import datetime
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from conftest import require
from mentoring.tests.factories import PairingFactory
from mentoring.tests.test_reminders_worker import (
    WORKER,
    LiveDatabase,
    Processes,
    redis_url,
    wait_for,
    worker_environment,
)
from perf.smtp_sink import SmtpSink
from programmes.tests.factories import ProgrammeFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

REDIS_DB = 12  # its own database: CI's suite uses 15, and xdist runs the worker tests side by side


@pytest.fixture
def processes(tmp_path):
    started = Processes(tmp_path, {})
    try:
        yield started
    finally:
        started.stop_all()


def live_setup(tmp_path: Path, sink: SmtpSink, *, lease: int) -> tuple[LiveDatabase, dict[str, str]]:
    require(connection.vendor == "postgresql", "senders side by side need PostgreSQL (set DATABASE_URL)")
    parts = urlsplit(redis_url())
    broker = urlunsplit(parts._replace(path=f"/{REDIS_DB}"))
    database = LiveDatabase(tmp_path)
    env = worker_environment(
        tmp_path,
        database.url,
        broker,
        name="delivery",
        **sink.environment(),
        TANDEM_REMINDER_SWEEP_SECONDS="1",
        TANDEM_REMINDER_LEASE_SECONDS=str(lease),
    )
    return database, env


def due_now(count: int) -> set[str]:
    """``count`` pairings whose check-in is coming up: two emails each (mentor and mentee); their addresses."""
    programme = ProgrammeFactory(name="Delivery")
    due = timezone.localdate() + datetime.timedelta(days=2)
    pairings = [PairingFactory(programme=programme, checkin_due_on=due) for _ in range(count)]
    return {p.mentor.email for p in pairings} | {p.mentee.email for p in pairings}


def all_sent(database: LiveDatabase, expected: int) -> bool:
    rows = database.run("SELECT status, count(*) FROM mentoring_reminderdigest GROUP BY status")
    return dict(rows).get("sent", 0) == expected


def test_a_worker_killed_while_sending_repeats_at_most_the_email_in_flight(tmp_path, processes):
    with SmtpSink(delay=0.02) as sink:
        database, processes.env = live_setup(tmp_path, sink, lease=3)
        people = due_now(120)
        processes.start("worker-1", *WORKER, "--hostname", f"delivery-1-{uuid.uuid4().hex[:6]}@%h")
        processes.start("beat", "beat", "--loglevel=INFO", "--schedule", str(tmp_path / "beat-schedule"))
        wait_for(lambda: sink.total >= 60, "the worker to be well into the outbox")
        processes.kill("worker-1")
        at_kill = sink.total
        assert at_kill < len(people)  # the kill landed mid-outbox

        processes.start("worker-2", *WORKER, "--hostname", f"delivery-2-{uuid.uuid4().hex[:6]}@%h")
        wait_for(lambda: all_sent(database, len(people)), "the new worker to send the rest")
        assert set(sink.received) == people
        duplicates = sum(count - 1 for count in sink.received.values())
        assert duplicates <= 1, sink.received.most_common(5)


def test_send_reminders_longer_than_the_lease_is_never_overtaken_by_the_sweeps(tmp_path, processes):
    # 240 emails at 30 ms: a chunk of 100 takes 3 s, and the whole run 7 s, under a 2-second lease.
    with SmtpSink(delay=0.03) as sink:
        database, processes.env = live_setup(tmp_path, sink, lease=2)
        people = due_now(120)
        command = subprocess.Popen(
            [sys.executable, "manage.py", "send_reminders"],
            cwd=settings.BASE_DIR,
            env=processes.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for(lambda: sink.total >= 5, "send_reminders to be sending")
            processes.start("worker", *WORKER, "--hostname", f"delivery-{uuid.uuid4().hex[:6]}@%h")
            processes.start("beat", "beat", "--loglevel=INFO", "--schedule", str(tmp_path / "beat-schedule"))
            output = command.communicate(timeout=60)[0].decode()
        finally:
            if command.poll() is None:
                command.kill()
                command.wait(timeout=10)
        assert command.returncode == 0, output
        wait_for(lambda: all_sent(database, len(people)), "every email to be sent")
        assert processes.sweeps() >= 1  # beat's sweeps ran beside it
        assert set(sink.received) == people
        assert sink.received.most_common(1)[0][1] == 1, sink.received.most_common(5)
        sent_by_command = int(output.split("Emails sent: ")[1].split(",")[0])
        assert sent_by_command >= 100, output  # it held at least one chunk for longer than the lease
