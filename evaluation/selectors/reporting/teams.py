"""The report's figures by department, and sessions by month."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import BooleanField, Count, ExpressionWrapper
from django.utils.translation import gettext_noop

from mentoring.models import Pairing
from programmes.models import Membership, OrgUnit, Programme

from ...services import disclosure
from ..privacy import TOTAL
from .held import Held
from .helpers import NO_TEAM, _active_during, _department_at, _hours, _joined_by, _table
from .periods import Period

TEAM_COLS = [
    "Participants",
    gettext_noop("Active pairings"),
    gettext_noop("Sessions held"),
    gettext_noop("Confirmed hours"),
]


def _teams(
    programme: Programme, period: Period, prev: Period, held: tuple[Held, Held]
) -> tuple[dict[str, Any], dict[str, int], set[int]]:
    """The breakdown by department. Each cell describes the department's people it is about: its participants;
    for pairings, sessions and hours, the department's mentees in pairings active in the period (so "0 sessions"
    of three mentees is hidden like "2 sessions" would be). Also the pairings active in the period (which
    sessions by month counts)."""
    by_team, participants, active = _team_rows(programme, period, prev, held)
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
    return table, totals, active


def _team_rows(
    programme: Programme, period: Period, prev: Period, held: tuple[Held, Held]
) -> tuple[dict[str, dict[str, int]], dict[str, dict[str, int]], set[int]]:
    """Pairings, sessions and minutes, and participants, by department at each period's end; and the pairings
    active in the period."""
    # Query 6: every unit's department (org trees are small).
    departments = OrgUnit.objects.departments()
    # Query 7: the pairings active in either period, each with its mentee's department at each period's end
    # (their team history). Each pairing's sessions and minutes come from the periods' shared read (``held``):
    # added up here over the pairings active in each period, under the department then.
    pairings = (
        Pairing.objects.filter(programme=programme)
        .filter(_active_during(prev) | _active_during(period))
        .values_list(
            "pk",
            "mentee",
            _department_at("mentee", period.end, departments),
            _department_at("mentee", prev.end, departments),
            ExpressionWrapper(_active_during(period), output_field=BooleanField()),
            ExpressionWrapper(_active_during(prev), output_field=BooleanField()),
        )
    )
    per_pairing = held[0].by_pairing(), held[1].by_pairing()
    by_team: dict[str, dict[str, int]] = {}
    mentees: dict[tuple[str, str], set[int]] = {}
    active: set[int] = set()
    for pk, mentee, team, team_prev, *active_in in pairings:
        by_team.setdefault(team, {})
        by_team.setdefault(team_prev, {})
        for suffix, department, was_active, sessions in zip(
            ("", "_prev"), (team, team_prev), active_in, per_pairing, strict=True
        ):
            if not was_active:
                continue
            sums = by_team[department]
            n, m = sessions.get(pk, (0, 0))
            for name, value in (("n_pairings", 1), ("n_sessions", n), ("n_minutes", m)):
                sums[name + suffix] = sums.get(name + suffix, 0) + value
            mentees.setdefault((department, suffix), set()).add(mentee)
            sums["n_mentees" + suffix] = len(mentees[department, suffix])
        if active_in[0]:
            active.add(pk)
    # Query 8: participants by department at each period's end.
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
    return by_team, participants, active


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


def _sessions_by_month(period: Period, held: Held, active: set[int], totals: dict[str, int]) -> dict[str, Any]:
    # Sessions held per month of the period in the pairings active in it, with the mentees who met that month
    # (from the period's shared read).
    rows: dict[int, dict[str, Any]] = {}
    for pairing, _, mentee, month, n, _ in held.rows:
        if pairing in active:
            row = rows.setdefault(month, {"sessions": 0, "mentee_set": set()})
            row["sessions"] += n
            row["mentee_set"].add(mentee)
    for row in rows.values():
        row["mentees"] = len(row.pop("mentee_set"))
    months, day = [], period.start.replace(day=1)
    while day <= period.end:
        months.append(day)
        day = (day + datetime.timedelta(days=32)).replace(day=1)
    labels = [f"{m:%b %Y}" for m in months]

    def found(month: datetime.date, field: str) -> int:
        row = rows.get(held.month_of(month))
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
