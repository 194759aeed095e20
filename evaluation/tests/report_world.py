"""A programme's people and pairings for the committee-report tests, made in bulk (300 pairings cost the same few
queries as 3): per department, mentees in one of its teams, each paired with a mentor from a mentor pool, each
pairing with one confirmed hour-long session in the quarter."""

from __future__ import annotations

import datetime
import itertools

from evaluation.selectors.reporting import Period
from mentoring.models import MentoringSession, Pairing
from mentoring.services.checkins import checkins_refresh
from programmes.models import Membership, OrgUnit, Person, Programme, Role

QUARTER = Period(datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))  # Q1 2026
TODAY = datetime.date(2026, 4, 15)  # the quarter has ended
NOW = datetime.datetime(2026, 4, 15, 9, 0, tzinfo=datetime.UTC)
JOINED = datetime.datetime(2025, 11, 3, 9, 0, tzinfo=datetime.UTC)
MENTOR_POOL = "Mentor pool"
_batch = itertools.count(1)


def department(name: str) -> OrgUnit:
    unit, _ = OrgUnit.objects.get_or_create(name=name, parent=None, defaults={"kind": OrgUnit.Kind.DEPARTMENT})
    return unit


def team_in(name: str) -> OrgUnit:
    return OrgUnit.objects.get_or_create(name=f"{name} team", parent=department(name))[0]


def populate(
    programme: Programme,
    teams: dict[str, int],
    *,
    started_on: datetime.date = datetime.date(2025, 12, 1),
    session_on: datetime.date = datetime.date(2026, 2, 10),
    minutes: int = 60,
) -> list[Pairing]:
    """``teams[name]`` mentees in the department ``name``, each in an active pairing with one confirmed session."""
    pool = team_in(MENTOR_POOL)
    pairings: list[Pairing] = []
    for name, count in teams.items():
        team = team_in(name)
        slug = f"{name.lower().replace(' ', '-')}-{next(_batch)}"
        mentees = Person.objects.bulk_create(
            Person(email=f"{slug}-mentee-{i}@example.org", display_name=f"Mentee{i} {name}son", org_unit=team)
            for i in range(count)
        )
        mentors = Person.objects.bulk_create(
            Person(email=f"{slug}-mentor-{i}@example.org", display_name=f"Mentor{i} {name}sen", org_unit=pool)
            for i in range(count)
        )
        Membership.objects.bulk_create(
            [Membership(programme=programme, person=p, role=Role.MENTEE, created_at=JOINED) for p in mentees]
            + [Membership(programme=programme, person=p, role=Role.MENTOR, created_at=JOINED) for p in mentors]
        )
        made = Pairing.objects.bulk_create(
            Pairing(
                programme=programme, mentor=mentor, mentee=mentee, status=Pairing.Status.ACTIVE, started_on=started_on
            )
            for mentor, mentee in zip(mentors, mentees, strict=True)
        )
        MentoringSession.objects.bulk_create(
            MentoringSession(
                pairing=p,
                logged_by=p.mentor,
                held_on=session_on,
                duration_minutes=minutes,
                status=MentoringSession.Status.CONFIRMED,
            )
            for p in made
        )
        pairings += made
    checkins_refresh(pairing_ids=[p.pk for p in pairings])
    return pairings


def backdate_memberships(programme: Programme) -> None:
    """The cast joined before the quarter too (fixtures run at the frozen "now")."""
    Membership.objects.filter(programme=programme).update(created_at=JOINED)
