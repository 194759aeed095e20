"""The report's figures by department, and sessions by month."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils.translation import gettext_noop

from mentoring.models import Pairing
from programmes.models import Membership, OrgUnit, PersonUnitHistory, Programme

from ...services import disclosure
from ..privacy import TOTAL
from .held import Held
from .helpers import NO_TEAM, _active_during, _hours, _plain_rows, _table
from .periods import Period

TEAM_COLS = [
    "Participants",
    gettext_noop("Active pairings"),
    gettext_noop("Sessions held"),
    gettext_noop("Confirmed hours"),
]


def _teams(
    programme: Programme, period: Period, prev: Period, held: tuple[Held, Held], members: list[tuple]
) -> tuple[dict[str, Any], dict[str, int], set[int], list[tuple[str, int]]]:
    """The breakdown by department. Each cell describes the department's people it is about: its participants;
    for pairings, sessions and hours, the department's mentees in pairings active in the period (so "0 sessions"
    of three mentees is hidden like "2 sessions" would be). Also the pairings active in the period (which
    sessions by month counts) and the participants' (role, person) (which protected time counts)."""
    by_team, participants, active, members = _team_rows(programme, period, prev, held, members)
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
    return table, totals, active, members


def _team_rows(
    programme: Programme, period: Period, prev: Period, held: tuple[Held, Held], members: list[tuple]
) -> tuple[dict[str, dict[str, int]], dict[str, dict[str, int]], set[int], list[tuple[str, int]]]:
    """Pairings, sessions and minutes, and participants (``enrolment.members_read``'s rows), by department at
    each period's end; the pairings active in the period; the participants' (role, person)."""
    # Query 5: every unit's department (org trees are small).
    departments = OrgUnit.objects.departments()
    # Query 6: the pairings active in either period, with their mentee and the mentee's team today. Each
    # pairing's sessions and minutes come from the periods' shared read (``held``): added up here over the
    # pairings active in each period, under the mentee's department then.
    pairings = _plain_rows(
        Pairing.objects.filter(programme=programme)
        .filter(_active_during(prev) | _active_during(period))
        .order_by()
        .values_list(
            "pk",
            "mentee",
            "mentee__org_unit",
            ExpressionWrapper(_active_during(period), output_field=BooleanField()),
            ExpressionWrapper(_active_during(prev), output_field=BooleanField()),
        )
    )
    # Query 7: the participants' team histories, to place each person in their department at each period's end.
    at = _DepartmentsThen(programme, departments, (period.end, prev.end))
    per_pairing = held[0].by_pairing(), held[1].by_pairing()
    by_team: dict[str, dict[str, int]] = {}
    people: dict[tuple[str, str], set[int]] = {}
    active: set[int] = set()
    # Tens of thousands of rows: each period's names made once, not per row.
    names = [
        (f"n_pairings{s}", f"n_sessions{s}", f"n_minutes{s}", f"n_mentees{s}", f"people{s}") for s in ("", "_prev")
    ]
    for pk, mentee, unit_today, *active_in in pairings:
        teams = at.departments(mentee, unit_today)
        for i in (0, 1):
            department = teams[i]
            sums = by_team.setdefault(department, {})
            if active_in[i]:
                n, m = per_pairing[i].get(pk, (0, 0))
                pairings_key, sessions_key, minutes_key, mentees_key, _ = names[i]
                sums[pairings_key] = sums.get(pairings_key, 0) + 1
                sums[sessions_key] = sums.get(sessions_key, 0) + n
                sums[minutes_key] = sums.get(minutes_key, 0) + m
                people.setdefault((department, mentees_key), set()).add(mentee)
        if active_in[0]:
            active.add(pk)
    participants: dict[str, dict[str, int]] = {}
    for _, person, unit_today, joined, _, _, joined_prev, _, _ in members:
        teams = at.departments(person, unit_today)
        for i, counts in ((0, joined), (1, joined_prev)):
            department = teams[i]
            participants.setdefault(department, {})
            found = people.setdefault((department, names[i][4]), set())
            if counts:
                found.add(person)
    # A person counts once in a department (people and mentees are distinct counts).
    for (department, name), found in people.items():
        (participants if name.startswith("people") else by_team)[department][name] = len(found)
    return by_team, participants, active, [(role, person) for role, person, *_ in members]


class _DepartmentsThen:
    """Each person's department at the end of given days, from their team history (``PersonUnitHistory``),
    read once for the programme's people: the stay that held on the day (the latest begun, ``org_unit_at``'s
    rule); no team that day when they have a history but no stay then; their team today when they have no
    history at all (made outside the paths that write it). NO_TEAM for a unit in no department and for no team.
    """

    def __init__(self, programme: Programme, departments: dict[int, tuple[int, str]], days: tuple[datetime.date, ...]):
        self.names = {unit: name for unit, (_, name) in departments.items()}
        self.days = days
        people = Q(person__in=Membership.objects.participants().filter(programme=programme).values("person")) | Q(
            person__in=Pairing.objects.filter(programme=programme).values("mentee")
        )
        # Each stay read once: the one that held on each day (the latest begun by since, then id) kept per person.
        best: dict[int, list[tuple[datetime.date, int, int] | None]] = {}
        for person, since, pk, unit, until in (
            PersonUnitHistory.objects.filter(people)
            .order_by()
            .values_list("person", "since", "pk", "org_unit", "until")
        ):
            held = best.setdefault(person, [None] * len(days))
            for i, day in enumerate(days):
                if since <= day and (until is None or until > day) and (held[i] is None or (since, pk) > held[i][:2]):
                    held[i] = (since, pk, unit)
        self.found: dict[int, tuple[str, ...]] = {
            person: tuple(NO_TEAM if stay is None else self.names.get(stay[2], NO_TEAM) for stay in held)
            for person, held in best.items()
        }

    def departments(self, person: int, unit_today: int | None) -> tuple[str, ...]:
        """The person's department at the end of each day, in the order of ``days``."""
        found = self.found.get(person)
        if found is None:  # no history: their team today
            found = self.found[person] = (self.names.get(unit_today, NO_TEAM),) * len(self.days)
        return found


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
