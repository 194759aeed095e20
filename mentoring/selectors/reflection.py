"""What a person sees of their own time to think (issue 20): their reflection time, their protected time with
its parts, and their own reflection on a session. Every read is scoped to the person: nobody else's."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet

from mentoring.models import ReflectionTime, SessionReflection
from programmes.models import Membership, Person
from programmes.selectors.time import attach_time_use, with_time


def my_reflection_time(person: Person) -> QuerySet[ReflectionTime]:
    return ReflectionTime.objects.filter(person=person).select_related("programme").order_by("-day", "-created_at")


def my_protected_time(person: Person, *, month: datetime.date) -> list[Membership]:
    """The person's participations with this month's and the programme's protected time, its parts separate:
    one query."""
    memberships = list(
        with_time(
            Membership.objects.participants().filter(person=person).select_related("programme"), month=month
        ).order_by("programme__name")
    )
    attach_time_use(memberships)
    return memberships


def my_session_reflection(person: Person, session_pk: int) -> SessionReflection | None:
    """The person's own reflection on a session; never anyone else's."""
    return SessionReflection.objects.filter(session_id=session_pk, author=person).first()
