"""Matching scores: the settings as plain numbers, the profiles, and pure functions over them: ``score_value``
and ``score_parts`` (the score and its parts in words). The same scores for whole cohorts at once are
``mentoring.selectors.score_matrix``'s; the words ``score_words``'s; the re-match penalty ``score_rematch``'s.
Nothing here queries: the cohort that is scored (loaded once, in a fixed number of queries) and the hard
rules of pairing are in ``mentoring.selectors.cohort``.

A score runs from 0 to 100. Each part is a fraction of its weight (the coordinator's MatchSettings), and the
weights' sum maps to 100: with weights summing to 80, a part weighing 40 that is fully met gives 50 points.
The score is the exact sum of the parts rounded once (half up); the parts shown in words are rounded to whole
points with the largest remainder method, so that they always add up to the score shown (e.g. three parts of
33.4, 33.3 and 33.3 show as +34 +33 +33, not +33 +33 +33 under a score of 100). A score can fall below 0 (no
shared language is a penalty) and is then shown as it is; a pair below the programme's minimum is never proposed.

One part is not weighted: "rematch", a penalty in whole points for a mentor similar to one whose pairing with the
mentee ended early as a mismatch (``rematch_points``). It is added after the rounding, so every other score stays
exactly as it was, and it is shown only where it takes points away.

Preferences (issue 19): a mentee's ranking of mentors and a mentor's "prefer"/"prefer not" are two more parts,
"ranking" and "mentor_wish". Their weights join the sum only when the cohort has preferences in play (someone ranked
or marked someone: ``Weights.preferences_in_play``), so that scores where nobody said anything stay exactly as
they were. The mentor's wish is never shown to the mentee: it is rounded on its own and added to the rest's
rounded total, so that the score a mentee reads (``as_read_by``: the score without the wish's points) is exactly
the rest's score and parts, and nothing of the wish can be worked out from it.

Four parts are also criteria a programme can make required (``CRITERIA``): shared language, meeting mode, time
zone (standing for the site: people have no site on record) and department. A required criterion is a hard rule
met when its part is fully met; ``required_codes`` computes it for a whole block of pairs at once.
"""

from __future__ import annotations

import datetime
import math
import zoneinfo
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mentoring.models import CriterionRule, DepartmentDirection, MatchSettings
from mentoring.said import say
from mentoring.selectors.score_rematch import _rematch_words
from mentoring.selectors.score_rematch import rematch_points as rematch_points  # re-exported
from mentoring.selectors.score_words import MAX_RANKED as MAX_RANKED  # re-exported: the ranking page's limit
from mentoring.selectors.score_words import Readiness as Readiness  # re-exported: profiles and rules use it
from mentoring.selectors.score_words import (
    _availability_words,
    _gap_words,
    _language_words,
    _mode_words,
    _ranking_words,
    _readiness_words,
    _skills_words,
    _team_words,
    _time_zone_words,
    _wish_words,
)
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
    "time_zone",
    "ranking",
    "mentor_wish",  # last: it is rounded on its own (see the module's docstring)
)
# Parts that count only when the cohort has preferences in play.
PREFERENCE_PARTS: frozenset[str] = frozenset({"ranking", "mentor_wish"})
PART_LABELS: dict[str, str] = {
    "skills": _("Skills"),
    "different_team": _("Different team or department"),
    "experience_gap": _("Experience gap"),
    "availability": _("Overlapping availability"),
    "meeting_mode": _("Compatible meeting mode"),
    "language": _("Shared language"),
    "readiness": _("Mentor readiness"),
    "time_zone": _("Time-zone difference"),
    "ranking": _("Mentee's ranking"),
    "mentor_wish": _("Mentor's preference"),
}
# The re-match penalty: a part of every pair's score, but not weighted by the settings (see the module's docstring).
REMATCH = "rematch"
PART_LABELS[REMATCH] = _("Similar to a pairing that ended as a mismatch")
# The criteria a programme can switch off, weigh or require, and the score part each one is.
CRITERIA: tuple[str, ...] = ("language", "meeting_mode", "time_zone", "department")
CRITERION_PART: dict[str, str] = {
    "language": "language",
    "meeting_mode": "meeting_mode",
    "time_zone": "time_zone",
    "department": "different_team",
}
CRITERION_LABELS: dict[str, str] = {
    "language": _("Shared language"),
    "meeting_mode": _("Compatible meeting mode"),
    "time_zone": _("Time-zone difference"),
    "department": _("Department"),
}
# Parts a round's stored weights may lack (added later): such a round ran with them at 0.
_LATER_PARTS = frozenset({"time_zone"})
# Common time slots at which availability counts fully: beyond three, more overlap adds nothing.
FULL_AVAILABILITY_SLOTS = 3


@dataclass(frozen=True)
class Weights:
    """A programme's matching settings, detached from the database (also the snapshot a round keeps)."""

    parts: Mapping[str, int]  # the weights that count: a criterion switched off weighs 0 here
    gap_min: int = 1
    gap_max: int = 4
    min_score: int = 30
    max_ranked: int = 5  # N: a mentee's k-th choice is worth (N + 1 - k) / N of the ranking's weight
    # Someone in the cohort ranked or marked someone: only then do the preference parts count. Not a setting
    # (it is what the people of the programme did), so it does not make two sets of settings differ.
    preferences_in_play: bool = field(default=False, compare=False)
    # Criterion (CRITERIA) -> CriterionRule; a criterion not listed is weighted.
    rules: Mapping[str, str] = field(default_factory=dict)
    department_direction: str = DepartmentDirection.DIFFERENT
    max_time_zone_hours: int = 3

    @classmethod
    def from_settings(cls, settings: MatchSettings, *, preferences_in_play: bool = False) -> Weights:
        rules = {c: getattr(settings, f"{c}_rule") for c in CRITERIA}
        off = {CRITERION_PART[c] for c, rule in rules.items() if rule == CriterionRule.OFF}
        parts = {part: 0 if part in off else getattr(settings, f"{part}_weight") for part in PARTS}
        if not settings.max_ranked:  # ranking is off in this programme
            parts["ranking"] = 0
        return cls(
            parts=parts,
            gap_min=settings.preferred_gap_min,
            gap_max=settings.preferred_gap_max,
            min_score=settings.min_score,
            max_ranked=settings.max_ranked,
            preferences_in_play=preferences_in_play,
            rules=rules,
            department_direction=settings.department_direction,
            max_time_zone_hours=settings.max_time_zone_hours,
        )

    def rule(self, criterion: str) -> str:
        return self.rules.get(criterion, CriterionRule.WEIGHTED)

    @property
    def required(self) -> tuple[str, ...]:
        """The criteria that are hard rules, in CRITERIA order."""
        return tuple(c for c in CRITERIA if self.rule(c) == CriterionRule.REQUIRED)

    @property
    def same_department(self) -> bool:
        return self.department_direction == DepartmentDirection.SAME

    @classmethod
    def from_snapshot(cls, snapshot: Mapping[str, Any], *, fallback: Weights) -> Weights:
        """The weights a round stored (``snapshot()``); ``fallback`` when the snapshot is incomplete. A round
        stored before preferences existed had none in play."""
        try:
            rules = {c: str(snapshot.get(f"{c}_rule", CriterionRule.WEIGHTED)) for c in CRITERIA}
            direction = str(snapshot.get("department_direction", DepartmentDirection.DIFFERENT))
            if not set(rules.values()) <= set(CriterionRule.values) or direction not in DepartmentDirection.values:
                return fallback
            return cls(
                parts={
                    part: int(snapshot.get(f"{part}_weight", 0))
                    if part in PREFERENCE_PARTS or part in _LATER_PARTS
                    else int(snapshot[f"{part}_weight"])
                    for part in PARTS
                },
                gap_min=int(snapshot["preferred_gap_min"]),
                gap_max=int(snapshot["preferred_gap_max"]),
                min_score=int(snapshot["min_score"]),
                max_ranked=int(snapshot.get("max_ranked", 0)),
                preferences_in_play=bool(snapshot.get("preferences_in_play", False)),
                rules=rules,
                department_direction=direction,
                max_time_zone_hours=int(snapshot.get("max_time_zone_hours", 3)),
            )
        except (KeyError, TypeError, ValueError, AttributeError):
            return fallback

    def snapshot(self) -> dict[str, Any]:
        return {
            **{f"{part}_weight": self.parts.get(part, 0) for part in PARTS},
            "preferred_gap_min": self.gap_min,
            "preferred_gap_max": self.gap_max,
            "min_score": self.min_score,
            "max_ranked": self.max_ranked,
            "preferences_in_play": self.preferences_in_play,
            **{f"{c}_rule": str(self.rule(c)) for c in CRITERIA},
            "department_direction": str(self.department_direction),
            "max_time_zone_hours": self.max_time_zone_hours,
        }

    def counts(self, part: str) -> bool:
        """Whether the part is in the score at all: weighted above zero, and a preference part only in play."""
        return bool(self.parts.get(part, 0)) and (self.preferences_in_play or part not in PREFERENCE_PARTS)

    @property
    def factors(self) -> tuple[float, ...]:
        """Points for each part when it is fully met, in PARTS order; they sum to 100. The preference parts are
        worth 0 and out of the sum when no preferences are in play (scores then are what they always were). (A part
        missing from ``parts`` weighs 0.)"""
        total = sum(self.parts.get(part, 0) for part in PARTS if self.counts(part))
        return tuple(100 * self.parts.get(part, 0) / total if total and self.counts(part) else 0.0 for part in PARTS)


# --- Profiles -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mismatch:
    """A mentor whose pairing with the mentee ended early as "not a good match": what similarity is judged on. The
    reason code only, never anyone's words (a decline's or an ending's reasons in words stay with whoever read them).
    ``skills`` (skill id -> level offered) is empty when the mentor is not an approved mentor of the programme."""

    mentor_id: int
    team_id: int | None
    grade: int | None
    skills: Mapping[int, int] = field(default_factory=dict)


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
    # Mentees only: the mentors whose pairing with them ended early as a mismatch (cohort_load fills it).
    mismatches: tuple[Mismatch, ...] = ()
    # Preferences (cohort_load fills them): a mentee's ranked mentors (mentor id -> rank, 1 the first choice), a
    # mentor's wishes (mentee id -> +1 prefer, -1 prefer not).
    ranks: Mapping[int, int] = field(default_factory=dict)
    stances: Mapping[int, int] = field(default_factory=dict)
    # Copied from the person once: scoring a cohort reads them a hundred thousand times.
    pk: int = field(init=False)
    name: str = field(init=False)
    grade: int | None = field(init=False)
    wanted_total: int = field(init=False)
    team_id: int | None = field(init=False)
    department_id: int | None = field(init=False)
    utc_offset: int | None = field(init=False)  # minutes east of UTC now; None when no (known) zone is on record

    def __post_init__(self) -> None:
        self.pk, self.name, self.grade = self.person.pk, str(self.person), self.person.grade
        self.utc_offset = utc_offset_now(self.person.time_zone)
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


def utc_offset_now(zone_name: str, at: datetime.datetime | None = None) -> int | None:
    """Minutes east of UTC of the zone now (summer time included); None for no zone or an unknown one (an empty
    zone means "the site's own" elsewhere in Tandem, but matching cannot tell where the person is)."""
    if not zone_name:
        return None
    try:
        zone = zoneinfo.ZoneInfo(zone_name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None
    offset = (at or timezone.now()).astimezone(zone).utcoffset()
    return None if offset is None else int(offset.total_seconds()) // 60


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


def different_team_fraction(mentor: Profile, mentee: Profile, same_department: bool = False) -> float:
    """Wider communities of practice: another department counts fully, another team of the same half. A
    programme that wants the same department (``same_department``) counts the same department fully instead."""
    if mentor.team_id is None or mentee.team_id is None:
        return 0.0
    if same_department:
        return 1.0 if mentor.department_id == mentee.department_id else 0.0
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


def time_zone_fraction(mentor: Profile, mentee: Profile, weights: Weights) -> float:
    """Time zones at most the programme's hours apart count fully, at most twice as far half; unknown nothing."""
    if mentor.utc_offset is None or mentee.utc_offset is None:
        return 0.0
    apart, most = abs(mentor.utc_offset - mentee.utc_offset), 60 * weights.max_time_zone_hours
    return 1.0 if apart <= most else 0.5 if apart <= 2 * most else 0.0


def ranking_fraction(mentor: Profile, mentee: Profile, weights: Weights) -> float:
    """The mentee's k-th choice of N counts (N + 1 - k) / N: the first fully, the N-th 1 / N; unranked nothing. A
    rank beyond N (the coordinator lowered N after the mentee ranked) counts nothing."""
    rank, n = mentee.ranks.get(mentor.pk), weights.max_ranked
    return (n + 1 - rank) / n if rank is not None and 0 < rank <= n else 0.0


def mentor_wish_fraction(mentor: Profile, mentee: Profile) -> float:
    """The mentor prefers this mentee: fully; prefers not: a penalty of the whole weight; no wish: nothing."""
    return float(mentor.stances.get(mentee.pk, 0))


def fractions(mentor: Profile, mentee: Profile, weights: Weights) -> tuple[float, ...]:
    """Every part's fraction, in PARTS order."""
    return (
        skills_fraction(mentor, mentee),
        different_team_fraction(mentor, mentee, weights.same_department),
        experience_gap_fraction(mentor, mentee, weights),
        availability_fraction(mentor, mentee),
        meeting_mode_fraction(mentor, mentee),
        language_fraction(mentor, mentee),
        readiness_fraction(mentor),
        time_zone_fraction(mentor, mentee, weights),
        ranking_fraction(mentor, mentee, weights),
        mentor_wish_fraction(mentor, mentee),
    )


def criteria_unmet(mentor: Profile, mentee: Profile, weights: Weights) -> list[str]:
    """The required criteria (CRITERIA order) the pair does not meet; a criterion is met when its part is fully
    met: a shared language, compatible meeting modes, time zones within the programme's hours (both known), the
    department the programme asks for (both known). The one-pair twin of ``required_codes``."""
    if not weights.required:
        return []
    met = {
        "language": lambda: language_fraction(mentor, mentee) == 1.0,
        "meeting_mode": lambda: meeting_mode_fraction(mentor, mentee) == 1.0,
        "time_zone": lambda: time_zone_fraction(mentor, mentee, weights) == 1.0,
        "department": lambda: different_team_fraction(mentor, mentee, weights.same_department) == 1.0,
    }
    return [c for c in weights.required if not met[c]()]


WISH = len(PARTS) - 1  # the mentor's wish, rounded on its own

# Float sums of parts such as 33.333... can land a hair below a half; this is far below any real difference.
EPSILON = 1e-9


def _exact(fraction_values: tuple[float, ...], factors: tuple[float, ...]) -> list[float]:
    return [f * k for f, k in zip(fraction_values, factors, strict=True)]


def _rounded(x: float) -> int:
    return math.floor(x + 0.5 + EPSILON)


def _total(exact: Sequence[float]) -> int:
    """The score: the exact parts' sum, rounded half up once (never each part on its own, then added); the
    mentor's wish (the last part) is rounded on its own and added, so that the score without it is the rest's."""
    return _rounded(sum(exact[:WISH])) + _rounded(exact[WISH])


def _points(exact: Sequence[float], shown: Sequence[bool]) -> list[int]:
    """Whole points for each part that add up exactly to ``_total(exact)``: the mentor's wish rounded on its own,
    the rest by the largest remainder method. Each part is rounded down, then the points still missing go one
    each to the shown parts with the largest remainders (ties to the earlier part). Parts not shown are worth
    exactly 0."""
    return [*_largest_remainder(exact[:WISH], shown[:WISH]), _rounded(exact[WISH])]


def _largest_remainder(exact: Sequence[float], shown: Sequence[bool]) -> list[int]:
    floors = [math.floor(x + EPSILON) for x in exact]
    missing = _rounded(sum(exact)) - sum(floors)
    order = sorted((i for i in range(len(exact)) if shown[i]), key=lambda i: (-(exact[i] - floors[i]), i))
    step = 1 if missing > 0 else -1
    for i in (order if missing > 0 else order[::-1])[: abs(missing)]:
        floors[i] += step
    return floors


def score_value(mentor: Profile, mentee: Profile, weights: Weights, factors: tuple[float, ...] | None = None) -> int:
    """The score alone, without words: the fast path for whole cohorts. At most 100; below 0 when a penalty
    (no shared language) outweighs the rest, and shown as it is."""
    exact = _exact(fractions(mentor, mentee, weights), factors or weights.factors)
    return _total(exact) + rematch_points(mentor, mentee)


def _signed(points: int) -> str:
    return f"+{points}" if points >= 0 else f"-{-points}"


# Who reads a score: the pair's mentee and mentor read some parts in their own words; everyone else (coordinators,
# line managers) reads them as stored.
READERS = ("mentee", "mentor")


def explained(part: dict[str, Any], reader: str = "") -> str:
    """One part of a score in words, in the active language and as ``reader`` ("mentee", "mentor" or "" for
    anyone else) reads it (parts stored before they kept their words as data show the text they were stored
    with). A mentee never reads the mentor's wish: pass their parts through ``as_read_by`` first."""
    if reader == "mentee" and part.get("part") == "mentor_wish":
        return ""
    if "said" in part:
        words = (part.get("said_by") or {}).get(reader) or part["said"]
        return f"{_signed(part['points'])} {say(words)}"
    return str(part.get("text", ""))


def as_read_by(score: int | None, parts: Sequence[Any], reader: str) -> tuple[int | None, list[Any]]:
    """The score and its parts as ``reader`` may see them: for the mentee, without the mentor's wish and without
    its points in the score (it is rounded on its own, so the rest is exactly the score of the other parts)."""
    parts = list(parts or [])
    if reader != "mentee":
        return score, parts
    hidden = [p for p in parts if isinstance(p, dict) and p.get("part") == "mentor_wish"]
    if score is not None:
        score -= sum(int(p.get("points", 0)) for p in hidden)
    return score, [p for p in parts if not (isinstance(p, dict) and p.get("part") == "mentor_wish")]


def wish_points(mentor: Profile, mentee: Profile, weights: Weights) -> int:
    """The points the mentor's wish adds to (or takes from) the pair's score: what a mentee's score leaves out."""
    return _rounded(mentor_wish_fraction(mentor, mentee) * weights.factors[WISH])


def score_parts(mentor: Profile, mentee: Profile, weights: Weights) -> tuple[int, list[dict[str, Any]]]:
    """The score and its parts in words, e.g. ``"+32 skills: Negotiation, Budgeting"``, ``"-10 no shared
    language"``. Parts the coordinator weighted at zero are left out, and the preference parts when none are in
    play; the re-match penalty ("-10 similar to a pairing that ended as a mismatch (same team, same grade)") comes
    last, only where it takes points away. The dicts are what MatchProposal.parts, Pairing.explanation and
    MentorRequest.explanation store (a mentor reads them through ``parts_for_mentor``); a part that the mentee or
    the mentor reads in other words keeps those as ``said_by`` (``explained``)."""
    exact = _exact(fractions(mentor, mentee, weights), weights.factors)
    shown = [weights.counts(part) for part in PARTS]
    points = _points(exact, shown)
    ranking_said, ranking_by = _ranking_words(mentor, mentee, weights)
    wish_said, wish_by = _wish_words(mentor, mentee)
    words = (
        _skills_words(mentor, mentee),
        _team_words(mentor, mentee),
        _gap_words(mentor, mentee, weights),
        _availability_words(mentor, mentee),
        _mode_words(mentor, mentee),
        _language_words(mentor, mentee),
        _readiness_words(mentor),
        _time_zone_words(mentor, mentee),
        ranking_said,
        wish_said,
    )
    by_reader = {"ranking": ranking_by, "mentor_wish": wish_by}
    # The words are kept as data ("said") and put into words when shown, in the reader's language; "text" is
    # them in the language of whoever ran the scoring, for what reads the parts as plain text.
    parts = []
    for part, p, w, show in zip(PARTS, points, words, shown, strict=True):
        if show:
            parts.append({"part": part, "points": p, "text": f"{_signed(p)} {say(w)}", "said": w})
            if part in by_reader:
                parts[-1]["said_by"] = by_reader[part]
    if penalty := rematch_points(mentor, mentee):
        words = _rematch_words(mentor, mentee)
        parts.append({"part": REMATCH, "points": penalty, "text": f"{_signed(penalty)} {say(words)}", "said": words})
    return _total(exact) + penalty, parts


def parts_for_mentor(parts: Iterable[Any]) -> list[Any]:
    """A score's parts as a mentor may read them about a mentee: without the re-match penalty, which tells of the
    mentee's earlier pairing (the mentee and the coordinators see it; another mentor never does)."""
    return [p for p in parts if not (isinstance(p, dict) and p.get("part") == REMATCH)]
