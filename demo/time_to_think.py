"""Demo data for time to think and the line managers' part (issue 20).

Mia (the demo mentee) and Marcus (her mentor) log thinking and reflection time, which counts as protected time used;
Mia keeps a private reflection on a confirmed session (encrypted, hers alone). Leo (the demo line manager) took the
line manager briefing; another line manager of the running programme let theirs expire, and the rest have not taken
it, so the coordinators' briefing page shows all three states. Seeded through the services; seeding again changes
nothing.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from mentoring.models import MentoringSession, ReflectionTime, SessionReflection
from mentoring.services.reflection import reflection_time_log, session_reflection_write
from programmes.models import Membership, Person, Programme, TrainingRecord
from programmes.selectors.briefing import briefing_course
from programmes.services.training import training_record_create

MIA_NOTES = [
    (2, Decimal("1.0"), "Read the chapter on giving feedback Marcus suggested; tried the SBI model on two tickets."),
    (6, Decimal("0.5"), ""),
    (12, Decimal("1.5"), "Wrote down what I want from the next six months before our mid-point review."),
]
MARCUS_NOTES = [(4, Decimal("0.5"), "How to ask more and tell less in our sessions.")]
MIA_TAKEAWAY = "Ask for the customer's goal before offering a fix; try it on Monday's escalations."


def _log(person: Person, programme: Programme, entries, today: datetime.date) -> None:
    for days_ago, hours, note in entries:
        reflection_time_log(
            person=person, programme=programme, day=today - datetime.timedelta(days=days_ago), hours=hours, note=note
        )


def seed_time_to_think(*, programme: Programme, mentor_email: str, mentee_email: str, manager_email: str) -> None:
    today = timezone.localdate()
    mia = Person.objects.get(email=mentee_email)
    marcus = Person.objects.get(email=mentor_email)
    if not ReflectionTime.objects.filter(person=mia).exists():
        _log(mia, programme, MIA_NOTES, today)
        _log(marcus, programme, MARCUS_NOTES, today)
    session = (
        MentoringSession.objects.confirmed()
        .filter(pairing__programme=programme, pairing__mentee=mia)
        .order_by("-held_on")
        .first()
    )
    if session and not SessionReflection.objects.filter(author=mia).exists():
        session_reflection_write(session=session, author=mia, text=MIA_TAKEAWAY)
    _seed_briefings(programme, manager_email=manager_email, today=today)


def _seed_briefings(programme: Programme, *, manager_email: str, today: datetime.date) -> None:
    course = briefing_course()
    if course is None or TrainingRecord.objects.filter(course=course).exists():
        return
    leo = Person.objects.get(email=manager_email)
    training_record_create(
        person=leo, course=course, status=TrainingRecord.Status.COMPLETED, completed_on=today - datetime.timedelta(60)
    )
    # Another line manager of the programme's participants took it long ago: it has expired.
    other = (
        Person.objects.filter(
            pk__in=Membership.objects.participants().filter(programme=programme).values("person__line_manager"),
            is_active=True,
        )
        .exclude(pk=leo.pk)
        .order_by("display_name")
        .first()
    )
    if other is not None:
        training_record_create(
            person=other,
            course=course,
            status=TrainingRecord.Status.COMPLETED,
            completed_on=today - datetime.timedelta(days=4 * 365),
        )
