"""A person's team history (``PersonUnitHistory``): written by every path that changes ``Person.org_unit`` (the
people import, the Django admin, the demo), so that a period's report reads each person's department as it
stood at the period's end. Dates only: when someone moved, never why.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping

from django.db import transaction
from django.utils import timezone

from ..models import PersonUnitHistory

BATCH = 500  # people per IN (...) list: well under SQLite's bound on query parameters


@transaction.atomic
def person_units_record(*, moves: Mapping[int, tuple[int | None, int | None]], on: datetime.date | None = None) -> None:
    """Record that each person (pk -> (team before, team now), as unit ids) is in their team now from ``on``
    (today), after ``Person.org_unit`` was written; a person whose team did not change is left alone.

    The stay in the team before ends on ``on``. A person with no history yet (made before the history, or
    outside these paths) gets their team before as a stay from ``PersonUnitHistory.ALWAYS``, as the backfill
    reads it: the team they were in is known, so earlier periods keep counting them there. A stay that would
    last no day (two moves on one day) is dropped.
    """
    on = on or timezone.localdate()
    moves = {pk: (before, now) for pk, (before, now) in moves.items() if before != now}
    if not moves:
        return
    pks = list(moves)
    rows: dict[int, list[tuple[int, int, datetime.date, datetime.date | None]]] = {}
    for start in range(0, len(pks), BATCH):
        for person, pk, unit, since, until in PersonUnitHistory.objects.filter(
            person__in=pks[start : start + BATCH]
        ).values_list("person", "pk", "org_unit", "since", "until"):
            rows.setdefault(person, []).append((pk, unit, since, until))
    close, drop, create = [], [], []
    for person, (before, now) in moves.items():
        stays = rows.get(person, [])
        current = next((row for row in stays if row[3] is None), None)
        if current is not None and current[1] == now:
            continue  # the history already says so (the same move recorded twice)
        if current is not None:
            (drop if current[2] >= on else close).append(current[0])
        elif before is not None:
            # No open stay although the person had a team: they joined it after their last recorded stay ended,
            # or before the history began.
            since = max((row[3] for row in stays), default=PersonUnitHistory.ALWAYS)
            if since < on:
                create.append(PersonUnitHistory(person_id=person, org_unit_id=before, since=since, until=on))
        if now is not None:
            create.append(PersonUnitHistory(person_id=person, org_unit_id=now, since=on))
    for start in range(0, len(drop), BATCH):
        PersonUnitHistory.objects.filter(pk__in=drop[start : start + BATCH]).delete()
    for start in range(0, len(close), BATCH):
        PersonUnitHistory.objects.filter(pk__in=close[start : start + BATCH]).update(until=on)
    PersonUnitHistory.objects.bulk_create(create, batch_size=BATCH)


def person_units_start(*, units: Iterable[tuple[int, int | None]]) -> None:
    """The history of people just created, (pk, unit id): a person created in a team is taken to have been in it
    since before any period (``PersonUnitHistory.ALWAYS``), as the backfill took everyone's team: Tandem knew
    nothing of them before, and a report of a period before they were created reads nothing else of them."""
    PersonUnitHistory.objects.bulk_create(
        (
            PersonUnitHistory(person_id=pk, org_unit_id=unit, since=PersonUnitHistory.ALWAYS)
            for pk, unit in units
            if unit is not None
        ),
        batch_size=BATCH,
    )
