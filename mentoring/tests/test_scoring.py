"""Scores (each part on its own, in numbers and words) and the hard rules of pairing."""

from __future__ import annotations

import datetime
import random

import pytest

from mentoring.models import MatchOverride, Pairing
from mentoring.selectors.cohort import cohort_load, pair_rules_broken, rules_broken
from mentoring.selectors.score_matrix import score_matrix
from mentoring.selectors.scoring import PARTS, Profile, Readiness, Weights, score_parts, score_value
from mentoring.tests.factories import PairingFactory, approved_profile
from programmes.models import OrgUnit, Person, ProgrammeRequirement, ReadinessOverride, Role
from programmes.tests.factories import (
    CourseFactory,
    MembershipFactory,
    PersonFactory,
    ProgrammeFactory,
    SkillFactory,
    TrainingRecordFactory,
)

# --- Pure scoring: profiles built in memory, no database --------------------------------------------------------

ENGINEERING = OrgUnit(pk=1, name="Engineering", kind=OrgUnit.Kind.DEPARTMENT)
PLATFORM = OrgUnit(pk=2, name="Platform", parent=ENGINEERING)
DATA = OrgUnit(pk=3, name="Data", parent=ENGINEERING)
SALES = OrgUnit(pk=4, name="Sales", kind=OrgUnit.Kind.DEPARTMENT)
FIELD = OrgUnit(pk=5, name="Field", parent=SALES)
NEGOTIATION, BUDGETING, COACHING = 1, 2, 3
NAMES = {NEGOTIATION: "Negotiation", BUDGETING: "Budgeting", COACHING: "Coaching"}
DEFAULTS = Weights(
    parts={
        "skills": 40,
        "different_team": 15,
        "experience_gap": 15,
        "availability": 10,
        "meeting_mode": 5,
        "language": 10,
        "readiness": 5,
    }
)


def profile(
    pk: int,
    *,
    role: str = Role.MENTEE,
    skills: dict[int, int] | None = None,
    unit: OrgUnit | None = PLATFORM,
    grade: int | None = 3,
    slots: tuple[str, ...] = ("mon-am",),
    mode: str = "either",
    languages: tuple[str, ...] = ("English",),
    readiness: str = Readiness.READY,
) -> Profile:
    person = Person(pk=pk, display_name=f"Person {pk}", grade=grade, org_unit=unit)
    return Profile(
        person=person,
        role=role,
        skills={s: (NAMES[s], level) for s, level in (skills or {}).items()},
        availability=frozenset(slots),
        meeting_mode=mode,
        languages={lang.casefold(): lang for lang in languages},
        capacity=2 if role == Role.MENTOR else 0,
        readiness=readiness,
    )


def mentor(pk: int = 1, **kwargs) -> Profile:
    kwargs.setdefault("unit", FIELD)
    kwargs.setdefault("grade", 6)
    return profile(pk, role=Role.MENTOR, **kwargs)


def part(mentor_profile: Profile, mentee_profile: Profile, name: str, weights: Weights = DEFAULTS) -> dict:
    return next(p for p in score_parts(mentor_profile, mentee_profile, weights)[1] if p["part"] == name)


def test_skills_a_mentor_at_or_above_the_wanted_level_counts_fully():
    mentee = profile(2, skills={NEGOTIATION: 2, BUDGETING: 3})
    found = part(mentor(skills={NEGOTIATION: 4, BUDGETING: 3}), mentee, "skills")
    found.pop("said")  # the same words kept as data, for the reader's language (test_i18n_mentoring.py)
    assert found == {"part": "skills", "points": 40, "text": "+40 skills: Budgeting, Negotiation"}


def test_skills_a_mentor_below_the_wanted_level_counts_in_proportion():
    mentee = profile(2, skills={NEGOTIATION: 4})
    assert part(mentor(skills={NEGOTIATION: 2}), mentee, "skills")["text"] == "+20 skills: Negotiation (partly)"


def test_skills_wanted_at_a_higher_level_weigh_more():
    mentee = profile(2, skills={NEGOTIATION: 3, BUDGETING: 1})
    assert part(mentor(skills={NEGOTIATION: 3}), mentee, "skills")["points"] == 30  # 3 of 4 wanted levels
    assert part(mentor(skills={BUDGETING: 4}), mentee, "skills")["points"] == 10  # 1 of 4


def test_skills_none_offered_scores_nothing_and_says_so():
    mentee = profile(2, skills={NEGOTIATION: 2})
    assert (
        part(mentor(skills={COACHING: 4}), mentee, "skills")["text"] == "+0 skills: none of the wanted skills offered"
    )


def test_another_department_counts_more_than_another_team_of_the_same_department():
    mentee = profile(2, unit=PLATFORM)
    assert part(mentor(unit=FIELD), mentee, "different_team")["text"] == "+15 different department"
    assert part(mentor(unit=DATA), mentee, "different_team")["text"] == "+8 different team in the same department"
    assert part(mentor(unit=PLATFORM), mentee, "different_team")["text"] == "+0 same team"
    assert part(mentor(unit=None), mentee, "different_team")["text"] == "+0 team not on record"


def test_experience_gap_within_the_band_counts_fully_outside_less_below_nothing():
    mentee = profile(2, grade=3)
    assert part(mentor(grade=6), mentee, "experience_gap")["text"] == "+15 experience gap of 3 grades"
    assert part(mentor(grade=10), mentee, "experience_gap")["text"] == "+8 experience gap of 7 grades (preferred 1–4)"
    assert part(mentor(grade=3), mentee, "experience_gap")["text"] == "+8 same grade (preferred 1–4)"
    assert part(mentor(grade=2), mentee, "experience_gap")["text"] == "+0 mentor's grade is below the mentee's"
    assert part(mentor(grade=None), mentee, "experience_gap")["points"] == 0


def test_availability_counts_common_slots_up_to_three():
    mentee = profile(2, slots=("mon-am", "tue-am", "wed-am", "thu-am"))
    assert part(mentor(slots=("mon-am", "tue-am")), mentee, "availability")["text"] == "+7 two common time slots"
    assert part(mentor(slots=("mon-am",)), mentee, "availability")["text"] == "+3 one common time slot"
    four = mentor(slots=("mon-am", "tue-am", "wed-am", "thu-am"))
    assert part(four, mentee, "availability")["text"] == "+10 four common time slots"
    assert part(mentor(slots=("fri-pm",)), mentee, "availability")["text"] == "+0 no common time slots"


def test_meeting_mode_either_is_compatible_with_both():
    mentee = profile(2, mode="in_person")
    assert part(mentor(mode="either"), mentee, "meeting_mode")["text"] == "+5 both can meet in person"
    assert part(mentor(mode="in_person"), mentee, "meeting_mode")["points"] == 5
    assert part(mentor(mode="video"), mentee, "meeting_mode")["text"] == (
        "+0 meeting modes differ (mentor: video call, mentee: in person)"
    )


def test_no_shared_language_is_a_penalty_and_case_does_not_matter():
    mentee = profile(2, languages=("English", "French"))
    assert part(mentor(languages=("german",)), mentee, "language")["text"] == "-10 no shared language"
    assert part(mentor(languages=("english",)), mentee, "language")["text"] == "+10 shared language: English"


def test_readiness_ready_counts_fully_overridden_partly():
    mentee = profile(2)
    assert part(mentor(readiness=Readiness.READY), mentee, "readiness")["points"] == 5
    overridden = part(mentor(readiness=Readiness.OVERRIDDEN), mentee, "readiness")
    assert overridden["text"] == "+3 mentor's training not met (readiness override)"


def test_a_perfect_pair_scores_100_whatever_the_weights_sum_to():
    mentee = profile(2, skills={NEGOTIATION: 2}, grade=3, slots=("mon-am", "tue-am", "wed-am"))
    perfect = mentor(skills={NEGOTIATION: 2}, grade=5, slots=("mon-am", "tue-am", "wed-am"))
    halved = Weights(parts={name: weight // 5 for name, weight in DEFAULTS.parts.items()})  # sum 20
    assert score_value(perfect, mentee, DEFAULTS) == 100
    assert score_value(perfect, mentee, halved) == 100
    score, parts = score_parts(perfect, mentee, halved)
    assert score == sum(p["points"] for p in parts) == 100


def test_a_part_weighted_zero_is_left_out_of_the_words():
    weights = Weights(parts={**DEFAULTS.parts, "language": 0, "readiness": 0})
    _, parts = score_parts(mentor(), profile(2), weights)
    assert [p["part"] for p in parts] == ["skills", "different_team", "experience_gap", "availability", "meeting_mode"]


def test_a_negative_score_is_shown_as_it_is_and_its_words_add_up_to_it():
    lonely = profile(2, skills={NEGOTIATION: 2}, unit=PLATFORM, grade=5, slots=("fri-pm",), mode="video")
    mismatch = mentor(unit=PLATFORM, grade=1, mode="in_person", languages=("German",), readiness=Readiness.NOT_READY)
    assert score_value(mismatch, lonely, DEFAULTS) == -10
    score, parts = score_parts(mismatch, lonely, DEFAULTS)
    assert score == -10
    assert "-10 no shared language" in [p["text"] for p in parts]
    assert sum(p["points"] for p in parts) == -10


@pytest.mark.parametrize("preferences", [False, True])
def test_the_cohort_matrix_gives_exactly_the_one_by_one_scores(preferences):
    rng = random.Random(7)
    units = [PLATFORM, DATA, FIELD, None]

    def random_profile(pk: int, role: str) -> Profile:
        return profile(
            pk,
            role=role,
            skills={s: rng.randint(1, 4) for s in rng.sample(list(NAMES), rng.randint(0, 3))},
            unit=rng.choice(units),
            grade=rng.choice([None, *range(1, 12)]),
            slots=tuple(rng.sample(["mon-am", "mon-pm", "tue-am", "wed-pm", "fri-am"], rng.randint(0, 4))),
            mode=rng.choice(["in_person", "video", "either"]),
            languages=tuple(rng.sample(["English", "french", "German"], rng.randint(0, 2))),
            readiness=rng.choice([Readiness.READY, Readiness.OVERRIDDEN, Readiness.NOT_READY]),
        )

    mentees = [random_profile(i, Role.MENTEE) for i in range(40)]
    mentors = [random_profile(100 + i, Role.MENTOR) for i in range(25)]
    weights = Weights(
        parts={name: rng.randint(0, 30) for name in PARTS},
        gap_min=2,
        gap_max=3,
        max_ranked=4,
        preferences_in_play=preferences,
    )
    if preferences:  # rankings (some beyond the 4 that count) and mentors' wishes
        for e in mentees:
            e.ranks = {m.pk: r for r, m in enumerate(rng.sample(mentors, rng.randint(0, 6)), start=1)}
        for m in mentors:
            m.stances = {e.pk: rng.choice([1, -1]) for e in rng.sample(mentees, rng.randint(0, 10))}
    matrix, shares = score_matrix(mentors, mentees, weights)
    for i, e in enumerate(mentees):
        for j, m in enumerate(mentors):
            assert matrix[i, j] == score_value(m, e, weights), (e.pk, m.pk)
            assert shares[i, j] == bool(e.skills.keys() & m.skills.keys())


# --- Hard rules: a real cohort in the database --------------------------------------------------------------


@pytest.fixture
def negotiation(db):
    return SkillFactory(name="Negotiation")


@pytest.fixture
def cohort_programme(db):
    return ProgrammeFactory(name="Cohort", default_mentor_capacity=2)


def names(broken) -> list[str]:
    return [b.text for b in broken]


@pytest.mark.django_db
def test_nobody_mentors_themselves(cohort_programme):
    person = approved_profile(programme=cohort_programme, role=Role.MENTOR).person
    cohort = cohort_load(programme=cohort_programme)
    assert names(rules_broken(cohort, person, person)) == ["Nobody can mentor themselves."]


@pytest.mark.django_db
def test_not_the_line_manager_nor_anyone_above_three_levels_deep(cohort_programme):
    director = PersonFactory(display_name="Dee Director")
    head = PersonFactory(display_name="Hal Head", line_manager=director)
    manager = PersonFactory(display_name="Meg Manager", line_manager=head)
    peer = PersonFactory(display_name="Pia Peer", line_manager=head)
    mentee = approved_profile(
        programme=cohort_programme, person=PersonFactory(display_name="Mo Mentee", line_manager=manager)
    ).person
    for person in (director, head, manager, peer):
        approved_profile(programme=cohort_programme, role=Role.MENTOR, person=person)
    cohort = cohort_load(programme=cohort_programme)
    assert names(rules_broken(cohort, manager, mentee)) == ["Meg Manager is Mo Mentee's line manager."]
    assert names(rules_broken(cohort, head, mentee)) == [
        "Hal Head is Mo Mentee's manager 2 levels up the management chain."
    ]
    assert names(rules_broken(cohort, director, mentee)) == [
        "Dee Director is Mo Mentee's manager 3 levels up the management chain."
    ]
    assert rules_broken(cohort, peer, mentee) == []  # beside the chain, not above the mentee


@pytest.mark.django_db
def test_a_mentor_is_never_above_capacity_counting_current_and_proposed_pairings(cohort_programme):
    full = approved_profile(programme=cohort_programme, role=Role.MENTOR, capacity=2, display_name="Fay Full").person
    mentee = approved_profile(programme=cohort_programme).person
    PairingFactory(programme=cohort_programme, mentor=full, status=Pairing.Status.ACTIVE)
    PairingFactory(programme=cohort_programme, mentor=full, status=Pairing.Status.PROPOSED)
    PairingFactory(programme=cohort_programme, mentor=full, status=Pairing.Status.COMPLETED)  # does not count
    cohort = cohort_load(programme=cohort_programme)
    assert names(rules_broken(cohort, full, mentee)) == [
        "Fay Full has no free place: 2 of 2 mentees already, counting proposals."
    ]
    roomy = approved_profile(programme=cohort_programme, role=Role.MENTOR, capacity=2).person
    cohort = cohort_load(programme=cohort_programme)
    assert rules_broken(cohort, roomy, mentee) == []
    assert [b.rule for b in rules_broken(cohort, roomy, mentee, extra_load=2)] == ["capacity"]


@pytest.mark.django_db
def test_the_programme_default_capacity_applies_when_the_mentor_gave_none(cohort_programme):
    mentor_person = approved_profile(programme=cohort_programme, role=Role.MENTOR, capacity=None).person
    cohort = cohort_load(programme=cohort_programme)
    assert cohort.free_places(mentor_person.pk) == 2


@pytest.mark.django_db
def test_one_current_or_proposed_pairing_per_mentee(cohort_programme):
    mentor_person = approved_profile(programme=cohort_programme, role=Role.MENTOR).person
    active = approved_profile(programme=cohort_programme, display_name="Ada Active").person
    proposed = approved_profile(programme=cohort_programme, display_name="Pip Proposed").person
    PairingFactory(programme=cohort_programme, mentee=active, status=Pairing.Status.PAUSED)
    PairingFactory(programme=cohort_programme, mentee=proposed, status=Pairing.Status.PROPOSED)
    cohort = cohort_load(programme=cohort_programme)
    assert names(rules_broken(cohort, mentor_person, active)) == ["Ada Active already has a mentor in this programme."]
    assert names(rules_broken(cohort, mentor_person, proposed)) == [
        "Pip Proposed already has a proposed pairing in this programme."
    ]


@pytest.mark.django_db
def test_both_need_an_approved_application_and_a_membership(cohort_programme):
    mentee = approved_profile(programme=cohort_programme).person
    applied = approved_profile(programme=cohort_programme, role=Role.MENTOR, display_name="Al Applied")
    applied.status = "applied"
    applied.save()
    unlisted = approved_profile(programme=cohort_programme, role=Role.MENTOR, display_name="Una Unlisted")
    unlisted.person.memberships.all().delete()
    cohort = cohort_load(programme=cohort_programme)
    assert names(rules_broken(cohort, applied.person, mentee)) == ["Al Applied is not an approved mentor of Cohort."]
    assert names(rules_broken(cohort, unlisted.person, mentee)) == ["Una Unlisted is not an approved mentor of Cohort."]
    stranger = PersonFactory(display_name="Sam Stranger")
    assert (
        names(rules_broken(cohort, unlisted.person, stranger))[-1]
        == "Sam Stranger is not an approved mentee of Cohort."
    )


@pytest.mark.django_db
def test_a_mentor_who_is_not_ready_only_with_a_readiness_override(cohort_programme, coordinator):
    course = CourseFactory(title="Mentor skills")
    ProgrammeRequirement.objects.create(programme=cohort_programme, role=Role.MENTOR, course=course)
    trained = approved_profile(programme=cohort_programme, role=Role.MENTOR).person
    TrainingRecordFactory(person=trained, course=course)
    untrained = approved_profile(programme=cohort_programme, role=Role.MENTOR, display_name="Ugo Untrained").person
    mentee = approved_profile(programme=cohort_programme).person
    cohort = cohort_load(programme=cohort_programme)
    assert rules_broken(cohort, trained, mentee) == []
    assert names(rules_broken(cohort, untrained, mentee)) == [
        "Ugo Untrained has not met the training mentors need, and no coordinator has recorded a readiness override."
    ]
    ReadinessOverride.objects.create(
        programme=cohort_programme, person=untrained, reason="Course booked", created_by=coordinator
    )
    cohort = cohort_load(programme=cohort_programme)
    assert rules_broken(cohort, untrained, mentee) == []
    assert cohort.mentors[untrained.pk].readiness == Readiness.OVERRIDDEN


@pytest.mark.django_db
def test_a_mentee_who_is_not_ready_is_not_matched_either(cohort_programme):
    ProgrammeRequirement.objects.create(programme=cohort_programme, role=Role.MENTEE, course=CourseFactory())
    mentor_person = approved_profile(programme=cohort_programme, role=Role.MENTOR).person
    mentee = approved_profile(programme=cohort_programme).person
    assert [b.rule for b in rules_broken(cohort_load(programme=cohort_programme), mentor_person, mentee)] == [
        "not_ready"
    ]


@pytest.mark.django_db
def test_a_pair_that_ended_is_not_paired_again_without_an_override(cohort_programme, coordinator):
    mentor_person = approved_profile(programme=cohort_programme, role=Role.MENTOR, display_name="Max Mentor").person
    mentee = approved_profile(programme=cohort_programme, display_name="Mo Mentee").person
    earlier = ProgrammeFactory(name="Last year")
    PairingFactory(
        programme=earlier,
        mentor=mentor_person,
        mentee=mentee,
        status=Pairing.Status.ENDED_EARLY,
        end_reason=Pairing.EndReason.MISMATCH,
        ended_on=datetime.date(2026, 5, 3),
    )
    cohort = cohort_load(programme=cohort_programme)
    assert names(rules_broken(cohort, mentor_person, mentee)) == [
        "Max Mentor and Mo Mentee were paired before (ended 3 May 2026); a coordinator must record an override to "
        "pair them again."
    ]
    MatchOverride.objects.create(
        programme=cohort_programme, mentor=mentor_person, mentee=mentee, reason="Both asked", created_by=coordinator
    )
    assert rules_broken(cohort_load(programme=cohort_programme), mentor_person, mentee) == []


@pytest.mark.django_db
def test_pair_rules_broken_can_recheck_an_existing_proposal_without_counting_it(cohort_programme):
    mentor_person = approved_profile(programme=cohort_programme, role=Role.MENTOR, capacity=1).person
    mentee = approved_profile(programme=cohort_programme).person
    proposal = PairingFactory(
        programme=cohort_programme, mentor=mentor_person, mentee=mentee, status=Pairing.Status.PROPOSED
    )
    assert len(pair_rules_broken(programme=cohort_programme, mentor=mentor_person, mentee=mentee)) == 2
    assert (
        pair_rules_broken(programme=cohort_programme, mentor=mentor_person, mentee=mentee, ignore_pairing=proposal)
        == []
    )


@pytest.mark.django_db
@pytest.mark.parametrize("size", [3, 40])
def test_the_cohort_loads_in_a_fixed_number_of_queries(django_assert_num_queries, cohort_programme, size):
    ProgrammeRequirement.objects.create(programme=cohort_programme, role=Role.MENTOR, course=CourseFactory())
    skill = SkillFactory()
    boss = PersonFactory()
    for i in range(size):
        person = PersonFactory(line_manager=boss)
        approved_profile(
            programme=cohort_programme, role=Role.MENTOR if i % 3 else Role.MENTEE, person=person, skills=[(skill, 2)]
        )
    MembershipFactory(programme=cohort_programme, role=Role.COORDINATOR)
    cohort_load(programme=cohort_programme)  # settings created on first use
    # settings, applications with people and teams, their skills, readiness (memberships, requirements,
    # records, overrides), the org units (departments), line-manager links, pairings, match overrides, the
    # mentees' rankings, the mentors' wishes
    with django_assert_num_queries(13):
        cohort = cohort_load(programme=cohort_programme)
    assert len(cohort.mentors) + len(cohort.mentees) == size
