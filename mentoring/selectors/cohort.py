"""The cohort and the hard rules of pairing. Nothing here writes.

- ``cohort_load`` reads everything the scores and rules need about one programme's approved mentors and
  mentees in a fixed number of queries (thirteen at most, whatever the cohort's size): profiles with skills, training
  readiness, the management chains, the pairings (current, proposed and ended, with the ends that were a mismatch),
  the overrides, the preferences (mentees' rankings, mentors' wishes) and settings;
- pure functions over what was loaded: ``rules_broken`` (the hard rules a pair would break, in words, the
  programme's required criteria included); the scores themselves are ``mentoring.selectors.scoring``'s.

**For any code that creates or activates a pairing** (rounds, swaps, publishing, mentee requests, the
pairing lifecycle): inside the writing transaction, first lock the mentor's place with
``mentoring.services.matching.mentor_places_lock(programme=..., mentor_ids=[...])``, then call
``pair_rules_broken(programme=..., mentor=..., mentee=...)`` and refuse with its messages when it returns any.
When re-checking a pairing that already exists (accepting a proposed pairing), pass it as ``ignore_pairing``
so that it does not count against itself.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.dates import long_date
from mentoring.models import MatchOverride, MatchSettings, MenteeRanking, MentorStance, Pairing
from mentoring.selectors.scoring import (
    Mismatch,
    Profile,
    Readiness,
    Weights,
    criteria_unmet,
    profile_from_application,
    score_value,
)
from programmes.models import (
    Application,
    ApplicationSkill,
    Membership,
    OrgUnit,
    Person,
    Programme,
    Role,
)
from programmes.selectors import training_readiness

# --- The cohort: everything the rules need, loaded once --------------------------------------------------------

ENDED = (Pairing.Status.COMPLETED, Pairing.Status.ENDED_EARLY)
OPEN = (Pairing.Status.PROPOSED, *Pairing.CURRENT)
# The end reasons that tell matching to stay away from similar mentors: only "not a good match". Leaving the
# organisation, workload, a no-fault ending (a declined proposal too) or a completed pairing lower nothing.
MISMATCH_REASONS = (Pairing.EndReason.MISMATCH,)


@dataclass(frozen=True)
class EndedEarly:
    """A mentee's latest pairing in this programme that ended early: who mentored, why (the code only), when."""

    mentor_id: int
    mentor_name: str
    reason: str
    started_on: datetime.date | None  # None: it never started (a declined proposal)
    ended_on: datetime.date | None


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
    ended_early: dict[int, EndedEarly] = field(default_factory=dict)  # mentee id -> latest early end here
    # Preferences: (mentee id, mentor id) -> rank (1 the first choice; only when ranking is on), and
    # (mentor id, mentee id) -> +1 prefer, -1 prefer not. The profiles hold the same (Profile.ranks, .stances).
    rankings: dict[tuple[int, int], int] = field(default_factory=dict)
    stances: dict[tuple[int, int], int] = field(default_factory=dict)
    suggestion_spread: int = 3  # MatchSettings.suggestion_spread: top-fives per free place of a mentor (0: no limit)
    _chains: dict[int, list[int]] = field(default_factory=dict)

    @property
    def factors(self) -> tuple[float, ...]:
        return self.weights.factors

    @property
    def max_ranked(self) -> int:
        """How many mentors a mentee may rank (0: ranking is off)."""
        return self.weights.max_ranked

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
    settings, _created = MatchSettings.objects.get_or_create(programme=programme)
    return settings


def cohort_load(
    *,
    programme: Programme,
    settings: MatchSettings | None = None,
    ignore_pairing: Pairing | None = None,
) -> Cohort:
    """Everything matching needs about the programme's approved mentors and mentees: thirteen queries at most,
    whatever the cohort's size, once the settings exist.

    The settings (one query, two on first use; none when passed), the approved applications of members with
    their people and teams, their skills, readiness (four), the org units (for departments), every line-manager
    link of the organisation, the pairings that count (this programme's open ones and any ended pairing of these
    mentees, with the end reason and the mentor's team and grade, in the same query), the overrides, the mentees'
    rankings and the mentors' wishes (one each). (Readiness skips its training-records query when the programme
    requires no training: twelve then.) The preference parts of the score count when anyone in the cohort ranked or
    marked someone (``Weights.preferences_in_play``). People who have left (deactivated, or missing from the HR
    file) are left out.
    ``ignore_pairing`` leaves one pairing out of the counts, to re-check a pairing that already exists.
    """
    settings = settings or match_settings_get(programme=programme)
    profiles = _cohort_profiles(programme)
    # People who have left (deactivated, marked as left, or missing from the HR file) are never matched at all.
    gone = [p for p in profiles if not p.person.is_active or p.person.left_at or p.person.missing_from_hr_since]
    left = {p.pk: p.name for p in gone}
    profiles = [p for p in profiles if p.pk not in left]
    mentors = {p.pk: p for p in profiles if p.role == Role.MENTOR}
    mentees = {p.pk: p for p in profiles if p.role == Role.MENTEE}
    managers = dict(Person.objects.filter(line_manager__isnull=False).values_list("pk", "line_manager_id"))
    load, mentee_pairing, ended, ended_early = _pairings_that_count(programme, mentors, mentees, ignore_pairing)
    overrides = set(MatchOverride.objects.filter(programme=programme).values_list("mentor_id", "mentee_id"))
    rankings, stances = _preferences(programme, settings, mentors, mentees)
    return Cohort(
        programme=programme,
        weights=Weights.from_settings(settings, preferences_in_play=bool(rankings or stances)),
        mentors=mentors,
        mentees=mentees,
        managers=managers,
        load=load,
        mentee_pairing=mentee_pairing,
        ended=ended,
        overrides=overrides,
        left=left,
        ended_early=ended_early,
        rankings=rankings,
        stances=stances,
        suggestion_spread=settings.suggestion_spread,
    )


STANCE_VALUES = {MentorStance.Stance.PREFER: 1, MentorStance.Stance.PREFER_NOT: -1}


def _preferences(
    programme: Programme, settings: MatchSettings, mentors: dict[int, Profile], mentees: dict[int, Profile]
) -> tuple[dict[tuple[int, int], int], dict[tuple[int, int], int]]:
    """The cohort's rankings (when ranking is on) and wishes, among its own people (one query each), also put on
    the profiles: a mentee's ranks, a mentor's stances."""
    rankings: dict[tuple[int, int], int] = {}
    for mentee_id, mentor_id, rank in MenteeRanking.objects.filter(programme=programme).values_list(
        "mentee_id", "mentor_id", "rank"
    ):
        if settings.max_ranked and mentee_id in mentees and mentor_id in mentors:
            rankings[mentee_id, mentor_id] = rank
            mentees[mentee_id].ranks[mentor_id] = rank
    stances: dict[tuple[int, int], int] = {}
    for mentor_id, mentee_id, stance in MentorStance.objects.filter(programme=programme).values_list(
        "mentor_id", "mentee_id", "stance"
    ):
        if mentor_id in mentors and mentee_id in mentees and stance in STANCE_VALUES:
            stances[mentor_id, mentee_id] = STANCE_VALUES[stance]
            mentors[mentor_id].stances[mentee_id] = STANCE_VALUES[stance]
    return rankings, stances


def _cohort_profiles(programme: Programme) -> list[Profile]:
    """The approved applications of members with their people, teams, skills, readiness and departments."""
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
    return [
        profile_from_application(
            a,
            readiness=state(a.person_id),
            default_capacity=programme.default_mentor_capacity,
            department=departments[a.person.org_unit_id][0] if a.person.org_unit_id in departments else None,
        )
        for a in applications
    ]


def _pairings_that_count(
    programme: Programme, mentors: dict[int, Profile], mentees: dict[int, Profile], ignore_pairing: Pairing | None
) -> tuple[
    Counter[int], dict[int, tuple[int, str]], dict[tuple[int, int], datetime.date | None], dict[int, EndedEarly]
]:
    """Each mentor's load and each mentee's open pairing in this programme, the pairs that ended (anywhere, with
    their latest end) and each mentee's latest early end here: one query over this programme's open pairings and
    these mentees' ended ones. A pairing that ended as a mismatch is kept on the mentee's profile (``mismatches``,
    with the mentor's team and grade from the same query, and their skills when they mentor here)."""
    pairings = Pairing.objects.filter(
        Q(programme=programme, status__in=OPEN) | Q(status__in=ENDED, mentee_id__in=list(mentees))
    )
    if ignore_pairing is not None:
        pairings = pairings.exclude(pk=ignore_pairing.pk)
    load: Counter[int] = Counter()
    mentee_pairing: dict[int, tuple[int, str]] = {}
    ended: dict[tuple[int, int], datetime.date | None] = {}
    ended_early: dict[int, EndedEarly] = {}
    mismatches: dict[int, dict[int, Mismatch]] = {}
    rows = pairings.values_list(
        "mentor_id",
        "mentee_id",
        "status",
        "programme_id",
        "started_on",
        "ended_on",
        "end_reason",
        "mentor__display_name",
        "mentor__org_unit_id",
        "mentor__grade",
    )
    for mentor_id, mentee_id, status, programme_id, started_on, ended_on, reason, name, team_id, grade in rows:
        if status in ENDED:
            key = (mentor_id, mentee_id)
            if key not in ended or (ended_on and (ended[key] is None or ended_on > ended[key])):
                ended[key] = ended_on
            if status == Pairing.Status.ENDED_EARLY and reason in MISMATCH_REASONS:
                offered = mentors[mentor_id].skills if mentor_id in mentors else {}
                skills = {skill_id: level for skill_id, (_name, level) in offered.items()}
                mismatches.setdefault(mentee_id, {})[mentor_id] = Mismatch(mentor_id, team_id, grade, skills)
            latest = ended_early.get(mentee_id)
            if (
                status == Pairing.Status.ENDED_EARLY
                and programme_id == programme.pk
                and (latest is None or (ended_on or datetime.date.min) >= (latest.ended_on or datetime.date.min))
            ):
                ended_early[mentee_id] = EndedEarly(mentor_id, name or "", reason, started_on, ended_on)
        elif programme_id == programme.pk:
            load[mentor_id] += 1
            mentee_pairing[mentee_id] = (mentor_id, status)
    for mentee_id, found in mismatches.items():
        mentees[mentee_id].mismatches = tuple(found[k] for k in sorted(found))
    return load, mentee_pairing, ended, ended_early


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
        .values_list(
            "person_id", "role", "capacity", "person__is_active", "person__left_at", "person__missing_from_hr_since"
        )
    )
    mentors: dict[int, Profile] = {}
    mentees: dict[int, Profile] = {}
    left = dict(cohort.left)
    for person_id, role, capacity, active, left_at, missing in rows:
        known = (cohort.mentors if role == Role.MENTOR else cohort.mentees).get(person_id)
        if not active or left_at is not None or missing is not None:
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
        return [
            Broken(
                "left",
                _("%(name)s has left the organisation and cannot be matched.") % {"name": cohort.left[mentor_id]},
            )
        ]
    if profile is None:
        name = mentor if isinstance(mentor, int) else str(mentor)
        text = _("%(name)s is not an approved mentor of %(programme)s.") % {"name": name, "programme": cohort.programme}
        return [Broken("not_approved", text)]
    broken = []
    if profile.readiness == Readiness.NOT_READY:
        broken.append(
            Broken(
                "not_ready",
                _(
                    "%(name)s has not met the training mentors need, and no coordinator has recorded a readiness "
                    "override."
                )
                % {"name": profile.name},
            )
        )
    taken = cohort.load[mentor_id] + extra_load
    if taken >= profile.capacity:
        broken.append(
            Broken(
                "capacity",
                ngettext(
                    "%(name)s has no free place: %(taken)s of %(capacity)s mentee already, counting proposals.",
                    "%(name)s has no free place: %(taken)s of %(capacity)s mentees already, counting proposals.",
                    profile.capacity,
                )
                % {"name": profile.name, "taken": taken, "capacity": profile.capacity},
            )
        )
    return broken


def mentee_rules(cohort: Cohort, mentee: Person | int) -> list[Broken]:
    """Rules about the mentee alone: approved, ready (or overridden), no other open pairing."""
    mentee_id = mentee if isinstance(mentee, int) else mentee.pk
    profile = cohort.mentees.get(mentee_id)
    if mentee_id in cohort.left:
        return [
            Broken(
                "left",
                _("%(name)s has left the organisation and cannot be matched.") % {"name": cohort.left[mentee_id]},
            )
        ]
    if profile is None:
        name = mentee if isinstance(mentee, int) else str(mentee)
        text = _("%(name)s is not an approved mentee of %(programme)s.") % {"name": name, "programme": cohort.programme}
        return [Broken("not_approved", text)]
    broken = []
    if profile.readiness == Readiness.NOT_READY:
        broken.append(
            Broken(
                "not_ready",
                _(
                    "%(name)s has not met the training mentees need, and no coordinator has recorded a readiness "
                    "override."
                )
                % {"name": profile.name},
            )
        )
    if mentee_id in cohort.mentee_pairing:
        status = cohort.mentee_pairing[mentee_id][1]
        if status == Pairing.Status.PROPOSED:
            text = _("%(name)s already has a proposed pairing in this programme.") % {"name": profile.name}
        else:
            text = _("%(name)s already has a mentor in this programme.") % {"name": profile.name}
        broken.append(Broken("has_pairing", text))
    return broken


def chain_rules(
    chain_of: Callable[[int], list[int]], mentor_id: int, mentee_id: int, mentor_name: str, mentee_name: str
) -> list[Broken]:
    """The management-chain rules, both ways, given ``chain_of(person_id)`` (their line manager, then up): also
    re-checked for current pairings when people move (mentoring.services.leavers)."""
    broken = []
    chain = chain_of(mentee_id)
    if mentor_id in chain:
        values = {"mentor": mentor_name, "mentee": mentee_name, "levels": chain.index(mentor_id) + 1}
        if chain[0] == mentor_id:
            text = _("%(mentor)s is %(mentee)s's line manager.") % values
        else:
            text = _("%(mentor)s is %(mentee)s's manager %(levels)s levels up the management chain.") % values
        broken.append(Broken("chain", text))
    # Both ways: nobody mentors their own manager, however far up (the mentee would judge their mentor's work).
    up = chain_of(mentor_id)
    if mentee_id in up:
        values = {"mentor": mentor_name, "mentee": mentee_name, "levels": up.index(mentee_id) + 1}
        if up[0] == mentee_id:
            text = _("%(mentee)s is %(mentor)s's line manager, so %(mentor)s cannot mentor them.") % values
        else:
            text = (
                _(
                    "%(mentee)s is %(mentor)s's manager %(levels)s levels up the management chain, so %(mentor)s "
                    "cannot mentor them."
                )
                % values
            )
        broken.append(Broken("reports", text))
    return broken


def pair_rules(cohort: Cohort, mentor_id: int, mentee_id: int, mentor_name: str, mentee_name: str) -> list[Broken]:
    """Rules about the two together: not oneself, not in the same management chain (the mentor above the mentee,
    or the mentee above the mentor, at any level), not paired before."""
    if mentor_id == mentee_id:
        return [Broken("oneself", _("Nobody can mentor themselves."))]
    broken = chain_rules(cohort.chain, mentor_id, mentee_id, mentor_name, mentee_name)
    key = (mentor_id, mentee_id)
    if key in cohort.ended and key not in cohort.overrides:
        ended_on = cohort.ended[key]
        values = {"mentor": mentor_name, "mentee": mentee_name}
        if ended_on:
            values["ended"] = long_date(ended_on)
            text = _(
                "%(mentor)s and %(mentee)s were paired before (ended %(ended)s); a coordinator must record an "
                "override to pair them again."
            )
        else:
            text = _(
                "%(mentor)s and %(mentee)s were paired before; a coordinator must record an override to pair them "
                "again."
            )
        broken.append(Broken("paired_before", text % values))
    mentor_p, mentee_p = cohort.mentors.get(mentor_id), cohort.mentees.get(mentee_id)
    if mentor_p is not None and mentee_p is not None:
        broken += [
            criterion_broken(cohort.weights, criterion, mentor_p, mentee_p)
            for criterion in criteria_unmet(mentor_p, mentee_p, cohort.weights)
        ]
    return broken


def criterion_rule(weights: Weights, criterion: str) -> str:
    """The rule name of a required criterion (``Broken.rule``; the department one says which way)."""
    if criterion == "department" and weights.same_department:
        return "same_department"
    return criterion


def criterion_broken(weights: Weights, criterion: str, mentor: Profile, mentee: Profile) -> Broken:
    """A required criterion the pair does not meet, in words a coordinator understands."""
    values = {"mentor": mentor.name, "mentee": mentee.name, "hours": weights.max_time_zone_hours}
    if criterion == "language":
        text = _("%(mentor)s and %(mentee)s share no language, and the programme requires a shared language.")
    elif criterion == "meeting_mode":
        text = _(
            "%(mentor)s and %(mentee)s cannot meet the same way (in person or by video), and the programme requires "
            "a compatible meeting mode."
        )
    elif criterion == "time_zone":
        if mentor.utc_offset is None or mentee.utc_offset is None:
            text = _(
                "The time zone of %(mentor)s or %(mentee)s is not on record, so the time-zone difference the "
                "programme requires cannot be confirmed."
            )
        else:
            text = ngettext(
                "%(mentor)s and %(mentee)s are too far apart in time: the programme requires time zones at most "
                "%(hours)s hour apart.",
                "%(mentor)s and %(mentee)s are too far apart in time: the programme requires time zones at most "
                "%(hours)s hours apart.",
                weights.max_time_zone_hours,
            )
    elif mentor.team_id is None or mentee.team_id is None:
        text = _(
            "The team of %(mentor)s or %(mentee)s is not on record, so the department the programme requires cannot "
            "be confirmed."
        )
    elif weights.same_department:
        text = _("%(mentor)s and %(mentee)s are in different departments, and the programme requires the same one.")
    else:
        text = _("%(mentor)s and %(mentee)s are in the same department, and the programme requires different ones.")
    return Broken(criterion_rule(weights, criterion), text % values)


def rules_broken(cohort: Cohort, mentor: Person | int, mentee: Person | int, *, extra_load: int = 0) -> list[Broken]:
    """Every hard rule the pair would break, given the loaded cohort; empty when they may be paired. (Proposing
    also needs the score at the minimum: ``below_minimum``.)"""
    mentor_id = mentor if isinstance(mentor, int) else mentor.pk
    mentee_id = mentee if isinstance(mentee, int) else mentee.pk
    if mentor_id == mentee_id:
        return [Broken("oneself", _("Nobody can mentor themselves."))]
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
            _("%(mentor)s and %(mentee)s score %(score)s, below the programme's minimum of %(minimum)s.")
            % {"mentor": mentor_p.name, "mentee": mentee_p.name, "score": score, "minimum": minimum},
        )
    ]


def pair_rules_broken(
    *, programme: Programme, mentor: Person, mentee: Person, ignore_pairing: Pairing | None = None
) -> list[str]:
    """The hard rules pairing ``mentor`` with ``mentee`` in ``programme`` would break, in words; [] when none.

    Loads the cohort (thirteen queries). Call it inside your writing transaction after
    ``mentoring.services.matching.mentor_places_lock`` so that capacity cannot change between the check and the write.
    """
    cohort = cohort_load(programme=programme, ignore_pairing=ignore_pairing)
    return [b.text for b in rules_broken(cohort, mentor, mentee)]
