"""Reciprocity in the demo: mentors' own learning goals and a mentor's CPD record.

Marcus (mentor@example.com) completed a short pairing before he took Mia on: one of his own goals from it is
rated at the start and at the close, and two more for his pairing with Mia are rated at the start, so that his CPD
record (and its PDF) shows hours, a completed pairing and goals. Six more mentors of the running programme noted a
goal of their own when their pairing began, so that the committee report's "What mentors gained" shows its figures
(at least 5 mentors). Seeding again adds nothing: a pairing that has mentor goals is left as it is.
"""

from __future__ import annotations

import datetime

from django.db import transaction

from demo.relationships import _at
from mentoring.models import Goal, GoalState, MentoringSession, Pairing, SessionMode
from programmes.models import Membership, Person, Programme, Role

MARCUS_GOALS_WITH_MIA = [
    ("Coach rather than tell: ask before I suggest", "Mia finds her own answer first in most of our sessions.", 2),
    ("Learn how Customer Support sees our releases", "I can explain two support pain points to my team.", 3),
]
MARCUS_GOAL_COMPLETED = ("Give feedback that is specific and kind", "My mentee says my feedback was useful.", 2, 4)
OTHER_GOALS = [
    ("Listen more than I speak", 3),
    ("Understand how newer colleagues learn our tools", 2),
    ("Practise giving feedback", 3),
    ("Learn about another department's work", 2),
    ("Get better at asking open questions", 3),
    ("Reflect on my own career path", 4),
]


def _goal(pairing: Pairing, title: str, success: str, rating_start: int, **kwargs) -> Goal:
    created = _at(pairing.started_on + datetime.timedelta(days=3), 12)
    goal = Goal.objects.create(
        pairing=pairing,
        owner=Goal.Owner.MENTOR,
        title=title,
        success=success,
        status=kwargs.pop("status", Goal.Status.IN_PROGRESS),
        progress=kwargs.pop("progress", 40),
        rating_start=rating_start,
        created_by=pairing.mentor,
        created_at=created,
        updated_at=created,
        **kwargs,
    )
    GoalState.objects.create(goal=goal, status=goal.status, progress=goal.progress, since=created)
    return goal


def _completed_pairing(programme: Programme, marcus: Person, current: Pairing) -> Pairing | None:
    """Marcus's short first pairing, completed a few days before his pairing with Mia began, with a mentee of the
    programme whose own pairing began after it ended."""
    done = Pairing.objects.filter(
        programme=programme, mentor=marcus, status=Pairing.Status.COMPLETED, source=Pairing.Source.DEMO
    ).first()
    if done is not None:  # seeded before
        return done
    ended = current.started_on - datetime.timedelta(days=5)
    started = max(programme.starts_on or ended, ended - datetime.timedelta(days=70))
    mentees = Membership.objects.filter(programme=programme, role=Role.MENTEE).exclude(person=current.mentee)
    mentee = (
        Person.objects.filter(pk__in=mentees.values("person"))
        .exclude(pairings_as_mentee__started_on__lte=ended)
        .order_by("pk")
        .first()
    )
    if mentee is None or started >= ended:
        return None
    pairing, created = Pairing.objects.get_or_create(
        programme=programme,
        mentor=marcus,
        mentee=mentee,
        status=Pairing.Status.COMPLETED,
        defaults={"started_on": started, "ended_on": ended, "source": Pairing.Source.DEMO, "ended_by": marcus},
    )
    if created:
        days = [
            started + datetime.timedelta(days=d)
            for d in (7, 21, 35, 49, 63)
            if started + datetime.timedelta(days=d) < ended
        ]
        MentoringSession.objects.bulk_create(
            MentoringSession(
                pairing=pairing,
                logged_by=marcus,
                held_on=day,
                duration_minutes=60,
                mode=SessionMode.IN_PERSON,
                status=MentoringSession.Status.CONFIRMED,
                answered_by=mentee,
                answered_at=_at(day + datetime.timedelta(days=1), 9),
                created_at=_at(day, 17),
                updated_at=_at(day, 17),
            )
            for day in days
        )
    return pairing


@transaction.atomic
def seed_mentor_goals(*, programme: Programme, mentor_email: str) -> None:
    marcus = Person.objects.get(email=mentor_email)
    running = list(
        Pairing.objects.filter(programme=programme, status__in=Pairing.CURRENT, started_on__isnull=False)
        .select_related("mentor")
        .order_by("started_on", "pk")
    )
    with_goals = set(Goal.objects.filter(owner=Goal.Owner.MENTOR).values_list("pairing_id", flat=True))
    current = next((p for p in running if p.mentor_id == marcus.pk), None)
    if current is not None and current.pk not in with_goals:
        for title, success, rating in MARCUS_GOALS_WITH_MIA:
            _goal(current, title, success, rating)
    completed = _completed_pairing(programme, marcus, current) if current else None
    if completed is not None and completed.pk not in with_goals:
        title, success, start, close = MARCUS_GOAL_COMPLETED
        _goal(completed, title, success, start, rating_end=close, status=Goal.Status.ACHIEVED, progress=100)
    others = [p for p in running if p.mentor_id != marcus.pk]
    for pairing, (title, rating) in zip(others, OTHER_GOALS, strict=False):
        if pairing.pk not in with_goals:
            _goal(pairing, title, "", rating)
