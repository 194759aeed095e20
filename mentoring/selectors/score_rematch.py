"""The re-match penalty: whole points a mentor loses for resembling a mentor whose pairing with the mentee ended
as a mismatch (``mentoring.selectors.scoring`` adds it after the rounding, so every other score stays as it was)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from django.utils.translation import gettext_noop

from mentoring.said import said, said_list

if TYPE_CHECKING:
    from mentoring.selectors.scoring import Mismatch, Profile


def _index(values: Iterable[Any]) -> dict[Any, int]:
    return {v: i for i, v in enumerate(dict.fromkeys(values))}


# --- Re-matching after a mismatch: a penalty in whole points, not weighted ---------------------------------------

# Points a mentor loses for each way they resemble a mentor whose pairing with the mentee ended as a mismatch: the
# same team, the same grade, very similar skills. At most three ways, so at most 15 points.
REMATCH_POINTS = 5
# Two skill profiles are very similar when the cosine of their offered levels is at least 4/5 (compared in whole
# numbers, 25 * dot^2 >= 16 * |a|^2 * |b|^2, so the matrix and the words never disagree at the edge).
SIMILAR_SKILLS = (16, 25)


def _skills_similar(a: Mapping[int, int], b: Mapping[int, int]) -> bool:
    dot = sum(level * b.get(skill, 0) for skill, level in a.items())
    norms = sum(v * v for v in a.values()) * sum(v * v for v in b.values())
    return norms > 0 and SIMILAR_SKILLS[1] * dot * dot >= SIMILAR_SKILLS[0] * norms


def _resemblance(mentor: Profile, mismatch: Mismatch) -> list[str]:
    """How the mentor resembles the mismatched one, as msgids: "same team", "same grade", "similar skills"."""
    ways = []
    if mentor.team_id is not None and mentor.team_id == mismatch.team_id:
        ways.append(gettext_noop("same team"))
    if mentor.grade is not None and mentor.grade == mismatch.grade:
        ways.append(gettext_noop("same grade"))
    offered = {skill_id: level for skill_id, (_name, level) in mentor.skills.items()}
    if _skills_similar(offered, mismatch.skills):
        ways.append(gettext_noop("similar skills"))
    return ways


def _closest_mismatch(mentor: Profile, mentee: Profile) -> list[str]:
    return max((_resemblance(mentor, m) for m in mentee.mismatches), key=len, default=[])


def rematch_points(mentor: Profile, mentee: Profile) -> int:
    """The penalty (0 or below) for a mentor similar to one whose pairing with the mentee ended as a mismatch: the
    most similar such mentor counts. 0 when no pairing of the mentee ended as a mismatch."""
    if not mentee.mismatches:
        return 0
    return -REMATCH_POINTS * len(_closest_mismatch(mentor, mentee))


def _rematch_matrix(mentors: Sequence[Profile], mentees: Sequence[Profile]) -> np.ndarray | int:
    """``rematch_points`` of every pair (mentees in rows), on arrays; 0 when no mentee has a mismatch."""
    rows = [(i, e) for i, e in enumerate(mentees) if e.mismatches]
    if not rows:
        return 0
    team = np.array([-1 if m.team_id is None else m.team_id for m in mentors])
    grade = np.array([-1 if m.grade is None else m.grade for m in mentors])
    mismatches = [x for _i, e in rows for x in e.mismatches]
    skill_at = _index([*(s for p in mentors for s in p.skills), *(s for x in mismatches for s in x.skills)])
    offered = np.zeros((len(mentors), len(skill_at)), dtype=np.int64)
    for j, m in enumerate(mentors):
        for skill_id, (_name, level) in m.skills.items():
            offered[j, skill_at[skill_id]] = level
    offered_norm = (offered * offered).sum(axis=1)
    penalty = np.zeros((len(mentees), len(mentors)), dtype=np.int64)
    for i, mentee in rows:
        ways = np.zeros(len(mentors), dtype=np.int64)
        for x in mentee.mismatches:
            vector = np.zeros(len(skill_at), dtype=np.int64)
            for skill_id, level in x.skills.items():
                vector[skill_at[skill_id]] = level
            dot = offered @ vector
            norms = offered_norm * int((vector * vector).sum())
            similar = (norms > 0) & (SIMILAR_SKILLS[1] * dot * dot >= SIMILAR_SKILLS[0] * norms)
            same_team = (team >= 0) & (team == (-2 if x.team_id is None else x.team_id))
            same_grade = (grade >= 0) & (grade == (-2 if x.grade is None else x.grade))
            ways = np.maximum(ways, same_team * 1 + same_grade * 1 + similar * 1)
        penalty[i] = -REMATCH_POINTS * ways
    return penalty


def _rematch_words(mentor: Profile, mentee: Profile) -> list:
    ways = _closest_mismatch(mentor, mentee)
    return said(
        gettext_noop("similar to a pairing that ended as a mismatch (%(ways)s)"),
        ways=said_list([said(w) for w in ways]),
    )
