"""Every page of the permission matrix, as someone who may see it: the walks that check every page (390 px wide
in Chromium, the Nu HTML Checker) visit these, so a new page is walked as soon as it has its MATRIX entry.

A page is a GET entry that answers 200 to at least one role; it is visited as the first such role in ROLE_ORDER
(the coordinator sees the fullest version of most programme pages). Downloads (CSV, PDF, calendar, zip, JSON)
are left out: only HTML pages are walked.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.test import Client
from django.urls import reverse

from config.tests.test_permission_matrix import MATRIX

ROLE_ORDER = (
    "coordinator",
    "mentee",
    "mentor",
    "line_manager",
    "committee_member",
    "administrator",
    "outsider",
    "anonymous",
)


@dataclass(frozen=True)
class MatrixPage:
    key: str  # the URL pattern's name, as in MATRIX
    role: str
    url: str
    html: str


def viewer(expect: dict) -> str | None:
    """The role a page is walked as, or None when nobody gets it as a 200 page."""
    return next((role for role in ROLE_ORDER if expect.get(role) == 200), None)


def session_cookie(world: dict, role: str) -> str | None:
    """A fresh logged-in session for the role (None for anonymous), as the browser's session cookie value."""
    if role == "anonymous":
        return None
    client = Client()
    client.force_login(world[role])
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def fill(world: dict) -> None:
    """Give the list pages rows to show: every object the matrix's entries make on first use (an alert, an
    intervention, a proposal, reports, a survey round...), a feed for each side of the pair (the matrix test made
    them with calendar_create first), a required course the mentee has booked but not done, and a
    learning-environment audit answered by two teams of five (the dashboard's heat map)."""
    from evaluation.tests.test_surveys import _audit
    from mentoring.services.calendars import calendar_feed_create
    from programmes.models import Course, ProgrammeRequirement, TrainingRecord

    for entry in MATRIX.values():
        entry.kwargs(world)
    for role in ("mentor", "mentee"):
        calendar_feed_create(person=world[role])
    course = Course.objects.create(title="Walk course", kind=Course.Kind.MENTOR_TRAINING)
    ProgrammeRequirement.objects.create(programme=world["pairing"].programme, role="mentee", course=course)
    TrainingRecord.objects.create(person=world["mentee"], course=course, status=TrainingRecord.Status.BOOKED)
    teams = {"Warehouse": (5, 2), "Design": (5, 5), world["mentor"].org_unit.name: (0, 3)}  # + the cast's mentor
    _audit(world["pairing"].programme, world["coordinator"], teams)


def matrix_pages(world: dict) -> list[MatrixPage]:
    """Every HTML page of the matrix, rendered once by the test client as its viewer; grouped by role.

    Fails when a page the matrix promises as 200 does not answer 200 (the walk would otherwise skip it)."""
    fill(world)

    clients: dict[str, Client] = {}
    pages, failures = [], []
    for key, entry in MATRIX.items():
        role = viewer(entry.expect)
        if entry.method != "get" or role is None:
            continue
        if role not in clients:
            clients[role] = Client()
            if role != "anonymous":
                clients[role].force_login(world[role])
        url = reverse(key, kwargs=entry.kwargs(world))
        response = clients[role].get(url)
        if response.status_code != 200:
            failures.append(f"{key} as {role}: {url} answered {response.status_code}")
        elif response["Content-Type"].startswith("text/html"):
            pages.append(MatrixPage(key, role, url, response.content.decode()))
    assert not failures, "\n".join(failures)
    return sorted(pages, key=lambda page: ROLE_ORDER.index(page.role))
