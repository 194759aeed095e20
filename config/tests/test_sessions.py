"""Sessions: a new key at login, gone at logout, ended after 30 minutes idle or 12 hours in all."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from programmes.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def log_in(client, person):
    response = client.post(reverse("login"), {"username": person.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def page(client):
    return client.get(reverse("mentoring:home"))


def is_login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_logging_in_gives_a_new_session_key(client, mentee):
    before = client.session
    before["probe"] = "anonymous visit"
    before.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = before.session_key
    log_in(client, mentee)
    assert client.session.session_key != before.session_key
    assert not Session.objects.filter(session_key=before.session_key).exists()


def test_logging_out_ends_the_session(client, mentee):
    log_in(client, mentee)
    key = client.session.session_key
    client.post(reverse("logout"))
    assert not Session.objects.filter(session_key=key).exists()
    client.cookies[settings.SESSION_COOKIE_NAME] = key  # replaying the old cookie gets nowhere
    assert is_login_redirect(page(client))


def test_thirty_minutes_without_a_request_ends_the_session(client, mentee):
    with time_machine.travel(T0, tick=False) as traveller:
        log_in(client, mentee)
        traveller.shift(dt.timedelta(minutes=29))
        assert page(client).status_code == 200
        traveller.shift(dt.timedelta(minutes=29))  # 58 minutes after login, but active: still in
        assert page(client).status_code == 200
        traveller.shift(dt.timedelta(minutes=31))
        assert is_login_redirect(page(client))
        assert SESSION_KEY not in client.session


def test_twelve_hours_after_login_the_session_ends_however_active(client, mentee):
    with time_machine.travel(T0, tick=False) as traveller:
        log_in(client, mentee)
        for _ in range(11 * 3 + 2):  # a page every 20 minutes for 11 h 40
            traveller.shift(dt.timedelta(minutes=20))
            assert page(client).status_code == 200
        traveller.shift(dt.timedelta(minutes=21))  # 12 h 01
        response = page(client)
        assert is_login_redirect(response)
        follow = client.get(response["Location"])
        assert "Your session ended" in follow.content.decode()


def test_the_limits_are_settings(client, mentee, settings):
    settings.TANDEM_SESSION_IDLE_MINUTES = 5
    settings.TANDEM_SESSION_MAX_HOURS = 1
    with time_machine.travel(T0, tick=False) as traveller:
        log_in(client, mentee)
        traveller.shift(dt.timedelta(minutes=6))
        assert is_login_redirect(page(client))
        log_in(client, mentee)
        for _ in range(15):
            traveller.shift(dt.timedelta(minutes=4))
            assert page(client).status_code == 200
        traveller.shift(dt.timedelta(minutes=4))  # 64 minutes after the second login
        assert is_login_redirect(page(client))


def session_writes(client) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert page(client).status_code == 200
    return [q["sql"] for q in captured if q["sql"].startswith(("UPDATE", "INSERT")) and "django_session" in q["sql"]]


def test_page_views_refresh_the_session_at_most_once_a_minute(client, mentee):
    # Pages keep their query budgets: the idle clock is refreshed once a minute, not on every request.
    with time_machine.travel(T0, tick=False) as traveller:
        log_in(client, mentee)
        traveller.shift(dt.timedelta(seconds=30))
        assert session_writes(client) == []
        traveller.shift(dt.timedelta(seconds=40))
        assert len(session_writes(client)) == 1


def test_the_default_limits_are_thirty_minutes_idle_and_twelve_hours():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.TANDEM_SESSION_IDLE_MINUTES == 30
    assert settings.TANDEM_SESSION_MAX_HOURS == 12
