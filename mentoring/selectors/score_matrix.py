"""Scores for whole cohorts at once: ``score_matrix`` (every mentee's score with every mentor, exactly as
``mentoring.selectors.scoring.score_value`` computes them one by one, the same arithmetic on arrays),
``required_codes`` (the programme's required criteria as a matrix) and ``wish_matrix`` (the mentors' wishes'
points, which a mentee's reading of the score leaves out). Nothing here queries."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from mentoring.selectors.score_rematch import _rematch_matrix
from mentoring.selectors.scoring import (
    CRITERIA,
    EPSILON,
    FULL_AVAILABILITY_SLOTS,
    PARTS,
    WISH,
    Profile,
    Weights,
    ranking_fraction,
    readiness_fraction,
)
from programmes.models import MeetingMode


def _index(values: Iterable[Any]) -> dict[Any, int]:
    return {v: i for i, v in enumerate(dict.fromkeys(values))}


def _onehot(people: Sequence[Profile], positions: dict[Any, int], attribute: str) -> np.ndarray:
    matrix = np.zeros((len(people), len(positions)))
    for row, person in enumerate(people):
        for value in getattr(person, attribute):
            matrix[row, positions[value]] = 1
    return matrix


def _skills_matrix(mentors: Sequence[Profile], mentees: Sequence[Profile]) -> tuple[np.ndarray, np.ndarray]:
    """The skills fraction of every pair (mentees in rows), and whether the pair shares a wanted skill."""
    n, m = len(mentees), len(mentors)
    # Skills: min(wanted, offered) summed over skills = the number of levels l at which both reach l.
    skill_at = _index(s for p in (*mentees, *mentors) for s in p.skills)
    wanted, offered = np.zeros((n, len(skill_at))), np.zeros((m, len(skill_at)))
    for table, people in ((wanted, mentees), (offered, mentors)):
        for row, person in enumerate(people):
            for skill_id, (_name, level) in person.skills.items():
                table[row, skill_at[skill_id]] = level
    top = int(max(wanted.max(initial=0), offered.max(initial=0)))
    # One product over every (skill, level) pair at once; counts this small are exact in 32-bit floats.
    levels = np.arange(1, top + 1)
    reach_wanted = (wanted[:, :, None] >= levels).reshape(n, -1).astype(np.float32)
    reach_offered = (offered[:, :, None] >= levels).reshape(m, -1).astype(np.float32)
    covered = (reach_wanted @ reach_offered.T).astype(np.float64) if top else 0.0
    totals = np.array([p.wanted_total for p in mentees], dtype=float)[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        skills = np.where(totals > 0, covered / np.where(totals > 0, totals, 1), 0.0) if top else np.zeros((n, m))
    shares = (((wanted > 0) * 1.0) @ ((offered > 0) * 1.0).T) > 0 if top else np.zeros((n, m), dtype=bool)
    return skills, shares


def _column(people: Sequence[Profile], attribute: str) -> np.ndarray:
    return np.array([-1 if getattr(p, attribute) is None else getattr(p, attribute) for p in people])


def _team_matrix(mentors: Sequence[Profile], mentees: Sequence[Profile], same_department: bool) -> np.ndarray:
    """``different_team_fraction`` of every pair (mentees in rows)."""
    team_e, team_m = _column(mentees, "team_id")[:, None], _column(mentors, "team_id")[None, :]
    dept_e, dept_m = _column(mentees, "department_id")[:, None], _column(mentors, "department_id")[None, :]
    if same_department:
        team = np.where(dept_e == dept_m, 1.0, 0.0)
    else:
        team = np.where(dept_e != dept_m, 1.0, np.where(team_e != team_m, 0.5, 0.0))
    return np.where((team_e < 0) | (team_m < 0), 0.0, team)


def _modes_compatible(mentors: Sequence[Profile], mentees: Sequence[Profile]) -> np.ndarray:
    """Whether each pair's meeting modes are compatible (``meeting_mode_fraction`` is 1), as booleans."""
    mode_at = _index([MeetingMode.EITHER, *(p.meeting_mode for p in (*mentees, *mentors))])
    mode_e = np.array([mode_at[p.meeting_mode] for p in mentees], dtype=np.int32)[:, None]
    mode_m = np.array([mode_at[p.meeting_mode] for p in mentors], dtype=np.int32)[None, :]
    either = mode_at[MeetingMode.EITHER]
    return (mode_e == either) | (mode_m == either) | (mode_e == mode_m)


def _languages_shared(mentors: Sequence[Profile], mentees: Sequence[Profile]) -> np.ndarray:
    """Whether each pair shares a language, as booleans."""
    language_at = _index(key for p in (*mentees, *mentors) for key in p.languages)
    return (_onehot(mentees, language_at, "languages") @ _onehot(mentors, language_at, "languages").T) > 0


def _time_zone_matrix(mentors: Sequence[Profile], mentees: Sequence[Profile], weights: Weights) -> np.ndarray:
    """``time_zone_fraction`` of every pair."""
    known_e = np.array([p.utc_offset is not None for p in mentees])[:, None]
    known_m = np.array([p.utc_offset is not None for p in mentors])[None, :]
    offset_e = np.array([p.utc_offset or 0 for p in mentees], dtype=np.int64)[:, None]
    offset_m = np.array([p.utc_offset or 0 for p in mentors], dtype=np.int64)[None, :]
    apart, most = np.abs(offset_e - offset_m), 60 * weights.max_time_zone_hours
    fraction = np.where(apart <= most, 1.0, np.where(apart <= 2 * most, 0.5, 0.0))
    return np.where(known_e & known_m, fraction, 0.0)


def required_codes(mentors: Sequence[Profile], mentees: Sequence[Profile], weights: Weights) -> np.ndarray:
    """For every pair (mentees in rows, int8): 0 when it meets every required criterion, else 1 + the index in
    CRITERIA of the first one it does not meet. Whole blocks at once (call it on chunks of mentees for a large
    cohort); nothing per pair in Python. ``criteria_unmet`` is the one-pair twin."""
    n, m = len(mentees), len(mentors)
    codes = np.zeros((n, m), dtype=np.int8)
    if not n or not m:
        return codes
    met = {
        "language": lambda: _languages_shared(mentors, mentees),
        "meeting_mode": lambda: _modes_compatible(mentors, mentees),
        "time_zone": lambda: _time_zone_matrix(mentors, mentees, weights) == 1.0,
        "department": lambda: _team_matrix(mentors, mentees, weights.same_department) == 1.0,
    }
    for criterion in reversed(weights.required):  # the first unmet one in CRITERIA order is written last
        codes[~met[criterion]()] = CRITERIA.index(criterion) + 1
    return codes


def required_mask(mentors: Sequence[Profile], mentees: Sequence[Profile], weights: Weights) -> np.ndarray:
    """Whether each pair (mentees in rows) meets every required criterion: the allowed pairs as far as the
    programme's required criteria go (the other hard rules are ``mentoring.selectors.cohort``'s)."""
    return required_codes(mentors, mentees, weights) == 0


def score_matrix(
    mentors: Sequence[Profile], mentees: Sequence[Profile], weights: Weights
) -> tuple[np.ndarray, np.ndarray]:
    """Every mentee's (rows) score with every mentor (columns), exactly as ``score_value`` computes them one by
    one, and whether the pair shares a wanted skill: the same arithmetic on arrays, for whole cohorts."""
    n, m = len(mentees), len(mentors)
    if not n or not m:
        return np.zeros((n, m), dtype=np.int64), np.zeros((n, m), dtype=bool)
    skills, shares = _skills_matrix(mentors, mentees)
    team = _team_matrix(mentors, mentees, weights.same_department)

    grade_e, grade_m = _column(mentees, "grade")[:, None], _column(mentors, "grade")[None, :]
    gap = grade_m - grade_e
    in_band = (gap >= weights.gap_min) & (gap <= weights.gap_max)
    experience = np.where(gap < 0, 0.0, np.where(in_band, 1.0, 0.5))
    experience = np.where((grade_e < 0) | (grade_m < 0), 0.0, experience)

    slot_at = _index(s for p in (*mentees, *mentors) for s in p.availability)
    common = _onehot(mentees, slot_at, "availability") @ _onehot(mentors, slot_at, "availability").T
    availability = np.minimum(common, FULL_AVAILABILITY_SLOTS) / FULL_AVAILABILITY_SLOTS

    mode = _modes_compatible(mentors, mentees) * 1.0
    language = np.where(_languages_shared(mentors, mentees), 1.0, -1.0)

    readiness = np.array([readiness_fraction(p) for p in mentors])[None, :] * np.ones((n, 1))
    factors = weights.factors
    ranking, wish = _preference_matrices(mentors, mentees, weights, factors)

    # The exact parts summed in the same order as ``_total``, so that the floats, and the score, are the same.
    exact = np.zeros((n, m))
    # (A part weighted 0 adds exactly 0.0: the time zone's, 0 by default, is not computed then.)
    time_zone = _time_zone_matrix(mentors, mentees, weights) if weights.parts.get("time_zone") else 0.0
    parts = (skills, team, experience, availability, mode, language, readiness, time_zone, ranking)
    for fraction, factor in zip(parts, factors[:WISH], strict=True):
        exact = exact + fraction * factor
    scores = np.floor(exact + 0.5 + EPSILON).astype(np.int64) + _rematch_matrix(mentors, mentees)
    if factors[WISH]:
        scores += np.floor(wish * factors[WISH] + 0.5 + EPSILON).astype(np.int64)
    return scores, shares


def _preference_matrices(
    mentors: Sequence[Profile], mentees: Sequence[Profile], weights: Weights, factors: tuple[float, ...]
) -> tuple[np.ndarray | float, np.ndarray | float]:
    """The ranking and mentor's wish fractions of every pair (0 when the part does not count: no arrays then)."""
    n, m = len(mentees), len(mentors)
    ranking: np.ndarray | float = 0.0
    wish: np.ndarray | float = 0.0
    column = {p.pk: j for j, p in enumerate(mentors)}
    if factors[PARTS.index("ranking")]:
        ranking = np.zeros((n, m))
        for i, mentee in enumerate(mentees):
            for mentor_id in mentee.ranks:
                if (j := column.get(mentor_id)) is not None:
                    ranking[i, j] = ranking_fraction(mentors[j], mentee, weights)
    if factors[WISH]:
        wish = np.zeros((n, m))
        row = {p.pk: i for i, p in enumerate(mentees)}
        for j, mentor in enumerate(mentors):
            for mentee_id, stance in mentor.stances.items():
                if (i := row.get(mentee_id)) is not None:
                    wish[i, j] = stance
    return ranking, wish


def wish_matrix(mentors: Sequence[Profile], mentees: Sequence[Profile], weights: Weights) -> np.ndarray | int:
    """``wish_points`` of every pair (mentees in rows), on arrays; 0 when no wish counts."""
    factors = weights.factors
    if not factors[WISH]:
        return 0
    _ranking, wish = _preference_matrices(mentors, mentees, weights, factors)
    return np.floor(np.asarray(wish) * factors[WISH] + 0.5 + EPSILON).astype(np.int64)
