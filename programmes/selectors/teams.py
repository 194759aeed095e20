"""Which team a person was in on a day, from their team history (``PersonUnitHistory``), as an expression a
report's grouped query uses: one query for any number of people, never a loop."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.db.models import Case, Exists, Expression, F, OuterRef, Subquery, When
from django.db.models.functions import Coalesce

from ..models import PersonUnitHistory


def org_unit_at(day: datetime.date, *, person: str = "", then: Callable[[str], Expression] | None = None) -> Expression:
    """A person's team at the end of ``day``: the unit id, or ``then(unit field)`` (e.g. the unit's department
    name), worked out once per row inside the subquery.

    ``person`` is the path to the person in the query it is used in ("" in a query over people, "mentee" in one
    over pairings). From the history: the stay that held on ``day``; NULL when none did (no team that day). A
    person with no history at all (made outside the paths that write it) is read in their team today, as every
    report read everyone before the history was kept.
    """
    then = then or F
    stays = PersonUnitHistory.objects.filter(person=OuterRef(person or "pk"))
    held = stays.held_on(day).order_by("-since", "-pk").annotate(found=then("org_unit")).values("found")[:1]
    today = then(f"{person}__org_unit" if person else "org_unit")
    return Coalesce(Subquery(held), Case(When(~Exists(stays), then=today)))
