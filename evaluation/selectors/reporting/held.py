"""The sessions a report counts, read once for its period and the previous one, shared by the sections counting them."""

from __future__ import annotations

import datetime
import operator
from dataclasses import dataclass
from functools import reduce

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, Sum, Value, When
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


def held_read(programme: Programme, period: Period, prev: Period) -> tuple[Held, Held]:
    """One grouped read of the sessions of a period and of the previous one, each as they stood at its period's
    end (the costly part of a report), which the department table, sessions by month and protected time then add
    up their own ways: one pass over the session history for both periods, not one each.

    ``Held``'s sessions, read in two parts that never overlap: a session with a history counts by the row of it
    that stood then (confirmed and dated in the period), read from the history alone; one without (made outside
    the session services: ``recorded`` unset) by its own row, found on the small index of those. The previous
    period's by pairing only (its months show nowhere: fewer rows to bring back). Months come as numbers, not
    dates: tens of thousands of rows read faster.
    """
    ends = {p: _end_of(p.end) for p in (period, prev)}
    stood = SessionState.objects.filter(
        reduce(
            operator.or_,
            (
                Q(held_on__gte=p.start, held_on__lte=p.end, since__lt=end) & (Q(until__isnull=True) | Q(until__gte=end))
                for p, end in ends.items()
            ),
        ),
        pairing__programme=programme,
        status=MentoringSession.Status.CONFIRMED,
    )
    unrecorded = MentoringSession.objects.filter(
        reduce(
            operator.or_,
            (
                Q(held_on__gte=p.start, held_on__lte=p.end) & (Q(answered_at__isnull=True) | Q(answered_at__lt=end))
                for p, end in ends.items()
            ),
        ),
        ~Exists(SessionState.objects.filter(session=OuterRef("pk"))),
        recorded=False,
        pairing__programme=programme,
        status=MentoringSession.Status.CONFIRMED,
    )
    # The period's month as a whole number (in SQL too: PostgreSQL's EXTRACT gives decimals, and the rows are read
    # as the driver gives them); PREVIOUS for the previous period's sessions (the periods never overlap).
    month = Case(
        When(
            held_on__gte=period.start,
            then=Cast(ExtractYear("held_on") * 12 + ExtractMonth("held_on") - 1, IntegerField()),
        ),
        default=Value(PREVIOUS),
        output_field=IntegerField(),
    )
    grouped = [
        sessions.annotate(month=month)
        .order_by()
        .values_list("pairing", "pairing__mentor", "pairing__mentee", "month")
        .annotate(n=Count("pk"), m=Sum("duration_minutes"))
        for sessions in (stood, unrecorded)
    ]
    # One query (UNION ALL): a pairing's month can come in both parts, which every sum here adds up.
    now, before = [], []
    for row in _plain_rows(grouped[0].union(grouped[1], all=True)):
        if row[3] == PREVIOUS:
            before.append((*row[:3], 0, *row[4:]))
        else:
            now.append(row)
    return Held(rows=now), Held(rows=before)


PREVIOUS = -1  # no month's number (year * 12 + month - 1) is negative
