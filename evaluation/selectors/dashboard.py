"""The coordinator dashboard of one programme, read-only: one grouped query per widget, never a loop of queries.

Coordinators see their own programme's numbers unsuppressed; committee reports are built elsewhere
(``evaluation.selectors.reporting``) and suppressed there."""

from __future__ import annotations

import datetime
import statistics
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Case, Count, Exists, F, OuterRef, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce, TruncMonth, TruncWeek
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mentoring.models import Goal, MentoringSession, Pairing, ReflectionTime
from mentoring.services.checkins import CheckinState, state_filter
from programmes.models import (
    PARTICIPANT_ROLES,
    Application,
    Membership,
    OpportunityRequest,
    OrgUnit,
    Programme,
    Role,
    TimeAllocation,
    TrainingRecord,
)
from programmes.selectors import time as time_selectors
from programmes.selectors.time import Hours
from programmes.selectors.training import EXPIRING_WITHIN_DAYS, requirement_missing
from programmes.services.time import month_after, month_start

from ..models import Survey, SurveyResponse

# The roles' names in the plural, as the training table's rows read.
ROLE_PLURALS = {Role.MENTOR: gettext_lazy("Mentors"), Role.MENTEE: gettext_lazy("Mentees")}

# Coordinator dashboard
# Figures for a programme's coordinators: counts, dates, hours and scores; never what a pair wrote (no
# session summaries, notes, goal titles or free-text answers). One grouped query per widget, so the number of
# queries does not grow with the programme. Coordinators see their own programme's numbers unsuppressed (they
# already see every participant by name); small-group suppression is for committee reports.


@dataclass(frozen=True)
class Period:
    """The dates a dashboard covers, both ends included."""

    start: datetime.date
    end: datetime.date
    label: str

    @property
    def end_exclusive(self) -> datetime.date:
        return self.end + datetime.timedelta(days=1)

    def months(self, *, at_least: int = 1) -> list[datetime.date]:
        """The first day of every month the period touches; reaching further back for ``at_least`` months."""
        last = month_start(self.end)
        first = month_start(self.start)
        back = last
        for _month in range(at_least - 1):
            back = month_start(back - datetime.timedelta(days=1))
        month, months = min(first, back), []
        while month <= last:
            months.append(month)
            month = month_after(month)
        return months


@dataclass(frozen=True)
class Enrolment:
    applicants: int
    approved: int
    approved_mentors: int
    approved_mentees: int
    matched: int
    unmatched: int


@dataclass(frozen=True)
class StateCount:
    key: str
    label: str
    colour: str  # the Bootstrap colour of its badge
    count: int


@dataclass(frozen=True)
class TeamTime:
    team: str
    people: int
    hours: Hours

    @property
    def allocated(self) -> Decimal:
        return self.hours.allocated or Decimal(0)


@dataclass(frozen=True)
class RoleCompliance:
    role: str
    people: int
    met: int
    expiring: int
    missing: int


@dataclass(frozen=True)
class HealthMonth:
    month: datetime.date
    responses: int
    answers: int
    total: int

    @property
    def score(self) -> float | None:
        """The mean Likert answer (1 to 5) of the month, or None without answers."""
        return round(self.total / self.answers, 1) if self.answers else None


@dataclass(frozen=True)
class Health:
    months: list[HealthMonth]
    period_months: frozenset[datetime.date]

    @property
    def _in_period(self) -> list[HealthMonth]:
        return [m for m in self.months if m.month in self.period_months]

    @property
    def average(self) -> float | None:
        """The mean of every Likert answer in the period (not a mean of monthly means)."""
        answers = sum(m.answers for m in self._in_period)
        return round(sum(m.total for m in self._in_period) / answers, 1) if answers else None

    @property
    def responses(self) -> int:
        return sum(m.responses for m in self._in_period)

    @property
    def trend(self) -> str:
        """The direction in words: the first month with answers against the last one."""
        scored = [m for m in self.months if m.score is not None]
        if len(scored) < 2:
            return _("Not enough answers for a trend yet.")
        first, last = scored[0], scored[-1]
        words = {
            "first": number_format(first.score, 1),
            "first_month": date_format(first.month, "YEAR_MONTH_FORMAT"),
            "last": number_format(last.score, 1),
            "last_month": date_format(last.month, "YEAR_MONTH_FORMAT"),
        }
        change = round(last.score - first.score, 1)
        words["change"] = number_format(abs(change), 1)
        if change == 0:
            return _("Steady: from %(first)s in %(first_month)s to %(last)s in %(last_month)s.") % words
        if change > 0:
            return _("Up %(change)s: from %(first)s in %(first_month)s to %(last)s in %(last_month)s.") % words
        return _("Down %(change)s: from %(first)s in %(first_month)s to %(last)s in %(last_month)s.") % words


@dataclass(frozen=True)
class Goals:
    by_status: list[tuple[str, int]]
    total: int
    mean_progress: int | None  # per cent, dropped goals left out


@dataclass(frozen=True)
class ProgrammeDashboard:
    period: Period
    enrolment: Enrolment
    active_pairings: int
    paused_pairings: int
    states: list[StateCount]
    ended_early: list[tuple[str, int]]
    sessions_per_week: list[tuple[datetime.date, int]]
    gaps: list[int]
    time_by_team: list[TeamTime]
    compliance: list[RoleCompliance]
    health: Health
    goals: Goals

    @property
    def sessions_in_period(self) -> int:
        return sum(n for _, n in self.sessions_per_week)

    @property
    def median_gap_days(self) -> float | None:
        # The median is taken here, in Python: see session_gaps.
        return statistics.median(self.gaps) if self.gaps else None

    @property
    def ended_early_total(self) -> int:
        return sum(n for _, n in self.ended_early)

    @property
    def time_total(self) -> Hours:
        return Hours(
            allocated=sum((t.allocated for t in self.time_by_team), Decimal("0.0")),
            used=sum((t.hours.used for t in self.time_by_team), Decimal("0.0")),
        )


def org_units() -> list[OrgUnit]:
    """Every team, labelled "Department › Team", in label order: the team filter's choices (one query)."""
    return sorted(OrgUnit.objects.select_related("parent"), key=lambda unit: str(unit).lower())


def team_ids_under(team: OrgUnit | None) -> set[int] | None:
    """The team and every team under it; None (no filter) without a team."""
    return OrgUnit.objects.subtree_ids(team) if team else None


def _pairing_in(team_ids: set[int] | None, prefix: str = "") -> Q:
    """A pairing belongs to a team when its mentor or its mentee does (``prefix`` reaches the pairing)."""
    if team_ids is None:
        return Q()
    return Q(**{f"{prefix}mentor__org_unit__in": team_ids}) | Q(**{f"{prefix}mentee__org_unit__in": team_ids})


def _person_in(team_ids: set[int] | None) -> Q:
    return Q() if team_ids is None else Q(person__org_unit__in=team_ids)


def enrolment_figures(*, programme: Programme, team_ids: set[int] | None = None) -> Enrolment:
    """Applicants, approved, and approved mentees with and without a current pairing (one query)."""
    paired = Pairing.objects.filter(
        programme=OuterRef("programme"), mentee=OuterRef("person"), status__in=Pairing.CURRENT
    )
    approved = Q(status=Application.Status.APPROVED)
    approved_mentee = approved & Q(role=Role.MENTEE)
    row = (
        Application.objects.filter(_person_in(team_ids), programme=programme)
        .annotate(paired=Exists(paired))
        .order_by()
        .aggregate(
            applicants=Count("person", distinct=True),
            approved=Count("pk", filter=approved),
            approved_mentors=Count("pk", filter=approved & Q(role=Role.MENTOR)),
            approved_mentees=Count("pk", filter=approved_mentee),
            matched=Count("pk", filter=approved_mentee & Q(paired=True)),
            unmatched=Count("pk", filter=approved_mentee & Q(paired=False)),
        )
    )
    return Enrolment(**row)


def pairing_figures(
    *, programme: Programme, period: Period, today: datetime.date, team_ids: set[int] | None = None
) -> dict[str, Any]:
    """Active and paused pairings and check-in states today; pairings ended early in the period, by reason.

    One query.
    """
    grace = programme.escalation_grace_days
    ended = Q(status=Pairing.Status.ENDED_EARLY, ended_on__gte=period.start, ended_on__lte=period.end)
    row = (
        Pairing.objects.filter(_pairing_in(team_ids), programme=programme)
        .order_by()
        .aggregate(
            active=Count("pk", filter=Q(status=Pairing.Status.ACTIVE)),
            paused=Count("pk", filter=Q(status=Pairing.Status.PAUSED)),
            **{s: Count("pk", filter=state_filter(s, today=today, grace_days=grace)) for s in CheckinState.ORDER},
            **{f"ended_{r}": Count("pk", filter=ended & Q(end_reason=r)) for r in Pairing.EndReason.values},
        )
    )
    return {
        "active": row["active"],
        "paused": row["paused"],
        "states": [StateCount(s, *CheckinState.LABELS[s], row[s]) for s in CheckinState.ORDER],
        "ended_early": [(r.label, row[f"ended_{r.value}"]) for r in Pairing.EndReason],
    }


def _as_date(value: datetime.date | datetime.datetime) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


def week_start(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def _confirmed_sessions(programme: Programme, period: Period, team_ids: set[int] | None) -> QuerySet:
    return MentoringSession.objects.confirmed().filter(
        _pairing_in(team_ids, "pairing__"),
        pairing__programme=programme,
        held_on__gte=period.start,
        held_on__lte=period.end,
    )


def sessions_per_week(
    *, programme: Programme, period: Period, team_ids: set[int] | None = None
) -> list[tuple[datetime.date, int]]:
    """Confirmed sessions per week (weeks start on Monday): every week of the period, empty ones as 0.

    One query.
    """
    rows = (
        _confirmed_sessions(programme, period, team_ids)
        .annotate(week=TruncWeek("held_on"))
        .order_by()
        .values("week")
        .annotate(n=Count("pk"))
    )
    counts = {_as_date(row["week"]): row["n"] for row in rows}
    weeks, week = [], week_start(period.start)
    while week <= period.end:
        weeks.append((week, counts.get(week, 0)))
        week += datetime.timedelta(days=7)
    return weeks


def session_gaps(*, programme: Programme, period: Period, team_ids: set[int] | None = None) -> list[int]:
    """Days since the pairing's previous confirmed session, for every confirmed session held in the period.

    One query over a column the services keep (``MentoringSession.gap_days``: the days since the pairing's
    previous confirmed session, which may lie before the period), counted per gap length in the database and
    spread out here. A true median is not portable SQL (PostgreSQL has PERCENTILE_CONT, SQLite nothing), so
    ``ProgrammeDashboard.median_gap_days`` takes it in Python.
    """
    gaps = (
        _confirmed_sessions(programme, period, team_ids)
        .filter(gap_days__isnull=False)
        .order_by()
        .values("gap_days")
        .annotate(n=Count("pk"))
    )
    return [row["gap_days"] for row in gaps for _ in range(row["n"])]


def time_by_team(
    *, programme: Programme, period: Period, units: dict[int, str], team_ids: set[int] | None = None
) -> list[TeamTime]:
    """Protected hours allocated (what the workplace offers) against used (what people take up), per team.

    Allocated: the participants' allocations for every month the period touches, declined ones left out
    (allocations are monthly, so a period cut mid-month counts those months whole). Used, as on the Time page:
    completed training hours (a course taken up as a learning opportunity counts as the opportunity),
    confirmed session hours in the period (each session counts for both people), learning opportunities taken
    up and reflection time logged in this programme. Six grouped queries, each one pass over its own table
    rather than lookups per participant: the participants per team; their allocations; their training; the
    sessions by the mentor's and the mentee's team; their opportunities; their reflection time. Allocation
    and training hours are exact tenths; session minutes are summed per team, then rounded to tenths, so a
    team's hours can differ by a tenth from the sum of the Time page's per-person figures.
    """
    people = (
        Membership.objects.participants()
        .filter(_person_in(team_ids), programme=programme)
        .order_by()
        .values("person__org_unit")
        .annotate(n=Count("pk"))
    )
    allocated, training = _hours_by_team(programme, period, team_ids)
    minutes = _session_minutes_by_team(programme, period, team_ids)
    opportunities, reflection = _workplace_hours_by_team(programme, period, team_ids)
    teams = [
        TeamTime(
            team=units.get(row["person__org_unit"], _("No team recorded")),
            people=row["n"],
            hours=Hours.from_tenths(
                allocated.get(row["person__org_unit"], 0),
                training.get(row["person__org_unit"], 0)
                + round(minutes.get(row["person__org_unit"], 0) / 6)
                + opportunities.get(row["person__org_unit"], 0)
                + reflection.get(row["person__org_unit"], 0),
            ),
        )
        for row in people
    ]
    return sorted(teams, key=lambda t: t.team.lower())


def _participants(programme: Programme, team_ids: set[int] | None, prefix: str, *, teams: bool = True) -> dict:
    """Filters for the participants of ``programme`` (in ``team_ids`` when ``teams``), reached through ``prefix``."""
    # At most one participant membership per person and programme: the join adds no rows.
    found = {f"{prefix}memberships__programme": programme, f"{prefix}memberships__role__in": PARTICIPANT_ROLES}
    if teams and team_ids is not None:
        found[f"{prefix}org_unit__in"] = team_ids
    return found


def _by_team(queryset: QuerySet, team: str, total: Any) -> dict[int | None, int]:
    return {row["team"]: row["total"] or 0 for row in queryset.order_by().values(team=F(team)).annotate(total=total)}


def _hours_by_team(
    programme: Programme, period: Period, team_ids: set[int] | None
) -> tuple[dict[int | None, int], dict[int | None, int]]:
    """The participants' allocated hours and completed training hours, in tenths, per team."""
    allocated = _by_team(
        TimeAllocation.objects.filter(
            programme=programme,
            month__gte=month_start(period.start),
            month__lte=period.end,
            **_participants(programme, team_ids, "person__"),
        ).exclude(status=TimeAllocation.Status.DECLINED),
        "person__org_unit",
        Sum(time_selectors.tenths(F("hours"))),
    )
    training = _by_team(
        TrainingRecord.objects.filter(
            # Hours spent count in the period they were spent, even after the course's validity lapsed.
            status__in=(TrainingRecord.Status.COMPLETED, TrainingRecord.Status.EXPIRED),
            completed_on__gte=period.start,
            completed_on__lte=period.end,
            opportunity_request__isnull=True,  # counted as the learning opportunity it was taken up as
            **_participants(programme, team_ids, "person__"),
        ),
        "person__org_unit",
        Sum(time_selectors.tenths(Coalesce("hours", "course__hours"))),
    )
    return allocated, training


def _workplace_hours_by_team(
    programme: Programme, period: Period, team_ids: set[int] | None
) -> tuple[dict[int | None, int], dict[int | None, int]]:
    """The participants' learning opportunities taken up and reflection time logged in this programme in the
    period, in tenths, per team (issue 20: both count as protected time used)."""
    opportunities = _by_team(
        OpportunityRequest.objects.filter(
            programme=programme,
            status=OpportunityRequest.Status.TAKEN_UP,
            happened_on__gte=period.start,
            happened_on__lte=period.end,
            **_participants(programme, team_ids, "person__"),
        ),
        "person__org_unit",
        Sum(time_selectors.tenths(F("hours"))),
    )
    reflection = _by_team(
        ReflectionTime.objects.filter(
            programme=programme,
            day__gte=period.start,
            day__lte=period.end,
            **_participants(programme, team_ids, "person__"),
        ),
        "person__org_unit",
        Sum(time_selectors.tenths(F("hours"))),
    )
    return opportunities, reflection


def _session_minutes_by_team(programme: Programme, period: Period, team_ids: set[int] | None) -> dict[int | None, int]:
    """Confirmed session minutes in the period per team, each session counted for both people."""
    # One pass over the period's sessions, grouped by the mentor's and the mentee's team; each session counts
    # for both. Both sides must be participants, as the services guarantee for every pairing (participant
    # memberships are never removed).
    minutes: dict[int | None, int] = {}
    pairs = (
        _confirmed_sessions(programme, period, None)
        .filter(
            **_participants(programme, team_ids, "pairing__mentor__", teams=False),
            **_participants(programme, team_ids, "pairing__mentee__", teams=False),
        )
        .order_by()
        .values("pairing__mentor__org_unit", "pairing__mentee__org_unit")
        .annotate(n=Sum("duration_minutes"))
    )
    for row in pairs:
        for team in (row["pairing__mentor__org_unit"], row["pairing__mentee__org_unit"]):
            if team_ids is None or team in team_ids:
                minutes[team] = minutes.get(team, 0) + row["n"]
    return minutes


def training_compliance(
    *, programme: Programme, today: datetime.date, team_ids: set[int] | None = None
) -> list[RoleCompliance]:
    """Per role: participants whose required training is met, met but expiring within 30 days, or missing
    (overrides do not count as met). One query, counted in the database: missing today means a required course
    without a valid record today; expiring means met today but not on the 30th day from now (the
    longest-lasting valid record ends before then), as ``programmes.selectors.training`` decides one by one."""
    soon = today + datetime.timedelta(days=EXPIRING_WITHIN_DAYS)
    rows = (
        Membership.objects.participants()
        .filter(_person_in(team_ids), programme=programme)
        # One state per row, the cheap answer first: met in 30 days (most people) needs one check; only
        # someone short of a course by then is checked again for today.
        .annotate(
            state=Case(
                When(~requirement_missing(soon), then=Value("met")),
                When(requirement_missing(today), then=Value("missing")),
                default=Value("expiring"),
            )
        )
        .order_by()
        .values("role", "state")
        .annotate(n=Count("pk"))
    )
    counts = {role: {"met": 0, "expiring": 0, "missing": 0} for role in (Role.MENTOR, Role.MENTEE)}
    for row in rows:
        counts[row["role"]][row["state"]] += row["n"]
    return [RoleCompliance(role=ROLE_PLURALS[r], people=sum(c.values()), **c) for r, c in counts.items()]


def health_by_month(
    *, programme: Programme, months: list[datetime.date], team_ids: set[int] | None = None
) -> list[HealthMonth]:
    """The relationship health score per month: the Likert answers of responses to health-check rounds
    submitted that month, summed and counted so that any span of months can be averaged. One query over the
    responses, whose Likert sums are stored with them (``SurveyResponse.likert_total``)."""
    if not months:
        return []
    responses = SurveyResponse.objects.filter(
        round__programme=programme,
        round__survey__kind=Survey.Kind.HEALTH,
        likert_answers__gt=0,
        submitted_on__gte=months[0],
        submitted_on__lt=month_after(months[-1]),
    )
    if team_ids is not None:
        responses = responses.filter(team__in=team_ids)
    rows = (
        responses.annotate(month=TruncMonth("submitted_on"))
        .order_by()
        .values("month")
        .annotate(total=Sum("likert_total"), answers=Sum("likert_answers"), responses=Count("pk"))
    )
    found = {_as_date(row["month"]): row for row in rows}
    empty = {"responses": 0, "answers": 0, "total": 0}
    return [
        HealthMonth(
            month=m,
            responses=found.get(m, empty)["responses"],
            answers=found.get(m, empty)["answers"],
            total=found.get(m, empty)["total"] or 0,
        )
        for m in months
    ]


def goal_figures(*, programme: Programme, period: Period, team_ids: set[int] | None = None) -> Goals:
    """Goals by status and their mean progress (dropped goals left out of the mean), of the pairings current
    now or closed since the period began. Counts and percentages only, never a title (one query)."""
    closed = (Pairing.Status.COMPLETED, Pairing.Status.ENDED_EARLY)
    row = (
        Goal.objects.filter(_pairing_in(team_ids, "pairing__"), pairing__programme=programme, owner=Goal.Owner.MENTEE)
        .filter(
            Q(pairing__status__in=Pairing.CURRENT) | Q(pairing__status__in=closed, pairing__ended_on__gte=period.start)
        )
        .order_by()
        .aggregate(
            total=Count("pk"),
            mean=Avg("progress", filter=~Q(status=Goal.Status.DROPPED)),
            **{s: Count("pk", filter=Q(status=s)) for s in Goal.Status.values},
        )
    )
    return Goals(
        by_status=[(s.label, row[s.value]) for s in Goal.Status],
        total=row["total"],
        mean_progress=None if row["mean"] is None else round(float(row["mean"])),
    )


HEALTH_TREND_MONTHS = 6  # the trend line shows at least this many months, ending with the period's last


def programme_dashboard(
    *,
    programme: Programme,
    period: Period,
    today: datetime.date,
    units: dict[int, str],
    team_ids: set[int] | None = None,
) -> ProgrammeDashboard:
    """Every figure of a programme's dashboard: 11 queries whatever the programme's size (numbered below)."""
    pairings = pairing_figures(programme=programme, period=period, today=today, team_ids=team_ids)  # 1
    return ProgrammeDashboard(
        period=period,
        enrolment=enrolment_figures(programme=programme, team_ids=team_ids),  # 2
        active_pairings=pairings["active"],
        paused_pairings=pairings["paused"],
        states=pairings["states"],
        ended_early=pairings["ended_early"],
        sessions_per_week=sessions_per_week(programme=programme, period=period, team_ids=team_ids),  # 3
        gaps=session_gaps(programme=programme, period=period, team_ids=team_ids),  # 4
        time_by_team=time_by_team(programme=programme, period=period, units=units, team_ids=team_ids),  # 5 to 8
        compliance=training_compliance(programme=programme, today=today, team_ids=team_ids),  # 9
        health=Health(  # 10
            months=health_by_month(
                programme=programme, months=period.months(at_least=HEALTH_TREND_MONTHS), team_ids=team_ids
            ),
            period_months=frozenset(period.months()),
        ),
        goals=goal_figures(programme=programme, period=period, team_ids=team_ids),  # 11
    )
