"""A mentor's CPD record: the mentoring they gave, for an employer or a professional body.

It holds the mentor's own figures and words only: hours of confirmed sessions per programme and year, completed
pairings (programme, dates, hours, sessions), mentor training completed, and the mentor's own learning goals with
their self-ratings. Never a mentee's name or anything the mentee wrote: the record leaves Tandem with the mentor,
and who their mentee was is the mentee's personal data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import ExtractYear

from mentoring.models import Goal, MentoringSession, Pairing
from programmes.models import Course, Person, TrainingRecord

CONFIRMED = MentoringSession.Status.CONFIRMED


@dataclass
class CpdRecord:
    person: Person
    hours: list[dict] = field(default_factory=list)  # per programme and year: programme, year, hours, sessions
    pairings: list[Pairing] = field(default_factory=list)  # completed, with .hours and .confirmed_sessions
    training: list[TrainingRecord] = field(default_factory=list)
    goals: list[Goal] = field(default_factory=list)  # the mentor's own learning goals, with .pairing.programme

    @property
    def total_hours(self) -> Decimal:
        return _hours(sum(row["minutes"] or 0 for row in self.hours))

    @property
    def total_sessions(self) -> int:
        return sum(row["sessions"] for row in self.hours)


def _hours(minutes: int | None) -> Decimal:
    return (Decimal(minutes or 0) / 60).quantize(Decimal("0.1"))


def mentor_cpd_record(*, person: Person) -> CpdRecord:
    """The record, in four queries whatever its size: hours per programme and year; completed pairings with their
    confirmed hours and sessions; mentor training completed; the mentor's own learning goals."""
    rows = (
        MentoringSession.objects.filter(pairing__mentor=person, status=CONFIRMED)
        .annotate(year=ExtractYear("held_on"))
        .values("pairing__programme__name", "year")
        .annotate(minutes=Sum("duration_minutes"), sessions=Count("pk"))
        .order_by("-year", "pairing__programme__name")
    )
    hours = [
        {
            "programme": r["pairing__programme__name"],
            "year": r["year"],
            "minutes": r["minutes"],
            "hours": _hours(r["minutes"]),
            "sessions": r["sessions"],
        }
        for r in rows
    ]
    confirmed = Q(sessions__status=CONFIRMED)
    pairings = list(
        Pairing.objects.filter(mentor=person, status=Pairing.Status.COMPLETED)
        .select_related("programme")
        .annotate(
            minutes=Sum("sessions__duration_minutes", filter=confirmed),
            confirmed_sessions=Count("sessions", filter=confirmed),
        )
        .order_by("-ended_on", "-pk")
    )
    for pairing in pairings:
        pairing.hours = _hours(pairing.minutes)
    training = list(
        TrainingRecord.objects.filter(
            person=person, status=TrainingRecord.Status.COMPLETED, course__kind=Course.Kind.MENTOR_TRAINING
        )
        .select_related("course")
        .order_by("-completed_on", "-pk")
    )
    goals = list(
        Goal.objects.filter(pairing__mentor=person, owner=Goal.Owner.MENTOR)
        .select_related("pairing__programme")
        .order_by("-pairing__started_on", "created_at", "pk")
    )
    return CpdRecord(person=person, hours=hours, pairings=pairings, training=training, goals=goals)
