"""The report's protected time: hours allocated and used."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, F, Q, QuerySet, Sum, Value, When
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
from .helpers import _end_of, _figure, _plain_rows, _single, _state_then, _tenths_to_hours
from .periods import Period

USED_NOTE = gettext_noop(
    "what people take up: confirmed session hours (each side's), training completed, learning opportunities taken "
    "up and reflection time logged"
)
# The note reports frozen before issue 20 carry (a frozen report is worded at read time from its snapshot).
FORMER_USED_NOTES = (gettext_noop("what people take up: confirmed session hours (each side's) and training completed"),)


def _protected_time(
    programme: Programme, period: Period, prev: Period, held: tuple[Held, Held], participants: list[tuple[str, int]]
) -> list[dict[str, Any]]:
    """Hours allocated against hours used, in tenths of an hour so that the sums are exact, over the programme's
    ``participants`` (role, person). Each participant's confirmed session minutes come from the periods' shared
    read (``held``), by mentor and by mentee."""
    # Query 8: every participant's allocated, training, opportunity and reflection tenths in each period, as
    # grouped reads of each table by person (one UNION ALL), not four look-ups per participant and period; added
    # up here over the participants, with their session minutes.
    parts = [
        part(programme, p).annotate(kind=Value(f"{kind}{suffix}")).values_list("kind", "person", "t")
        for suffix, p in (("", period), ("_prev", prev))
        for kind, part in (("a", _allocated), ("t", _training), ("o", _opportunities), ("r", _reflection))
    ]
    tenths: dict[str, dict[int, int]] = {}
    for kind, person, t in _plain_rows(parts[0].union(*parts[1:], all=True)):
        tenths.setdefault(kind, {})[person] = int(t or 0)  # a sum of decimal hours: a whole number of tenths
    a, u, a_people, u_people = _sums(participants, tenths, held[0], "")
    pa, pu, pa_people, pu_people = _sums(participants, tenths, held[1], "_prev")
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


def _allocated(programme: Programme, p: Period) -> QuerySet:
    """Each person's allocated hours in period ``p``, in tenths (``person``, ``t``)."""
    # The allocations made by the period's end and not declined by then, with their hours then: the history
    # (``TimeAllocationState``) of one changed since, else its own row (declined only from its decision on).
    end = _end_of(p.end)
    declined_then = Q(status=TimeAllocation.Status.DECLINED, decided_at__lt=end)
    months = (
        TimeAllocation.objects.filter(
            programme=programme,
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
    return months.order_by().values("person").annotate(t=Sum(Round(F("hours_then") * 10)))


def _training(programme: Programme, p: Period) -> QuerySet:
    """Each participant's training hours completed in period ``p``, in tenths (``person``, ``t``)."""
    records = TrainingRecord.objects.filter(
        person__in=Membership.objects.participants().filter(programme=programme).values("person"),
        status__in=(TrainingRecord.Status.COMPLETED, TrainingRecord.Status.EXPIRED),
        completed_on__gte=p.start,
        completed_on__lte=p.end,
        opportunity_request__isnull=True,  # a course taken up as a learning opportunity counts as the opportunity
    )
    return records.order_by().values("person").annotate(t=Sum(Round(Coalesce("hours", "course__hours") * 10)))


def _opportunities(programme: Programme, p: Period) -> QuerySet:
    """Each person's learning opportunities taken up in this programme in period ``p`` (confirmed by the host by
    the period's end), in tenths (``person``, ``t``)."""
    taken = OpportunityRequest.objects.filter(
        programme=programme,
        status=OpportunityRequest.Status.TAKEN_UP,
        happened_on__gte=p.start,
        happened_on__lte=p.end,
        confirmed_at__lt=_end_of(p.end),
    )
    return taken.order_by().values("person").annotate(t=Sum(Round(F("hours") * 10)))


def _reflection(programme: Programme, p: Period) -> QuerySet:
    """Each person's reflection time logged in this programme for days of period ``p`` by its end, in tenths
    (``person``, ``t``)."""
    logged = ReflectionTime.objects.filter(
        programme=programme, day__gte=p.start, day__lte=p.end, created_at__lt=_end_of(p.end)
    )
    return logged.order_by().values("person").annotate(t=Sum(Round(F("hours") * 10)))


def _sums(
    participants: list[tuple[str, int]], tenths: dict[str, dict[int, int]], held: Held, suffix: str
) -> tuple[int, int, int, int]:
    """Tenths allocated and used in a period, and the participants with an allocation and those using any
    (session minutes, training, opportunities or reflection)."""
    minutes = held.minutes_by_side()
    allocated, training, opportunities, reflection = (tenths.get(f"{k}{suffix}", {}).get for k in "ator")
    by_mentor, by_mentee = minutes[True].get, minutes[False].get
    allocated_tenths = used_tenths = with_allocation = using = 0
    for role, person in participants:  # tens of thousands: each look-up bound once
        a = allocated(person, 0)
        m = (by_mentor if role == Role.MENTOR else by_mentee)(person, 0)
        t, o, r = training(person, 0), opportunities(person, 0), reflection(person, 0)
        allocated_tenths += a
        used_tenths += round(m / 6) + t + o + r
        with_allocation += bool(a)
        using += bool(m or t or o or r)
    return allocated_tenths, used_tenths, with_allocation, using
