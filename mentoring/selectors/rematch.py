"""Reads for matching again: re-match suggestions for mentees whose pairing ended early, and the mentees who joined
after the programme's last published round (late joiners). Pure functions over a loaded cohort, plus one query.

The re-match penalty itself is a part of every score (``mentoring.selectors.scoring.rematch_points``): the
suggestions here are the ordinary ones, ranked with it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import OuterRef, Subquery

from mentoring.models import MatchRound, Pairing
from mentoring.selectors.cohort import Cohort, EndedEarly
from mentoring.selectors.matching import Suggestion, cohort_rows
from mentoring.selectors.scoring import Profile
from programmes.models import Application, Programme, Role

# A mentee whose pairing ended early is matched again while the programme still matches or runs.
REMATCH_STATUSES = (Programme.Status.MATCHING, Programme.Status.RUNNING)
REMATCH_TOP = 5
REMATCH_ROWS = 25  # the page lists this many mentees at most, the longest waiting first


@dataclass
class RematchRow:
    mentee: Profile
    ended: EndedEarly
    suggestions: list[Suggestion]
    reason: str  # why no mentor qualifies, when none does

    @property
    def declined(self) -> bool:
        """The pairing that ended was a proposal one side declined (it never started)."""
        return self.ended.reason == Pairing.EndReason.NO_FAULT and self.ended.started_on is None

    @property
    def reason_label(self) -> str:
        return str(Pairing.EndReason(self.ended.reason).label) if self.ended.reason in Pairing.EndReason.values else ""


def rematch_waiting(cohort: Cohort) -> list[Profile]:
    """The mentees whose latest pairing in the programme ended early and who have no open pairing now, the longest
    waiting first; none unless the programme still matches or runs. No queries."""
    if cohort.programme.status not in REMATCH_STATUSES:
        return []
    waiting = [
        cohort.mentees[pk] for pk in cohort.ended_early if pk in cohort.mentees and pk not in cohort.mentee_pairing
    ]
    return sorted(
        waiting, key=lambda p: (cohort.ended_early[p.pk].ended_on or datetime.date.min, p.name.casefold(), p.pk)
    )


def rematch_rows(cohort: Cohort, *, top: int = REMATCH_TOP, limit: int = REMATCH_ROWS) -> list[RematchRow]:
    """Each waiting mentee (``rematch_waiting``, the first ``limit``) with their best ``top`` mentors among those
    with a free place, scored with the re-match penalty, or why there is none. No queries."""
    return [
        RematchRow(row.mentee, cohort.ended_early[row.mentee.pk], row.suggestions, row.reason)
        for row in cohort_rows(cohort, rematch_waiting(cohort)[:limit], top=top)
    ]


# --- Late joiners ----------------------------------------------------------------------------------------------


def late_joiner_ids(programme: Programme) -> set[int]:
    """The mentees approved after the programme's last published round (one query); none before a first round is
    published. Whether they have a mentor meanwhile is the cohort's to say (``late_joiners``)."""
    last = (
        MatchRound.objects.filter(programme=OuterRef("programme"), status=MatchRound.Status.PUBLISHED)
        .order_by("-published_at")
        .values("published_at")[:1]
    )
    return set(
        Application.objects.filter(programme=programme, role=Role.MENTEE, status=Application.Status.APPROVED)
        .filter(decided_at__gt=Subquery(last))
        .values_list("person_id", flat=True)
    )


def late_joiners(cohort: Cohort, ids: set[int]) -> list[Profile]:
    """Those of ``ids`` who are matchable mentees of the cohort without an open pairing, by name. No queries."""
    return [p for p in cohort.mentees.values() if p.pk in ids and p.pk not in cohort.mentee_pairing]


def free_places(cohort: Cohort) -> int:
    return sum(cohort.free_places(m.pk) for m in cohort.mentors.values())
