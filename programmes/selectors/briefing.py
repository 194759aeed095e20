"""Line managers' briefing (issue 20): who of the line managers of a programme's participants took the "line
manager briefing" (a course of kind ``briefing``, kept as training records), and the line manager's own status.

Computed in the database: three annotations on a Person queryset, so a page of 3 or 300 line managers costs the
same queries.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils.translation import gettext_lazy

from ..models import Course, Membership, Person, Programme, TrainingRecord

# Status key -> (label, Bootstrap colour).
STATUSES: dict[str, tuple[Any, str]] = {
    "briefed": (gettext_lazy("Briefed"), "success"),
    "expired": (gettext_lazy("Briefing expired"), "warning"),
    "none": (gettext_lazy("Not briefed"), "danger"),
}


def briefing_course() -> Course | None:
    """The catalogue's line manager briefing (the first active course of that kind)."""
    return Course.objects.filter(kind=Course.Kind.BRIEFING, is_active=True).order_by("pk").first()


def with_briefing(people: QuerySet[Person], *, today: datetime.date) -> QuerySet[Person]:
    """Annotate people with ``briefing_valid`` (a briefing valid today), ``briefing_done_on`` and
    ``briefing_expires_on`` (of their latest completed briefing, valid or not)."""
    records = TrainingRecord.objects.filter(person=OuterRef("pk"), course__kind=Course.Kind.BRIEFING).order_by()
    done = records.filter(status__in=(TrainingRecord.Status.COMPLETED, TrainingRecord.Status.EXPIRED)).order_by(
        "-completed_on", "-pk"
    )
    return people.annotate(
        briefing_valid=Exists(records.valid_on(today)),
        briefing_done_on=Subquery(done.values("completed_on")[:1]),
        briefing_expires_on=Subquery(done.values("expires_on")[:1]),
    )


@dataclass(frozen=True)
class Briefing:
    status: str
    label: str
    colour: str
    done_on: datetime.date | None
    expires_on: datetime.date | None


def briefing_of(person: Person) -> Briefing:
    """The figures of a person annotated by ``with_briefing``; reads attributes only."""
    if person.briefing_valid:
        status = "briefed"
    elif person.briefing_done_on:
        status = "expired"
    else:
        status = "none"
    label, colour = STATUSES[status]
    return Briefing(status, str(label), colour, person.briefing_done_on, person.briefing_expires_on)


def _participants(programme: Programme) -> QuerySet[Membership]:
    return Membership.objects.participants().filter(programme=programme, person__is_active=True)


def programme_line_managers(programme: Programme, *, today: datetime.date, status: str = "") -> QuerySet[Person]:
    """The active line managers of the programme's participants, with their briefing and (prefetched, one query)
    their reports in the programme, by name."""
    participants = _participants(programme)
    managers = with_briefing(
        Person.objects.filter(is_active=True, pk__in=participants.values("person__line_manager")), today=today
    )
    if status == "briefed":
        managers = managers.filter(briefing_valid=True)
    elif status == "expired":
        managers = managers.filter(briefing_valid=False, briefing_done_on__isnull=False)
    elif status == "none":
        managers = managers.filter(briefing_valid=False, briefing_done_on__isnull=True)
    reports = Person.objects.filter(pk__in=participants.values("person")).order_by("display_name")
    return managers.prefetch_related(Prefetch("reports", queryset=reports, to_attr="programme_reports")).order_by(
        "display_name", "pk"
    )


def briefing_totals(programme: Programme, *, today: datetime.date) -> dict[str, int]:
    """One query: how many of the programme's line managers are briefed, expired, not briefed."""
    row = (
        programme_line_managers(programme, today=today)
        .order_by()
        .aggregate(
            briefed=Count("pk", filter=Q(briefing_valid=True)),
            expired=Count("pk", filter=Q(briefing_valid=False, briefing_done_on__isnull=False)),
            none=Count("pk", filter=Q(briefing_valid=False, briefing_done_on__isnull=True)),
        )
    )
    return {key: row[key] or 0 for key in STATUSES}


def attach_briefing(people: list[Person]) -> None:
    for person in people:
        person.briefing = briefing_of(person)


def my_briefing(person: Person, *, today: datetime.date) -> Briefing:
    """A line manager's own briefing: one query."""
    return briefing_of(with_briefing(Person.objects.filter(pk=person.pk), today=today).get())
