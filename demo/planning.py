"""Demo data: planned sessions, so that the demo shows what scheduling looks like (mentoring/services/planning).

Marcus (the demo mentor, London) and Mia (the demo mentee, who works from Helsinki) have their next session accepted
for next week, with a video link: both see it in their own time, with a calendar invitation. Another pair has
times proposed and waiting for an answer. Seeded through the services, as the pair would do it.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from mentoring.models import Pairing, PlannedSession, SessionMode
from mentoring.services.planning import planned_accept, planned_propose
from programmes.models import Person, Programme


def _next_weekday(day: datetime.date, weekday: int) -> datetime.date:
    return day + datetime.timedelta(days=(weekday - day.weekday()) % 7 or 7)


def _at(day: datetime.date, hour: int, zone_of: Person) -> datetime.datetime:
    """A wall-clock time in the person's own time zone, as they would type it."""
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=zone_of.zone)


def seed_planning(*, programme: Programme, mentor_email: str, mentee_email: str) -> list[PlannedSession]:
    """One accepted meeting for the demo pair and one proposal waiting in another pairing."""
    if PlannedSession.objects.filter(pairing__programme=programme).exists():
        return []  # seeded before: seeding again adds nothing
    today = timezone.localdate()
    Person.objects.filter(email=mentee_email).update(time_zone="Europe/Helsinki")
    Person.objects.filter(email=mentor_email).update(time_zone="Europe/London")
    active = Pairing.objects.filter(programme=programme, status=Pairing.Status.ACTIVE).select_related(
        "mentor", "mentee"
    )
    seeded: list[PlannedSession] = []
    demo = active.filter(mentor__email=mentor_email, mentee__email=mentee_email).first()
    if demo is not None:
        tuesday = _next_weekday(today, 1)
        times = [_at(tuesday, 10, demo.mentor), _at(tuesday + datetime.timedelta(days=2), 14, demo.mentor)]
        planned = planned_propose(
            pairing=demo,
            by=demo.mentor,
            times=times,
            duration_minutes=60,
            mode=SessionMode.VIDEO,
            video_link="https://meet.example.org/tandem-marcus-mia",
        )
        seeded.append(planned_accept(planned=planned, by=demo.mentee, starts_at=times[0]))
    other = active.exclude(mentor__email=mentor_email).exclude(mentee__email=mentee_email).order_by("pk").first()
    if other is not None:
        thursday = _next_weekday(today, 3)
        seeded.append(
            planned_propose(
                pairing=other,
                by=other.mentee,
                times=[_at(thursday, 9, other.mentee), _at(thursday, 15, other.mentee)],
                duration_minutes=45,
                mode=SessionMode.IN_PERSON,
                place="Meeting room 2, third floor",
            )
        )
    return seeded
