"""Reads of ranked preferences (issue 19): the mentors a mentee may rank, and the mentees a mentor may mark.

While a programme is matching, a mentee ranks up to N of their suggested mentors (N: ``MatchSettings.max_ranked``)
and a mentor marks waiting mentees "prefer" or "prefer not". Both become parts of the score
(``mentoring.selectors.scoring``); a mentor's wish is never shown to the mentee.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from mentoring.models import MenteeRanking, MentorStance, Pairing
from mentoring.selectors.cohort import OPEN, Cohort
from mentoring.selectors.matching import Suggestion, suggestions_in
from mentoring.selectors.scoring import Profile
from programmes.models import Application, ApplicationSkill, Membership, Programme, Role

# However few mentors a mentee may rank, they choose among at least this many suggestions.
FEWEST_CHOICES = 5


@dataclass
class RankingChoice:
    mentor: Profile
    suggestion: Suggestion | None  # None: ranked before, no longer among the suggestions (no place, a rule)
    rank: int | None  # their place in the mentee's ranking now


def ranking_choices(cohort: Cohort, mentee_id: int) -> list[RankingChoice]:
    """The mentors the mentee may rank: their best max(N, 5) suggestions, best first as they read them, then any
    mentor they ranked before who is no longer among those (still an approved mentor). No queries."""
    n = cohort.max_ranked
    profile = cohort.mentees.get(mentee_id)
    if not n or profile is None:
        return []
    suggestions = suggestions_in(cohort, mentee_id, limit=max(n, FEWEST_CHOICES))
    choices = [RankingChoice(cohort.mentors[s.mentor.pk], s, profile.ranks.get(s.mentor.pk)) for s in suggestions]
    offered = {c.mentor.pk for c in choices}
    for mentor_id, rank in sorted(profile.ranks.items(), key=lambda item: item[1]):
        if mentor_id not in offered and mentor_id in cohort.mentors:
            choices.append(RankingChoice(cohort.mentors[mentor_id], None, rank))
    return choices


def waiting_mentees(programme: Programme, *, exclude_person_id: int | None = None) -> QuerySet[Application]:
    """The programme's approved mentees (members, still with the organisation) without an open pairing, by name,
    with their people, teams and wanted skills (lazy, for a paginator: the count, one page, its skills)."""
    member = Membership.objects.filter(programme=programme, person=OuterRef("person"), role=Role.MENTEE)
    paired = Pairing.objects.filter(programme=programme, mentee=OuterRef("person"), status__in=OPEN)
    applications = (
        Application.objects.filter(
            programme=programme,
            role=Role.MENTEE,
            status=Application.Status.APPROVED,
            person__is_active=True,
            person__left_at__isnull=True,
            person__missing_from_hr_since__isnull=True,
        )
        .filter(Exists(member))
        .exclude(Exists(paired))
        .select_related("person__org_unit")
        .prefetch_related(
            Prefetch("skills", queryset=ApplicationSkill.objects.select_related("skill").order_by("skill__name"))
        )
        .order_by("person__display_name", "person_id")
    )
    if exclude_person_id is not None:
        applications = applications.exclude(person_id=exclude_person_id)
    return applications


def stances_of(*, programme: Programme, mentor_id: int, mentee_ids: list[int]) -> dict[int, str]:
    """The mentor's wishes about these mentees: mentee id -> "prefer" or "prefer_not" (one query)."""
    return dict(
        MentorStance.objects.filter(programme=programme, mentor_id=mentor_id, mentee_id__in=mentee_ids).values_list(
            "mentee_id", "stance"
        )
    )


def ranking_of(*, programme: Programme, mentee_id: int) -> list[MenteeRanking]:
    """The mentee's ranking, first choice first, with the mentors (one query)."""
    return list(
        MenteeRanking.objects.filter(programme=programme, mentee_id=mentee_id).select_related("mentor").order_by("rank")
    )


def is_approved_mentor(*, programme: Programme, person_id: int) -> bool:
    """Whether the person's mentor application to the programme is approved (one query): a mentor member without
    one (added by hand, or still applying) is not matched, and so neither sees nor marks the waiting mentees."""
    return Application.objects.filter(
        programme=programme, person_id=person_id, role=Role.MENTOR, status=Application.Status.APPROVED
    ).exists()
