"""The figures of a committee report: one programme, one period, each figure beside the previous period's.

Everything is counted in the database with grouped queries (``Count(..., filter=Q(...))``): each query counts the
period and the previous one of the same length at once, so a report costs the same fixed number of queries for 3
pairings or 300. Every figure is suppressed here, through ``evaluation.privacy``, before it leaves this module:
what ``report_figures`` returns (and what a submitted report freezes in ``Report.snapshot``) holds ``None`` where
a number describes 1 to 4 people or could be worked out from the totals beside it. It holds no person's name,
no goal title, no note and no intervention note: only counts, hours, department names and the free-text survey
answers whose writers agreed to be quoted (without their name or team).

Definitions (the period runs from ``start`` to ``end``, both included):
- applicants: people who applied in the period; approved: people whose application was approved in it;
- participants: mentors and mentees who had joined by the period's end (or were in a pairing by then); in a
  pairing: in a pairing that had started and not ended by then; training complete: every course their role
  requires completed and valid then;
- active pairings: pairings running on at least one day of the period;
- check-in states: each running pairing's schedule as it stood at the period's end (its sessions confirmed by
  then, paused or not then, the cadence agreed by then), by ``mentoring.checkins.state_filter``'s rules;
- sessions held: sessions dated in the period and confirmed by its end, with their date and length then
  (``SessionState``: one confirmed later does not count, one disputed or corrected since counts as it was);
  confirmed hours: their hours;
- protected hours allocated: the monthly allocations of the months the period touches made by its end and not
  declined by then, with their hours then (``TimeAllocationState``); used: the participants' confirmed session
  hours (each side's) and the hours of training they completed in the period;
- goals: goals set by the period's end, by their status at the period's end; interventions: recorded in it, by
  their kind at its end (``InterventionKind``);
- surveys: the rounds that close in the period.
"At the period's end" is the end of its last day in the site's time zone (``_end_of``): what was recorded since
never changes a period's figures, so running it again gives the same ones (issue 14, point 6).
Teams count in their department: the nearest unit of kind department at or above them (``departments_of``).
People count in the department of the team they were in at each period's end (their team history,
``programmes.models.PersonUnitHistory``), not the one they are in today; the tree above the teams is today's.
Pairings, sessions and hours count in the mentee's department, so that the departments add up to the programme's totals.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import (
    Avg,
    Case,
    Count,
    DateField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Round, TruncMonth
from django.utils import timezone

from mentoring.models import (
    AgreementCadence,
    Goal,
    GoalState,
    MentoringSession,
    Pairing,
    PairingPause,
    SessionState,
)
from mentoring.services.checkins import DUE_SOON_DAYS, CheckinState, checkin_due
from programmes.models import (
    Application,
    Membership,
    OrgUnit,
    Programme,
    ProgrammeRequirement,
    Role,
    TimeAllocation,
    TimeAllocationState,
    TrainingRecord,
)
from programmes.selectors import org_unit_at

from . import disclosure
from .models import Answer, Intervention, InterventionKind, Question, Survey, SurveyRound
from .selectors.privacy import TOTAL, is_small_group, suppress_table

SNAPSHOT_VERSION = 1
NO_TEAM = "No team recorded"
ROLES = ((Role.MENTOR, "Mentors"), (Role.MENTEE, "Mentees"))
LIKERT_VALUES = (1, 2, 3, 4, 5)
MAX_QUOTES_PER_QUESTION = 10


# --- Periods ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def previous(self) -> Period:
        """The period of the same length just before this one: for a quarter, the quarter before (Q1's 90 days
        compare with Q4's 92, not with 3 October to 31 December); else the same number of days."""
        end = self.start - datetime.timedelta(days=1)
        if self.is_quarter:
            return quarter_from_key(quarter_key(Period(end, end)))
        return Period(end - datetime.timedelta(days=self.days - 1), end)

    @property
    def is_quarter(self) -> bool:
        return quarter_from_key(quarter_key(self)) == self

    @property
    def label(self) -> str:
        return f"{self.start:%-d %b %Y} to {self.end:%-d %b %Y}"

    def as_json(self) -> dict[str, str]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat(), "label": self.label}


def quarter(year: int, number: int) -> Period:
    start = datetime.date(year, 3 * (number - 1) + 1, 1)
    after = datetime.date(year + (number == 4), (3 * number) % 12 + 1, 1)
    return Period(start, after - datetime.timedelta(days=1))


def quarter_key(period: Period) -> str:
    return f"{period.start.year}-Q{(period.start.month - 1) // 3 + 1}"


def quarter_from_key(key: str) -> Period:
    year, number = key.split("-Q")
    return quarter(int(year), int(number))


def recent_quarters(today: datetime.date, count: int = 8) -> list[tuple[str, str]]:
    """(key, label) of the current quarter and the ones before it, newest first."""
    year, number = today.year, (today.month - 1) // 3 + 1
    choices = []
    for _ in range(count):
        period = quarter(year, number)
        choices.append((quarter_key(period), f"Q{number} {year} ({period.label})"))
        year, number = (year - 1, 4) if number == 1 else (year, number - 1)
    return choices


def last_quarter(today: datetime.date) -> Period:
    """The last quarter that has ended."""
    start = quarter_from_key(recent_quarters(today, 1)[0][0]).start
    return quarter_from_key(recent_quarters(start - datetime.timedelta(days=1), 1)[0][0])


# --- Small helpers ------------------------------------------------------------------------------------------------


def _within(field: str, period: Period) -> Q:
    return Q(**{f"{field}__gte": period.start, f"{field}__lte": period.end})


def _department(unit_path: str, departments: dict[int, tuple[int, str]]) -> Case:
    """The name of a unit's department (``OrgUnit.objects.departments()``: the nearest unit of kind department
    at or above the team, however deep the tree), or NO_TEAM."""
    units: dict[str, list[int]] = {}
    for unit, (_, name) in departments.items():
        units.setdefault(name, []).append(unit)
    return Case(
        *(When(**{f"{unit_path}__in": ids}, then=Value(name)) for name, ids in sorted(units.items())),
        default=Value(NO_TEAM),
    )


def _department_at(person_path: str, day: datetime.date, departments: dict[int, tuple[int, str]]) -> Coalesce:
    """The name of a person's department at the end of ``day``: their team then, from their team history
    (``programmes.selectors.org_unit_at``), not today's, so that a move since leaves a past period's figures as
    they were; NO_TEAM for a day they were in no team, as for a person without a team. The tree above the team
    (its department, its name) is read as it is today."""
    found = org_unit_at(day, person=person_path, then=lambda unit: _department(unit, departments))
    return Coalesce(found, Value(NO_TEAM))


def _active_during(period: Period, prefix: str = "") -> Q:
    return (
        ~Q(**{f"{prefix}status": Pairing.Status.PROPOSED})
        & Q(**{f"{prefix}started_on__lte": period.end})
        & (Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gte": period.start}))
    )


def _running_at(day: datetime.date) -> Q:
    return (
        ~Q(status=Pairing.Status.PROPOSED) & Q(started_on__lte=day) & (Q(ended_on__isnull=True) | Q(ended_on__gt=day))
    )


def _joined_by(programme: Programme, day: datetime.date) -> Q:
    """A membership that counts as a participant on ``day``: joined by then, or already in a pairing by then
    (someone whose pairing had started took part, whenever their membership row was written)."""
    started = Pairing.objects.filter(programme=programme, started_on__lte=day).exclude(status=Pairing.Status.PROPOSED)
    # One EXISTS per side, each on its own index; "mentor or mentee" in one read every pairing of the programme.
    return (
        Q(created_at__date__lte=day)
        | Q(Exists(started.filter(mentor=OuterRef("person"))))
        | Q(Exists(started.filter(mentee=OuterRef("person"))))
    )


def _end_of(day: datetime.date) -> datetime.datetime:
    """The first moment after ``day`` in the site's time zone: what happened before it happened by ``day``'s end."""
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))


def _confirmed_by(day: datetime.date) -> QuerySet[MentoringSession]:
    """The sessions confirmed at the end of ``day``, with their date (``held_then``) and length (``minutes_then``)
    as they stood then (``SessionState``): a session confirmed later does not count by then, and one disputed,
    corrected or confirmed since counts as it was. A session without a history (made outside the session services)
    counts by its own status, from the moment it was answered."""
    end = _end_of(day)
    states = SessionState.objects.filter(session=OuterRef("pk"), since__lt=end).order_by("-since", "-pk")
    unrecorded = ~Q(Exists(SessionState.objects.filter(session=OuterRef("pk")))) & Q(
        Q(answered_at__isnull=True) | Q(answered_at__lt=end), status=MentoringSession.Status.CONFIRMED
    )
    return (
        MentoringSession.objects.annotate(status_then=Subquery(states.values("status")[:1]))
        .filter(Q(status_then=MentoringSession.Status.CONFIRMED) | unrecorded)
        .annotate(
            held_then=Coalesce(Subquery(states.values("held_on")[:1]), F("held_on"), output_field=DateField()),
            minutes_then=Coalesce(
                Subquery(states.values("duration_minutes")[:1]), F("duration_minutes"), output_field=IntegerField()
            ),
        )
    )


def _hours(minutes: int | None) -> float | None:
    return None if minutes is None else round(minutes / 60, 1)


def _tenths_to_hours(tenths: int | None) -> float | None:
    return None if tenths is None else round(tenths / 10, 1)


def _change(value: Any, previous: Any) -> Any:
    if value is None or previous is None:
        return None  # a change beside a hidden figure would give the hidden one away
    change = value - previous
    return round(change, 1) if isinstance(change, float) else change


def _cell(value: Any, previous: Any, why: str | None = None, previous_why: str | None = None) -> dict[str, Any]:
    """A figure beside the previous period's. ``why`` says why a hidden one is hidden: ``"small"`` (it describes
    1 to 4 people: "fewer than 5") or ``"protect"`` (it would give a small one away: "hidden")."""
    return {
        "value": value,
        "previous": previous,
        "change": _change(value, previous),
        "why": None if value is not None else why or disclosure.SMALL,
        "previous_why": None if previous is not None else previous_why or disclosure.SMALL,
    }


def _single(count: int, people: int) -> Any:
    """A figure on its own (no total beside it): hidden when it describes 1 to 4 people."""
    return None if is_small_group(people) else count


def _figure(key: str, label: str, value: Any, previous: Any, *, unit: str = "", note: str = "") -> dict[str, Any]:
    return {"key": key, "label": label, "unit": unit, "note": note, **_cell(value, previous)}


def _table(
    key: str,
    title: str,
    rows: list[str],
    cols: list[str],
    current: tuple[dict, dict],
    previous: tuple[dict, dict],
    *,
    row_totals: bool = True,
    column_totals: bool = True,
    column_groups: list[list[str]] | None = None,
    kinds: dict[str, str] | str = disclosure.PEOPLE,
    row_total_label: str = "All",
    units: dict[str, str] | None = None,
    convert: dict[str, Any] | None = None,
    note: str = "",
) -> dict[str, Any]:
    """Suppress the period's and the previous period's tables independently, and lay them out cell by cell.

    ``current`` and ``previous`` are (counts, people_counts) keyed (row, col); ``convert`` turns a column's shown
    counts (minutes) into what is printed (hours) after suppression.
    """
    options = {"row_totals": row_totals, "column_totals": column_totals, "column_groups": column_groups, "kinds": kinds}
    now = suppress_table(rows, cols, *current, **options)
    before = suppress_table(rows, cols, *previous, **options)
    convert = convert or {}

    def shown(value: Any, col: str | None) -> Any:
        if value is None or col not in convert:
            return value
        return convert[col](value)

    def cell(key: tuple, col: str | None) -> dict[str, Any]:
        if key[0] == TOTAL and key[1] == TOTAL:
            a, b = now.total, before.total
        elif key[0] == TOTAL:
            a, b = now.column_totals[key[1]], before.column_totals[key[1]]
        elif key[1] == TOTAL:
            a, b = now.row_totals[key[0]], before.row_totals[key[0]]
        else:
            a, b = now.cells[key], before.cells[key]
        return _cell(shown(a, col), shown(b, col), now.why(key), before.why(key))

    return {
        "key": key,
        "title": title,
        "note": note,
        "rows": rows,
        "cols": cols,
        "units": [(units or {}).get(c, "") for c in cols],
        "cells": [[cell((r, c), c) for c in cols] for r in rows],
        "row_totals": [cell((r, TOTAL), None) for r in rows] if row_totals else None,
        "col_totals": [cell((TOTAL, c), c) for c in cols] if column_totals else None,
        "total": cell((TOTAL, TOTAL), None) if row_totals and column_totals else None,
        "row_total_label": row_total_label,
        "compared": True,
        # What the disclosure audit needs to read the table as a reader does: which columns add up to the row
        # total, and what each column counts.
        "groups": column_groups or [cols],
        "kinds": [kinds if isinstance(kinds, str) else kinds[c] for c in cols],
    }


def _line(key: str, title: str, label: str, cols: list[str], rows: dict, people: dict, **kwargs) -> dict[str, Any]:
    """A one-row table whose parts add up to a shown total (check-in states, reasons, kinds)."""
    return _table(
        key,
        title,
        [label],
        cols,
        ({(label, c): rows["cur"][c] for c in cols}, _people(label, cols, people["cur"])),
        ({(label, c): rows["prev"][c] for c in cols}, _people(label, cols, people["prev"])),
        column_totals=False,
        **kwargs,
    )


def _people(label: str, cols: list[str], people: dict) -> dict:
    found = {(label, c): people[c] for c in cols}
    if TOTAL in people:
        found[label, TOTAL] = people[TOTAL]
    return found


# --- The figures ------------------------------------------------------------------------------------------------


def report_figures(*, programme: Programme, period: Period) -> dict[str, Any]:
    """Every figure of the report, suppressed, as plain JSON-ready data (what ``Report.snapshot`` freezes).

    Queries (fixed, whatever the programme's size): 1 applications; 2 participants by role; 3 pairings;
    4 pairings, sessions and hours by department; 5 participants by department; 6 sessions by month;
    7 protected time; 8 goals; 9 interventions; 10 survey rounds; 11 survey answers; 12 quotable answers.
    """
    prev = period.previous
    enrolment = _enrolment(programme, period, prev)  # queries 1 and 2
    pairings = _pairings(programme, period, prev)  # query 3
    team, totals = _teams(programme, period, prev)  # queries 4 and 5
    months = _sessions_by_month(programme, period, totals)  # query 6
    time = _protected_time(programme, period, prev)  # query 7
    goals = _goals(programme, period, prev)  # query 8
    interventions = _interventions(programme, period, prev)  # query 9
    surveys = _surveys(programme, period, prev)  # queries 10, 11 and 12

    activity_figures = [
        _figure(
            "active_pairings", "Active pairings", *_col_total(team, "Active pairings"), note="running in the period"
        ),
        _figure("sessions", "Sessions held", *_col_total(team, "Sessions held"), note="confirmed by the period's end"),
        _figure("confirmed_hours", "Confirmed hours", *_col_total(team, "Confirmed hours"), unit="h"),
    ]
    return {
        "version": SNAPSHOT_VERSION,
        "programme": programme.name,
        "period": period.as_json(),
        "previous": prev.as_json(),
        "min_group": settings.TANDEM_MIN_GROUP_SIZE,
        "computed_at": timezone.now().isoformat(),
        "sections": [
            {"key": "enrolment", "title": "Enrolment and training", **enrolment},
            {
                "key": "pairings",
                "title": "Pairings and sessions",
                "figures": activity_figures,
                "tables": [months, pairings["states"], pairings["ended_early"]],
            },
            {"key": "time", "title": "Protected time", "figures": time, "tables": []},
            {"key": "goals", "title": "Goals", **goals},
            {"key": "interventions", "title": "Interventions", "figures": [], "tables": [interventions]},
        ],
        "team": team,
        "surveys": surveys,
    }


def _col_total(table: dict, col: str) -> tuple[Any, Any]:
    cell = table["col_totals"][table["cols"].index(col)]
    return cell["value"], cell["previous"]


def _enrolment(programme: Programme, period: Period, prev: Period) -> dict[str, Any]:
    # Query 1: applicants and approvals in both periods (people, not applications: someone may re-apply).
    approved = Q(status=Application.Status.APPROVED)
    apps = Application.objects.filter(programme=programme).aggregate(
        applied=Count("person", distinct=True, filter=_within("created_at__date", period)),
        applied_prev=Count("person", distinct=True, filter=_within("created_at__date", prev)),
        approved=Count("person", distinct=True, filter=approved & _within("decided_at__date", period)),
        approved_prev=Count("person", distinct=True, filter=approved & _within("decided_at__date", prev)),
    )
    figures = [
        _figure(
            "applicants",
            "Applicants",
            _single(apps["applied"], apps["applied"]),
            _single(apps["applied_prev"], apps["applied_prev"]),
        ),
        _figure(
            "approved",
            "Approved",
            _single(apps["approved"], apps["approved"]),
            _single(apps["approved_prev"], apps["approved_prev"]),
        ),
    ]

    # Query 2: participants by role at each period's end: in a pairing or not, training complete or not.
    def paired(day: datetime.date) -> Exists:
        return Exists(
            Pairing.objects.filter(programme=programme)
            .filter(Q(mentor=OuterRef("person")) | Q(mentee=OuterRef("person")))
            .filter(_running_at(day))
        )

    def trained(day: datetime.date) -> Q:
        # Completed by ``day`` and not expired then, whatever its status today: the nightly sweep marks a record
        # expired once it lapses, which must not take back a period's "training met" (``valid_on`` reads today's).
        # (One marked expired by hand without an expiry date has no known day it lapsed: not valid, as before.)
        valid = TrainingRecord.objects.filter(
            Q(status=TrainingRecord.Status.COMPLETED, expires_on__isnull=True)
            | Q(status__in=(TrainingRecord.Status.COMPLETED, TrainingRecord.Status.EXPIRED), expires_on__gt=day),
            completed_on__lte=day,
            person=OuterRef(OuterRef("person")),
            course=OuterRef("course"),
        )
        missing = ProgrammeRequirement.objects.filter(programme=programme, role=OuterRef("role")).filter(~Exists(valid))
        return ~Q(Exists(missing))

    counts = {
        row["role"]: row
        for row in Membership.objects.participants()
        .filter(programme=programme)
        .values("role")
        .annotate(
            **{
                f"{name}{suffix}": Count("pk", filter=_joined_by(programme, p.end) & condition)
                for suffix, p in (("", period), ("_prev", prev))
                for name, condition in (
                    ("all", Q()),
                    ("paired", Q(paired(p.end))),
                    ("trained", trained(p.end)),
                )
            }
        )
        .order_by()
    }
    cols = ["In a pairing", "Not in a pairing", "Training met", "Training not met"]

    def grid(suffix: str) -> dict:
        grid = {}
        for role, label in ROLES:
            row = counts.get(role, {})
            total = row.get(f"all{suffix}", 0)
            for col, value in zip(
                cols,
                (
                    row.get(f"paired{suffix}", 0),
                    total - row.get(f"paired{suffix}", 0),
                    row.get(f"trained{suffix}", 0),
                    total - row.get(f"trained{suffix}", 0),
                ),
                strict=True,
            ):
                grid[label, col] = value
        return grid

    now, before = grid(""), grid("_prev")
    participants = _table(
        "participants",
        "Participants at the period's end",
        [label for _, label in ROLES],
        cols,
        (now, now),
        (before, before),
        column_groups=[cols[:2], cols[2:]],
        row_total_label="Participants",
        note="Each pair of columns adds up to the participants of the role: in a pairing or not; every "
        "required course completed and valid, or not.",
    )
    return {"figures": figures, "tables": [participants]}


def _pairings(programme: Programme, period: Period, prev: Period) -> dict[str, Any]:
    # Query 3: the pairings running at either period's end or ended early in either period, each with its last
    # confirmed session by each period's end: check-in states are worked out as they stood at the period's end
    # (not from today's schedule, which a session logged since would change), and early endings counted by reason.
    states = list(CheckinState.ORDER)
    reasons = list(Pairing.EndReason)

    def last_session(day: datetime.date) -> Subquery:
        # The last session held and confirmed by the end of ``day`` (the session history, not today's status).
        held = _confirmed_by(day).filter(pairing=OuterRef("pk"), held_then__lte=day)
        return Subquery(held.order_by("-held_then").values("held_then")[:1])

    # Paused or not, and the last resume, as they stood at the end of ``day`` (the pause history, not today's
    # status: a pause or resume since does not change a past period's figures).
    def paused_at(day: datetime.date) -> Exists:
        pauses = PairingPause.objects.filter(pairing=OuterRef("pk"), paused_on__lte=day)
        return Exists(pauses.filter(Q(resumed_on__isnull=True) | Q(resumed_on__gt=day)))

    def last_resumed(day: datetime.date) -> Subquery:
        resumed = PairingPause.objects.filter(pairing=OuterRef("pk"), resumed_on__lte=day)
        return Subquery(resumed.order_by("-resumed_on").values("resumed_on")[:1])

    # The cadence agreed by the end of ``day``: from the history of a pair that changed it (its oldest row, the
    # cadence before the first change, for a day before the history starts), else the agreement's, else the
    # programme's.
    def cadence(day: datetime.date) -> Coalesce:
        agreed = AgreementCadence.objects.filter(pairing=OuterRef("pk"))
        return Coalesce(
            Subquery(agreed.filter(since__lt=_end_of(day)).order_by("-since", "-pk").values("cadence_days")[:1]),
            Subquery(agreed.order_by("since", "pk").values("cadence_days")[:1]),
            "agreement__cadence_days",
            Value(programme.checkin_cadence_days),
        )

    ended_early = Q(status=Pairing.Status.ENDED_EARLY, ended_on__gte=prev.start, ended_on__lte=period.end)
    pairings = list(
        Pairing.objects.filter(programme=programme)
        .filter(_running_at(period.end) | _running_at(prev.end) | ended_early)
        .annotate(
            last_cur=last_session(period.end),
            last_prev=last_session(prev.end),
            paused_cur=paused_at(period.end),
            paused_prev=paused_at(prev.end),
            resumed_cur=last_resumed(period.end),
            resumed_prev=last_resumed(prev.end),
            cadence_cur=cadence(period.end),
            cadence_prev=cadence(prev.end),
        )
        .values(
            "status",
            "started_on",
            "ended_on",
            "resumed_on",
            "end_reason",
            *(f"{f}_{s}" for f in ("last", "paused", "resumed", "cadence") for s in ("cur", "prev")),
        )
    )
    row = {}
    for suffix, p in (("cur", period), ("prev", prev)):
        found = [_checkin_state_at(programme, pairing, p.end, suffix) for pairing in pairings]
        row |= {f"{suffix}_{state}": found.count(state) for state in states}
        for reason in reasons:
            row[f"{suffix}_{reason}"] = sum(
                1
                for pairing in pairings
                if pairing["status"] == Pairing.Status.ENDED_EARLY
                and pairing["end_reason"] == reason
                and p.start <= pairing["ended_on"] <= p.end
            )
    state_labels = [CheckinState.LABELS[s][0] for s in states]
    # A pairing count describes that many mentees (one current pairing each).
    state_counts = {
        suffix: {CheckinState.LABELS[s][0]: row[f"{suffix}_{s}"] for s in states} for suffix in ("cur", "prev")
    }
    reason_counts = {suffix: {r.label: row[f"{suffix}_{r.value}"] for r in reasons} for suffix in ("cur", "prev")}
    return {
        "states": _line(
            "checkin_states",
            "Check-in states at the period's end",
            "Pairings",
            state_labels,
            state_counts,
            state_counts,
            row_total_label="Active pairings with a check-in schedule",
        ),
        "ended_early": _line(
            "ended_early",
            "Pairings ended early, by reason",
            "Pairings",
            [r.label for r in reasons],
            reason_counts,
            reason_counts,
            row_total_label="Ended early",
        ),
    }


def _checkin_state_at(programme: Programme, pairing: dict, day: datetime.date, suffix: str) -> str | None:
    """A pairing's check-in state at the end of ``day`` (``mentoring.checkins.state_filter``'s rules), from the
    sessions confirmed and the pause history by then (the ``_<suffix>`` values); ``None`` when it had no schedule
    (not running then, or paused then, whatever its status today)."""
    if pairing["status"] == Pairing.Status.PROPOSED or pairing["started_on"] is None or pairing[f"paused_{suffix}"]:
        return None
    if pairing["started_on"] > day or (pairing["ended_on"] is not None and pairing["ended_on"] <= day):
        return None
    # The last resume by then: from the history, or the pairing's own date (a resume from before the history).
    resumed = max((d for d in (pairing[f"resumed_{suffix}"], pairing["resumed_on"]) if d and d <= day), default=None)
    due = checkin_due(
        started_on=pairing["started_on"],
        resumed_on=resumed,
        last_session_on=pairing[f"last_{suffix}"],
        cadence_days=pairing[f"cadence_{suffix}"],
        intensive_days=programme.intensive_days,
        intensive_checkins=programme.intensive_checkins,
    )
    if due is None:
        return None
    if due > day + datetime.timedelta(days=DUE_SOON_DAYS):
        return CheckinState.ON_TRACK
    if due >= day:
        return CheckinState.DUE_SOON
    if due >= day - datetime.timedelta(days=programme.escalation_grace_days):
        return CheckinState.OVERDUE
    return CheckinState.ESCALATED


TEAM_COLS = ["Participants", "Active pairings", "Sessions held", "Confirmed hours"]


def _teams(programme: Programme, period: Period, prev: Period) -> tuple[dict[str, Any], dict[str, int]]:
    """The breakdown by department. Each cell describes the department's people it is about: its participants;
    for pairings, sessions and hours, the department's mentees in pairings active in the period (so "0 sessions"
    of three mentees is hidden like "2 sessions" would be)."""
    aggregates, per_pairing = {}, {}
    for suffix, p in (("", period), ("_prev", prev)):
        active = _active_during(p)
        # Each pairing's sessions held in the period and confirmed by its end, as they stood then.
        held = (
            _confirmed_by(p.end)
            .filter(pairing=OuterRef("pk"), held_then__gte=p.start, held_then__lte=p.end)
            .order_by()
            .values("pairing")
        )
        per_pairing |= {
            f"held{suffix}": Subquery(held.annotate(n=Count("pk")).values("n"), output_field=IntegerField()),
            f"minutes{suffix}": Subquery(held.annotate(m=Sum("minutes_then")).values("m"), output_field=IntegerField()),
        }
        aggregates |= {
            f"n_pairings{suffix}": Count("pk", distinct=True, filter=active),
            f"n_mentees{suffix}": Count("mentee", distinct=True, filter=active),
            f"n_sessions{suffix}": Coalesce(Sum(f"held{suffix}", filter=active), 0),
            f"n_minutes{suffix}": Coalesce(Sum(f"minutes{suffix}", filter=active), 0),
        }
    # Query 4a: every unit's department (org trees are small).
    departments = OrgUnit.objects.departments()
    # Each person counts in their department at each period's end (their team history): grouped by the pair
    # (department then, department at the previous period's end), each period's figures summed over its own.
    # A person falls in one group only, so the distinct counts of the groups add up.
    grouped = {
        "team": _department_at("mentee", period.end, departments),
        "team_prev": _department_at("mentee", prev.end, departments),
    }
    # Query 4: pairings, sessions and confirmed minutes by the mentee's department, both periods.
    by_team = _by_department(
        Pairing.objects.filter(programme=programme)
        .filter(_active_during(prev) | _active_during(period))
        .annotate(**per_pairing)
        .values(**grouped)
        .annotate(**aggregates)
        .order_by()
    )
    # Query 5: participants by department at each period's end.
    participants = _by_department(
        Membership.objects.participants()
        .filter(programme=programme)
        .values(
            team=_department_at("person", period.end, departments),
            team_prev=_department_at("person", prev.end, departments),
        )
        .annotate(
            people=Count("person", distinct=True, filter=_joined_by(programme, period.end)),
            people_prev=Count("person", distinct=True, filter=_joined_by(programme, prev.end)),
        )
        .order_by()
    )
    teams = sorted(set(by_team) | set(participants), key=lambda name: (name == NO_TEAM, name.lower()))

    def grid(suffix: str) -> tuple[dict, dict]:
        counts, people = {}, {}
        for team in teams:
            row = by_team.get(team, {})
            mentees = row.get(f"n_mentees{suffix}", 0)
            joined = participants.get(team, {}).get(f"people{suffix}", 0)
            values = (
                joined,
                row.get(f"n_pairings{suffix}", 0),
                row.get(f"n_sessions{suffix}", 0),
                row.get(f"n_minutes{suffix}", 0),
            )
            for col, value, who in zip(TEAM_COLS, values, (joined, mentees, mentees, mentees), strict=True):
                counts[team, col] = value
                people[team, col] = who
        return counts, people

    now, before = grid(""), grid("_prev")
    table = _table(
        "team",
        "Participants, pairings, sessions and hours by department",
        teams,
        TEAM_COLS,
        now,
        before,
        row_totals=False,
        kinds={
            "Participants": disclosure.PEOPLE,
            "Active pairings": disclosure.PER_PERSON,
            "Sessions held": disclosure.AMOUNT,
            "Confirmed hours": disclosure.MINUTES,
        },
        units={"Confirmed hours": "h"},
        convert={"Confirmed hours": _hours},
        note="A team counts in the nearest department above it in the organisation. Pairings, sessions and "
        "hours count in the mentee's "
        "department. The columns measure different things, so a department has no total of its own.",
    )
    totals = {
        "sessions": sum(now[0][t, "Sessions held"] for t in teams),
        "mentees": sum(now[1][t, "Sessions held"] for t in teams),
    }
    return table, totals


def _by_department(rows: Any) -> dict[str, dict[str, int]]:
    """Rows grouped by (``team``, ``team_prev``) as one row per department: a figure of the period summed under
    its department at the period's end, one of the previous period (named ``..._prev``) under its department at
    that period's end. A department known at either end has a row."""
    found: dict[str, dict[str, int]] = {}
    for row in rows:
        for team in (row["team"], row["team_prev"]):
            found.setdefault(team, {})
        for name, value in row.items():
            if name not in ("team", "team_prev"):
                sums = found[row["team_prev"] if name.endswith("_prev") else row["team"]]
                sums[name] = sums.get(name, 0) + value
    return found


def _sessions_by_month(programme: Programme, period: Period, totals: dict[str, int]) -> dict[str, Any]:
    # Query 6: sessions held per month of the period, with the mentees who met that month.
    rows = {
        row["month"]: row
        for row in _confirmed_by(period.end)
        .filter(pairing__programme=programme)
        .filter(_within("held_then", period), _active_during(period, "pairing__"))
        .values(month=TruncMonth("held_then"))
        .annotate(sessions=Count("pk"), mentees=Count("pairing__mentee", distinct=True))
        .order_by()
    }
    months, day = [], period.start.replace(day=1)
    while day <= period.end:
        months.append(day)
        day = (day + datetime.timedelta(days=32)).replace(day=1)
    labels = [f"{m:%b %Y}" for m in months]

    def found(month: datetime.date, field: str) -> int:
        row = rows.get(month)  # TruncMonth of a date field is a date
        return row[field] if row else 0

    label = "Sessions"
    counts = {(label, lab): found(m, "sessions") for m, lab in zip(months, labels, strict=True)}
    people = {(label, lab): found(m, "mentees") for m, lab in zip(months, labels, strict=True)}
    # The line's total is the period's "Sessions held", about the same people as that figure.
    people[label, TOTAL] = totals["mentees"]
    table = _table(
        "sessions_by_month",
        "Sessions held by month",
        [label],
        labels,
        (counts, people),
        (counts, people),
        column_totals=False,
        kinds=disclosure.PER_PERSON,
        row_total_label="Sessions held",
    )
    # Months of the previous period are other months: no comparison month by month.
    table["compared"] = False
    for cell in [*table["cells"][0], *table["row_totals"]]:
        cell["previous"] = cell["change"] = None
    return table


def _protected_time(programme: Programme, period: Period, prev: Period) -> list[dict[str, Any]]:
    """Hours allocated against hours used, in tenths of an hour so that the sums are exact."""

    def allocated(p: Period) -> Subquery:
        # The allocations made by the period's end and not declined by then, with their hours then: the history
        # (``TimeAllocationState``) of one changed since, else its own row (declined only from its decision on).
        end = _end_of(p.end)
        states = TimeAllocationState.objects.filter(allocation=OuterRef("pk"), since__lt=end).order_by("-since", "-pk")
        declined_then = Q(status=TimeAllocation.Status.DECLINED, decided_at__lt=end)
        months = (
            TimeAllocation.objects.filter(
                programme=programme,
                person=OuterRef("person"),
                month__gte=p.start.replace(day=1),
                month__lte=p.end,
                created_at__lt=end,
            )
            .annotate(
                status_then=Coalesce(
                    Subquery(states.values("status")[:1]),
                    Case(When(declined_then, then=Value(TimeAllocation.Status.DECLINED)), default=Value("")),
                ),
                hours_then=Coalesce(Subquery(states.values("hours")[:1]), F("hours")),
            )
            .exclude(status_then=TimeAllocation.Status.DECLINED)
        )
        return Subquery(
            months.order_by().values("person").annotate(t=Sum(Round(F("hours_then") * 10))).values("t"),
            output_field=IntegerField(),
        )

    def session_minutes(p: Period) -> Case:
        # A mentor's sessions are those of the pairings they mentor, a mentee's those they are mentored in (one
        # participant role per programme). One side per row keeps the lookup on an index; "mentor or mentee"
        # in one subquery read every pairing of the programme for every participant.
        def side(field: str) -> Subquery:
            sessions = _confirmed_by(p.end).filter(
                **{f"pairing__{field}": OuterRef("person")},
                pairing__programme=programme,
                held_then__gte=p.start,
                held_then__lte=p.end,
            )
            return Subquery(
                sessions.order_by().values("pairing__programme").annotate(m=Sum("minutes_then")).values("m"),
                output_field=IntegerField(),
            )

        return Case(When(role=Role.MENTOR, then=side("mentor")), default=side("mentee"))

    def training(p: Period) -> Subquery:
        records = TrainingRecord.objects.filter(
            person=OuterRef("person"),
            status__in=(TrainingRecord.Status.COMPLETED, TrainingRecord.Status.EXPIRED),
            completed_on__gte=p.start,
            completed_on__lte=p.end,
        )
        return Subquery(
            records.order_by()
            .values("person")
            .annotate(t=Sum(Round(Coalesce("hours", "course__hours") * 10)))
            .values("t"),
            output_field=IntegerField(),
        )

    annotations = {}
    for suffix, p in (("", period), ("_prev", prev)):
        annotations |= {
            f"a{suffix}": Coalesce(allocated(p), 0),
            f"s{suffix}": Coalesce(session_minutes(p), 0),
            f"t{suffix}": Coalesce(training(p), 0),
        }
    # Query 7: per participant (subqueries), summed over the programme.
    people = list(
        Membership.objects.participants()
        .filter(programme=programme)
        .annotate(**annotations)
        .values_list("a", "s", "t", "a_prev", "s_prev", "t_prev")
    )

    def sums(offset: int) -> tuple[int, int, int, int]:
        allocated_tenths = sum(row[offset] for row in people)
        used_tenths = sum(round(row[offset + 1] / 6) + row[offset + 2] for row in people)
        with_allocation = sum(1 for row in people if row[offset])
        using = sum(1 for row in people if row[offset + 1] or row[offset + 2])
        return allocated_tenths, used_tenths, with_allocation, using

    a, u, a_people, u_people = sums(0)
    pa, pu, pa_people, pu_people = sums(3)
    return [
        _figure(
            "hours_allocated",
            "Protected hours allocated",
            _tenths_to_hours(_single(a, a_people)),
            _tenths_to_hours(_single(pa, pa_people)),
            unit="h",
            note="what the workplace offers: monthly allocations of the months the period touches",
        ),
        _figure(
            "hours_used",
            "Protected hours used",
            _tenths_to_hours(_single(u, u_people)),
            _tenths_to_hours(_single(pu, pu_people)),
            unit="h",
            note="what people take up: confirmed session hours (each side's) and training completed",
        ),
    ]


def _goal_state_at(day: datetime.date, field: str) -> Coalesce:
    """A goal's status (or progress) at the end of ``day``: its last recorded state by then; for a goal whose
    history starts later (recorded before histories were kept), the oldest state known; else its own."""
    states = GoalState.objects.filter(goal=OuterRef("pk"))
    by_then = states.filter(since__date__lte=day).order_by("-since", "-pk").values(field)[:1]
    oldest = states.order_by("since", "pk").values(field)[:1]
    return Coalesce(Subquery(by_then), Subquery(oldest), F(field))


def _goals(programme: Programme, period: Period, prev: Period) -> dict[str, Any]:
    """Goals set by each period's end, by their status *at* the period's end (``GoalState``), so that the same
    period gives the same figures whenever it is run."""
    statuses = list(Goal.Status)
    aggregates = {}
    for suffix, p in (("cur", period), ("prev", prev)):
        by_end = Q(created_at__date__lte=p.end)
        open_goal = Q(**{f"status_{suffix}__in": (Goal.Status.NOT_STARTED, Goal.Status.IN_PROGRESS)})
        for status in statuses:
            at_end = by_end & Q(**{f"status_{suffix}": status})
            aggregates[f"{suffix}_{status}"] = Count("pk", filter=at_end)
            aggregates[f"{suffix}_{status}_people"] = Count("pairing__mentee", distinct=True, filter=at_end)
        aggregates[f"{suffix}_people"] = Count("pairing__mentee", distinct=True, filter=by_end)
        aggregates[f"{suffix}_set"] = Count("pk", filter=_within("created_at__date", p))
        aggregates[f"{suffix}_set_people"] = Count(
            "pairing__mentee", distinct=True, filter=_within("created_at__date", p)
        )
        aggregates[f"{suffix}_progress"] = Avg(f"progress_{suffix}", filter=by_end & open_goal)
        aggregates[f"{suffix}_progress_people"] = Count("pairing__mentee", distinct=True, filter=by_end & open_goal)
    # Query 8: goals by status at each period's end, goals set in each period, average progress of open goals.
    row = (
        Goal.objects.filter(pairing__programme=programme)
        .annotate(
            status_cur=_goal_state_at(period.end, "status"),
            status_prev=_goal_state_at(prev.end, "status"),
            progress_cur=_goal_state_at(period.end, "progress"),
            progress_prev=_goal_state_at(prev.end, "progress"),
        )
        .aggregate(**aggregates)
    )
    labels = [s.label for s in statuses]
    counts = {suffix: {s.label: row[f"{suffix}_{s.value}"] for s in statuses} for suffix in ("cur", "prev")}
    people = {
        suffix: {
            **{s.label: row[f"{suffix}_{s.value}_people"] for s in statuses},
            TOTAL: row[f"{suffix}_people"],
        }
        for suffix in ("cur", "prev")
    }

    def progress(suffix: str) -> int | None:
        value = row[f"{suffix}_progress"]
        shown = _single(1, row[f"{suffix}_progress_people"])
        return None if value is None or shown is None else round(value)

    figures = [
        _figure(
            "goals_set",
            "Goals set",
            _single(row["cur_set"], row["cur_set_people"]),
            _single(row["prev_set"], row["prev_set_people"]),
        ),
        _figure(
            "goal_progress",
            "Average progress of open goals",
            progress("cur"),
            progress("prev"),
            unit="%",
            note="goals not started or in progress at the period's end",
        ),
    ]
    table = _line(
        "goals_by_status",
        "Goals by status at the period's end",
        "Goals",
        labels,
        counts,
        people,
        row_total_label="Goals",
        kinds=disclosure.PER_PERSON,
        note="A goal counts once; the people are the mentees whose pairings set them.",
    )
    return {"figures": figures, "tables": [table]}


def _interventions(programme: Programme, period: Period, prev: Period) -> dict[str, Any]:
    kinds = list(Intervention.Kind)
    subject = Coalesce("pairing__mentee", "person")
    aggregates, kind_then = {}, {}
    for suffix, p in (("cur", period), ("prev", prev)):
        when = _within("created_at__date", p)
        # The kind at the period's end (``InterventionKind``): a kind changed since does not move it.
        changes = InterventionKind.objects.filter(intervention=OuterRef("pk"), since__lt=_end_of(p.end))
        kind_then[f"kind_{suffix}"] = Coalesce(Subquery(changes.order_by("-since", "-pk").values("kind")[:1]), "kind")
        for kind in kinds:
            of_kind = when & Q(**{f"kind_{suffix}": kind})
            aggregates[f"{suffix}_{kind}"] = Count("pk", filter=of_kind)
            aggregates[f"{suffix}_{kind}_people"] = Count(subject, distinct=True, filter=of_kind)
        aggregates[f"{suffix}_people"] = Count(subject, distinct=True, filter=when)
    # Query 9: interventions recorded in each period, by kind (counts only: never a name or a note).
    row = Intervention.objects.filter(programme=programme).annotate(**kind_then).aggregate(**aggregates)
    counts = {suffix: {k.label: row[f"{suffix}_{k.value}"] for k in kinds} for suffix in ("cur", "prev")}
    people = {
        suffix: {**{k.label: row[f"{suffix}_{k.value}_people"] for k in kinds}, TOTAL: row[f"{suffix}_people"]}
        for suffix in ("cur", "prev")
    }
    return _line(
        "interventions",
        "Interventions recorded, by kind",
        "Interventions",
        [k.label for k in kinds],
        counts,
        people,
        row_total_label="Interventions",
        kinds=disclosure.PER_PERSON,
    )


# The automatic surveys (health checks, end-of-relationship) run in one standing round per programme that never
# really closes: their answers count on the day they were given; every other round's on the day it closes.
AUTOMATIC_SURVEYS = (Survey.Kind.HEALTH, Survey.Kind.END)


def _counted_on(response_path: str) -> Case:
    prefix = f"{response_path}__" if response_path else ""
    return Case(
        When(**{f"{prefix}round__survey__kind__in": AUTOMATIC_SURVEYS}, then=F(f"{prefix}submitted_on")),
        default=F(f"{prefix}round__closes_on"),
        output_field=DateField(),
    )


def _surveys(programme: Programme, period: Period, prev: Period) -> dict[str, Any]:
    in_cur = _within("counted_on", period)
    in_prev = _within("counted_on", prev)
    automatic = Q(survey__kind__in=AUTOMATIC_SURVEYS)
    # Query 10: the rounds closing in either period (and the standing automatic ones), with their responses
    # counted in each period.
    responses_in = {
        name: Count(
            "responses",
            filter=(automatic & _within("responses__submitted_on", p)) | (~automatic & _within("closes_on", p)),
        )
        for name, p in (("responses_count", period), ("responses_prev", prev))
    }
    rounds = list(
        SurveyRound.objects.filter(programme=programme)
        .filter(automatic | Q(closes_on__gte=prev.start, closes_on__lte=period.end))
        .annotate(**responses_in)
        .values("pk", "title", "survey__title", "survey__kind", "closes_on", "responses_count", "responses_prev")
        .order_by("closes_on", "pk")
    )
    current_rounds = [
        r
        for r in rounds
        if (r["survey__kind"] in AUTOMATIC_SURVEYS and r["responses_count"])
        or (r["survey__kind"] not in AUTOMATIC_SURVEYS and period.start <= r["closes_on"] <= period.end)
    ]
    responses = sum(r["responses_count"] for r in rounds)
    responses_prev = sum(r["responses_prev"] for r in rounds)
    # Query 11: scale and one-choice answers by question and answer, counted for each period.
    answers = (
        Answer.objects.filter(response__round__programme=programme)
        .annotate(counted_on=_counted_on("response"))
        .filter(counted_on__gte=prev.start, counted_on__lte=period.end)
        .filter(question__kind__in=(Question.Kind.LIKERT, Question.Kind.CHOICE))
        .filter(Q(likert__isnull=False) | ~Q(choice=""))
        .values(
            "question",
            "question__text",
            "question__kind",
            "question__choices",
            "question__position",
            "question__survey__title",
            "likert",
            "choice",
        )
        .annotate(cur=Count("pk", filter=in_cur), prev=Count("pk", filter=in_prev))
        .order_by("question__survey__title", "question__position", "question")
    )
    questions: dict[int, dict[str, Any]] = {}
    for row in answers:
        q = questions.setdefault(
            row["question"],
            {
                "survey": row["question__survey__title"],
                "question": row["question__text"],
                "kind": row["question__kind"],
                "options": list(row["question__choices"] or []),
                "cur": {},
                "prev": {},
            },
        )
        key = row["likert"] if q["kind"] == Question.Kind.LIKERT else row["choice"]
        q["cur"][key] = q["cur"].get(key, 0) + row["cur"]
        q["prev"][key] = q["prev"].get(key, 0) + row["prev"]
    results = [_question_result(q) for q in questions.values() if sum(q["cur"].values())]
    # Query 12: free-text answers whose writers agreed to be quoted (the text only: no name, team or date).
    quotable_rounds = {r["pk"] for r in current_rounds if not is_small_group(r["responses_count"])}
    quotes: list[dict[str, str]] = []
    per_question: dict[str, int] = {}
    for round_pk, question, text in (
        Answer.objects.annotate(counted_on=_counted_on("response"))
        .filter(
            _within("counted_on", period),
            response__round__programme=programme,
            response__may_quote=True,
            question__kind=Question.Kind.TEXT,
        )
        .exclude(text="")
        .order_by("question__survey__title", "question__position", "question", "text")
        .values_list("response__round", "question__text", "text")
    ):
        if round_pk not in quotable_rounds:
            continue  # a round that fewer than the minimum group answered: its words are too easy to place
        per_question[question] = per_question.get(question, 0) + 1
        if per_question[question] <= MAX_QUOTES_PER_QUESTION:
            quotes.append({"question": question, "text": text})
    # The rounds' responses add up to the period's responses, printed beside them: a line with its total, so it
    # goes through the checker like any other (a round answered by 2 is not the total minus the others).
    cols = [str(i) for i in range(len(current_rounds))]
    line = _responses_line([r["responses_count"] for r in current_rounds], responses)
    # The previous period's total as the previous period's report shows it: through the same line of its rounds.
    previous_rounds = [
        r["responses_prev"]
        for r in rounds
        if (r["survey__kind"] in AUTOMATIC_SURVEYS and r["responses_prev"])
        or (r["survey__kind"] not in AUTOMATIC_SURVEYS and prev.start <= r["closes_on"] <= prev.end)
    ]
    previous_line = _responses_line(previous_rounds, responses_prev)
    previous_total = previous_line.row_totals["Responses"]
    return {
        "responses": _figure(
            "survey_responses",
            "Survey responses",
            line.row_totals["Responses"],
            previous_total,
            note="in rounds closing in the period, and automatic surveys answered in it",
        )
        | {"why": line.why(("Responses", TOTAL)), "previous_why": previous_line.why(("Responses", TOTAL))},
        "rounds": [
            {
                "title": r["title"],
                "survey": r["survey__title"],
                "closes_on": "" if r["survey__kind"] in AUTOMATIC_SURVEYS else r["closes_on"].isoformat(),
                "responses": line.cells["Responses", c],
                "why": line.why(("Responses", c)),
            }
            for c, r in zip(cols, current_rounds, strict=True)
        ],
        "questions": results,
        "quotes": quotes,
    }


def _responses_line(counts: list[int], total: int) -> Any:
    """The rounds' responses beside their printed total, suppressed and checked as a line."""
    cols = [str(i) for i in range(len(counts))]
    by_round = {("Responses", c): n for c, n in zip(cols, counts, strict=True)}
    return suppress_table(
        ["Responses"],
        cols,
        by_round,
        by_round | {("Responses", TOTAL): total},
        column_totals=False,
        kinds=disclosure.PEOPLE,
    )


def _question_result(q: dict[str, Any]) -> dict[str, Any]:
    """One question's answers: shown when at least the minimum group answered it, else nothing but that."""
    n, n_prev = sum(q["cur"].values()), sum(q["prev"].values())
    shown = not is_small_group(n)
    result: dict[str, Any] = {
        "survey": q["survey"],
        "question": q["question"],
        "kind": q["kind"],
        "answers": n if shown else None,
        "mean": None,
        "previous_mean": None,
        "change": None,
        "distribution": None,
    }
    if not shown:
        return result
    relations = []
    if q["kind"] == Question.Kind.LIKERT:
        result["mean"] = round(sum(v * c for v, c in q["cur"].items()) / n, 2)
        if n_prev and not is_small_group(n_prev):
            # Shown only when the previous period's report shows it too: else it would give away there what the
            # checker withheld (the same question's answers, as that report prints them).
            earlier = _question_result({**q, "cur": q["prev"], "prev": {}})
            if earlier["mean"] is not None:
                result["previous_mean"] = earlier["mean"]
                result["change"] = round(result["mean"] - result["previous_mean"], 2)
        counts = {str(v): q["cur"].get(v, 0) for v in LIKERT_VALUES}
        # The mean printed to 2 decimals puts the sum of the answers in a known interval: a relation too.
        low, high = disclosure.mean_sum_range(n, result["mean"])
        relations.append(disclosure.Relation({str(v): v for v in LIKERT_VALUES}, low, high, ("mean", "answers")))
    else:
        options = q["options"] + sorted(k for k in q["cur"] if k not in q["options"])
        counts = {o: q["cur"].get(o, 0) for o in options}
    relations.append(disclosure.Relation(dict.fromkeys(counts, 1), n, n, ("answers",)))
    # Each answer is a group of people too: a count under the minimum is hidden (None); the checker hides more,
    # or withholds the mean (or the number of answers), until no hidden count can be worked out from the rest.
    protected = disclosure.protect({label: disclosure.Cell(c, c) for label, c in counts.items()}, relations)
    if "mean" in protected.withheld:
        result["mean"] = result["previous_mean"] = result["change"] = None
        result["mean_withheld"] = True
    if "answers" in protected.withheld:
        result["answers"] = None
        result["answers_why"] = disclosure.PROTECT
    result["distribution"] = [
        {
            "label": label,
            "value": None if label in protected.hidden else count,
            "why": protected.hidden.get(label),
        }
        for label, count in counts.items()
    ]
    return result
