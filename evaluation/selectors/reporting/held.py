"""The sessions a period's report counts, read once per period and shared by every section that counts them."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth

from programmes.models import Programme

from .helpers import _confirmed_by
from .periods import Period


@dataclass(frozen=True)
class Held:
    """A period's sessions held in it and confirmed by its end, as they stood then (``_confirmed_by``), grouped
    by pairing and month: ``rows`` are (pairing, mentor, mentee, month, sessions, minutes)."""

    rows: list[tuple[int, int, int, object, int, int]]

    def by_pairing(self) -> dict[int, tuple[int, int]]:
        """Each pairing's sessions and minutes."""
        found: dict[int, tuple[int, int]] = {}
        for pairing, _, _, _, n, m in self.rows:
            sessions, minutes = found.get(pairing, (0, 0))
            found[pairing] = (sessions + n, minutes + m)
        return found

    def minutes_by_side(self) -> dict[bool, dict[int, int]]:
        """Each participant's minutes: ``[True]`` by mentor (the pairings they mentor), ``[False]`` by mentee."""
        found: dict[bool, dict[int, int]] = {True: {}, False: {}}
        for _, mentor, mentee, _, _, m in self.rows:
            found[True][mentor] = found[True].get(mentor, 0) + m
            found[False][mentee] = found[False].get(mentee, 0) + m
        return found


def held_read(programme: Programme, p: Period) -> Held:
    """One grouped read of the period's sessions with their state at its end (the costly part of a report: every
    session of the period joined to its history), which the department table, sessions by month and protected
    time then add up their own ways, instead of each reading the sessions again."""
    rows = (
        _confirmed_by(p.end, held_in=p)
        .filter(pairing__programme=programme)
        .annotate(month=TruncMonth("held_then"))
        .order_by()
        .values_list("pairing", "pairing__mentor", "pairing__mentee", "month")
        .annotate(n=Count("pk"), m=Sum("minutes_then"))
    )
    return Held(rows=list(rows))
