"""The reminder sweep end to end: a real Celery beat and worker (subprocesses) on Redis and a live database.

Beat ticks every second; a reminder that becomes due is emailed exactly once (file email backend); a worker
killed with SIGKILL while it sends an email leaves it claimed, and the restarted worker sends it once the lease
(3 seconds here) has run out, still exactly once. Needs REDIS_URL; runs on PostgreSQL (the live test database)
or SQLite (a copy of the test database in a file, which the test then reads and writes directly).
"""

from __future__ import annotations

import datetime
import email
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.utils import timezone

from conftest import require
from mentoring.models import PlannedSession
from mentoring.tests.factories import PairingFactory
from programmes.tests.factories import PersonFactory, ProgrammeFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

# Runs `celery worker` or `celery beat` with Tandem's app on this test's own queue (so no other worker on the
# same Redis takes its tasks). While the file named by TANDEM_TEST_HOLD exists, the file email backend waits
# before writing: the worker is then, for certain, in the middle of sending.
LAUNCHER = """
import os, sys, time
sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import django
django.setup()
from django.core.mail.backends import filebased
from config.celery import app
app.conf.task_default_queue = os.environ["TANDEM_TEST_QUEUE"]
hold = os.environ.get("TANDEM_TEST_HOLD")
if hold:
    write = filebased.EmailBackend.send_messages
    def held(self, messages):
        while os.path.exists(hold):
            time.sleep(0.05)
        return write(self, messages)
    filebased.EmailBackend.send_messages = held
sys.exit(app.start(sys.argv[1:]))
"""
TIMEOUT = 40  # generous: a worker starting on a busy machine takes a while


class LiveDatabase:
    """The database the subprocesses use, and plain SQL on it from the test."""

    def __init__(self, tmp_path: Path) -> None:
        if connection.vendor == "postgresql":
            db = connection.settings_dict
            auth = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
            self.url = f"postgres://{auth}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"
            self.file = None
        else:
            # The test database lives in this process's memory: the subprocesses get a copy in a file.
            self.file = tmp_path / "tandem.sqlite3"
            connection.ensure_connection()
            with sqlite3.connect(self.file) as copy:
                connection.connection.backup(copy)
            self.url = f"sqlite:///{self.file}"

    def run(self, sql: str, params: tuple = ()) -> list[tuple]:
        if self.file is None:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall() if cursor.description else []
        with sqlite3.connect(self.file, timeout=20) as db:
            return db.execute(sql.replace("%s", "?"), params).fetchall()


# A worker on one process with no chatter between workers: what every live-worker test starts.
WORKER = ("worker", "--pool=solo", "--loglevel=INFO", "--without-gossip", "--without-mingle")


def worker_environment(tmp_path: Path, database_url: str, broker: str, *, name: str, **extra: str) -> dict[str, str]:
    """The environment of a test's Celery worker or beat: the test settings without any .env file, its own var
    folder, the live database and Redis, tasks really queued, on a queue of its own (``name-<random>``) so that
    no other test's worker on the same Redis takes them; ``extra`` adds or overrides settings (mail, timings)."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "TANDEM_ENV_FILE": str(tmp_path / "no.env"),
        "TANDEM_VAR_DIR": str(tmp_path / "var"),
        "SECRET_KEY": f"{name}-test-not-secret",
        "DEBUG": "0",
        "TIME_ZONE": settings.TIME_ZONE,
        "DATABASE_URL": database_url,
        "REDIS_URL": broker,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "TANDEM_TEST_QUEUE": f"{name}-test-{uuid.uuid4().hex[:8]}",
        **extra,
    }


def redis_url() -> str:
    url = os.environ.get("REDIS_URL", "")
    require(bool(url), "REDIS_URL is not set")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        require(False, f"Redis at {url} does not answer: {exc}")
    return url


def wait_for(condition: Callable[[], bool], what: str, timeout: float = TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.2)


def emails_by_recipient(folder: Path) -> Counter:
    """Every message the file backend wrote (it separates messages with a line of 79 dashes)."""
    found: Counter = Counter()
    for path in folder.glob("*.log"):
        for chunk in path.read_text().split("-" * 79):
            if chunk.strip():
                found[email.message_from_string(chunk.strip())["To"]] += 1
    return found


class Processes:
    def __init__(self, tmp_path: Path, env: dict[str, str]) -> None:
        self.tmp_path, self.env, self.running = tmp_path, env, {}

    def start(self, name: str, *args: str, **extra_env: str) -> subprocess.Popen:
        log = open(self.tmp_path / f"{name}.log", "ab")  # noqa: SIM115 (closed with the process)
        process = subprocess.Popen(
            [sys.executable, "-c", LAUNCHER, *args],
            cwd=settings.BASE_DIR,
            env={**self.env, **extra_env},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.running[name] = (process, log)
        return process

    def log(self, name: str) -> str:
        return (self.tmp_path / f"{name}.log").read_text(errors="replace")

    def sweeps(self) -> int:
        """Sweeps the workers finished, from their logs."""
        done = re.compile(r"send_due_checkin_reminders\[[^\]]+\] succeeded")
        return sum(len(done.findall(self.log(name))) for name in self.running if name.startswith("worker"))

    def kill(self, name: str) -> None:
        process, log = self.running[name]
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=10)
        log.close()

    def stop_all(self) -> None:
        for process, log in self.running.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=10)
            log.close()


@pytest.fixture
def processes(tmp_path):
    started = Processes(tmp_path, {})
    yield started
    started.stop_all()


def start_beat_and_worker(tmp_path: Path, processes: Processes, database: LiveDatabase, broker: str) -> tuple:
    """Beat (ticking every second) and a first worker on this test's own queue; returns the worker's arguments
    for a restart. Emails go to files in tmp_path/mail; while tmp_path/hold exists a worker waits mid-send."""
    mail, hold = tmp_path / "mail", tmp_path / "hold"
    mail.mkdir()
    processes.env = worker_environment(
        tmp_path,
        database.url,
        broker,
        name="reminders",
        EMAIL_BACKEND="file",
        EMAIL_FILE_PATH=str(mail),
        TANDEM_REMINDER_SWEEP_SECONDS="1",
        TANDEM_REMINDER_LEASE_SECONDS="3",
        TANDEM_TEST_HOLD=str(hold),
    )
    worker_args = WORKER
    processes.start("worker-1", *worker_args, "--hostname", f"reminders-1-{uuid.uuid4().hex[:6]}@%h")
    processes.start("beat", "beat", "--loglevel=INFO", "--schedule", str(tmp_path / "beat-schedule"))
    return worker_args


def test_beat_and_a_worker_send_each_reminder_once_even_when_the_worker_is_killed_mid_send(tmp_path, processes):
    broker = redis_url()
    today = timezone.localdate()
    later = today + datetime.timedelta(days=10)
    programme = ProgrammeFactory(name="Live")
    # The mentees read reminders in the app only, so each pairing means one email, to its mentor.
    first = PairingFactory(programme=programme, mentee=PersonFactory(email_reminders=False), checkin_due_on=later)
    second = PairingFactory(programme=programme, mentee=PersonFactory(email_reminders=False), checkin_due_on=later)
    database = LiveDatabase(tmp_path)
    mail, hold = tmp_path / "mail", tmp_path / "hold"
    worker_args = start_beat_and_worker(tmp_path, processes, database, broker)

    def sweeps_after(count: int) -> None:
        target = processes.sweeps() + count
        wait_for(lambda: processes.sweeps() >= target, f"{count} more sweeps")

    sweeps_after(2)
    assert emails_by_recipient(mail) == Counter()  # nothing due yet

    # Due in two days: the "coming up" reminder, once, however many ticks follow.
    database.run(
        "UPDATE mentoring_pairing SET checkin_due_on = %s WHERE id = %s", (today + datetime.timedelta(2), first.pk)
    )
    wait_for(lambda: emails_by_recipient(mail), "the first reminder email")
    sweeps_after(3)
    assert emails_by_recipient(mail) == Counter({first.mentor.email: 1})

    # The second pairing falls due while sending is held: the worker is killed with the email claimed.
    hold.touch()
    database.run(
        "UPDATE mentoring_pairing SET checkin_due_on = %s WHERE id = %s", (today + datetime.timedelta(2), second.pk)
    )
    status = "SELECT status FROM mentoring_reminderdigest WHERE person_id = %s"
    wait_for(lambda: database.run(status, (second.mentor_id,)) == [("sending",)], "the worker to be sending")
    processes.kill("worker-1")
    hold.unlink()
    assert emails_by_recipient(mail) == Counter({first.mentor.email: 1})

    processes.start("worker-2", *worker_args, "--hostname", f"reminders-2-{uuid.uuid4().hex[:6]}@%h")
    wait_for(lambda: len(emails_by_recipient(mail)) == 2, "the restarted worker to send the claimed email")
    sweeps_after(3)
    assert emails_by_recipient(mail) == Counter({first.mentor.email: 1, second.mentor.email: 1})
    digests = "SELECT person_id, status, attempts FROM mentoring_reminderdigest ORDER BY person_id"
    assert sorted(database.run(digests)) == sorted([(first.mentor_id, "sent", 1), (second.mentor_id, "sent", 2)])


def test_meeting_reminders_go_once_a_day_and_an_hour_before_even_when_the_worker_is_killed_mid_send(
    tmp_path, processes
):
    """Issue 17: the reminders before an accepted planned meeting ride the same sweep, with the same guarantee."""
    broker = redis_url()
    now = timezone.now()
    later = timezone.localdate() + datetime.timedelta(days=10)  # no check-in reminder gets in the way
    programme = ProgrammeFactory(name="Live meetings")
    pairings = [PairingFactory(programme=programme, checkin_due_on=later) for _ in range(2)]
    # Accepted, three days ahead: no reminder yet. The test then brings them near by moving their time in SQL.
    first, second = (
        PlannedSession.objects.create(
            pairing=p,
            organiser=p.mentor,
            proposed_by=p.mentor,
            state=PlannedSession.State.ACCEPTED,
            starts_at=now + datetime.timedelta(days=3),
            starts_on=timezone.localdate(now + datetime.timedelta(days=3)),
            duration_minutes=60,
            video_link="https://meet.example.org/live",
        )
        for p in pairings
    )
    database = LiveDatabase(tmp_path)
    mail, hold = tmp_path / "mail", tmp_path / "hold"
    worker_args = start_beat_and_worker(tmp_path, processes, database, broker)

    def sweeps_after(count: int) -> None:
        target = processes.sweeps() + count
        wait_for(lambda: processes.sweeps() >= target, f"{count} more sweeps")

    def move(planned: PlannedSession, delta: datetime.timedelta) -> None:
        database.run(
            "UPDATE mentoring_plannedsession SET starts_at = %s WHERE id = %s", (timezone.now() + delta, planned.pk)
        )

    sweeps_after(2)
    assert emails_by_recipient(mail) == Counter()  # three days ahead: nothing due

    # Tomorrow (in 23 hours): the day-before reminder to both, once, however many ticks follow.
    move(first, datetime.timedelta(hours=23))
    both_first = Counter({first.pairing.mentor.email: 1, first.pairing.mentee.email: 1})
    wait_for(lambda: emails_by_recipient(mail) == both_first, "the day-before reminders")
    sweeps_after(3)
    assert emails_by_recipient(mail) == both_first

    # The second meeting is in half an hour: its hour-before reminders are claimed while sending is held, and the
    # worker is killed in the middle of sending them.
    hold.touch()
    move(second, datetime.timedelta(minutes=30))
    status = "SELECT status FROM mentoring_meetingreminder WHERE planned_id = %s"
    wait_for(lambda: ("sending",) in database.run(status, (second.pk,)), "the worker to be sending")
    processes.kill("worker-1")
    hold.unlink()
    assert emails_by_recipient(mail) == both_first

    processes.start("worker-2", *worker_args, "--hostname", f"reminders-2-{uuid.uuid4().hex[:6]}@%h")
    wait_for(lambda: len(emails_by_recipient(mail)) == 4, "the restarted worker to send the claimed reminders")
    sweeps_after(3)
    assert emails_by_recipient(mail) == both_first + Counter(
        {second.pairing.mentor.email: 1, second.pairing.mentee.email: 1}
    )
    rows = "SELECT planned_id, kind, status, attempts FROM mentoring_meetingreminder ORDER BY planned_id, person_id"
    assert database.run(rows) == [
        (first.pk, "day", "sent", 1),
        (first.pk, "day", "sent", 1),
        (second.pk, "hour", "sent", 2),
        (second.pk, "hour", "sent", 2),
    ]
    subjects = Counter(
        line for path in mail.glob("*.log") for line in path.read_text().splitlines() if line.startswith("Subject:")
    )
    assert sorted(subjects.values()) == [1, 1, 1, 1]
