"""Matching scores, for a whole cohort at once: the settings as plain numbers, the profiles, and pure
functions over them: ``score_value``, ``score_matrix`` and ``score_parts`` (the score and its parts in words).
Nothing here queries: the cohort that is scored (loaded once, in a fixed number of queries) and the hard
rules of pairing are in ``mentoring.selectors.cohort``.

A score runs from 0 to 100. Each part is a fraction of its weight (the coordinator's MatchSettings), and the
weights' sum maps to 100: with weights summing to 80, a part weighing 40 that is fully met gives 50 points.
The score is the exact sum of the parts rounded once (half up); the parts shown in words are rounded to whole
points with the largest remainder method, so that they always add up to the score shown (e.g. three parts of
33.4, 33.3 and 33.3 show as +34 +33 +33, not +33 +33 +33 under a score of 100). A score can fall below 0 (no
shared language is a penalty) and is then shown as it is; a pair below the programme's minimum is never proposed.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, ngettext_lazy

from mentoring.models import MatchSettings
from mentoring.said import said, said_list, said_plural, say
from programmes.models import (
    Application,
    MeetingMode,
    OrgUnit,
    Person,
    Role,
)
from programmes.models.core import departments_of

# --- Settings as plain numbers ------------------------------------------------------------------------------

PARTS: tuple[str, ...] = (
    "skills",
    "different_team",
    "experience_gap",
    "availability",
    "meeting_mode",
    "language",
    "readiness",
)
PART_LABELS: dict[str, str] = {
    "skills": _("Skills"),
    "different_team": _("Different team or department"),
    "experience_gap": _("Experience gap"),
    "availability": _("Overlapping availability"),
    "meeting_mode": _("Compatible meeting mode"),
    "language": _("Shared language"),
    "readiness": _("Mentor readiness"),
}
# Common time slots at which availability counts fully: beyond three, more overlap adds nothing.
FULL_AVAILABILITY_SLOTS = 3
NUMBER_WORDS = (
    gettext_noop("no"),
    gettext_noop("one"),
    gettext_noop("two"),
    gettext_noop("three"),
    gettext_noop("four"),
    gettext_noop("five"),
    gettext_noop("six"),
    gettext_noop("seven"),
    gettext_noop("eight"),
    gettext_noop("nine"),
    gettext_noop("ten"),
)
# How a meeting mode reads inside a sentence ("mentor: in person").
MODE_WORDS = {
    MeetingMode.IN_PERSON: gettext_noop("in person"),
    MeetingMode.VIDEO: gettext_noop("video call"),
    MeetingMode.EITHER: gettext_noop("either"),
}


@dataclass(frozen=True)
class Weights:
    """A programme's matching settings, detached from the database (also the snapshot a round keeps)."""

    parts: Mapping[str, int]
    gap_min: int = 1
    gap_max: int = 4
    min_score: int = 30

    @classmethod
    def from_settings(cls, settings: MatchSettings) -> Weights:
        return cls(
            parts={part: getattr(settings, f"{part}_weight") for part in PARTS},
            gap_min=settings.preferred_gap_min,
            gap_max=settings.preferred_gap_max,
            min_score=settings.min_score,
        )

    @classmethod
    def from_snapshot(cls, snapshot: Mapping[str, Any], *, fallback: Weights) -> Weights:
        """The weights a round stored (``snapshot()``); ``fallback`` when the snapshot is incomplete."""
        try:
            return cls(
                parts={part: int(snapshot[f"{part}_weight"]) for part in PARTS},
                gap_min=int(snapshot["preferred_gap_min"]),
                gap_max=int(snapshot["preferred_gap_max"]),
                min_score=int(snapshot["min_score"]),
            )
        except (KeyError, TypeError, ValueError):
            return fallback

    def snapshot(self) -> dict[str, int]:
        return {
            **{f"{part}_weight": self.parts[part] for part in PARTS},
            "preferred_gap_min": self.gap_min,
            "preferred_gap_max": self.gap_max,
            "min_score": self.min_score,
        }

    @property
    def factors(self) -> tuple[float, ...]:
        """Points for each part when it is fully met, in PARTS order; they sum to 100."""
        total = sum(self.parts.values())
        return tuple(100 * self.parts[part] / total if total else 0.0 for part in PARTS)


# --- Profiles -----------------------------------------------------------------------------------------------


class Readiness:
    READY = "ready"
    OVERRIDDEN = "overridden"
    NOT_READY = "not_ready"


@dataclass(eq=False)
class Profile:
    """What matching knows of one approved mentor or mentee (their application, person and readiness)."""

    person: Person
    role: str
    skills: Mapping[int, tuple[str, int]]  # skill id -> (name, level)
    availability: frozenset[str]
    meeting_mode: str
    languages: Mapping[str, str]  # case-folded -> as the person wrote it
    capacity: int = 0  # mentors only
    readiness: str = Readiness.READY
    application_id: int | None = None
    # The unit's department (``OrgUnit.objects.departments()``; cohort_load passes it); None: from the unit's
    # parents as loaded.
    department: int | None = None
    # Copied from the person once: scoring a cohort reads them a hundred thousand times.
    pk: int = field(init=False)
    name: str = field(init=False)
    grade: int | None = field(init=False)
    wanted_total: int = field(init=False)
    team_id: int | None = field(init=False)
    department_id: int | None = field(init=False)

    def __post_init__(self) -> None:
        self.pk, self.name, self.grade = self.person.pk, str(self.person), self.person.grade
        self.wanted_total = sum(level for _name, level in self.skills.values())
        unit = self.person.org_unit
        self.team_id = unit.pk if unit else None
        self.department_id = (self.department or _department_in_memory(unit)) if unit else None


def _department_in_memory(unit: OrgUnit) -> int:
    """The unit's department from the parents already loaded with it (no query): see ``departments_of``."""
    units: dict[int, tuple[int | None, str, str]] = {}
    parent_field = OrgUnit._meta.get_field("parent")
    while unit is not None and unit.pk not in units:
        units[unit.pk] = (unit.parent_id, unit.kind, unit.name)
        unit = unit.parent if unit.parent_id and parent_field.is_cached(unit) else None
    first = next(iter(units))
    return departments_of(units)[first][0]


def _languages(values: Iterable[Any]) -> dict[str, str]:
    return {str(v).strip().casefold(): str(v).strip() for v in values if str(v).strip()}


def profile_from_application(
    application: Application, *, readiness: str, default_capacity: int, department: int | None = None
) -> Profile:
    """A profile from an approved application whose skills (with their skill) are prefetched."""
    return Profile(
        person=application.person,
        role=application.role,
        skills={s.skill_id: (s.skill.name, s.level) for s in application.skills.all()},
        availability=frozenset(application.availability or ()),
        meeting_mode=application.meeting_mode,
        languages=_languages(application.languages or ()),
        capacity=(application.capacity or default_capacity) if application.role == Role.MENTOR else 0,
        readiness=readiness,
        application_id=application.pk,
        department=department,
    )


# --- Score parts: each a fraction of its weight ---------------------------------------------------------------


def skills_fraction(mentor: Profile, mentee: Profile) -> float:
    """The wanted levels the mentor covers: a mentor at or above the wanted level covers that skill fully,
    one below it in proportion (offering level 2 of a wanted 4 covers half). Skills wanted at a higher level
    weigh more."""
    if not mentee.wanted_total:
        return 0.0
    offered = mentor.skills
    covered = 0
    for skill_id, (_name, wanted) in mentee.skills.items():
        if (offer := offered.get(skill_id)) is not None:
            covered += offer[1] if offer[1] < wanted else wanted
    return covered / mentee.wanted_total


def different_team_fraction(mentor: Profile, mentee: Profile) -> float:
    """Wider communities of practice: another department counts fully, another team of the same half."""
    if mentor.team_id is None or mentee.team_id is None:
        return 0.0
    if mentor.department_id != mentee.department_id:
        return 1.0
    return 0.5 if mentor.team_id != mentee.team_id else 0.0


def experience_gap_fraction(mentor: Profile, mentee: Profile, weights: Weights) -> float:
    """Mentor's grade minus mentee's: within the preferred band fully, outside it half, below zero nothing."""
    if mentor.grade is None or mentee.grade is None:
        return 0.0
    gap = mentor.grade - mentee.grade
    if gap < 0:
        return 0.0
    return 1.0 if weights.gap_min <= gap <= weights.gap_max else 0.5


def availability_fraction(mentor: Profile, mentee: Profile) -> float:
    common = len(mentor.availability & mentee.availability)
    return min(common, FULL_AVAILABILITY_SLOTS) / FULL_AVAILABILITY_SLOTS


def meeting_mode_fraction(mentor: Profile, mentee: Profile) -> float:
    compatible = MeetingMode.EITHER in (mentor.meeting_mode, mentee.meeting_mode) or (
        mentor.meeting_mode == mentee.meeting_mode
    )
    return 1.0 if compatible else 0.0


def language_fraction(mentor: Profile, mentee: Profile) -> float:
    """A shared language counts fully; none at all is a penalty of the whole weight."""
    return 1.0 if mentor.languages.keys() & mentee.languages.keys() else -1.0


def readiness_fraction(mentor: Profile) -> float:
    return {Readiness.READY: 1.0, Readiness.OVERRIDDEN: 0.5}.get(mentor.readiness, 0.0)


def fractions(mentor: Profile, mentee: Profile, weights: Weights) -> tuple[float, ...]:
    """Every part's fraction, in PARTS order."""
    return (
        skills_fraction(mentor, mentee),
        different_team_fraction(mentor, mentee),
        experience_gap_fraction(mentor, mentee, weights),
        availability_fraction(mentor, mentee),
        meeting_mode_fraction(mentor, mentee),
        language_fraction(mentor, mentee),
        readiness_fraction(mentor),
    )


# Float sums of parts such as 33.333... can land a hair below a half; this is far below any real difference.
EPSILON = 1e-9


def _exact(fraction_values: tuple[float, ...], factors: tuple[float, ...]) -> list[float]:
    return [f * k for f, k in zip(fraction_values, factors, strict=True)]


def _total(exact: Sequence[float]) -> int:
    """The score: the exact parts' sum, rounded half up once (never each part on its own, then added)."""
    return math.floor(sum(exact) + 0.5 + EPSILON)


def _points(exact: Sequence[float], shown: Sequence[bool]) -> list[int]:
    """Whole points for each part that add up exactly to ``_total(exact)``: the largest remainder method. Each
    part is rounded down, then the points still missing go one each to the shown parts with the largest
    remainders (ties to the earlier part). Parts not shown are worth exactly 0."""
    floors = [math.floor(x + EPSILON) for x in exact]
    missing = _total(exact) - sum(floors)
    order = sorted((i for i in range(len(exact)) if shown[i]), key=lambda i: (-(exact[i] - floors[i]), i))
    step = 1 if missing > 0 else -1
    for i in (order if missing > 0 else order[::-1])[: abs(missing)]:
        floors[i] += step
    return floors


def score_value(mentor: Profile, mentee: Profile, weights: Weights, factors: tuple[float, ...] | None = None) -> int:
    """The score alone, without words: the fast path for whole cohorts. At most 100; below 0 when a penalty
    (no shared language) outweighs the rest, and shown as it is."""
    return _total(_exact(fractions(mentor, mentee, weights), factors or weights.factors))


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


def score_matrix(
    mentors: Sequence[Profile], mentees: Sequence[Profile], weights: Weights
) -> tuple[np.ndarray, np.ndarray]:
    """Every mentee's (rows) score with every mentor (columns), exactly as ``score_value`` computes them one by
    one, and whether the pair shares a wanted skill: the same arithmetic on arrays, for whole cohorts."""
    n, m = len(mentees), len(mentors)
    if not n or not m:
        return np.zeros((n, m), dtype=np.int64), np.zeros((n, m), dtype=bool)
    skills, shares = _skills_matrix(mentors, mentees)

    def column(people: Sequence[Profile], attribute: str) -> np.ndarray:
        return np.array([-1 if getattr(p, attribute) is None else getattr(p, attribute) for p in people])

    team_e, team_m = column(mentees, "team_id")[:, None], column(mentors, "team_id")[None, :]
    dept_e, dept_m = column(mentees, "department_id")[:, None], column(mentors, "department_id")[None, :]
    team = np.where(dept_e != dept_m, 1.0, np.where(team_e != team_m, 0.5, 0.0))
    team = np.where((team_e < 0) | (team_m < 0), 0.0, team)

    grade_e, grade_m = column(mentees, "grade")[:, None], column(mentors, "grade")[None, :]
    gap = grade_m - grade_e
    in_band = (gap >= weights.gap_min) & (gap <= weights.gap_max)
    experience = np.where(gap < 0, 0.0, np.where(in_band, 1.0, 0.5))
    experience = np.where((grade_e < 0) | (grade_m < 0), 0.0, experience)

    slot_at = _index(s for p in (*mentees, *mentors) for s in p.availability)
    common = _onehot(mentees, slot_at, "availability") @ _onehot(mentors, slot_at, "availability").T
    availability = np.minimum(common, FULL_AVAILABILITY_SLOTS) / FULL_AVAILABILITY_SLOTS

    mode_e = np.array([p.meeting_mode for p in mentees], dtype=object)[:, None]
    mode_m = np.array([p.meeting_mode for p in mentors], dtype=object)[None, :]
    mode = ((mode_e == MeetingMode.EITHER) | (mode_m == MeetingMode.EITHER) | (mode_e == mode_m)) * 1.0

    language_at = _index(key for p in (*mentees, *mentors) for key in p.languages)
    shared = _onehot(mentees, language_at, "languages") @ _onehot(mentors, language_at, "languages").T
    language = np.where(shared > 0, 1.0, -1.0)

    readiness = np.array([readiness_fraction(p) for p in mentors])[None, :] * np.ones((n, 1))

    # The exact parts summed in the same order as ``_total``, so that the floats, and the score, are the same.
    exact = np.zeros((n, m))
    parts = (skills, team, experience, availability, mode, language, readiness)
    for fraction, factor in zip(parts, weights.factors, strict=True):
        exact = exact + fraction * factor
    return np.floor(exact + 0.5 + EPSILON).astype(np.int64), shares


# --- The same parts in words -----------------------------------------------------------------------------------


# Plural messages rendered later by mentoring.said (listed here so that the catalogue has them).
_PLURALS = (
    ngettext_lazy("%(count)s common time slot", "%(count)s common time slots", 1),
    ngettext_lazy("experience gap of %(gap)s grade", "experience gap of %(gap)s grades", 1),
    ngettext_lazy(
        "experience gap of %(gap)s grade (preferred %(low)s–%(high)s)",
        "experience gap of %(gap)s grades (preferred %(low)s–%(high)s)",
        1,
    ),
    ngettext_lazy("shared language: %(names)s", "shared languages: %(names)s", 1),
)


def _skills_words(mentor: Profile, mentee: Profile) -> list:
    names: list = []
    for skill_id, (name, wanted) in sorted(mentee.skills.items(), key=lambda item: item[1][0].casefold()):
        offer = mentor.skills.get(skill_id)
        if offer is not None:
            names.append(name if offer[1] >= wanted else said(gettext_noop("%(skill)s (partly)"), skill=name))
    if names:
        return said(gettext_noop("skills: %(names)s"), names=said_list(names))
    return said(gettext_noop("skills: none of the wanted skills offered"))


def _team_words(mentor: Profile, mentee: Profile) -> list:
    if mentor.team_id is None or mentee.team_id is None:
        return said(gettext_noop("team not on record"))
    if mentor.department_id != mentee.department_id:
        return said(gettext_noop("different department"))
    if mentor.team_id != mentee.team_id:
        return said(gettext_noop("different team in the same department"))
    return said(gettext_noop("same team"))


def _gap_words(mentor: Profile, mentee: Profile, weights: Weights) -> list:
    if mentor.grade is None or mentee.grade is None:
        return said(gettext_noop("experience gap unknown (no grade on record)"))
    gap = mentor.grade - mentee.grade
    low, high = weights.gap_min, weights.gap_max
    if gap < 0:
        return said(gettext_noop("mentor's grade is below the mentee's"))
    if gap == 0:
        if weights.gap_min > 0:
            return said(gettext_noop("same grade (preferred %(low)s–%(high)s)"), low=low, high=high)
        return said(gettext_noop("same grade"))
    if low <= gap <= high:
        return said_plural("experience gap of %(gap)s grade", "experience gap of %(gap)s grades", gap, gap=gap)
    return said_plural(
        "experience gap of %(gap)s grade (preferred %(low)s–%(high)s)",
        "experience gap of %(gap)s grades (preferred %(low)s–%(high)s)",
        gap,
        gap=gap,
        low=low,
        high=high,
    )


def _availability_words(mentor: Profile, mentee: Profile) -> list:
    n = len(mentor.availability & mentee.availability)
    if n == 0:
        return said(gettext_noop("no common time slots"))
    word = said(NUMBER_WORDS[n]) if n < len(NUMBER_WORDS) else n
    return said_plural("%(count)s common time slot", "%(count)s common time slots", n, count=word)


def _mode_words(mentor: Profile, mentee: Profile) -> list:
    if mentor.meeting_mode == mentee.meeting_mode == MeetingMode.EITHER:
        return said(gettext_noop("both can meet in person or by video"))
    if MeetingMode.EITHER in (mentor.meeting_mode, mentee.meeting_mode) or mentor.meeting_mode == mentee.meeting_mode:
        mode = mentee.meeting_mode if mentor.meeting_mode == MeetingMode.EITHER else mentor.meeting_mode
        if mode == MeetingMode.IN_PERSON:
            return said(gettext_noop("both can meet in person"))
        return said(gettext_noop("both can meet by video"))
    return said(
        gettext_noop("meeting modes differ (mentor: %(mentor)s, mentee: %(mentee)s)"),
        mentor=said(MODE_WORDS[mentor.meeting_mode]),
        mentee=said(MODE_WORDS[mentee.meeting_mode]),
    )


def _language_words(mentor: Profile, mentee: Profile) -> list:
    shared = sorted(mentee.languages[key] for key in mentor.languages.keys() & mentee.languages.keys())
    if not shared:
        return said(gettext_noop("no shared language"))
    return said_plural(
        "shared language: %(names)s", "shared languages: %(names)s", len(shared), names=said_list(shared)
    )


def _readiness_words(mentor: Profile) -> list:
    if mentor.readiness == Readiness.READY:
        return said(gettext_noop("mentor's training met"))
    if mentor.readiness == Readiness.OVERRIDDEN:
        return said(gettext_noop("mentor's training not met (readiness override)"))
    return said(gettext_noop("mentor's training not met"))


def _signed(points: int) -> str:
    return f"+{points}" if points >= 0 else f"-{-points}"


def explained(part: dict[str, Any]) -> str:
    """One part of a score in words, in the active language (parts stored before they kept their words as data
    show the text they were stored with)."""
    if "said" in part:
        return f"{_signed(part['points'])} {say(part['said'])}"
    return str(part.get("text", ""))


def score_parts(mentor: Profile, mentee: Profile, weights: Weights) -> tuple[int, list[dict[str, Any]]]:
    """The score and its parts in words, e.g. ``"+32 skills: Negotiation, Budgeting"``, ``"-10 no shared
    language"``. Parts the coordinator weighted at zero are left out. The dicts are what MatchProposal.parts,
    Pairing.explanation and MentorRequest.explanation store."""
    exact = _exact(fractions(mentor, mentee, weights), weights.factors)
    shown = [bool(weights.parts[part]) for part in PARTS]
    points = _points(exact, shown)
    words = (
        _skills_words(mentor, mentee),
        _team_words(mentor, mentee),
        _gap_words(mentor, mentee, weights),
        _availability_words(mentor, mentee),
        _mode_words(mentor, mentee),
        _language_words(mentor, mentee),
        _readiness_words(mentor),
    )
    # The words are kept as data ("said") and put into words when shown, in the reader's language; "text" is
    # them in the language of whoever ran the scoring, for what reads the parts as plain text.
    parts = [
        {"part": part, "points": p, "text": f"{_signed(p)} {say(w)}", "said": w}
        for part, p, w in zip(PARTS, points, words, strict=True)
        if weights.parts[part]
    ]
    return _total(exact), parts
