"""The report's enrolment and training figures: applicants, approvals, participants by role."""

from __future__ import annotations

import datetime
from collections import Counter
from typing import Any

from django.db.models import BooleanField, Count, ExpressionWrapper, Q
from django.utils.translation import gettext_noop

from mentoring.models import Pairing
from programmes.models import Application, Membership, Programme, ProgrammeRequirement, TrainingRecord
from programmes.models.core import PARTICIPANT_ROLES

from .helpers import ROLES, _figure, _joined_by, _moment_within, _plain_rows, _running_at, _single, _table
from .periods import Period

ENROLMENT_COLS = [
    gettext_noop("In a pairing"),
    gettext_noop("Not in a pairing"),
    gettext_noop("Training met"),
    gettext_noop("Training not met"),
]


def _enrolment(programme: Programme, period: Period, prev: Period, members: list[tuple]) -> dict[str, Any]:
    figures = _applicants(programme, period, prev)
    counts = _participants_by_role(members)
    cols = ENROLMENT_COLS
    now, before = _role_grid(counts, ""), _role_grid(counts, "_prev")
    participants = _table(
        "participants",
        gettext_noop("Participants at the period's end"),
        [label for _, label in ROLES],
        cols,
        (now, now),
        (before, before),
        column_groups=[cols[:2], cols[2:]],
        row_total_label=gettext_noop("Participants"),
        note=gettext_noop(
            "Each pair of columns adds up to the participants of the role: in a pairing or not; every required course completed and valid, or not."  # noqa: E501
        ),
    )
    return {"figures": figures, "tables": [participants]}


def _applicants(programme: Programme, period: Period, prev: Period) -> list[dict[str, Any]]:
    """The figures of applicants and approvals in the period, beside the previous period's."""
    # Query 1: applicants and approvals in both periods (people, not applications: someone may re-apply).
    approved = Q(status=Application.Status.APPROVED)
    apps = Application.objects.filter(programme=programme).aggregate(
        applied=Count("person", distinct=True, filter=_moment_within("created_at", period)),
        applied_prev=Count("person", distinct=True, filter=_moment_within("created_at", prev)),
        approved=Count("person", distinct=True, filter=approved & _moment_within("decided_at", period)),
        approved_prev=Count("person", distinct=True, filter=approved & _moment_within("decided_at", prev)),
    )
    return [
        _figure(
            "applicants",
            gettext_noop("Applicants"),
            _single(apps["applied"], apps["applied"]),
            _single(apps["applied_prev"], apps["applied_prev"]),
        ),
        _figure(
            "approved",
            gettext_noop("Approved"),
            _single(apps["approved"], apps["approved"]),
            _single(apps["approved_prev"], apps["approved_prev"]),
        ),
    ]


def _paired(programme: Programme, day: datetime.date) -> Q:
    """A participant in a pairing of the programme running at ``day``."""
    # IN lists of the running pairings' mentors and mentees, not a look-up per participant: PostgreSQL hashes
    # each list once (a programme's pairings fit in memory many times over).
    running = Pairing.objects.filter(programme=programme).filter(_running_at(day))
    return Q(person__in=running.values("mentor")) | Q(person__in=running.values("mentee"))


def _trained(required: dict[str, list[int]], day: datetime.date) -> Q:
    """A participant with every course their role requires (``required``: the courses by role) completed and
    valid at ``day``."""
    # Completed by ``day`` and not expired then, whatever its status today: the nightly sweep marks a record
    # expired once it lapses, which must not take back a period's "training met" (``valid_on`` reads today's).
    # (One marked expired by hand without an expiry date has no known day it lapsed: not valid, as before.)
    valid = TrainingRecord.objects.filter(
        Q(status=TrainingRecord.Status.COMPLETED, expires_on__isnull=True)
        | Q(status__in=(TrainingRecord.Status.COMPLETED, TrainingRecord.Status.EXPIRED), expires_on__gt=day),
        completed_on__lte=day,
    )
    # Per required course, an IN list of the people with a valid record of it, read on the course's index and
    # hashed once by PostgreSQL, not a look-up per participant and course. A role that requires nothing is met by
    # everyone.
    trained = Q(pk__in=[])
    for role in PARTICIPANT_ROLES:
        met = Q(role=role)
        for course in required.get(role, ()):
            met &= Q(person__in=valid.filter(course=course).values("person"))
        trained |= met
    return trained


def members_read(programme: Programme, period: Period, prev: Period) -> list[tuple]:
    """The programme's participants, one row each: (role, person, their team today, then for the period and the
    previous one: joined by its end, in a pairing then, training complete then). Shared by participants by role
    and the department table."""
    # Query 2: each participant with what they were at each period's end (joined, in a pairing, training
    # complete): each look-up made once per participant, not once for every count that reads it.
    # Query 2a: the courses each role requires (a handful).
    required: dict[str, list[int]] = {}
    for role, course in ProgrammeRequirement.objects.filter(programme=programme).values_list("role", "course"):
        required.setdefault(role, []).append(course)
    flags = {
        f"{name}{suffix}": ExpressionWrapper(condition, output_field=BooleanField())
        for suffix, p in (("", period), ("_prev", prev))
        for name, condition in (
            ("joined", _joined_by(programme, p.end)),
            ("paired", _paired(programme, p.end)),
            ("trained", _trained(required, p.end)),
        )
    }
    return _plain_rows(
        Membership.objects.participants()
        .filter(programme=programme)
        .annotate(**flags)
        .order_by()  # only added up: not sorted
        .values_list("role", "person", "person__org_unit", *flags)
    )


def _participants_by_role(members: list[tuple]) -> dict[str, dict[str, int]]:
    """Participants by role at each period's end: all of them, those paired, those trained (from
    ``members_read``'s rows)."""
    found: dict[str, dict[str, int]] = {}
    # Tens of thousands of participants, a few dozen kinds of them: the kinds counted first.
    for (role, *flags), n in Counter((role, *flags) for role, _, _, *flags in members).items():
        row = found.setdefault(role, {"role": role})
        for suffix, (joined, paired, trained) in (("", flags[:3]), ("_prev", flags[3:])):
            if joined:
                for name, counts in (("all", True), ("paired", paired), ("trained", trained)):
                    if counts:
                        row[f"{name}{suffix}"] = row.get(f"{name}{suffix}", 0) + n
    return found


def _role_grid(counts: dict[str, dict[str, int]], suffix: str) -> dict:
    """A period's cells by (role, column)."""
    grid = {}
    for role, label in ROLES:
        row = counts.get(role, {})
        total = row.get(f"all{suffix}", 0)
        for col, value in zip(
            ENROLMENT_COLS,
            (
                row.get(f"paired{suffix}", 0),
                total - row.get(f"paired{suffix}", 0),
                row.get(f"trained{suffix}", 0),
                total - row.get(f"trained{suffix}", 0),
            ),
            strict=True,
        ):
            grid[label, col] = value
    return grid
