"""Beat as real processes (issue 21, points 3 and 13): two beats never double scheduled work, and beat starts on a
fresh checkout (no var/ folder) with Redis, ticking so that /healthz says "beat": "ok".

Real `celery beat` and `celery worker` subprocesses on Redis and the live PostgreSQL test database (the scheduler
and the run keys are rows every process shares; SQLite's copy-in-a-file would test another thing). Every schedule
entry is shortened to a few seconds (TANDEM_TEST_BEAT_SECONDS, read by config.settings_test only). Each test uses
its own queue on Redis, so xdist workers and anyone's `make run` on the same Redis never take each other's tasks.
"""

from __future__ import annotations

import datetime
import email
import re
import uuid
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
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
from programmes.tests.factories import PersonFactory, ProgrammeFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

SECONDS = 3  # every schedule entry's interval here: 16 entries, run by one solo worker, keep up at this pace
RUNNING = re.compile(r"(\S+): running slot (\S+)")
SKIPPED = re.compile(r"(\S+): slot (\S+) already run by another message")
SENDING = re.compile(r"beat: sending (\S+) \(\S+\) for slot (\S+)")


@pytest.fixture
def processes(tmp_path):
    started = Processes(tmp_path, {})
    yield started
    started.stop_all()  # even when the test failed: no beat or worker outlives it


def live_postgresql(tmp_path: Path) -> LiveDatabase:
    require(connection.vendor == "postgresql", "the beat process tests need PostgreSQL (DATABASE_URL)")
    return LiveDatabase(tmp_path)


def environment(tmp_path: Path, database: LiveDatabase, broker: str, **extra: str) -> dict[str, str]:
    mail = tmp_path / "mail"
    mail.mkdir(exist_ok=True)
    return worker_environment(
        tmp_path,
        database.url,
        broker,
        name="beat",
        EMAIL_BACKEND="file",
        EMAIL_FILE_PATH=str(mail),
        TANDEM_TEST_BEAT_SECONDS=str(SECONDS),
        **extra,
    )


def emails_sent(folder: Path) -> Counter:
    """(recipient, subject) of every message the file backend wrote (messages apart by a line of 79 dashes)."""
    found: Counter = Counter()
    for path in folder.glob("*.log"):
        for chunk in path.read_text().split("-" * 79):
            if chunk.strip():
                message = email.message_from_string(chunk.strip())
                found[(message["To"], message["Subject"])] += 1
    return found


def runs(processes: Processes, pattern: re.Pattern) -> Counter:
    """(task, slot) pairs found in the logs of the processes whose name starts as the pattern's kind."""
    kind = "beat" if pattern is SENDING else "worker"
    found: Counter = Counter()
    for name in processes.running:
        if name.startswith(kind):
            found.update(pattern.findall(processes.log(name)))
    return found


def test_two_beats_and_an_old_releases_beat_run_each_scheduled_task_once_per_slot(tmp_path, processes):
    broker = redis_url()
    database = live_postgresql(tmp_path)
    today = timezone.localdate()
    programme = ProgrammeFactory(name="Two beats")
    # Due in two days: the "coming up" reminder, to the mentor by email and to both in the app, once.
    pairing = PairingFactory(
        programme=programme,
        mentee=PersonFactory(email_reminders=False),
        checkin_due_on=today + datetime.timedelta(days=2),
    )
    processes.env = environment(tmp_path, database, broker)
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    processes.start("worker", *WORKER, "--hostname", f"beat-test-{uuid.uuid4().hex[:6]}@%h")
    # Two `make run` in one folder: two beats with Tandem's scheduler on one database.
    processes.start("beat-1", "beat", "--loglevel=INFO")
    processes.start("beat-2", "beat", "--loglevel=INFO")
    # And a beat of a release before this one, with Celery's own scheduler and its file, still running during a
    # deploy: its messages carry no slot, so only the tasks' run keys stand between it and doubled work.
    stock = tmp_path / "stock"
    stock.mkdir()
    processes.start(
        "beat-old",
        "beat",
        "--loglevel=INFO",
        "-S",
        "celery.beat:PersistentScheduler",
        "--schedule",
        str(stock / "celerybeat-schedule"),
    )

    def every_task_ran_twice() -> bool:
        slots = Counter(task for task, _slot in runs(processes, RUNNING))
        return all(slots[task] >= 2 for task in tasks)

    # About 20 s here; the margin is for a busy 2-core CI machine.
    wait_for(every_task_ran_twice, "every scheduled task to run in two slots", timeout=75)

    ran = runs(processes, RUNNING)
    assert [pair for pair, count in ran.items() if count > 1] == []  # no task did its work twice in one slot
    sent = runs(processes, SENDING)
    assert [pair for pair, count in sent.items() if count > 1] == []  # no slot sent by both of Tandem's beats
    assert {name for name, _slot in sent} == set(settings.CELERY_BEAT_SCHEDULE)
    assert runs(processes, SKIPPED)  # the old beat's messages (or a late one of ours) found their slot taken
    for name in ("beat-1", "beat-2", "beat-old"):
        assert processes.running[name][0].poll() is None, f"{name} exited:\n{processes.log(name)[-2000:]}"
    assert "already sent by another beat" in processes.log("beat-1") + processes.log("beat-2")

    # Whatever the tasks do, it is done once: no email twice (the check-in reminder, and the survey invitations
    # the pairing's age brings), and no in-app notice twice.
    emails = emails_sent(tmp_path / "mail")
    assert emails[(pairing.mentor.email, "Your mentoring check-in is coming up")] == 1
    assert [email for email, count in emails.items() if count > 1] == []
    notices = database.run("SELECT person_id, text, COUNT(*) FROM programmes_notification GROUP BY person_id, text")
    assert notices and all(count == 1 for _person, _text, count in notices)


def test_beat_starts_on_a_fresh_checkout_with_redis_and_healthz_says_ok(tmp_path, processes, client):
    broker = redis_url()
    database = live_postgresql(tmp_path)
    fresh = tmp_path / "checkout" / "var"  # TANDEM_VAR_DIR names a folder that is not there
    processes.env = environment(tmp_path, database, broker, TANDEM_VAR_DIR=str(fresh))
    processes.start("beat", "beat", "--loglevel=INFO")

    ticked = "SELECT ticked_at FROM core_beatheartbeat"
    sent = "SELECT COUNT(*) FROM core_beatentry WHERE sent_at IS NOT NULL"
    wait_for(lambda: database.run(ticked) and database.run(sent)[0][0] > 0, "beat to tick and send", timeout=30)

    assert processes.running["beat"][0].poll() is None, processes.log("beat")
    response = client.get(reverse("healthz"))
    assert response.json()["beat"] == "ok"
    assert response.status_code == 200, response.json()
    assert not fresh.exists()  # beat wrote nothing on disk: no schedule file, no folder
