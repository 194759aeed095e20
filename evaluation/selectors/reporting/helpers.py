"""The helpers every section of the report shares: periods in queries, departments, cells and tables."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import connections
from django.db.models import (
    Exists,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
)
from django.utils.translation import gettext_noop

from core.dates import start_of_day
from mentoring.models import Pairing
from programmes.models import Programme, Role

from ...services import disclosure
from ..privacy import TOTAL, is_small_group, suppress_table
from .periods import Period

NO_TEAM = gettext_noop("No team recorded")
ROLES = ((Role.MENTOR, gettext_noop("Mentors")), (Role.MENTEE, gettext_noop("Mentees")))


def _plain_rows(rows: QuerySet) -> list[tuple]:
    """A ``values_list`` read's rows as the database driver gives them, without Django's converter per value:
    for the report's reads of tens of thousands of rows whose columns are whole numbers, text and yes/no flags
    (read only as true or false: SQLite gives 1 and 0), which both drivers return as Python values already, or
    sums made whole numbers at once (``int()`` of PostgreSQL's decimal or SQLite's float). Not for dates or times
    (SQLite gives text for those)."""
    sql, params = rows.query.sql_with_params()
    with connections[rows.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _within(field: str, period: Period) -> Q:
    return Q(**{f"{field}__gte": period.start, f"{field}__lte": period.end})


# A moment (``created_at``, ``decided_at``) on a day of the period, or by the end of a day, in the site's time zone:
# compared with the period's first and last moments, not by converting each row's moment to a date (the same
# answer, without a time zone conversion per row of tens of thousands).
def _moment_within(field: str, period: Period) -> Q:
    return Q(**{f"{field}__gte": start_of_day(period.start), f"{field}__lt": _end_of(period.end)})


def _moment_by(field: str, day: datetime.date) -> Q:
    return Q(**{f"{field}__lt": _end_of(day)})


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
        _moment_by("created_at", day)
        | Q(Exists(started.filter(mentor=OuterRef("person"))))
        | Q(Exists(started.filter(mentee=OuterRef("person"))))
    )


def _end_of(day: datetime.date) -> datetime.datetime:
    """The first moment after ``day`` in the site's time zone: what happened before it happened by ``day``'s end."""
    return start_of_day(day + datetime.timedelta(days=1))


def _latest_by(states: QuerySet, day: datetime.date) -> QuerySet:
    """A history's rows recorded by the end of ``day``, latest first: ``[:1]`` of it is the row that stood then.
    Every history follows this rule: sessions, goals, allocations and intervention kinds in the database, a pair's
    cadence changes in Python (``pairings._cadence_at``, from the programme's few)."""
    return states.filter(since__lt=_end_of(day)).order_by("-since", "-pk")


def _state_then(day: datetime.date) -> FilteredRelation:
    """A session's, an allocation's or a goal's history row that stood at the end of ``day`` (the one
    ``_latest_by`` gives: ``until`` is where the next row by since and id begins), as a join: one range condition
    PostgreSQL matches for all the rows at once, not a latest-row look-up per row for each column read. At most
    one row matches."""
    end = _end_of(day)
    return FilteredRelation(
        "states",
        condition=Q(states__since__lt=end) & (Q(states__until__isnull=True) | Q(states__until__gte=end)),
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
    row_total_label: str = gettext_noop("All"),
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

    def cell(key: tuple, col: str | None) -> dict[str, Any]:
        return _table_cell(now, before, key, convert.get(col))

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


def _table_cell(now: Any, before: Any, key: tuple, convert: Any = None) -> dict[str, Any]:
    """One (row, col) cell of a table, or a total (``TOTAL`` for the row or col), this period beside the last;
    ``convert`` turns its shown counts into what is printed."""
    if key[0] == TOTAL and key[1] == TOTAL:
        a, b = now.total, before.total
    elif key[0] == TOTAL:
        a, b = now.column_totals[key[1]], before.column_totals[key[1]]
    elif key[1] == TOTAL:
        a, b = now.row_totals[key[0]], before.row_totals[key[0]]
    else:
        a, b = now.cells[key], before.cells[key]

    def shown(value: Any) -> Any:
        return value if value is None or convert is None else convert(value)

    return _cell(shown(a), shown(b), now.why(key), before.why(key))


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
