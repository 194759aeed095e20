"""The report's goals, by their status and progress at the period's end."""

from __future__ import annotations

from typing import Any

from django.db.models import Avg, Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_noop

from mentoring.models import Goal, GoalState
from programmes.models import Programme

from ...services import disclosure
from ..privacy import TOTAL
from .helpers import _figure, _line, _single, _state_then, _within
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
    aggregates = _goal_aggregates(statuses, period, prev)
    # Query 11: goals by status at each period's end, goals set in each period, average progress of open goals.
    row = (
        # The mentee's goals: a mentor's own learning goals count in "What mentors gained" (reporting.mentors).
        Goal.objects.filter(pairing__programme=programme, owner=Goal.Owner.MENTEE)
        .annotate(state_cur=_state_then(period.end), state_prev=_state_then(prev.end))
        .annotate(
            status_cur=_goal_state_at("state_cur", "status"),
            status_prev=_goal_state_at("state_prev", "status"),
            progress_cur=_goal_state_at("state_cur", "progress"),
            progress_prev=_goal_state_at("state_prev", "progress"),
        )
        .aggregate(**aggregates)
    )
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


def _goal_aggregates(statuses: list[Goal.Status], period: Period, prev: Period) -> dict[str, Any]:
    """Per period: goals (and their mentees) by status at its end, set in it, and the open goals' progress."""
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
    return aggregates


def _goal_progress(row: dict[str, Any], suffix: str) -> int | None:
    """The open goals' average progress, unless too few mentees stand behind it."""
    value = row[f"{suffix}_progress"]
    shown = _single(1, row[f"{suffix}_progress_people"])
    return None if value is None or shown is None else round(value)
