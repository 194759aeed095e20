from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.db import OperationalError, connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from config import health
from core.beat import beat_heartbeat_write

pytestmark = pytest.mark.django_db

ALL_OK = {"database": "ok", "broker": "ok", "migrations": "ok", "mail": "ok", "beat": "ok"}


@pytest.fixture(autouse=True)
def beat_ticking(db):
    """A beat that ticked a moment ago, as in a running installation (core.beat writes it)."""
    beat_heartbeat_write(node="test")


def test_healthy_installation_answers_200_with_each_part_ok(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == ALL_OK
    assert "no-cache" in response["Cache-Control"]


def test_unreachable_broker_answers_503_and_names_the_broker(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {**ALL_OK, "broker": "unreachable"}


def test_missing_broker_folder_answers_503(client, settings, tmp_path):
    settings.REDIS_URL = ""
    (tmp_path / "control").mkdir()
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(tmp_path / "gone"),
        "data_folder_out": str(tmp_path / "gone"),
        "control_folder": str(tmp_path / "control"),
    }
    assert client.get(reverse("healthz")).json()["broker"] == "unreachable"


def test_unreachable_database_answers_503_and_names_the_database(client, monkeypatch):
    from django.db import connection

    def broken_cursor(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_healthz_only_answers_get(client):
    assert client.post(reverse("healthz")).status_code == 405


@pytest.fixture
def migrations_not_seen(monkeypatch):
    """A process that has not looked at the migrations yet (each test's own, as a freshly started one)."""
    monkeypatch.setattr(health, "_migrations_seen_applied", False)


def test_a_release_whose_migration_has_not_run_answers_503_until_it_has(client, migrations_not_seen):
    # The database as a new release finds it before `migrate`: the code's newest mentoring migration is not recorded.
    newest = max(
        name for app, name in MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes() if app == "mentoring"
    )
    recorded = MigrationRecorder.Migration.objects.get(app="mentoring", name=newest)
    recorded.delete()
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {**ALL_OK, "migrations": "pending"}
    # `migrate` records it; the next poll sees every migration applied.
    MigrationRecorder(connection).record_applied("mentoring", newest)
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["migrations"] == "ok"


def test_once_every_migration_was_seen_applied_a_poll_reads_only_the_database(client, migrations_not_seen):
    with CaptureQueriesContext(connection) as first:
        assert client.get(reverse("healthz")).status_code == 200
    with CaptureQueriesContext(connection) as later:
        assert client.get(reverse("healthz")).status_code == 200
    assert len(first) > 1  # the first poll read django_migrations
    # Later polls: SELECT 1, the outbox (mail) and beat's heartbeat; never the migrations again.
    assert len(later) == 3 and later[0]["sql"] == "SELECT 1"
    assert not any("django_migrations" in q["sql"] for q in later)


# /healthz on an empty database that nobody migrated, in a process of its own on production's settings (a new
# SQLite file under a fresh TANDEM_VAR_DIR): the database answers, the migrations are pending.
POLL = """
import json, django
django.setup()
from django.test import Client
response = Client().get("/healthz")
print(json.dumps({"status": response.status_code, "parts": response.json()}))
"""


def test_an_empty_unmigrated_database_answers_503_naming_the_migrations(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_", "PYTEST_", "TANDEM_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="0",
        TANDEM_VAR_DIR=str(tmp_path),
        TANDEM_ENV_FILE=str(tmp_path / "no.env"),
        ALLOWED_HOSTS="testserver",
        SECURE_SSL_REDIRECT="0",
        SECRET_KEY="health-test-" + "x" * 40,
        TANDEM_NOTE_KEYS="dGVzdHMtb25seS1ub3Qtc2VjcmV0LTMyLWJ5dGVzISE=",
    )
    polled = subprocess.run(  # noqa: S603 (this interpreter, our own script)
        [sys.executable, "-c", POLL],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert polled.returncode == 0, polled.stderr
    result = json.loads(polled.stdout.strip().splitlines()[-1])
    # The outbox and beat's heartbeat have no tables yet either: they cannot tell.
    assert result == {
        "status": 503,
        "parts": {"database": "ok", "broker": "ok", "migrations": "pending", "mail": "unknown", "beat": "unknown"},
    }


def test_beat_that_stopped_ticking_answers_503_and_says_silent(client):
    # Two minutes after the last tick beat is still fine (it writes at least every minute); past three, silent.
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=2)):
        assert client.get(reverse("healthz")).json()["beat"] == "ok"
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=4)):
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {**ALL_OK, "beat": "silent"}


def test_beat_that_never_started_answers_503(client):
    from core.models import BeatHeartbeat

    BeatHeartbeat.objects.all().delete()
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["beat"] == "never started"


def test_unreadable_heartbeat_answers_503_and_says_unknown(client, monkeypatch):
    from config import health

    def unreadable():
        raise OperationalError('relation "core_beatheartbeat" does not exist')  # e.g. not migrated yet

    monkeypatch.setattr(health, "beat_last_tick", unreadable)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["beat"] == "unknown"
