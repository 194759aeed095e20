"""The report's goals, by their status and progress at the period's end."""

from __future__ import annotations

from typing import Any

from django.db.models import BooleanField, ExpressionWrapper, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_noop

from mentoring.models import Goal, GoalState
from programmes.models import Programme

from ...services import disclosure
from ..privacy import TOTAL
from .helpers import _figure, _line, _moment_by, _moment_within, _plain_rows, _single, _state_then
from .periods import Period


def _goal_state_at(relation: str, field: str) -> Coalesce:
    """A goal's status (or progress) at the end of a day: the row of its history that stood then (``relation``,
    ``_state_then(day)`` joined under that name); for a goal whose history starts later (recorded before
    histories were kept), the oldest state known (looked up only then: COALESCE stops at the first value); else
    its own."""
    oldest = GoalState.objects.filter(goal=OuterRef("pk")).order_by("since", "pk").values(field)[:1]
    return Coalesce(F(f"{relation}__{field}"), Subquery(oldest), F(field))


def _goals(programme: Programme, period: Period, prev: Period) -> dict[str, Any]:
    """Goals set by each period's end, by their status *at* the period's end (``GoalState``), so that the same
    period gives the same figures whenever it is run."""
    statuses = list(Goal.Status)
    # Query 9: each mentee goal's status and progress at each period's end (its history joined as it stood
    # then), and whether it was set by then and in the period; added up here: in the database, each of the dozen
    # counts of distinct mentees would sort the goals again.
    # The mentee's goals: a mentor's own learning goals count in "What mentors gained" (reporting.mentors).
    goals = (
        Goal.objects.filter(pairing__programme=programme, owner=Goal.Owner.MENTEE)
        .annotate(state_cur=_state_then(period.end), state_prev=_state_then(prev.end))
        .annotate(
            **{
                f"{field}_{suffix}": _goal_state_at(f"state_{suffix}", field)
                for suffix in ("cur", "prev")
                for field in ("status", "progress")
            },
            **{
                f"{name}_{suffix}": ExpressionWrapper(condition, output_field=BooleanField())
                for suffix, p in (("cur", period), ("prev", prev))
                for name, condition in (
                    ("by_end", _moment_by("created_at", p.end)),
                    ("set", _moment_within("created_at", p)),
                )
            },
        )
        .order_by()  # not the goals' own order: they are only added up
        .values_list(
            "pairing__mentee",
            *(f"{f}_{s}" for s in ("cur", "prev") for f in ("status", "progress", "by_end", "set")),
        )
    )
    row = _goal_sums(statuses, _plain_rows(goals))
    labels = [str(s.label) for s in statuses]
    counts = {suffix: {str(s.label): row[f"{suffix}_{s.value}"] for s in statuses} for suffix in ("cur", "prev")}
    people = {
        suffix: {
            **{str(s.label): row[f"{suffix}_{s.value}_people"] for s in statuses},
            TOTAL: row[f"{suffix}_people"],
        }
        for suffix in ("cur", "prev")
    }
    figures = [
        _figure(
            "goals_set",
            gettext_noop("Goals set"),
            _single(row["cur_set"], row["cur_set_people"]),
            _single(row["prev_set"], row["prev_set_people"]),
        ),
        _figure(
            "goal_progress",
            gettext_noop("Average progress of open goals"),
            _goal_progress(row, "cur"),
            _goal_progress(row, "prev"),
            unit="%",
            note=gettext_noop("goals not started or in progress at the period's end"),
        ),
    ]
    table = _line(
        "goals_by_status",
        gettext_noop("Goals by status at the period's end"),
        gettext_noop("Goals"),
        labels,
        counts,
        people,
        row_total_label="Goals",
        kinds=disclosure.PER_PERSON,
        note=gettext_noop("A goal counts once; the people are the mentees whose pairings set them."),
    )
    return {"figures": figures, "tables": [table]}


def _goal_sums(statuses: list[Goal.Status], goals: list[tuple]) -> dict[str, Any]:
    """Per period: goals (and their mentees) by status at its end, set in it, and the open goals' progress, from
    the rows of query 9: (mentee, then per period: status, progress, set by its end, set in it). One pass over
    the goals per period (a programme has tens of thousands)."""
    row: dict[str, Any] = {}
    open_statuses = (Goal.Status.NOT_STARTED, Goal.Status.IN_PROGRESS)
    for offset, suffix in ((1, "cur"), (5, "prev")):
        by_status: dict[str, int] = dict.fromkeys(statuses, 0)
        people: dict[str, set[int]] = {status: set() for status in statuses}
        everyone, set_people, open_people = set(), set(), set()
        set_in = progress_sum = progress_n = 0
        for g in goals:
            mentee, status, progress, by_end, set_then = g[0], *g[offset : offset + 4]
            if set_then:
                set_in += 1
                set_people.add(mentee)
            if not by_end:
                continue
            everyone.add(mentee)
            if status in by_status:
                by_status[status] += 1
                people[status].add(mentee)
            if status in open_statuses:
                open_people.add(mentee)
                if progress is not None:
                    progress_sum += progress
                    progress_n += 1
        for status in statuses:
            row[f"{suffix}_{status}"] = by_status[status]
            row[f"{suffix}_{status}_people"] = len(people[status])
        row[f"{suffix}_people"] = len(everyone)
        row[f"{suffix}_set"] = set_in
        row[f"{suffix}_set_people"] = len(set_people)
        row[f"{suffix}_progress"] = progress_sum / progress_n if progress_n else None
        row[f"{suffix}_progress_people"] = len(open_people)
    return row


def _goal_progress(row: dict[str, Any], suffix: str) -> int | None:
    """The open goals' average progress, unless too few mentees stand behind it."""
    value = row[f"{suffix}_progress"]
    shown = _single(1, row[f"{suffix}_progress_people"])
    return None if value is None or shown is None else round(value)
