from __future__ import annotations

import pytest
from django.db import OperationalError
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_healthy_installation_answers_200_with_each_part_ok(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "ok", "mail": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_unreachable_broker_answers_503_and_names_the_broker(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "broker": "unreachable", "mail": "ok"}


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
