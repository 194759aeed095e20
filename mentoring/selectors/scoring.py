"""Matching scores and the hard rules of pairing, for a whole cohort at once. Nothing here writes.

Two layers:

- ``cohort_load`` reads everything the scores and rules need about one programme's approved mentors and
  mentees in a fixed number of queries (eleven at most, whatever the cohort's size): profiles with skills, training
  readiness, the management chains, the pairings (current, proposed and ended), the overrides and settings;
- pure functions over what was loaded: ``score_value`` and ``score_parts`` (the score and its parts in
  words) and ``rules_broken`` (the hard rules a pair would break, in words).

**For any code that creates or activates a pairing** (rounds, swaps, publishing, mentee requests, the
pairing lifecycle): inside the writing transaction, first lock the mentor's place with
``mentoring.services.matching.mentor_places_lock(programme=..., mentor_ids=[...])``, then call
``pair_rules_broken(programme=..., mentor=..., mentee=...)`` and refuse with its messages when it returns any.
When re-checking a pairing that already exists (accepting a proposed pairing), pass it as ``ignore_pairing``
so that it does not count against itself.

A score runs from 0 to 100. Each part is a fraction of its weight (the coordinator's MatchSettings), and the
weights' sum maps to 100: with weights summing to 80, a part weighing 40 that is fully met gives 50 points.
The score is the exact sum of the parts rounded once (half up); the parts shown in words are rounded to whole
points with the largest remainder method, so that they always add up to the score shown (e.g. three parts of
33.4, 33.3 and 33.3 show as +34 +33 +33, not +33 +33 +33 under a score of 100). A score can fall below 0 (no
shared language is a penalty) and is then shown as it is; a pair below the programme's minimum is never proposed.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db.models import Exists, OuterRef, Prefetch, Q

from mentoring.models import MatchOverride, MatchSettings, Pairing
from programmes.models import (
    Application,
    ApplicationSkill,
    MeetingMode,
    Membership,
    OrgUnit,
    Person,
    Programme,
    Role,
)
from programmes.models.core import departments_of
from programmes.selectors import training_readiness

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
    "skills": "Skills",
    "different_team": "Different team or department",
    "experience_gap": "Experience gap",
    "availability": "Overlapping availability",
    "meeting_mode": "Compatible meeting mode",
    "language": "Shared language",
    "readiness": "Mentor readiness",
}
# Common time slots at which availability counts fully: beyond three, more overlap adds nothing.
FULL_AVAILABILITY_SLOTS = 3
NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


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
        self.wanted_total = sum(level for _, level in self.skills.values())
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
    for skill_id, (_, wanted) in mentee.skills.items():
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


def score_matrix(
    mentors: Sequence[Profile], mentees: Sequence[Profile], weights: Weights
) -> tuple[np.ndarray, np.ndarray]:
    """Every mentee's (rows) score with every mentor (columns), exactly as ``score_value`` computes them one by
    one, and whether the pair shares a wanted skill: the same arithmetic on arrays, for whole cohorts."""
    n, m = len(mentees), len(mentors)
    if not n or not m:
        return np.zeros((n, m), dtype=np.int64), np.zeros((n, m), dtype=bool)

    def index(values: Iterable[Any]) -> dict[Any, int]:
        return {v: i for i, v in enumerate(dict.fromkeys(values))}

    def onehot(people: Sequence[Profile], positions: dict[Any, int], attribute: str) -> np.ndarray:
        matrix = np.zeros((len(people), len(positions)))
        for row, person in enumerate(people):
            for value in getattr(person, attribute):
                matrix[row, positions[value]] = 1
        return matrix

    # Skills: min(wanted, offered) summed over skills = the number of levels l at which both reach l.
    skill_at = index(s for p in (*mentees, *mentors) for s in p.skills)
    wanted, offered = np.zeros((n, len(skill_at))), np.zeros((m, len(skill_at)))
    for table, people in ((wanted, mentees), (offered, mentors)):
        for row, person in enumerate(people):
            for skill_id, (_, level) in person.skills.items():
                table[row, skill_at[skill_id]] = level
    top = int(max(wanted.max(initial=0), offered.max(initial=0)))
    covered = sum(((wanted >= level) * 1.0) @ ((offered >= level) * 1.0).T for level in range(1, top + 1))
    totals = np.array([p.wanted_total for p in mentees], dtype=float)[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        skills = np.where(totals > 0, covered / np.where(totals > 0, totals, 1), 0.0) if top else np.zeros((n, m))
    shares = (((wanted > 0) * 1.0) @ ((offered > 0) * 1.0).T) > 0 if top else np.zeros((n, m), dtype=bool)

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

    slot_at = index(s for p in (*mentees, *mentors) for s in p.availability)
    common = onehot(mentees, slot_at, "availability") @ onehot(mentors, slot_at, "availability").T
    availability = np.minimum(common, FULL_AVAILABILITY_SLOTS) / FULL_AVAILABILITY_SLOTS

    mode_e = np.array([p.meeting_mode for p in mentees], dtype=object)[:, None]
    mode_m = np.array([p.meeting_mode for p in mentors], dtype=object)[None, :]
    mode = ((mode_e == MeetingMode.EITHER) | (mode_m == MeetingMode.EITHER) | (mode_e == mode_m)) * 1.0

    language_at = index(key for p in (*mentees, *mentors) for key in p.languages)
    shared = onehot(mentees, language_at, "languages") @ onehot(mentors, language_at, "languages").T
    language = np.where(shared > 0, 1.0, -1.0)

    readiness = np.array([readiness_fraction(p) for p in mentors])[None, :] * np.ones((n, 1))

    # The exact parts summed in the same order as ``_total``, so that the floats, and the score, are the same.
    exact = np.zeros((n, m))
    parts = (skills, team, experience, availability, mode, language, readiness)
    for fraction, factor in zip(parts, weights.factors, strict=True):
        exact = exact + fraction * factor
    return np.floor(exact + 0.5 + EPSILON).astype(np.int64), shares


# --- The same parts in words -----------------------------------------------------------------------------------


def _count_words(n: int, singular: str, plural: str) -> str:
    word = NUMBER_WORDS[n] if n < len(NUMBER_WORDS) else str(n)
    return f"{word} {singular if n == 1 else plural}"


def _skills_words(mentor: Profile, mentee: Profile) -> str:
    names = []
    for skill_id, (name, wanted) in sorted(mentee.skills.items(), key=lambda item: item[1][0].casefold()):
        offer = mentor.skills.get(skill_id)
        if offer is not None:
            names.append(name if offer[1] >= wanted else f"{name} (partly)")
    return f"skills: {', '.join(names)}" if names else "skills: none of the wanted skills offered"


def _team_words(mentor: Profile, mentee: Profile) -> str:
    if mentor.team_id is None or mentee.team_id is None:
        return "team not on record"
    if mentor.department_id != mentee.department_id:
        return "different department"
    return "different team in the same department" if mentor.team_id != mentee.team_id else "same team"


def _gap_words(mentor: Profile, mentee: Profile, weights: Weights) -> str:
    if mentor.grade is None or mentee.grade is None:
        return "experience gap unknown (no grade on record)"
    gap = mentor.grade - mentee.grade
    band = f"preferred {weights.gap_min}–{weights.gap_max}"
    if gap < 0:
        return "mentor's grade is below the mentee's"
    if gap == 0:
        return f"same grade ({band})" if weights.gap_min > 0 else "same grade"
    words = f"experience gap of {gap} grade{'s' if gap != 1 else ''}"
    return words if weights.gap_min <= gap <= weights.gap_max else f"{words} ({band})"


def _availability_words(mentor: Profile, mentee: Profile) -> str:
    return _count_words(len(mentor.availability & mentee.availability), "common time slot", "common time slots")


def _mode_words(mentor: Profile, mentee: Profile) -> str:
    modes = dict(MeetingMode.choices)
    if mentor.meeting_mode == mentee.meeting_mode == MeetingMode.EITHER:
        return "both can meet in person or by video"
    if MeetingMode.EITHER in (mentor.meeting_mode, mentee.meeting_mode) or mentor.meeting_mode == mentee.meeting_mode:
        mode = mentee.meeting_mode if mentor.meeting_mode == MeetingMode.EITHER else mentor.meeting_mode
        return f"both can meet {'in person' if mode == MeetingMode.IN_PERSON else 'by video'}"
    return (
        f"meeting modes differ (mentor: {modes[mentor.meeting_mode].lower()}, "
        f"mentee: {modes[mentee.meeting_mode].lower()})"
    )


def _language_words(mentor: Profile, mentee: Profile) -> str:
    shared = sorted(mentee.languages[key] for key in mentor.languages.keys() & mentee.languages.keys())
    if not shared:
        return "no shared language"
    return f"shared language{'s' if len(shared) > 1 else ''}: {', '.join(shared)}"


def _readiness_words(mentor: Profile) -> str:
    return {
        Readiness.READY: "mentor's training met",
        Readiness.OVERRIDDEN: "mentor's training not met (readiness override)",
    }.get(mentor.readiness, "mentor's training not met")


def _signed(points: int) -> str:
    return f"+{points}" if points >= 0 else f"-{-points}"


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
    parts = [
        {"part": part, "points": p, "text": f"{_signed(p)} {w}"}
        for part, p, w in zip(PARTS, points, words, strict=True)
        if weights.parts[part]
    ]
    return _total(exact), parts


# --- The cohort: everything the rules need, loaded once --------------------------------------------------------

ENDED = (Pairing.Status.COMPLETED, Pairing.Status.ENDED_EARLY)
OPEN = (Pairing.Status.PROPOSED, *Pairing.CURRENT)


@dataclass(eq=False)
class Cohort:
    programme: Programme
    weights: Weights
    mentors: dict[int, Profile]
    mentees: dict[int, Profile]
    managers: dict[int, int]  # person id -> their line manager's id, for everyone who has one
    load: Counter[int]  # mentor id -> current and proposed pairings in this programme
    mentee_pairing: dict[int, tuple[int, str]]  # mentee id -> (mentor id, status) of their open pairing
    ended: dict[tuple[int, int], datetime.date | None]  # (mentor id, mentee id) -> when a past pairing ended
    overrides: set[tuple[int, int]]  # (mentor id, mentee id) a coordinator allowed again
    left: dict[int, str] = field(default_factory=dict)  # approved people who have left -> name (never matched)
    _chains: dict[int, list[int]] = field(default_factory=dict)

    @property
    def factors(self) -> tuple[float, ...]:
        return self.weights.factors

    def free_places(self, mentor_id: int) -> int:
        profile = self.mentors.get(mentor_id)
        return max(0, profile.capacity - self.load[mentor_id]) if profile else 0

    def chain(self, person_id: int) -> list[int]:
        """The person's line manager, their manager, and so on up (cycles, which clean() forbids, end it)."""
        if person_id not in self._chains:
            chain, seen, boss = [], {person_id}, self.managers.get(person_id)
            while boss is not None and boss not in seen:
                chain.append(boss)
                seen.add(boss)
                boss = self.managers.get(boss)
            self._chains[person_id] = chain
        return self._chains[person_id]


def match_settings_get(*, programme: Programme) -> MatchSettings:
    """The programme's matching settings, created with the defaults on first use."""
    settings, _ = MatchSettings.objects.get_or_create(programme=programme)
    return settings


def cohort_load(
    *,
    programme: Programme,
    settings: MatchSettings | None = None,
    ignore_pairing: Pairing | None = None,
) -> Cohort:
    """Everything matching needs about the programme's approved mentors and mentees: eleven queries at most,
    whatever the cohort's size, once the settings exist.

    The settings (one query, two on first use; none when passed), the approved applications of members with
    their people and teams, their skills, readiness (four), the org units (for departments), every line-manager
    link of the organisation, the pairings that count (this programme's open ones and any ended pairing of these
    mentees), the overrides. (Readiness skips its training-records query when the programme requires no
    training: ten then.) People who have left (deactivated, or missing from the HR file) are left out.
    ``ignore_pairing`` leaves one pairing out of the counts, to re-check a pairing that already exists.
    """
    settings = settings or match_settings_get(programme=programme)
    member = Membership.objects.filter(programme=programme, person=OuterRef("person"), role=OuterRef("role"))
    applications = list(
        Application.objects.filter(programme=programme, status=Application.Status.APPROVED)
        .filter(Exists(member))
        .select_related("person__org_unit")
        .prefetch_related(Prefetch("skills", queryset=ApplicationSkill.objects.select_related("skill").order_by()))
        .order_by("person__display_name", "person_id")
    )
    readiness = training_readiness(programme=programme)

    def state(person_id: int) -> str:
        r = readiness.get(person_id)
        if r is None or r.ready:
            return Readiness.READY
        return Readiness.OVERRIDDEN if r.matchable else Readiness.NOT_READY

    departments = OrgUnit.objects.departments()
    profiles = [
        profile_from_application(
            a,
            readiness=state(a.person_id),
            default_capacity=programme.default_mentor_capacity,
            department=departments[a.person.org_unit_id][0] if a.person.org_unit_id in departments else None,
        )
        for a in applications
    ]
    # People who have left (deactivated, or no longer in the HR file) are never matched: not in the cohort at all.
    left = {p.pk: p.name for p in profiles if not p.person.is_active or p.person.missing_from_hr_since is not None}
    profiles = [p for p in profiles if p.pk not in left]
    mentors = {p.pk: p for p in profiles if p.role == Role.MENTOR}
    mentees = {p.pk: p for p in profiles if p.role == Role.MENTEE}
    managers = dict(Person.objects.filter(line_manager__isnull=False).values_list("pk", "line_manager_id"))
    pairings = Pairing.objects.filter(
        Q(programme=programme, status__in=OPEN) | Q(status__in=ENDED, mentee_id__in=list(mentees))
    )
    if ignore_pairing is not None:
        pairings = pairings.exclude(pk=ignore_pairing.pk)
    load: Counter[int] = Counter()
    mentee_pairing: dict[int, tuple[int, str]] = {}
    ended: dict[tuple[int, int], datetime.date | None] = {}
    for mentor_id, mentee_id, status, programme_id, ended_on in pairings.values_list(
        "mentor_id", "mentee_id", "status", "programme_id", "ended_on"
    ):
        if status in ENDED:
            key = (mentor_id, mentee_id)
            if key not in ended or (ended_on and (ended[key] is None or ended_on > ended[key])):
                ended[key] = ended_on
        elif programme_id == programme.pk:
            load[mentor_id] += 1
            mentee_pairing[mentee_id] = (mentor_id, status)
    overrides = set(MatchOverride.objects.filter(programme=programme).values_list("mentor_id", "mentee_id"))
    return Cohort(
        programme=programme,
        weights=Weights.from_settings(settings),
        mentors=mentors,
        mentees=mentees,
        managers=managers,
        load=load,
        mentee_pairing=mentee_pairing,
        ended=ended,
        overrides=overrides,
        left=left,
    )


def cohort_refresh(cohort: Cohort) -> Cohort:
    """The cohort with what changes from one minute to the next read again, in two queries: who is still an
    approved member and has not left (with the mentors' capacity), and the programme's open pairings (the
    mentors' load, the mentees already paired). Profiles, chains, readiness and overrides stay as loaded.

    For a round: the long computing runs on the loaded cohort outside any transaction, then its result is
    checked against this refresh inside the short writing transaction.
    """
    programme = cohort.programme
    member = Membership.objects.filter(programme=programme, person=OuterRef("person"), role=OuterRef("role"))
    rows = (
        Application.objects.filter(programme=programme, status=Application.Status.APPROVED)
        .filter(Exists(member))
        .values_list("person_id", "role", "capacity", "person__is_active", "person__missing_from_hr_since")
    )
    mentors: dict[int, Profile] = {}
    mentees: dict[int, Profile] = {}
    left = dict(cohort.left)
    for person_id, role, capacity, active, missing in rows:
        known = (cohort.mentors if role == Role.MENTOR else cohort.mentees).get(person_id)
        if not active or missing is not None:
            left[person_id] = known.name if known else left.get(person_id, f"Person #{person_id}")
        elif known is not None:  # approved since the cohort was loaded: not part of this computation
            if role == Role.MENTOR:
                known = copy.copy(known)
                known.capacity = capacity or programme.default_mentor_capacity
                mentors[person_id] = known
            else:
                mentees[person_id] = known
    load: Counter[int] = Counter()
    mentee_pairing: dict[int, tuple[int, str]] = {}
    for mentor_id, mentee_id, status in Pairing.objects.filter(programme=programme, status__in=OPEN).values_list(
        "mentor_id", "mentee_id", "status"
    ):
        load[mentor_id] += 1
        mentee_pairing[mentee_id] = (mentor_id, status)
    return dataclasses.replace(
        cohort, mentors=mentors, mentees=mentees, load=load, mentee_pairing=mentee_pairing, left=left
    )


# --- Hard rules ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Broken:
    """One broken rule: ``rule`` names it (for grouping), ``text`` says it in words a coordinator understands."""

    rule: str
    text: str

    def __str__(self) -> str:
        return self.text


def mentor_rules(cohort: Cohort, mentor: Person | int, *, extra_load: int = 0) -> list[Broken]:
    """Rules about the mentor alone: approved, ready (or overridden), a free place.

    ``extra_load`` counts proposals not yet stored as pairings (a round's other proposals for this mentor).
    """
    mentor_id = mentor if isinstance(mentor, int) else mentor.pk
    profile = cohort.mentors.get(mentor_id)
    if mentor_id in cohort.left:
        return [Broken("left", f"{cohort.left[mentor_id]} has left the organisation and cannot be matched.")]
    if profile is None:
        name = mentor if isinstance(mentor, int) else str(mentor)
        return [Broken("not_approved", f"{name} is not an approved mentor of {cohort.programme}.")]
    broken = []
    if profile.readiness == Readiness.NOT_READY:
        broken.append(
            Broken(
                "not_ready",
                f"{profile.name} has not met the training mentors need, and no coordinator has recorded a "
                "readiness override.",
            )
        )
    taken = cohort.load[mentor_id] + extra_load
    if taken >= profile.capacity:
        broken.append(
            Broken(
                "capacity",
                f"{profile.name} has no free place: {taken} of {profile.capacity} "
                f"mentee{'s' if profile.capacity != 1 else ''} already, counting proposals.",
            )
        )
    return broken


def mentee_rules(cohort: Cohort, mentee: Person | int) -> list[Broken]:
    """Rules about the mentee alone: approved, ready (or overridden), no other open pairing."""
    mentee_id = mentee if isinstance(mentee, int) else mentee.pk
    profile = cohort.mentees.get(mentee_id)
    if mentee_id in cohort.left:
        return [Broken("left", f"{cohort.left[mentee_id]} has left the organisation and cannot be matched.")]
    if profile is None:
        name = mentee if isinstance(mentee, int) else str(mentee)
        return [Broken("not_approved", f"{name} is not an approved mentee of {cohort.programme}.")]
    broken = []
    if profile.readiness == Readiness.NOT_READY:
        broken.append(
            Broken(
                "not_ready",
                f"{profile.name} has not met the training mentees need, and no coordinator has recorded a "
                "readiness override.",
            )
        )
    if mentee_id in cohort.mentee_pairing:
        status = cohort.mentee_pairing[mentee_id][1]
        what = "a proposed pairing" if status == Pairing.Status.PROPOSED else "a mentor"
        broken.append(Broken("has_pairing", f"{profile.name} already has {what} in this programme."))
    return broken


def pair_rules(cohort: Cohort, mentor_id: int, mentee_id: int, mentor_name: str, mentee_name: str) -> list[Broken]:
    """Rules about the two together: not oneself, not in the same management chain (the mentor above the mentee,
    or the mentee above the mentor, at any level), not paired before."""
    if mentor_id == mentee_id:
        return [Broken("oneself", "Nobody can mentor themselves.")]
    broken = []
    chain = cohort.chain(mentee_id)
    if mentor_id in chain:
        where = (
            "line manager"
            if chain[0] == mentor_id
            else f"manager {chain.index(mentor_id) + 1} levels up the management chain"
        )
        broken.append(Broken("chain", f"{mentor_name} is {mentee_name}'s {where}."))
    # Both ways: nobody mentors their own manager, however far up (the mentee would judge their mentor's work).
    up = cohort.chain(mentor_id)
    if mentee_id in up:
        where = (
            "line manager"
            if up[0] == mentee_id
            else f"manager {up.index(mentee_id) + 1} levels up the management chain"
        )
        broken.append(
            Broken("reports", f"{mentee_name} is {mentor_name}'s {where}, so {mentor_name} cannot mentor them.")
        )
    key = (mentor_id, mentee_id)
    if key in cohort.ended and key not in cohort.overrides:
        ended_on = cohort.ended[key]
        when = f" (ended {ended_on.day} {ended_on:%B %Y})" if ended_on else ""
        broken.append(
            Broken(
                "paired_before",
                f"{mentor_name} and {mentee_name} were paired before{when}; a coordinator must record an override "
                "to pair them again.",
            )
        )
    return broken


def rules_broken(cohort: Cohort, mentor: Person | int, mentee: Person | int, *, extra_load: int = 0) -> list[Broken]:
    """Every hard rule the pair would break, given the loaded cohort; empty when they may be paired. (Proposing
    also needs the score at the minimum: ``below_minimum``.)"""
    mentor_id = mentor if isinstance(mentor, int) else mentor.pk
    mentee_id = mentee if isinstance(mentee, int) else mentee.pk
    if mentor_id == mentee_id:
        return [Broken("oneself", "Nobody can mentor themselves.")]
    mentor_name = cohort.mentors[mentor_id].name if mentor_id in cohort.mentors else str(mentor)
    mentee_name = cohort.mentees[mentee_id].name if mentee_id in cohort.mentees else str(mentee)
    return [
        *mentor_rules(cohort, mentor, extra_load=extra_load),
        *mentee_rules(cohort, mentee),
        *pair_rules(cohort, mentor_id, mentee_id, mentor_name, mentee_name),
    ]


def below_minimum(cohort: Cohort, mentor: Person | int, mentee: Person | int) -> list[Broken]:
    """The pair's score (with the cohort's weights) when it is below the programme's minimum: such a pair is never
    proposed, by a round, by hand or from a request. Empty when it is not, or either is not in the cohort."""
    mentor_p = cohort.mentors.get(mentor if isinstance(mentor, int) else mentor.pk)
    mentee_p = cohort.mentees.get(mentee if isinstance(mentee, int) else mentee.pk)
    if mentor_p is None or mentee_p is None:
        return []
    score, minimum = score_value(mentor_p, mentee_p, cohort.weights), cohort.weights.min_score
    if score >= minimum:
        return []
    return [
        Broken(
            "below_minimum",
            f"{mentor_p.name} and {mentee_p.name} score {score}, below the programme's minimum of {minimum}.",
        )
    ]


def pair_rules_broken(
    *, programme: Programme, mentor: Person, mentee: Person, ignore_pairing: Pairing | None = None
) -> list[str]:
    """The hard rules pairing ``mentor`` with ``mentee`` in ``programme`` would break, in words; [] when none.

    Loads the cohort (eleven queries). Call it inside your writing transaction after
    ``mentoring.services.matching.mentor_places_lock`` so that capacity cannot change between the check and the write.
    """
    cohort = cohort_load(programme=programme, ignore_pairing=ignore_pairing)
    return [b.text for b in rules_broken(cohort, mentor, mentee)]
