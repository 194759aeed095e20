"""Protected time allocated and used: per participant for one month, and over the programme so far.

Read-only, computed in the database: annotations on a Membership queryset (one row per participant and
programme), so a page of 3 or of 300 people costs the same queries. Hours are summed in whole tenths of an
hour, because SQLite does decimal arithmetic in floating point and "exactly 120 %" must not become
over-used because 1.2 * 100 came out as 120.00000000000001.

Used hours = confirmed session hours (the session log belongs to the relationship side, which registers
its figure in ``programmes.hooks.SESSION_HOURS``; until then sessions count 0) + hours of training completed
in the period (the record's own hours, else the course's) + hours of learning opportunities taken up in the
period, in the programme whose time they used (a course taken through an opportunity is also a training record:
it counts once, as the opportunity) + thinking and reflection time the person logged
(``programmes.hooks.REFLECTION_HOURS``, also the relationship side's). Each is its own part (``USED_PARTS``),
annotated and shown separately wherever used time is broken down.
"""

from __future__ import annotations

import datetime
import functools
import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.db.models import (
    BooleanField,
    Count,
    DateField,
    Expression,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Round
from django.db.models.lookups import GreaterThan, LessThan
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from ..hooks import REFLECTION_HOURS, SESSION_HOURS
from ..models import Membership, OpportunityRequest, TimeAllocation, TrainingRecord
from ..services.time import month_after, month_start

TENTH = Decimal("0.1")
UNDER_USED_BELOW = 50  # per cent of the allocation, once the month has (almost) ended
OVER_USED_ABOVE = 120  # per cent of the allocation
LATE_IN_MONTH_DAYS = 7  # "under-used" starts to count when fewer days than this are left

# Flag key -> (label, Bootstrap colour). The keys are also the values of the page's flag filter.
FLAGS: dict[str, tuple[Any, str]] = {
    "missing": (gettext_lazy("No allocation yet"), "secondary"),
    "pending": (gettext_lazy("Not yet approved"), "warning"),
    "declined": (gettext_lazy("Declined"), "danger"),
    "under": (gettext_lazy("Under-used"), "info"),
    "over": (gettext_lazy("Over-used"), "danger"),
    "no_manager": (gettext_lazy("No line manager on record"), "dark"),
}

# --- Session hours, from the relationship side (programmes.hooks.SESSION_HOURS) ---------------------------


def session_tenths(start: Any, end: Any) -> Expression:
    return _hooked_tenths(SESSION_HOURS, start, end)


def _hooked_tenths(hook: Iterable[Callable[[Any, Any], Expression]], start: Any, end: Any) -> Expression:
    sources = [source(start, end) for source in hook]
    if not sources:
        return Value(0, output_field=IntegerField())
    return Coalesce(Cast(Round(functools.reduce(operator.add, sources) * 10), IntegerField()), 0)


# --- Reflection hours, from the relationship side (programmes.hooks.REFLECTION_HOURS) ----------------------


def reflection_tenths(start: Any, end: Any) -> Expression:
    """Thinking and reflection time logged by the person: protected time used, so it is not under-use."""
    return _hooked_tenths(REFLECTION_HOURS, start, end)


# --- Annotations -----------------------------------------------------------------------------------------


def tenths(expression: Any) -> Expression:
    return Cast(Round(expression * 10), IntegerField())


def training_tenths(start: Any, end: Any) -> Expression:
    records = (
        TrainingRecord.objects.filter(
            person=OuterRef("person"),
            # Hours spent count in the month they were spent, even after the course's validity lapsed.
            status__in=(TrainingRecord.Status.COMPLETED, TrainingRecord.Status.EXPIRED),
            completed_on__gte=start,
            completed_on__lt=end,
            # A course taken up through an opportunity counts there, in the programme whose time it used.
            opportunity_request__isnull=True,
        )
        .order_by()
        .values("person")
        .annotate(tenths=Sum(tenths(Coalesce("hours", "course__hours"))))
        .values("tenths")
    )
    return Coalesce(Subquery(records, output_field=IntegerField()), 0)


def opportunity_tenths(start: Any, end: Any) -> Expression:
    """Hours of opportunities the person took up in the period (the host confirmed it happened), in this programme."""
    taken = (
        OpportunityRequest.objects.filter(
            person=OuterRef("person"),
            programme=OuterRef("programme"),
            status=OpportunityRequest.Status.TAKEN_UP,
            happened_on__gte=start,
            happened_on__lt=end,
        )
        .order_by()
        .values("person")
        .annotate(tenths=Sum(tenths(F("hours"))))
        .values("tenths")
    )
    return Coalesce(Subquery(taken, output_field=IntegerField()), 0)


# The parts of used time, in the order they are shown: key -> (label, tenths in [start, end)). Each is annotated
# on its own (``time_<key>_tenths`` this month, ``time_so_far_<key>_tenths``) and the used hours are their sum.
USED_PARTS: dict[str, tuple[Any, Callable[[Any, Any], Expression]]] = {
    "sessions": (gettext_lazy("Sessions"), session_tenths),
    "training": (gettext_lazy("Training"), training_tenths),
    "opportunities": (gettext_lazy("Learning opportunities"), opportunity_tenths),
    "reflection": (gettext_lazy("Reflection"), reflection_tenths),
}


def with_time(
    memberships: QuerySet[Membership], *, month: datetime.date, today: datetime.date | None = None
) -> QuerySet[Membership]:
    """Annotate participant memberships with their protected time for ``month`` and the programme so far.

    Adds ``time_<part>_tenths`` and ``time_so_far_<part>_tenths`` per key of ``USED_PARTS``,
    ``time_allocation_pk``, ``time_status``, ``time_allocated_tenths`` and ``time_used_tenths`` (this
    month), ``time_so_far_allocated_tenths`` and ``time_so_far_used_tenths`` (from the person's first
    allocation in the programme to the end of ``month``; declined months grant no hours), and one boolean
    ``time_flag_<key>`` per key of ``FLAGS``. ``time_use(membership)`` turns them into figures to show.
    """
    month = month_start(month)
    end = month_after(month)
    today = today or timezone.localdate()
    allocations = TimeAllocation.objects.filter(programme=OuterRef("programme"), person=OuterRef("person")).order_by()
    this_month = allocations.filter(month=month)
    until_now = allocations.filter(month__lte=month)
    annotated = memberships.annotate(
        time_allocation_pk=Subquery(this_month.values("pk")[:1]),
        time_status=Subquery(this_month.values("status")[:1]),
        time_allocated_tenths=Subquery(this_month.values(tenths=tenths(F("hours")))[:1]),
        time_first_month=Coalesce(
            Subquery(until_now.order_by("month").values("month")[:1]), Value(month), output_field=DateField()
        ),
        time_so_far_allocated_tenths=Coalesce(
            Subquery(
                until_now.exclude(status=TimeAllocation.Status.DECLINED)
                .order_by()
                .values("person")
                .annotate(tenths=Sum(tenths(F("hours"))))
                .values("tenths"),
                output_field=IntegerField(),
            ),
            0,
        ),
    ).annotate(
        **{f"time_{key}_tenths": part(month, end) for key, (_label, part) in USED_PARTS.items()},
        **{
            f"time_so_far_{key}_tenths": part(OuterRef("time_first_month"), end)
            for key, (_label, part) in USED_PARTS.items()
        },
    )
    late = (end - today).days < LATE_IN_MONTH_DAYS
    annotated = annotated.annotate(
        time_used_tenths=_used_tenths("time_"),
        time_so_far_used_tenths=_used_tenths("time_so_far_"),
        # Read back by ``time_totals``, which counts the flags from the parts (see there).
        time_late=Value(late, output_field=BooleanField()),
    )
    return annotated.annotate(
        **{
            f"time_flag_{key}": ExpressionWrapper(flag, output_field=BooleanField())
            for key, flag in _flags(F("time_used_tenths"), late=late).items()
        }
    )


def _used_tenths(prefix: str) -> Expression:
    """The used hours as the sum of the parts' annotations (``time_<key>_tenths`` with ``prefix="time_"``)."""
    return functools.reduce(operator.add, (F(f"{prefix}{key}_tenths") for key in USED_PARTS))


def _flags(used: Any, *, late: bool | Any) -> dict[str, Q | Value]:
    """Each flag's condition, given the month's used tenths (an annotation or an expression) and whether the
    month is (almost) over (a bool, or an expression of one)."""
    granted = Q(time_allocation_pk__isnull=False) & ~Q(time_status=TimeAllocation.Status.DECLINED)
    allocated = F("time_allocated_tenths")
    # used / allocated < 50 %  <=>  2 * used < allocated;  used / allocated > 120 %  <=>  5 * used > 6 * allocated
    under = granted & Q(LessThan(used * 2, allocated))
    if isinstance(late, bool):
        under = under if late else Value(False)
    else:
        under &= Q(late)
    return {
        "missing": Q(time_allocation_pk__isnull=True),
        "pending": Q(time_status=TimeAllocation.Status.PENDING),
        "declined": Q(time_status=TimeAllocation.Status.DECLINED),
        "under": under,
        "over": granted & Q(GreaterThan(used * 5, allocated * 6)),
        "no_manager": Q(person__line_manager__isnull=True) | Q(person__line_manager__is_active=False),
    }


def programme_participants_time(
    programme_pk: int, *, month: datetime.date, today: datetime.date | None = None
) -> QuerySet:
    """The participants of one programme with their time (see ``with_time``), by name."""
    participants = (
        Membership.objects.participants()
        .filter(programme_id=programme_pk)
        .select_related("person__line_manager", "person__org_unit__parent")
        .order_by("person__display_name", "pk")
    )
    return with_time(participants, month=month, today=today)


def time_totals(annotated: QuerySet[Membership]) -> dict[str, Any]:
    """One query: how many participants carry each flag, and the hours allocated and used in the month.

    The sums and counts are built from the parts' annotations, not from ``time_used_tenths`` and the
    ``time_flag_*`` annotations: Django writes an annotation's whole expression wherever it is referenced, so
    those would repeat every part's subquery in the used total and in each flag, for every participant. Here
    Django aggregates over the annotated rows as a subquery (they contain subqueries), so each part is computed
    once per participant and the outer query adds them up.
    """
    used = _used_tenths("time_")
    flags = _flags(used, late=Q(time_late=True))
    # Only what the sums and counts read is selected in the subquery (not the programme so far, nor the totals).
    needed = ("time_allocation_pk", "time_status", "time_allocated_tenths", "time_late")
    row = (
        annotated.order_by()
        .values("pk", *needed, *(f"time_{key}_tenths" for key in USED_PARTS))
        .aggregate(
            people=Count("pk"),
            allocated_tenths=Sum("time_allocated_tenths"),
            used_tenths=Sum(used),
            **{f"flag_{key}": Count("pk", filter=flags[key]) for key in FLAGS},
        )
    )
    return {
        "people": row["people"],
        "hours": Hours.from_tenths(row["allocated_tenths"] or 0, row["used_tenths"] or 0),
        "flags": {key: row[f"flag_{key}"] for key in FLAGS},
    }


# --- Figures to show --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hours:
    allocated: Decimal | None
    used: Decimal

    @classmethod
    def from_tenths(cls, allocated: int | None, used: int | None) -> Hours:
        return cls(
            allocated=None if allocated is None else (Decimal(allocated) / 10).quantize(TENTH),
            used=(Decimal(used or 0) / 10).quantize(TENTH),
        )

    @property
    def percent(self) -> Decimal | None:
        """Used as a share of allocated, rounded down to a tenth so it never crosses a threshold it did not."""
        if not self.allocated:
            return None
        return (self.used * 100 / self.allocated).quantize(TENTH, rounding=ROUND_DOWN)

    @property
    def bar(self) -> int:
        """The width of a progress bar, 0 to 100."""
        return 0 if self.percent is None else int(min(self.percent, Decimal(100)))


@dataclass(frozen=True)
class UsedPart:
    """One part of the used hours (sessions, training, reflection...), for the breakdown."""

    key: str
    label: str
    hours: Decimal


def used_parts(membership: Membership, prefix: str) -> tuple[UsedPart, ...]:
    """The parts with hours, in ``USED_PARTS`` order (a part with none is left out of the breakdown)."""
    return tuple(
        UsedPart(key, label, (Decimal(tenths) / 10).quantize(TENTH))
        for key, (label, _part) in USED_PARTS.items()
        if (tenths := getattr(membership, f"{prefix}{key}_tenths") or 0)
    )


@dataclass(frozen=True)
class Flag:
    key: str
    label: str
    colour: str


@dataclass(frozen=True)
class TimeUse:
    allocation_pk: int | None
    status: str | None
    month: Hours
    so_far: Hours
    flags: tuple[Flag, ...]
    # The month's used hours that came from learning opportunities taken up (one of ``month_parts``).
    opportunities: Decimal = Decimal("0.0")
    month_parts: tuple[UsedPart, ...] = ()
    so_far_parts: tuple[UsedPart, ...] = ()

    @property
    def flag_keys(self) -> frozenset[str]:
        return frozenset(flag.key for flag in self.flags)

    @property
    def status_label(self) -> str:
        return TimeAllocation.Status(self.status).label if self.status else gettext("No allocation yet")


def time_use(membership: Membership) -> TimeUse:
    """The figures of a membership annotated by ``with_time``; reads attributes only, no query."""
    return TimeUse(
        allocation_pk=membership.time_allocation_pk,
        status=membership.time_status,
        month=Hours.from_tenths(membership.time_allocated_tenths, membership.time_used_tenths),
        so_far=Hours.from_tenths(membership.time_so_far_allocated_tenths, membership.time_so_far_used_tenths),
        flags=tuple(
            Flag(key, label, colour)
            for key, (label, colour) in FLAGS.items()
            if getattr(membership, f"time_flag_{key}")
        ),
        opportunities=(Decimal(getattr(membership, "time_opportunities_tenths", 0) or 0) / 10).quantize(TENTH),
        month_parts=used_parts(membership, "time_"),
        so_far_parts=used_parts(membership, "time_so_far_"),
    )


def attach_time_use(memberships: Iterable[Membership]) -> None:
    """Set ``.time`` on each annotated membership, for templates (which cannot do arithmetic)."""
    for membership in memberships:
        membership.time = time_use(membership)
