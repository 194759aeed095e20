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
    criterion_rule,
    mentee_rules,
    mentor_rules,
    rules_broken,
)
from mentoring.selectors.score_matrix import required_codes, score_matrix, wish_matrix
from mentoring.selectors.scoring import CRITERIA, Profile, as_read_by, score_parts
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
    # The programme's required criteria (MatchSettings.*_rule).
    "language": (
        gettext_lazy("no mentor with a free place shares a language (required)"),
        ngettext_lazy("%(count)s sharing no language (required)", "%(count)s sharing no language (required)", "count"),
    ),
    "meeting_mode": (
        gettext_lazy("no mentor with a free place can meet the same way (meeting mode required)"),
        ngettext_lazy(
            "%(count)s meeting another way (meeting mode required)",
            "%(count)s meeting another way (meeting mode required)",
            "count",
        ),
    ),
    "time_zone": (
        gettext_lazy("no mentor with a free place is in a near enough time zone (required)"),
        ngettext_lazy(
            "%(count)s too far apart in time zones (required)",
            "%(count)s too far apart in time zones (required)",
            "count",
        ),
    ),
    "department": (
        gettext_lazy("no mentor with a free place is in another department (required)"),
        ngettext_lazy(
            "%(count)s in the same department (another one required)",
            "%(count)s in the same department (another one required)",
            "count",
        ),
    ),
    "same_department": (
        gettext_lazy("no mentor with a free place is in the same department (required)"),
        ngettext_lazy(
            "%(count)s in another department (the same one required)",
            "%(count)s in another department (the same one required)",
            "count",
        ),
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


def rule_codes(cohort: Cohort, mentees: Sequence[Profile], mentors: Sequence[Profile]) -> tuple[np.ndarray, list[str]]:
    """Which hard rule forbids each pair (mentees in rows): an int16 matrix, 0 where the pair is allowed, else the
    index in the returned names of the first rule it breaks (the mentor's own rules, then oneself, the management
    chain both ways, paired before, then the programme's required criteria). The mentees' own rules
    (``mentee_rules``) are not in it. Sparse rules are set pair by pair, required criteria as whole matrices
    (``required_codes``); call it on chunks of mentees for a large cohort. No queries."""
    names = [""]
    code_of: dict[str, int] = {}

    def code(rule: str) -> int:
        if rule not in code_of:
            code_of[rule] = len(names)
            names.append(rule)
        return code_of[rule]

    codes = np.zeros((len(mentees), len(mentors)), dtype=np.int16)
    for j, m in enumerate(mentors):
        rule = next((b.rule for b in mentor_rules(cohort, m.pk)), None)
        if rule:
            codes[:, j] = code(rule)
    column = {m.pk: j for j, m in enumerate(mentors)}
    # Mentors below each person in the management chain: a mentee never mentored by someone they manage.
    managed_by: dict[int, list[int]] = {}
    for m in mentors:
        for boss in cohort.chain(m.pk):
            managed_by.setdefault(boss, []).append(m.pk)
    paired_before: dict[int, list[int]] = {}
    for mentor_id, mentee_id in cohort.ended:
        if (mentor_id, mentee_id) not in cohort.overrides:
            paired_before.setdefault(mentee_id, []).append(mentor_id)
    for i, mentee in enumerate(mentees):
        for rule, mentor_ids in (
            ("oneself", [mentee.pk]),
            ("chain", cohort.chain(mentee.pk)),
            ("reports", managed_by.get(mentee.pk, [])),
            ("paired_before", paired_before.get(mentee.pk, [])),
        ):
            for mentor_id in mentor_ids:
                j = column.get(mentor_id)
                if j is not None and not codes[i, j]:
                    codes[i, j] = code(rule)
    if cohort.weights.required and len(mentees) and len(mentors):
        required = required_codes(mentors, mentees, cohort.weights)
        as_rule = np.array([0, *(code(criterion_rule(cohort.weights, c)) for c in CRITERIA)], dtype=np.int16)
        codes = np.where((codes == 0) & (required > 0), as_rule[required], codes)
    return codes, names


def assess(cohort: Cohort, mentees: Sequence[Profile], mentors: Sequence[Profile]) -> list[Assessment]:
    """Score each of ``mentees`` against ``mentors`` (those with a free place) under the hard rules. The mentor's
    own rules are checked once per mentor, the mentee's once per mentee, the rules of pairs as matrices
    (``rule_codes``); scores come from one ``score_matrix`` over the whole cohort. No queries."""
    scores, shares = score_matrix(mentors, mentees, cohort.weights)
    codes, names = rule_codes(cohort, mentees, mentors)
    assessments = []
    for i, mentee in enumerate(mentees):
        broken = mentee_rules(cohort, mentee.pk)
        if broken:
            assessments.append(Assessment(mentee, [None] * len(mentors), broken))
            continue
        row_codes = codes[i]
        out = np.flatnonzero(row_codes).tolist()
        row: list[int | None] = scores[i].tolist()
        for j in out:
            row[j] = None
        assessments.append(
            Assessment(
                mentee,
                row,
                [],
                Counter(names[c] for c in row_codes[out].tolist()),
                bool((shares[i] & (row_codes == 0)).any()),
            )
        )
    return assessments


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
    """``assess`` for whole cohorts: the same rules (``rule_codes``, the required criteria included) and scores,
    computed ``chunk`` mentees at a time into one int16 matrix (2 bytes a pair: 80 MB for 10,000 x 4,000), never a
    Python object per pair. No queries."""
    n, m = len(mentees), len(mentors)
    scores = np.full((n, m), FORBIDDEN, dtype=np.int16)
    minimum = cohort.weights.min_score
    rows: list[RowAssessment] = []
    for start in range(0, n, chunk):
        block = mentees[start : start + chunk]
        broken_rows = [mentee_rules(cohort, p.pk) for p in block]
        if not m:
            rows += [RowAssessment(p, b, Counter(), False, None, None) for p, b in zip(block, broken_rows, strict=True)]
            continue
        values, shares = score_matrix(mentors, block, cohort.weights)
        codes, names = rule_codes(cohort, block, mentors)
        free = codes == 0
        ok = free & (values >= minimum)
        ok[[i for i, broken in enumerate(broken_rows) if broken]] = False
        scores[start : start + len(block)] = np.where(ok, values, FORBIDDEN)
        best_column = np.where(free, values, np.iinfo(np.int64).min).argmax(axis=1)
        any_free = free.any(axis=1)
        share_any = (shares & free).any(axis=1)
        counts = np.stack([(codes == k).sum(axis=1) for k in range(len(names))], axis=1)
        for offset, mentee in enumerate(block):
            if broken_rows[offset]:
                rows.append(RowAssessment(mentee, broken_rows[offset], Counter(), False, None, None))
                continue
            ruled_out = Counter({names[k]: int(c) for k, c in enumerate(counts[offset].tolist()) if k and c})
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


def mentees_ruled_out(cohort: Cohort) -> int:
    """How many mentees waiting for a mentor (no open pairing, none of their own rules broken) have no mentor
    with a free place that every hard rule allows (the programme's required criteria included). No queries."""
    mentees = [p for p in cohort.mentees.values() if p.pk not in cohort.mentee_pairing]
    mentees = [p for p in mentees if not mentee_rules(cohort, p.pk)]
    mentors = mentors_with_places(cohort)
    if not mentees or not mentors:
        return len(mentees)
    codes, _names = rule_codes(cohort, mentees, mentors)
    return int((codes != 0).all(axis=1).sum())


def mentors_with_places(cohort: Cohort, extra_load: Mapping[int, int] | None = None) -> list[Profile]:
    extra = extra_load or {}
    return [m for m in cohort.mentors.values() if cohort.free_places(m.pk) - extra.get(m.pk, 0) > 0]


# --- The coordinator's tables and a mentee's suggestions --------------------------------------------


# A mentee's top five: what the suggestions page shows, and what the spread of popular mentors counts.
SUGGESTIONS = 5


@dataclass
class Suggestion:
    """A mentor the rules allow for a mentee, with the score and its parts in words. ``score`` is the real one (it
    may be below the minimum where a mentor prefers not: suggestions go by the score the mentee reads)."""

    mentor: Person
    score: int
    parts: list[dict[str, Any]]
    free_places: int
    # Shown although the mentor is already in their share of top-fives: every allowed mentor with a share left
    # was taken. The page says "popular: many mentees see this mentor".
    popular: bool = False

    @property
    def mentee_score(self) -> int:
        """The score as the mentee reads it: without the mentor's wish (``scoring.as_read_by``)."""
        return as_read_by(self.score, self.parts, "mentee")[0]

    @property
    def mentee_parts(self) -> list[dict[str, Any]]:
        return as_read_by(self.score, self.parts, "mentee")[1]


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


def _suggestion(cohort: Cohort, mentor: Profile, mentee: Profile, popular: bool = False) -> Suggestion:
    score, parts = score_parts(mentor, mentee, cohort.weights)
    return Suggestion(mentor.person, score, parts, cohort.free_places(mentor.pk), popular)


# Mentees scored at once when spreading suggestions: bounds the memory of a large cohort (rows x mentors x 8 bytes).
CHUNK = 1024


def _pick_keys(
    cohort: Cohort, mentors: Sequence[Profile], mentees: Sequence[Profile], rank: np.ndarray, width: int
) -> np.ndarray:
    """One key per pair, unique in its row, bigger is better: the score, then the mentor's name (the order a mentee
    reads), from ``rank`` (each mentor's place by name among ``width`` mentors); -1 where a hard rule or the
    minimum forbids the pair."""
    minimum = cohort.weights.min_score
    scores, _shares = score_matrix(mentors, mentees, cohort.weights)
    codes, _names = rule_codes(cohort, mentees, mentors)
    # Chosen and ordered by the score as the mentee reads it (without the mentors' wishes), so that neither the
    # presence, the choice among allowed mentors nor the order tells a mentee a wish: a "prefer not" that takes the
    # real score below the minimum leaves the mentor in her lists (and a "prefer" does not add one). A proposal still
    # needs the real score at the minimum (``below_minimum``): a mentor's "prefer not" can keep a round from proposing
    # them, and it is the round, not her lists, that shows it.
    read = scores - wish_matrix(mentors, mentees, cohort.weights)
    lowest = int(min(read.min(initial=0), minimum)) - 100  # keys stay >= 0 for every allowed pair
    return np.where((codes == 0) & (read >= minimum), (read - lowest) * width + (width - 1 - rank)[None, :], -1)


def suggestion_picks(
    cohort: Cohort,
    mentors: Sequence[Profile],
    *,
    limit: int = SUGGESTIONS,
    mentees: Sequence[Profile] | None = None,
) -> dict[int, list[tuple[int, bool]]]:
    """Each waiting mentee's top ``limit`` mentors among ``mentors`` (those with a free place): mentee id ->
    [(mentor column, popular)], best first. Only pairs every hard rule allows, scoring at least the minimum as the
    mentee reads the score (without the mentor's wish: ``_pick_keys``); a mentee with none is left out. No
    queries; scored in chunks of mentees.

    The programme's suggestion spread (``Cohort.suggestion_spread``, s) keeps popular mentors from being shown to
    everyone: a mentor appears in at most s x their free places top-fives. Every waiting mentee's best k = s x
    ``limit`` candidates are found (``argpartition``); then the places in the lists are handed out greedily, best
    score first across all mentees (ties: the mentee's id, then the mentor's name), passing over a mentor whose
    share is taken. A mentee left short takes their best allowed mentors with a share left beyond those k, and,
    when there are none, their best allowed mentors whatever their share, marked popular. With a spread of 0 each
    mentee simply gets their best ``limit`` (``mentees``, when given, limits the work to them).
    """
    spread = cohort.suggestion_spread
    waiting = mentees if mentees is not None and not spread else list(cohort.mentees.values())
    waiting = [p for p in waiting if p.pk not in cohort.mentee_pairing and not mentee_rules(cohort, p.pk)]
    n, m = len(waiting), len(mentors)
    if not n or not m:
        return {}
    rank = np.empty(m, dtype=np.int64)
    rank[sorted(range(m), key=lambda j: (mentors[j].name.casefold(), j))] = np.arange(m)
    k = min(m, limit * spread if spread else limit)
    rows, columns, keys, allowed_count = [], [], [], np.zeros(n, dtype=np.int64)
    for start in range(0, n, CHUNK):
        key = _pick_keys(cohort, mentors, waiting[start : start + CHUNK], rank, m)
        top = np.argpartition(-key, k - 1, axis=1)[:, :k] if k < m else np.broadcast_to(np.arange(m), key.shape)
        top_key = np.take_along_axis(key, top, axis=1)
        r, c = np.nonzero(top_key >= 0)
        rows.append(r + start)
        columns.append(top[r, c])
        keys.append(top_key[r, c])
        allowed_count[start : start + CHUNK] = (key >= 0).sum(axis=1)
    row_of, column_of, key_of = np.concatenate(rows), np.concatenate(columns), np.concatenate(keys)
    chosen: list[list[tuple[int, int, bool]]] = [[] for _ in range(n)]  # (key, mentor column, popular)
    if not spread:
        for i, j, key_ in zip(row_of.tolist(), column_of.tolist(), key_of.tolist(), strict=True):
            chosen[i].append((key_, j, False))
    else:
        quota = [spread * cohort.free_places(p.pk) for p in mentors]
        used = [0] * m
        mentee_ids = np.array([p.pk for p in waiting])
        best = np.full(n, -1, dtype=np.int64)
        np.maximum.at(best, row_of, key_of)
        order = np.lexsort((rank[column_of], mentee_ids[row_of], -(key_of // m)))
        for i, j, key_ in zip(row_of[order].tolist(), column_of[order].tolist(), key_of[order].tolist(), strict=True):
            if len(chosen[i]) < limit and used[j] < quota[j]:
                chosen[i].append((key_, j, False))
                used[j] += 1
        short = [i for i in range(n) if len(chosen[i]) < min(limit, int(allowed_count[i]))]
        short.sort(key=lambda i: (-int(best[i]), int(mentee_ids[i])))
        # Those left short: first their best allowed mentors with a share left (scored again, against those mentors
        # only), then their best allowed ones whatever their share, all among their k candidates.
        candidates: dict[int, list[tuple[int, int]]] = {i: [] for i in short}
        for i, j, key_ in zip(row_of.tolist(), column_of.tolist(), key_of.tolist(), strict=True):
            if i in candidates:
                candidates[i].append((key_, j))
        used_now, quota_now = np.array(used), np.array(quota)
        for start in range(0, len(short), CHUNK):
            block = short[start : start + CHUNK]
            shared = np.flatnonzero(used_now < quota_now)
            sub = _pick_keys(cohort, [mentors[j] for j in shared], [waiting[i] for i in block], rank[shared], m)
            for i, row in zip(block, sub, strict=True):
                taken = {j for _key, j, _popular in chosen[i]}
                free = np.flatnonzero((row >= 0) & (used_now[shared] < quota_now[shared]))
                for c in free[np.argsort(-row[free])].tolist():
                    if len(chosen[i]) >= limit:
                        break
                    if int(shared[c]) not in taken:
                        chosen[i].append((int(row[c]), int(shared[c]), False))
                        taken.add(int(shared[c]))
                        used_now[shared[c]] += 1
                for key_, j in sorted(candidates[i], reverse=True):
                    if len(chosen[i]) < limit and j not in taken:
                        chosen[i].append((key_, j, True))
                        taken.add(j)
                        used_now[j] += 1
    return {
        mentee.pk: [(j, popular) for _key, j, popular in sorted(chosen[i], reverse=True)]
        for i, mentee in enumerate(waiting)
        if chosen[i]
    }


def cohort_rows(cohort: Cohort, mentees: Sequence[Profile], *, top: int = 3) -> list[CohortRow]:
    """The coordinator's cohort table for some mentees (a page of them): each one's best few mentors among those
    with a free place that the rules allow (the first of the top five the mentee sees, spread as
    ``suggestion_picks`` spreads them), or why there is none. No queries."""
    mentors = mentors_with_places(cohort)
    waiting = [m for m in mentees if m.pk not in cohort.mentee_pairing]
    picks = suggestion_picks(cohort, mentors, mentees=waiting)
    assessments = {a.mentee.pk: a for a in assess(cohort, [m for m in waiting if m.pk not in picks], mentors)}
    rows = []
    for mentee in mentees:
        if mentee.pk in cohort.mentee_pairing:
            mentor_id, status = cohort.mentee_pairing[mentee.pk]
            mentor = cohort.mentors.get(mentor_id)
            rows.append(CohortRow(mentee, status, mentor.name if mentor else gettext("a former mentor"), [], ""))
            continue
        chosen = picks.get(mentee.pk, [])[:top]
        suggestions = [_suggestion(cohort, mentors[j], mentee, popular) for j, popular in chosen]
        if suggestions:
            rows.append(CohortRow(mentee, "", "", suggestions, ""))
            continue
        assessment = assessments[mentee.pk]
        reason = no_match_reason(cohort, assessment, len(mentors))
        about_readiness = bool(reason) and (
            any(b.rule == "not_ready" for b in assessment.mentee_broken)
            or (assessment.best is None and set(assessment.ruled_out) == {"not_ready"})
        )
        rows.append(CohortRow(mentee, "", "", suggestions, reason, about_readiness))
    return rows


def suggestions_for(*, programme: Programme, mentee: Person, limit: int = 5) -> list[Suggestion]:
    """A mentee's best mentors: those with a free place, allowed by every hard rule, scoring at least the
    programme's minimum as she reads the score (a mentor's "prefer not" never takes a mentor off her list; a round
    still needs the real score at the minimum); best first, popular mentors spread (``suggestion_picks``). Empty
    when the mentee may not be matched now (for instance because they already have a mentor or a proposed
    pairing). Thirteen queries, whatever the cohort's size.

    Each suggestion's ``parts`` is what ``MentorRequest.explanation`` and ``Pairing.explanation`` store.
    Only ever show a mentee their own suggestions, as they read them (``mentee_score``, ``mentee_parts``): they
    are chosen and ordered by that score already.
    """
    return suggestions_in(cohort_load(programme=programme), mentee.pk, limit=limit)


def suggestions_in(cohort: Cohort, mentee_id: int, *, limit: int = 5) -> list[Suggestion]:
    """``suggestions_for`` on a cohort already loaded (no queries)."""
    profile = cohort.mentees.get(mentee_id)
    if profile is None:
        return []
    mentors = mentors_with_places(cohort)
    picks = suggestion_picks(cohort, mentors, limit=max(limit, SUGGESTIONS), mentees=[profile])
    return [_suggestion(cohort, mentors[j], profile, popular) for j, popular in picks.get(profile.pk, [])[:limit]]


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
