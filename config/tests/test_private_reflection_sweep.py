"""Time to think, attacked (issue 20 review): a marker planted in every private field of reflection time and session
reflections, by the mentee and by the mentor, then every page and download of the permission matrix walked as every
role (the admin's too). Only the author ever reads their own words; the emails and the audit log never hold them."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import get_resolver, reverse

from config.tests.test_permission_matrix import (
    MATRIX,
    ROLES,
    admin_kwargs,
    as_role,
    matrix_world,
    shared_world,
    sso_on,
    walk,
)
from mentoring.models import MentoringSession
from mentoring.services import reflection
from programmes.models import AuditEvent

pytestmark = pytest.mark.django_db

SHARED_FIXTURES = (shared_world, matrix_world, sso_on)  # the permission matrix's, used here by name

MARKS = {"mentee": "Zqmentee-private-reflection", "mentor": "Zqmentor-private-reflection"}


def _plant(cast: dict) -> None:
    pairing = cast["pairing"]
    session = MentoringSession.objects.create(
        pairing=pairing,
        logged_by=cast["mentee"],
        held_on=pairing.started_on + datetime.timedelta(days=2),
        duration_minutes=30,
        status=MentoringSession.Status.CONFIRMED,
        answered_by=cast["mentor"],
    )
    for role, mark in MARKS.items():
        person = cast[role]
        reflection.session_reflection_write(session=session, author=person, text=f"{mark} session")
        reflection.reflection_time_log(
            person=person, programme=pairing.programme, day=pairing.started_on, hours=Decimal("1"), note=f"{mark} time"
        )


def _body(response) -> str:
    content = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    return content.decode("utf-8", "replace")


@pytest.mark.parametrize("role", ROLES)
def test_private_reflections_reach_nobody_but_their_author(client, matrix_world, role):
    cast = matrix_world
    _plant(cast)
    as_role(client, cast, role)
    leaks, seen = [], False
    urls = [reverse(key, kwargs=entry.kwargs(cast)) for key, entry in MATRIX.items() if entry.method == "get"]
    if role == "administrator":
        for key, route, pattern in walk(get_resolver().url_patterns):
            if route.startswith("admin/") and pattern.name and key not in ("admin:logout", "send_test_email"):
                try:
                    urls.append(reverse(key, kwargs=admin_kwargs(pattern, cast)))
                except Exception:  # noqa: BLE001 (a pattern the admin's kwargs do not fill: not a page to read)
                    continue
    for url in urls:
        if url == reverse("logout"):
            continue
        response = client.get(url)
        body = _body(response)
        leaks += [f"{url}: {who}'s words" for who, mark in MARKS.items() if who != role and mark in body]
        seen = seen or (role in MARKS and MARKS[role] in body)
    assert not leaks, "\n".join(leaks)
    assert seen == (role in MARKS)  # the walk reads what it looks for: the author finds their own words


def test_private_reflections_are_in_no_email_and_no_audit_summary(matrix_world):
    _plant(matrix_world)
    for mark in MARKS.values():
        assert not AuditEvent.objects.filter(summary__contains=mark).exists()
        assert not [m for m in mail.outbox if mark in m.body or mark in m.subject]
