from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from core.beat import beat_heartbeat_write

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def beat_ticking(db):
    """A beat that ticked a moment ago, as in a running installation (core.beat writes it)."""
    beat_heartbeat_write(node="test")


def test_healthy_installation_answers_200_with_each_part_ok(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "ok", "beat": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_unreachable_broker_answers_503_and_names_the_broker(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "broker": "unreachable", "beat": "ok"}


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


def test_beat_that_stopped_ticking_answers_503_and_says_silent(client):
    # Two minutes after the last tick beat is still fine (it writes at least every minute); past three, silent.
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=2)):
        assert client.get(reverse("healthz")).json()["beat"] == "ok"
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=4)):
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "broker": "ok", "beat": "silent"}


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
