"""Reads of matching: one mentee assessed against many mentors (pure), the coordinator's cohort table, a
mentee's suggestions, the choices of a swap, and the rounds of a programme with their proposals.

The scores live in ``mentoring.selectors.scoring``, the cohort and the hard rules in
``mentoring.selectors.cohort``; the writes (rounds, swaps, publishing) in ``mentoring.services.matching``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext, gettext_lazy, ngettext_lazy

from mentoring.models import MatchProposal, MatchRound, Pairing
from mentoring.selectors.assignment import FORBIDDEN
from mentoring.selectors.cohort import (
    ENDED,
    Broken,
    Cohort,
    below_minimum,
    cohort_load,
    mentee_rules,
    mentor_rules,
    rules_broken,
)
from mentoring.selectors.scoring import Profile, score_matrix, score_parts
from programmes.models import Person, Programme

# --- Assessing one mentee against many mentors (pure) ---------------------------------------------------------

# Why every mentor is ruled out, as a whole sentence when one rule rules them all out, and as a count otherwise.
RULE_WORDS = {
    "chain": (
        gettext_lazy("every possible mentor is in their management chain"),
        ngettext_lazy("%(count)s in their management chain", "%(count)s in their management chain", "count"),
    ),
    "reports": (
        gettext_lazy("every possible mentor reports to them, directly or further down"),
        ngettext_lazy("%(count)s reporting to them", "%(count)s reporting to them", "count"),
    ),
    "paired_before": (
        gettext_lazy("every possible mentor was paired with them before"),
        ngettext_lazy("%(count)s paired with them before", "%(count)s paired with them before", "count"),
    ),
    "not_ready": (
        gettext_lazy("every possible mentor has not met the required training and has no readiness override"),
        ngettext_lazy("%(count)s not meeting the training", "%(count)s not meeting the training", "count"),
    ),
    "oneself": (
        gettext_lazy("every possible mentor is themselves"),
        ngettext_lazy("%(count)s themselves", "%(count)s themselves", "count"),
    ),
}


@dataclass
class Assessment:
    """One mentee against a list of mentors: the score with each one the rules allow, and why others are out."""

    mentee: Profile
    scores: list[int | None]  # aligned with the mentors assessed; None where a rule forbids the pair
    mentee_broken: list[Broken]
    ruled_out: Counter[str] = field(default_factory=Counter)  # rule -> mentors it alone rules out first
    shares_skill: bool = False  # some allowed mentor offers at least one wanted skill

    @property
    def best(self) -> int | None:
        return max((s for s in self.scores if s is not None), default=None)


def assess(cohort: Cohort, mentees: Sequence[Profile], mentors: Sequence[Profile]) -> list[Assessment]:
    """Score each of ``mentees`` against ``mentors`` (those with a free place), pair by pair under the hard
    rules. The mentor's own rules are checked once per mentor, the mentee's once per mentee; scores come from
    one ``score_matrix`` over the whole cohort. No queries."""
    scores, shares = score_matrix(mentors, mentees, cohort.weights)
    column = {m.pk: j for j, m in enumerate(mentors)}
    mentor_rule = [next((b.rule for b in mentor_rules(cohort, m.pk)), None) for m in mentors]
    # Mentors below each person in the management chain: a mentee never mentored by someone they manage.
    managed_by: dict[int, list[int]] = {}
    for m in mentors:
        for boss in cohort.chain(m.pk):
            managed_by.setdefault(boss, []).append(m.pk)
    paired_before: dict[int, list[int]] = {}
    for mentor_id, mentee_id in cohort.ended:
        if (mentor_id, mentee_id) not in cohort.overrides:
            paired_before.setdefault(mentee_id, []).append(mentor_id)
    assessments = []
    for i, mentee in enumerate(mentees):
        broken = mentee_rules(cohort, mentee.pk)
        if broken:
            assessments.append(Assessment(mentee, [None] * len(mentors), broken))
            continue
        rules = list(mentor_rule)
        for rule, mentor_ids in (
            ("oneself", [mentee.pk]),
            ("chain", cohort.chain(mentee.pk)),
            ("reports", managed_by.get(mentee.pk, [])),
            ("paired_before", paired_before.get(mentee.pk, [])),
        ):
            for mentor_id in mentor_ids:
                j = column.get(mentor_id)
                if j is not None and rules[j] is None:
                    rules[j] = rule
        row, share = scores[i].tolist(), shares[i].tolist()
        assessments.append(
            Assessment(
                mentee,
                [None if rule else s for rule, s in zip(rules, row, strict=True)],
                [],
                Counter(rule for rule in rules if rule),
                any(sh and not rule for rule, sh in zip(rules, share, strict=True)),
            )
        )
    return assessments


# The rules ``assess`` records per pair, in the order it applies them (the first that applies is the one counted).
PAIR_RULES = ("not_ready", "left", "not_approved", "capacity", "oneself", "chain", "reports", "paired_before")


@dataclass
class RowAssessment:
    """One mentee's row of ``assess_matrix``: what ``no_match_reason`` needs, without a Python object per pair."""

    mentee: Profile
    mentee_broken: list[Broken]
    ruled_out: Counter[str]
    shares_skill: bool
    best: int | None  # the best score among the mentors the rules allow (the minimum aside)
    best_mentor: int | None  # its column


@dataclass
class MatrixAssessment:
    """Every mentee (rows) against every mentor with a place (columns): scores as int16, FORBIDDEN where a hard rule
    or the minimum forbids the pair, and per mentee the summary its reason needs."""

    scores: np.ndarray
    rows: list[RowAssessment]


def assess_matrix(
    cohort: Cohort, mentees: Sequence[Profile], mentors: Sequence[Profile], *, chunk: int = 256
) -> MatrixAssessment:
    """``assess`` for whole cohorts: the same rules and scores, computed ``chunk`` mentees at a time into one int16
    matrix (2 bytes a pair: 80 MB for 10,000 x 4,000), never a Python object per pair. No queries."""
    n, m = len(mentees), len(mentors)
    scores = np.full((n, m), FORBIDDEN, dtype=np.int16)
    column = {p.pk: j for j, p in enumerate(mentors)}
    code_of = {rule: k + 1 for k, rule in enumerate(PAIR_RULES)}
    mentor_code = np.array(
        [next((code_of.get(b.rule, 0) for b in mentor_rules(cohort, p.pk)), 0) for p in mentors], dtype=np.int8
    )
    managed_by: dict[int, list[int]] = {}
    for p in mentors:
        for boss in cohort.chain(p.pk):
            managed_by.setdefault(boss, []).append(p.pk)
    paired_before: dict[int, list[int]] = {}
    for mentor_id, mentee_id in cohort.ended:
        if (mentor_id, mentee_id) not in cohort.overrides:
            paired_before.setdefault(mentee_id, []).append(mentor_id)
    minimum = cohort.weights.min_score
    rows: list[RowAssessment] = []
    for start in range(0, n, chunk):
        block = mentees[start : start + chunk]
        if not m:
            rows += [RowAssessment(p, mentee_rules(cohort, p.pk), Counter(), False, None, None) for p in block]
            continue
        values, shares = score_matrix(mentors, block, cohort.weights)
        codes = np.broadcast_to(mentor_code, values.shape).copy()
        broken_rows = []
        for offset, mentee in enumerate(block):
            broken_rows.append(mentee_rules(cohort, mentee.pk))
            for rule, mentor_ids in (
                ("oneself", [mentee.pk]),
                ("chain", cohort.chain(mentee.pk)),
                ("reports", managed_by.get(mentee.pk, [])),
                ("paired_before", paired_before.get(mentee.pk, [])),
            ):
                for mentor_id in mentor_ids:
                    j = column.get(mentor_id)
                    if j is not None and not codes[offset, j]:
                        codes[offset, j] = code_of[rule]
        free = codes == 0
        ok = free & (values >= minimum)
        for offset, broken in enumerate(broken_rows):
            if broken:
                ok[offset] = False
        scores[start : start + len(block)] = np.where(ok, values, FORBIDDEN)
        masked = np.where(free, values, np.iinfo(np.int64).min)
        best_column = masked.argmax(axis=1)
        any_free = free.any(axis=1)
        share_any = (shares & free).any(axis=1)
        counts = np.stack([(codes == k + 1).sum(axis=1) for k in range(len(PAIR_RULES))], axis=1)
        for offset, mentee in enumerate(block):
            ruled_out = Counter({PAIR_RULES[k]: int(c) for k, c in enumerate(counts[offset].tolist()) if c})
            if broken_rows[offset]:
                rows.append(RowAssessment(mentee, broken_rows[offset], Counter(), False, None, None))
                continue
            found = bool(any_free[offset])
            j = int(best_column[offset])
            rows.append(
                RowAssessment(
                    mentee,
                    [],
                    ruled_out,
                    bool(share_any[offset]),
                    int(values[offset, j]) if found else None,
                    j if found else None,
                )
            )
    return MatrixAssessment(scores, rows)


def no_match_reason(cohort: Cohort, assessment: Assessment | RowAssessment, free_mentors: int) -> str:
    """Why no mentor qualifies for the mentee, in words; "" when one does (score at or above the minimum)."""
    if assessment.mentee_broken:
        return " ".join(b.text for b in assessment.mentee_broken)
    if not cohort.mentors:
        return gettext("the programme has no approved mentors")
    if not free_mentors:
        return gettext("no mentor has a free place")
    best, minimum = assessment.best, cohort.weights.min_score
    if best is None:
        ruled_out = assessment.ruled_out
        if len(ruled_out) == 1:
            return str(RULE_WORDS[next(iter(ruled_out))][0])
        counts = ", ".join(RULE_WORDS[rule][1] % {"count": n} for rule, n in ruled_out.most_common())
        return gettext("every mentor with a free place is ruled out: %(counts)s") % {"counts": counts}
    if best < minimum:
        if not assessment.shares_skill:
            return gettext("no mentor with free capacity shares any wanted skill")
        return gettext("best score %(best)s is below the minimum of %(minimum)s") % {"best": best, "minimum": minimum}
    return ""


def mentors_with_places(cohort: Cohort, extra_load: Mapping[int, int] | None = None) -> list[Profile]:
    extra = extra_load or {}
    return [m for m in cohort.mentors.values() if cohort.free_places(m.pk) - extra.get(m.pk, 0) > 0]


# --- The coordinator's tables and a mentee's suggestions --------------------------------------------


@dataclass
class Suggestion:
    """A mentor the rules allow for a mentee, with the score and its parts in words."""

    mentor: Person
    score: int
    parts: list[dict[str, Any]]
    free_places: int


@dataclass
class CohortRow:
    mentee: Profile
    status: str  # "", or the status of their open pairing
    mentor_name: str  # their open pairing's mentor
    suggestions: list[Suggestion]
    reason: str  # why nobody qualifies, when nobody does
    about_readiness: bool = False  # the reason is a missing readiness override (the page explains the term)


def cohort_mentees(cohort: Cohort, *, unmatched_only: bool = False, name: str = "") -> list[Profile]:
    """The cohort's mentees by name, optionally only those without a mentor, or whose name contains ``name``."""
    needle = name.strip().casefold()
    return [
        m
        for m in cohort.mentees.values()
        if not (unmatched_only and m.pk in cohort.mentee_pairing) and needle in m.name.casefold()
    ]


def _suggest(cohort: Cohort, assessment: Assessment, mentors: Sequence[Profile], limit: int) -> list[Suggestion]:
    minimum = cohort.weights.min_score
    ranked = sorted(
        (j for j, s in enumerate(assessment.scores) if s is not None and s >= minimum),
        key=lambda j: (-assessment.scores[j], mentors[j].name.casefold()),
    )[:limit]
    suggestions = []
    for j in ranked:
        score, parts = score_parts(mentors[j], assessment.mentee, cohort.weights)
        suggestions.append(Suggestion(mentors[j].person, score, parts, cohort.free_places(mentors[j].pk)))
    return suggestions


def cohort_rows(cohort: Cohort, mentees: Sequence[Profile], *, top: int = 3) -> list[CohortRow]:
    """The coordinator's cohort table for some mentees (a page of them): each one's best few mentors among those
    with a free place that the rules allow, or why there is none. No queries."""
    mentors = mentors_with_places(cohort)
    waiting = [m for m in mentees if m.pk not in cohort.mentee_pairing]
    assessments = {a.mentee.pk: a for a in assess(cohort, waiting, mentors)}
    rows = []
    for mentee in mentees:
        if mentee.pk in cohort.mentee_pairing:
            mentor_id, status = cohort.mentee_pairing[mentee.pk]
            mentor = cohort.mentors.get(mentor_id)
            rows.append(CohortRow(mentee, status, mentor.name if mentor else gettext("a former mentor"), [], ""))
            continue
        assessment = assessments[mentee.pk]
        suggestions = _suggest(cohort, assessment, mentors, top)
        reason = "" if suggestions else no_match_reason(cohort, assessment, len(mentors))
        about_readiness = bool(reason) and (
            any(b.rule == "not_ready" for b in assessment.mentee_broken)
            or (assessment.best is None and set(assessment.ruled_out) == {"not_ready"})
        )
        rows.append(CohortRow(mentee, "", "", suggestions, reason, about_readiness))
    return rows


def suggestions_for(*, programme: Programme, mentee: Person, limit: int = 5) -> list[Suggestion]:
    """A mentee's best mentors: those with a free place, allowed by every hard rule, scoring at least the
    programme's minimum; best first. Empty when the mentee may not be matched now (for instance because they
    already have a mentor or a proposed pairing). Eleven queries, whatever the cohort's size.

    Each suggestion's ``parts`` is what ``MentorRequest.explanation`` and ``Pairing.explanation`` store.
    Only ever show a mentee their own suggestions.
    """
    cohort = cohort_load(programme=programme)
    profile = cohort.mentees.get(mentee.pk)
    if profile is None:
        return []
    mentors = mentors_with_places(cohort)
    return _suggest(cohort, assess(cohort, [profile], mentors)[0], mentors, limit)


@dataclass
class SwapChoice:
    mentor: Profile
    score: int
    parts: list[dict[str, Any]]
    free_places: int
    broken: list[Broken]


def swap_choices(cohort: Cohort, proposed: Counter[int], proposal: MatchProposal) -> list[SwapChoice]:
    """Every mentor of the cohort for the proposal's mentee: those the rules allow first, best score first;
    then the others with the rules they break. ``proposed`` counts the round's live proposals per mentor."""
    mentee = cohort.mentees.get(proposal.mentee_id)
    if mentee is None:
        return []
    proposed = Counter(proposed)
    proposed[proposal.mentor_id] -= 1
    choices = []
    for mentor in cohort.mentors.values():
        if mentor.pk == proposal.mentor_id:
            continue
        broken = rules_broken(cohort, mentor.pk, mentee.pk, extra_load=proposed[mentor.pk])
        broken = broken or below_minimum(cohort, mentor.pk, mentee.pk)
        score, parts = score_parts(mentor, mentee, cohort.weights)
        free = max(0, mentor.capacity - cohort.load[mentor.pk] - proposed[mentor.pk])
        choices.append(SwapChoice(mentor, score, parts, free, broken))
    choices.sort(key=lambda c: (bool(c.broken), -c.score, c.mentor.name.casefold()))
    return choices


def rounds_for(programme: Programme) -> QuerySet[MatchRound]:
    """The programme's rounds, newest first, with who ran and published them and their live proposal count."""
    return (
        MatchRound.objects.filter(programme=programme)
        .select_related("run_by", "published_by")
        .annotate(proposal_count=Count("proposals", filter=Q(proposals__removed=False)))
        .order_by("-created_at", "-pk")
    )


def draft_round(programme: Programme) -> MatchRound | None:
    """The programme's draft round, if one is waiting to be published, with who ran it and its proposal count."""
    return rounds_for(programme).filter(status=MatchRound.Status.DRAFT).first()


def round_proposals(match_round: MatchRound) -> QuerySet[MatchProposal]:
    """A round's live proposals by mentee, with both people and any pairing made (lazy, for a paginator)."""
    return (
        match_round.proposals.filter(removed=False)
        .select_related("mentor", "mentee", "pairing")
        .order_by("mentee__display_name", "pk")
    )


def live_proposal_count(match_round: MatchRound) -> int:
    return match_round.proposals.filter(removed=False).count()


def earlier_pairings(*, mentor: Person, mentee: Person) -> QuerySet[Pairing]:
    """The pair's ended pairings, latest first. Status and dates only: an earlier pairing may belong to a
    programme the coordinator does not run."""
    return Pairing.objects.filter(mentor=mentor, mentee=mentee, status__in=ENDED).order_by("-ended_on")
