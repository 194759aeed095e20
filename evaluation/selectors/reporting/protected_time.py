"""The report's protected time: hours allocated and used."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, F, IntegerField, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, Round
from django.utils.translation import gettext_noop

from mentoring.models import ReflectionTime
from programmes.models import (
    Membership,
    OpportunityRequest,
    Programme,
    Role,
    TimeAllocation,
    TrainingRecord,
)

from .held import Held
from .helpers import _end_of, _figure, _single, _state_then, _tenths_to_hours
from .periods import Period

USED_NOTE = gettext_noop(
    "what people take up: confirmed session hours (each side's), training completed, learning opportunities taken "
    "up and reflection time logged"
)
# The note reports frozen before issue 20 carry (a frozen report is worded at read time from its snapshot).
FORMER_USED_NOTES = (gettext_noop("what people take up: confirmed session hours (each side's) and training completed"),)


def _protected_time(
    programme: Programme, period: Period, prev: Period, held: tuple[Held, Held]
) -> list[dict[str, Any]]:
    """Hours allocated against hours used, in tenths of an hour so that the sums are exact. Each participant's
    confirmed session minutes come from the periods' shared read (``held``), by mentor and by mentee."""
    annotations, minutes = {}, {}
    for suffix, p, sessions in (("", period, held[0]), ("_prev", prev, held[1])):
        annotations |= {
            f"a{suffix}": Coalesce(_allocated(programme, p), 0),
            f"t{suffix}": Coalesce(_training(p), 0),
            f"o{suffix}": Coalesce(_opportunities(programme, p), 0),
            f"r{suffix}": Coalesce(_reflection(programme, p), 0),
        }
        minutes[suffix] = sessions.minutes_by_side()
    # Query 7: per participant (subqueries), summed over the programme here. Summed in the database instead (an
    # outer query over this one), PostgreSQL flattens the two and computes each person's subqueries once for every
    # sum and count that reads them: five times the work, for 15,500 rows that Python adds up in milliseconds.
    rows = (
        Membership.objects.participants()
        .filter(programme=programme)
        .annotate(**annotations)
        .values_list("role", "person", "a", "t", "o", "r", "a_prev", "t_prev", "o_prev", "r_prev")
    )
    people = [
        (a, minutes[""][role == Role.MENTOR].get(person, 0), t, o, r)
        + (a_prev, minutes["_prev"][role == Role.MENTOR].get(person, 0), t_prev, o_prev, r_prev)
        for role, person, a, t, o, r, a_prev, t_prev, o_prev, r_prev in rows
    ]
    a, u, a_people, u_people = _sums(people, 0)
    pa, pu, pa_people, pu_people = _sums(people, 5)
    return [
        _figure(
            "hours_allocated",
            gettext_noop("Protected hours allocated"),
            _tenths_to_hours(_single(a, a_people)),
            _tenths_to_hours(_single(pa, pa_people)),
            unit="h",
            note=gettext_noop("what the workplace offers: monthly allocations of the months the period touches"),
        ),
        _figure(
            "hours_used",
            gettext_noop("Protected hours used"),
            _tenths_to_hours(_single(u, u_people)),
            _tenths_to_hours(_single(pu, pu_people)),
            unit="h",
            note=USED_NOTE,
        ),
    ]


def _allocated(programme: Programme, p: Period) -> Subquery:
    """A participant's allocated hours in period ``p``, in tenths."""
    # The allocations made by the period's end and not declined by then, with their hours then: the history
    # (``TimeAllocationState``) of one changed since, else its own row (declined only from its decision on).
    end = _end_of(p.end)
    declined_then = Q(status=TimeAllocation.Status.DECLINED, decided_at__lt=end)
    months = (
        TimeAllocation.objects.filter(
            programme=programme,
            person=OuterRef("person"),
            month__gte=p.start.replace(day=1),
            month__lte=p.end,
            created_at__lt=end,
        )
        .annotate(state_then=_state_then(p.end))
        .annotate(
            status_then=Coalesce(
                F("state_then__status"),
                Case(When(declined_then, then=Value(TimeAllocation.Status.DECLINED)), default=Value("")),
            ),
            hours_then=Coalesce(F("state_then__hours"), F("hours")),
        )
        .exclude(status_then=TimeAllocation.Status.DECLINED)
    )
    return Subquery(
        months.order_by().values("person").annotate(t=Sum(Round(F("hours_then") * 10))).values("t"),
        output_field=IntegerField(),
    )


def _training(p: Period) -> Subquery:
    """A participant's training hours completed in period ``p``, in tenths."""
    records = TrainingRecord.objects.filter(
        person=OuterRef("person"),
        status__in=(TrainingRecord.Status.COMPLETED, TrainingRecord.Status.EXPIRED),
        completed_on__gte=p.start,
        completed_on__lte=p.end,
        opportunity_request__isnull=True,  # a course taken up as a learning opportunity counts as the opportunity
    )
    return Subquery(
        records.order_by().values("person").annotate(t=Sum(Round(Coalesce("hours", "course__hours") * 10))).values("t"),
        output_field=IntegerField(),
    )


def _opportunities(programme: Programme, p: Period) -> Subquery:
    """A participant's learning opportunities taken up in this programme in period ``p`` (confirmed by the host by
    the period's end), in tenths."""
    taken = OpportunityRequest.objects.filter(
        person=OuterRef("person"),
        programme=programme,
        status=OpportunityRequest.Status.TAKEN_UP,
        happened_on__gte=p.start,
        happened_on__lte=p.end,
        confirmed_at__lt=_end_of(p.end),
    )
    return Subquery(
        taken.order_by().values("person").annotate(t=Sum(Round(F("hours") * 10))).values("t"),
        output_field=IntegerField(),
    )


def _reflection(programme: Programme, p: Period) -> Subquery:
    """A participant's reflection time logged in this programme for days of period ``p`` by its end, in tenths."""
    logged = ReflectionTime.objects.filter(
        person=OuterRef("person"), programme=programme, day__gte=p.start, day__lte=p.end, created_at__lt=_end_of(p.end)
    )
    return Subquery(
        logged.order_by().values("person").annotate(t=Sum(Round(F("hours") * 10))).values("t"),
        output_field=IntegerField(),
    )


def _sums(people: list[tuple[int, ...]], offset: int) -> tuple[int, int, int, int]:
    """Tenths allocated and used, and the people with an allocation and those using any, from column ``offset``
    (allocated, session minutes, training, opportunities and reflection in tenths)."""
    allocated_tenths = sum(row[offset] for row in people)
    used_tenths = sum(round(row[offset + 1] / 6) + sum(row[offset + 2 : offset + 5]) for row in people)
    with_allocation = sum(1 for row in people if row[offset])
    using = sum(1 for row in people if any(row[offset + 1 : offset + 5]))
    return allocated_tenths, used_tenths, with_allocation, using
