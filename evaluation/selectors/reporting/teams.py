"""The report's figures by department, and sessions by month."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.utils.translation import gettext_noop

from mentoring.models import Pairing
from programmes.models import Membership, OrgUnit, Programme

from ...services import disclosure
from ..privacy import TOTAL
from .helpers import NO_TEAM, _active_during, _confirmed_by, _department_at, _hours, _joined_by, _table
from .periods import Period

TEAM_COLS = [
    "Participants",
    gettext_noop("Active pairings"),
    gettext_noop("Sessions held"),
    gettext_noop("Confirmed hours"),
]


def _teams(programme: Programme, period: Period, prev: Period) -> tuple[dict[str, Any], dict[str, int]]:
    """The breakdown by department. Each cell describes the department's people it is about: its participants;
    for pairings, sessions and hours, the department's mentees in pairings active in the period (so "0 sessions"
    of three mentees is hidden like "2 sessions" would be)."""
    by_team, participants = _team_rows(programme, period, prev)
    teams = sorted(set(by_team) | set(participants), key=lambda name: (name == NO_TEAM, name.lower()))
    now, before = _team_grid(teams, by_team, participants, ""), _team_grid(teams, by_team, participants, "_prev")
    table = _table(
        "team",
        gettext_noop("Participants, pairings, sessions and hours by department"),
        teams,
        TEAM_COLS,
        now,
        before,
        row_totals=False,
        kinds={
            gettext_noop("Participants"): disclosure.PEOPLE,
            "Active pairings": disclosure.PER_PERSON,
            "Sessions held": disclosure.AMOUNT,
            "Confirmed hours": disclosure.MINUTES,
        },
        units={"Confirmed hours": "h"},
        convert={"Confirmed hours": _hours},
        note=gettext_noop(
            "A team counts in the nearest department above it in the organisation. Pairings, sessions and hours count in the mentee's department. The columns measure different things, so a department has no total of its own."  # noqa: E501
        ),
    )
    totals = {
        "sessions": sum(now[0][t, "Sessions held"] for t in teams),
        "mentees": sum(now[1][t, "Sessions held"] for t in teams),
    }
    return table, totals


def _team_annotations(period: Period, prev: Period) -> tuple[dict[str, Any], dict[str, Any]]:
    """Each pairing's sessions and minutes in each period, and their sums over the pairings active in it."""
    aggregates, per_pairing = {}, {}
    for suffix, p in (("", period), ("_prev", prev)):
        active = _active_during(p)
        # Each pairing's sessions held in the period and confirmed by its end, as they stood then.
        held = _confirmed_by(p.end, held_in=p).filter(pairing=OuterRef("pk")).order_by().values("pairing")
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
    return per_pairing, aggregates


def _team_rows(
    programme: Programme, period: Period, prev: Period
) -> tuple[dict[str, dict[str, int]], dict[str, dict[str, int]]]:
    """Pairings, sessions and minutes, and participants, by department at each period's end."""
    per_pairing, aggregates = _team_annotations(period, prev)
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
    return by_team, participants


def _team_grid(teams: list[str], by_team: dict, participants: dict, suffix: str) -> tuple[dict, dict]:
    """A period's cells by (department, column), and the people each describes."""
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
        for row in _confirmed_by(period.end, held_in=period)
        .filter(pairing__programme=programme)
        .filter(_active_during(period, "pairing__"))
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

    label = gettext_noop("Sessions")
    counts = {(label, lab): found(m, "sessions") for m, lab in zip(months, labels, strict=True)}
    people = {(label, lab): found(m, "mentees") for m, lab in zip(months, labels, strict=True)}
    # The line's total is the period's "Sessions held", about the same people as that figure.
    people[label, TOTAL] = totals["mentees"]
    table = _table(
        "sessions_by_month",
        gettext_noop("Sessions held by month"),
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
