"""Headers and cookies: CSP without inline scripts, the usual hardening headers, no-store when logged in."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from core.security import CONTENT_SECURITY_POLICY
from mentoring.models import CalendarFeed
from programmes.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
TEMPLATES = Path(settings.BASE_DIR) / "templates"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_ATTRIBUTE = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)


def csp_directives(response) -> dict[str, list[str]]:
    parts = [p.strip().split() for p in response["Content-Security-Policy"].split(";") if p.strip()]
    return {p[0]: p[1:] for p in parts}


def assert_hardened(response) -> None:
    directives = csp_directives(response)
    assert directives["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in directives["default-src"]
    assert directives["frame-ancestors"] == ["'none'"] and directives["object-src"] == ["'none'"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def assert_no_store(response) -> None:
    assert "no-store" in response["Cache-Control"]


def assert_no_inline_script(response) -> None:
    page = response.content.decode()
    assert INLINE_SCRIPT.findall(page) == []
    assert EVENT_ATTRIBUTE.findall(page) == []


def test_the_login_page_is_hardened_and_has_no_inline_script(client):
    response = client.get(reverse("login"))
    assert_hardened(response)
    assert_no_inline_script(response)


def test_hsts_is_sent_over_https(client):
    response = client.get(reverse("login"), secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_healthz_is_hardened(client):
    assert_hardened(client.get(reverse("healthz")))


def test_a_participants_pages_are_not_stored_and_have_no_inline_script(login, mentee, pairing):
    client = login(mentee)
    CalendarFeed.objects.create(person=mentee, token="t" * 40)
    for url in [
        reverse("mentoring:home"),
        reverse("mentoring:pairing_detail", args=[pairing.pk]),
        reverse("mentoring:calendar"),  # its copy button's script is a static file now
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_hardened(response)
        assert_no_store(response)
        assert_no_inline_script(response)
    assert 'src="/static/js/calendar.js"' in client.get(reverse("mentoring:calendar")).content.decode()


def test_a_coordinators_pages_and_exports_are_not_stored(login, coordinator, programme):
    client = login(coordinator)
    settings_page = client.get(reverse("programmes:settings", args=[programme.pk]))
    assert settings_page.status_code == 200
    assert_hardened(settings_page)
    assert_no_store(settings_page)
    assert_no_inline_script(settings_page)
    assert 'data-confirm="Remove ' in settings_page.content.decode()  # asked first, by static/js/confirm.js
    export = client.get(reverse("programmes:training_export", args=[programme.pk]))
    assert export.status_code == 200 and export["Content-Type"].startswith("text/csv")
    assert_no_store(export)


def test_static_files_may_be_cached_even_when_logged_in(login, mentee):
    client = login(mentee)
    static = client.get("/static/js/confirm.js")
    assert static.status_code == 200
    assert "no-store" not in static.get("Cache-Control", "")


def test_no_template_has_an_inline_script_or_event_handler():
    offenders = [
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        if INLINE_SCRIPT.search(path.read_text()) or EVENT_ATTRIBUTE.search(path.read_text())
    ]
    assert offenders == []


def test_the_policy_allows_no_inline_script():
    script_src = next(d for d in CONTENT_SECURITY_POLICY.split(";") if d.strip().startswith("script-src"))
    assert "unsafe-inline" not in script_src and "unsafe-eval" not in script_src


def test_cookies_are_httponly_and_samesite_lax(client, mentee):
    client.get(reverse("login"))
    response = client.post(reverse("login"), {"username": mentee.email, "password": PASSWORD})
    session_cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session_cookie["httponly"] and session_cookie["samesite"] == "Lax"
    assert settings.CSRF_COOKIE_HTTPONLY and settings.CSRF_COOKIE_SAMESITE == "Lax"


def test_production_cookies_are_secure(monkeypatch, tmp_path):
    from config.tests.test_settings import load

    production = load(monkeypatch, tmp_path)
    assert production["SESSION_COOKIE_SECURE"] and production["CSRF_COOKIE_SECURE"]
    assert production["SESSION_COOKIE_HTTPONLY"] and production["CSRF_COOKIE_HTTPONLY"]
    assert production["SESSION_COOKIE_SAMESITE"] == production["CSRF_COOKIE_SAMESITE"] == "Lax"
