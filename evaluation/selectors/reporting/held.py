"""The sessions a period's report counts, read once per period and shared by every section that counts them."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Sum, Value
from django.db.models.functions import Cast, ExtractMonth, ExtractYear

from mentoring.models import MentoringSession, SessionState
from programmes.models import Programme

from .helpers import _end_of, _plain_rows
from .periods import Period


@dataclass(frozen=True)
class Held:
    """A period's sessions held in it and confirmed by its end, with their date and length as they stood then
    (``SessionState``: a session confirmed later does not count, one disputed, corrected or confirmed since counts
    as it was; one without a history, made outside the session services, counts by its own row from the moment
    it was answered), grouped by pairing and month: ``rows`` are (pairing, mentor, mentee, month, sessions,
    minutes), the month as ``year * 12 + month - 1`` (0 throughout when read without months)."""

    rows: list[tuple[int, int, int, int, int, int]]

    def month_of(self, day: datetime.date) -> int:
        """The month number of ``rows`` for the month of ``day``."""
        return day.year * 12 + day.month - 1

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


def held_read(programme: Programme, p: Period, *, by_month: bool = True) -> Held:
    """One grouped read of the period's sessions as they stood at its end (the costly part of a report), which
    the department table, sessions by month and protected time then add up their own ways.

    ``Held``'s sessions, read in two parts that never overlap: a session with a history counts by the row of it
    that stood then (confirmed and dated in the period), read from the history alone; one without (made outside
    the session services: ``recorded`` unset) by its own row, found on the small index of those. Without
    ``by_month``, a row per pairing only (half as many rows to bring back, for a period whose months nothing
    shows). Months come as numbers, not dates: tens of thousands of rows read faster.
    """
    end = _end_of(p.end)
    stood = SessionState.objects.filter(
        Q(until__isnull=True) | Q(until__gte=end),
        pairing__programme=programme,
        status=MentoringSession.Status.CONFIRMED,
        held_on__gte=p.start,
        held_on__lte=p.end,
        since__lt=end,
    )
    unrecorded = MentoringSession.objects.filter(
        Q(answered_at__isnull=True) | Q(answered_at__lt=end),
        ~Exists(SessionState.objects.filter(session=OuterRef("pk"))),
        recorded=False,
        pairing__programme=programme,
        status=MentoringSession.Status.CONFIRMED,
        held_on__gte=p.start,
        held_on__lte=p.end,
    )
    # A whole number in SQL too (PostgreSQL's EXTRACT gives decimals): the rows are read as the driver gives them.
    month = Cast(ExtractYear("held_on") * 12 + ExtractMonth("held_on") - 1, IntegerField()) if by_month else Value(0)
    grouped = [
        sessions.annotate(month=month)
        .order_by()
        .values_list("pairing", "pairing__mentor", "pairing__mentee", "month")
        .annotate(n=Count("pk"), m=Sum("duration_minutes"))
        for sessions in (stood, unrecorded)
    ]
    # One query (UNION ALL): a pairing's month can come in both parts, which every sum here adds up.
    return Held(rows=_plain_rows(grouped[0].union(grouped[1], all=True)))
