"""Required criteria (issue 19, point 4): shared language, meeting mode, time-zone difference and department can each
be off, weighted or required, per programme. Off weighs nothing; weighted is a part of the score; required is also a
hard rule, everywhere a pair is checked, and unmatched mentees' reasons name it."""

from __future__ import annotations

import dataclasses
import datetime
import random
import re

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from mentoring.models import CriterionRule, DepartmentDirection, MatchSettings
from mentoring.selectors import matching as matching_selectors
from mentoring.selectors.cohort import cohort_load, pair_rules_broken, rules_broken
from mentoring.selectors.score_matrix import required_codes, required_mask, score_matrix
from mentoring.selectors.scoring import (
    CRITERIA,
    PARTS,
    Profile,
    Readiness,
    Weights,
    criteria_unmet,
    score_parts,
    score_value,
)
from mentoring.services import match_settings, matching
from mentoring.tests.factories import approved_profile
from programmes.models import OrgUnit, Person, Role
from programmes.tests.factories import DepartmentFactory, OrgUnitFactory, SkillFactory

# Mid-January: no summer time anywhere in the north. Helsinki +2, Berlin +1, London 0, New York -5, Kolkata +5:30.
WINTER = datetime.datetime(2027, 1, 15, 12, 0, tzinfo=datetime.UTC)

ENGINEERING = OrgUnit(pk=1, name="Engineering", kind=OrgUnit.Kind.DEPARTMENT)
PLATFORM = OrgUnit(pk=2, name="Platform", parent=ENGINEERING)
DATA = OrgUnit(pk=3, name="Data", parent=ENGINEERING)
SALES = OrgUnit(pk=4, name="Sales", kind=OrgUnit.Kind.DEPARTMENT)
FIELD = OrgUnit(pk=5, name="Field", parent=SALES)
DEFAULT_PARTS = {
    "skills": 40,
    "different_team": 15,
    "experience_gap": 15,
    "availability": 10,
    "meeting_mode": 5,
    "language": 10,
    "readiness": 5,
}


def person_profile(
    pk: int,
    *,
    role: str = Role.MENTEE,
    zone: str = "",
    unit: OrgUnit | None = PLATFORM,
    mode: str = "either",
    languages: tuple[str, ...] = ("English",),
    skills: dict[int, int] | None = None,
    grade: int | None = 3,
) -> Profile:
    person = Person(pk=pk, display_name=f"Person {pk}", grade=grade, org_unit=unit, time_zone=zone)
    return Profile(
        person=person,
        role=role,
        skills={s: (f"Skill {s}", level) for s, level in (skills or {}).items()},
        availability=frozenset({"mon-am"}),
        meeting_mode=mode,
        languages={lang.casefold(): lang for lang in languages},
        capacity=2 if role == Role.MENTOR else 0,
        readiness=Readiness.READY,
    )


def tz_part(mentor: Profile, mentee: Profile, weights: Weights) -> dict:
    return next(p for p in score_parts(mentor, mentee, weights)[1] if p["part"] == "time_zone")


# --- Defaults change nothing ----------------------------------------------------------------------------------


def test_default_settings_score_every_pair_exactly_as_before_the_criteria_existed():
    weights = Weights.from_settings(MatchSettings())
    before = Weights(parts=DEFAULT_PARTS)  # the seven parts of before: time zone missing weighs 0
    # The preference parts carry their weights, but count only once someone has ranked or marked someone.
    assert weights.parts == {**DEFAULT_PARTS, "time_zone": 0, "ranking": 10, "mentor_wish": 5}
    assert not weights.preferences_in_play
    assert weights.required == ()
    assert weights.factors == before.factors
    rng = random.Random(3)
    zones = ["", "Europe/Helsinki", "America/New_York", "Asia/Kolkata"]
    units = [PLATFORM, DATA, FIELD, None]
    with time_machine.travel(WINTER):
        people = [
            person_profile(
                i,
                role=Role.MENTOR if i % 2 else Role.MENTEE,
                zone=rng.choice(zones),
                unit=rng.choice(units),
                mode=rng.choice(["in_person", "video", "either"]),
                languages=tuple(rng.sample(["English", "German"], rng.randint(0, 2))),
                skills={1: rng.randint(1, 3)} if rng.random() < 0.5 else {},
            )
            for i in range(30)
        ]
    mentors, mentees = people[1::2], people[::2]
    for mentor in mentors:
        for mentee in mentees:
            assert score_parts(mentor, mentee, weights) == score_parts(mentor, mentee, before)
            assert [p["part"] for p in score_parts(mentor, mentee, weights)[1]] == list(DEFAULT_PARTS)
    assert required_mask(mentors, mentees, weights).all()


def test_a_round_stored_before_the_criteria_reads_with_them_weighted_and_the_time_zone_at_zero():
    old = {f"{part}_weight": weight for part, weight in DEFAULT_PARTS.items()}
    old.update(preferred_gap_min=1, preferred_gap_max=4, min_score=30)
    weights = Weights.from_snapshot(old, fallback=Weights(parts={}))
    # Rounds of before ran without preferences: those parts read as 0 (and ranking off).
    assert weights == dataclasses.replace(
        Weights.from_settings(MatchSettings()),
        parts={**Weights.from_settings(MatchSettings()).parts, "ranking": 0, "mentor_wish": 0},
        max_ranked=0,
    )
    assert Weights.from_snapshot(weights.snapshot(), fallback=Weights(parts={})) == weights
    broken = {**weights.snapshot(), "language_rule": "sometimes"}
    assert Weights.from_snapshot(broken, fallback=Weights(parts={"skills": 1})) == Weights(parts={"skills": 1})


def test_an_off_criterion_weighs_nothing_and_leaves_the_words():
    settings = MatchSettings(language_rule=CriterionRule.OFF, department_rule=CriterionRule.OFF)
    weights = Weights.from_settings(settings)
    assert weights.parts["language"] == weights.parts["different_team"] == 0
    no_language = person_profile(1, role=Role.MENTOR, languages=("German",), unit=FIELD)
    score, parts = score_parts(no_language, person_profile(2), weights)
    assert [p["part"] for p in parts] == ["skills", "experience_gap", "availability", "meeting_mode", "readiness"]
    assert score == sum(p["points"] for p in parts)
    assert not any("language" in p["text"] for p in parts)


# --- The time-zone part ----------------------------------------------------------------------------------------


@time_machine.travel(WINTER)
def test_the_time_zone_part_says_how_many_hours_apart_the_two_are_now():
    weights = Weights(parts={"skills": 50, "time_zone": 50}, max_time_zone_hours=3)
    helsinki = person_profile(2, zone="Europe/Helsinki")
    berlin = person_profile(1, role=Role.MENTOR, zone="Europe/Berlin")
    new_york = person_profile(3, role=Role.MENTOR, zone="America/New_York")
    kolkata = person_profile(4, role=Role.MENTOR, zone="Asia/Kolkata")
    tallinn = person_profile(5, role=Role.MENTOR, zone="Europe/Tallinn")
    nowhere = person_profile(6, role=Role.MENTOR, zone="")
    assert tz_part(berlin, helsinki, weights)["text"] == "+50 time zones 1 hour apart"
    assert tz_part(tallinn, helsinki, weights)["text"] == "+50 same time zone"
    # 3.5 hours: beyond the largest difference (3), within twice it: half.
    assert tz_part(kolkata, helsinki, weights)["text"] == "+25 time zones 3 h 30 min apart"
    assert tz_part(new_york, helsinki, weights)["text"] == "+0 time zones 7 hours apart"
    assert tz_part(nowhere, helsinki, weights)["text"] == "+0 time zone not on record"


def test_summer_time_counts_the_offsets_as_they_are_now():
    weights = Weights(parts={"time_zone": 1}, max_time_zone_hours=0)
    with time_machine.travel(WINTER):
        london, lisbon = person_profile(1, role=Role.MENTOR, zone="Europe/London"), person_profile(2, zone="UTC")
    assert tz_part(london, lisbon, weights)["text"] == "+100 same time zone"
    with time_machine.travel(datetime.datetime(2027, 7, 15, 12, 0, tzinfo=datetime.UTC)):
        london, utc = person_profile(1, role=Role.MENTOR, zone="Europe/London"), person_profile(2, zone="UTC")
    assert tz_part(london, utc, weights)["text"] == "+0 time zones 1 hour apart"


# --- The department's direction ------------------------------------------------------------------------------------


def test_the_same_department_direction_rewards_the_same_department_instead():
    different = Weights(parts={"different_team": 10, "skills": 10})
    same = Weights(parts={"different_team": 10, "skills": 10}, department_direction=DepartmentDirection.SAME)
    mentee = person_profile(1, unit=PLATFORM)
    other_department = person_profile(2, role=Role.MENTOR, unit=FIELD)
    same_department = person_profile(3, role=Role.MENTOR, unit=DATA)

    def team(mentor: Profile, weights: Weights) -> str:
        return next(p["text"] for p in score_parts(mentor, mentee, weights)[1] if p["part"] == "different_team")

    assert team(other_department, different) == "+50 different department"
    assert team(same_department, different) == "+25 different team in the same department"
    assert team(other_department, same) == "+0 different department"
    assert team(same_department, same) == "+50 different team in the same department"


# --- Vectorised and one by one agree ---------------------------------------------------------------------------------


def test_the_matrices_agree_with_the_one_by_one_scores_and_rules_under_every_setting():
    rng = random.Random(19)
    zones = ["", "Europe/Helsinki", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Nowhere/Atlantis"]
    with time_machine.travel(WINTER):

        def random_profile(pk: int, role: str) -> Profile:
            return person_profile(
                pk,
                role=role,
                zone=rng.choice(zones),
                unit=rng.choice([PLATFORM, DATA, FIELD, None]),
                mode=rng.choice(["in_person", "video", "either"]),
                languages=tuple(rng.sample(["English", "german", "French"], rng.randint(0, 2))),
                skills={s: rng.randint(1, 3) for s in rng.sample([1, 2, 3], rng.randint(0, 2))},
                grade=rng.choice([None, *range(1, 9)]),
            )

        mentees = [random_profile(i, Role.MENTEE) for i in range(35)]
        mentors = [random_profile(100 + i, Role.MENTOR) for i in range(20)]
    for trial in range(12):
        weights = Weights(
            parts={name: rng.randint(0, 30) for name in PARTS},
            rules={c: rng.choice(CriterionRule.values) for c in CRITERIA},
            department_direction=rng.choice(DepartmentDirection.values),
            max_time_zone_hours=rng.randint(0, 6),
        )
        matrix, _ = score_matrix(mentors, mentees, weights)
        codes = required_codes(mentors, mentees, weights)
        for i, e in enumerate(mentees):
            for j, m in enumerate(mentors):
                assert matrix[i, j] == score_value(m, e, weights), (trial, e.pk, m.pk)
                score, parts = score_parts(m, e, weights)
                assert score == matrix[i, j] == sum(p["points"] for p in parts)
                unmet = criteria_unmet(m, e, weights)
                assert codes[i, j] == (CRITERIA.index(unmet[0]) + 1 if unmet else 0), (trial, e.pk, m.pk)
        assert (required_mask(mentors, mentees, weights) == (codes == 0)).all()


def test_each_required_criterion_is_met_only_when_its_part_is_fully_met():
    weights = Weights(parts=DEFAULT_PARTS, rules=dict.fromkeys(CRITERIA, CriterionRule.REQUIRED), max_time_zone_hours=2)
    with time_machine.travel(WINTER):
        mentee = person_profile(1, zone="Europe/Helsinki", unit=PLATFORM, mode="video")
        fits = person_profile(2, role=Role.MENTOR, zone="Europe/Berlin", unit=FIELD, mode="either")
        far = person_profile(3, role=Role.MENTOR, zone="America/New_York", unit=FIELD)
        unknown = person_profile(4, role=Role.MENTOR, zone="", unit=FIELD)
        german = person_profile(5, role=Role.MENTOR, zone="Europe/Berlin", unit=FIELD, languages=("German",))
        in_person = person_profile(6, role=Role.MENTOR, zone="Europe/Berlin", unit=FIELD, mode="in_person")
        colleague = person_profile(7, role=Role.MENTOR, zone="Europe/Berlin", unit=DATA)
        no_team = person_profile(8, role=Role.MENTOR, zone="Europe/Berlin", unit=None)
    assert criteria_unmet(fits, mentee, weights) == []
    assert criteria_unmet(far, mentee, weights) == ["time_zone"]
    assert criteria_unmet(unknown, mentee, weights) == ["time_zone"]
    assert criteria_unmet(german, mentee, weights) == ["language"]
    assert criteria_unmet(in_person, mentee, weights) == ["meeting_mode"]
    assert criteria_unmet(colleague, mentee, weights) == ["department"]
    assert criteria_unmet(no_team, mentee, weights) == ["department"]
    codes = required_codes([fits, far, unknown, german, in_person, colleague, no_team], [mentee], weights)
    assert codes.tolist() == [[0, 3, 3, 1, 2, 4, 4]]


# --- Hard rules, in a real cohort ------------------------------------------------------------------------------


@pytest.fixture
def world(db, programme, coordinator):
    """A mentee in Helsinki who speaks English, and three mentors: one fits everything, one speaks only German,
    one works from New York. All in another department, so every default score is well above the minimum."""
    negotiation = SkillFactory(name="Negotiation")
    service = OrgUnitFactory(name="Helpdesk", parent=DepartmentFactory(name="Service"))
    cloud = OrgUnitFactory(name="Cloud", parent=DepartmentFactory(name="Technology"))

    def add(name: str, role: str, zone: str, languages=("English",), unit=cloud):
        return approved_profile(
            programme=programme,
            role=role,
            display_name=name,
            time_zone=zone,
            grade=2 if role == Role.MENTEE else 5,
            org_unit=unit,
            languages=languages,
            skills=[(negotiation, 2)],
            capacity=1 if role == Role.MENTOR else None,
        ).person

    return {
        "mina": add("Mina", Role.MENTEE, "Europe/Helsinki", unit=service),
        "ann": add("Ann", Role.MENTOR, "Europe/Berlin"),
        "gus": add("Gus", Role.MENTOR, "Europe/Berlin", languages=("German",)),
        "nat": add("Nat", Role.MENTOR, "America/New_York"),
    }


def require(programme, coordinator, **rules) -> None:
    matching.match_settings_get(programme=programme)
    match_settings.match_settings_update(programme=programme, data=rules, by=coordinator)


@pytest.mark.django_db
@time_machine.travel(WINTER)
def test_a_required_language_is_a_hard_rule_for_rules_suggestions_and_proposals(programme, coordinator, world):
    before = {
        s.mentor.display_name for s in matching_selectors.suggestions_for(programme=programme, mentee=world["mina"])
    }
    assert before == {"Ann", "Gus", "Nat"}
    require(programme, coordinator, language_rule=CriterionRule.REQUIRED)
    cohort = cohort_load(programme=programme)
    assert [b.rule for b in rules_broken(cohort, world["gus"], world["mina"])] == ["language"]
    assert pair_rules_broken(programme=programme, mentor=world["gus"], mentee=world["mina"]) == [
        "Gus and Mina share no language, and the programme requires a shared language."
    ]
    assert rules_broken(cohort, world["ann"], world["mina"]) == []
    after = [
        s.mentor.display_name for s in matching_selectors.suggestions_for(programme=programme, mentee=world["mina"])
    ]
    assert sorted(after) == ["Ann", "Nat"]
    with pytest.raises(ValidationError, match="share no language"):
        matching.pairing_propose(programme=programme, mentor=world["gus"], mentee=world["mina"], by=coordinator)


@pytest.mark.django_db
@time_machine.travel(WINTER)
def test_unmatched_mentees_are_told_which_required_criterion_rules_their_mentors_out(programme, coordinator, world):
    require(
        programme,
        coordinator,
        time_zone_rule=CriterionRule.REQUIRED,
        max_time_zone_hours=2,
        language_rule=CriterionRule.REQUIRED,
    )
    cohort = cohort_load(programme=programme)
    mentors = matching_selectors.mentors_with_places(cohort)
    mina = cohort.mentees[world["mina"].pk]
    # Ann fits; Gus speaks no shared language; Nat is 7 hours away.
    (assessment,) = matching_selectors.assess(cohort, [mina], mentors)
    assert assessment.ruled_out == {"language": 1, "time_zone": 1}
    (row,) = matching_selectors.cohort_rows(cohort, [mina])
    assert [s.mentor.display_name for s in row.suggestions] == ["Ann"]
    # Ann finds another mentee: only Gus and Nat are left, each ruled out by a required criterion.
    ann = cohort.mentors[world["ann"].pk]
    ann.capacity = 0
    (assessment,) = matching_selectors.assess(cohort, [mina], matching_selectors.mentors_with_places(cohort))
    reason = matching_selectors.no_match_reason(cohort, assessment, 2)
    assert reason == (
        "every mentor with a free place is ruled out: 1 sharing no language (required), "
        "1 too far apart in time zones (required)"
    )
    require(programme, coordinator, language_rule=CriterionRule.WEIGHTED)
    cohort = cohort_load(programme=programme)
    cohort.mentors[world["ann"].pk].capacity = 0
    (assessment,) = matching_selectors.assess(cohort, [mina], matching_selectors.mentors_with_places(cohort))
    assert assessment.ruled_out == {"time_zone": 1}


@pytest.mark.django_db
@time_machine.travel(WINTER)
def test_a_round_names_the_required_criterion_that_left_a_mentee_unmatched(programme, coordinator, world):
    require(programme, coordinator, language_rule=CriterionRule.REQUIRED)
    world_mentee = approved_profile(
        programme=programme, role=Role.MENTEE, display_name="Jun", languages=("Japanese",), grade=2
    ).person
    plan = matching.round_plan(cohort_load(programme=programme))
    reasons = {u["name"]: u["reason"] for u in plan.unmatched}
    assert reasons[world_mentee.display_name] == "no mentor with a free place shares a language (required)"


@pytest.mark.django_db
@time_machine.travel(WINTER)
def test_a_required_department_the_same_way_keeps_mentoring_inside_the_department(programme, coordinator, world):
    require(
        programme, coordinator, department_rule=CriterionRule.REQUIRED, department_direction=DepartmentDirection.SAME
    )
    cohort = cohort_load(programme=programme)
    broken = rules_broken(cohort, world["ann"], world["mina"])
    assert [(b.rule, b.text) for b in broken] == [
        ("same_department", "Ann and Mina are in different departments, and the programme requires the same one.")
    ]
    mentors = matching_selectors.mentors_with_places(cohort)
    (assessment,) = matching_selectors.assess(cohort, [cohort.mentees[world["mina"].pk]], mentors)
    assert matching_selectors.no_match_reason(cohort, assessment, len(mentors)) == (
        "no mentor with a free place is in the same department (required)"
    )


# --- The settings page -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_settings_page_offers_off_weighted_or_required_for_each_criterion(client, programme, coordinator):
    client.force_login(coordinator)
    page = client.get(reverse("mentoring:matching_settings", args=[programme.pk])).content.decode()
    for criterion in ("language", "meeting_mode", "time_zone", "department"):
        radios = re.findall(rf'<input[^>]*name="{criterion}_rule"[^>]*>', page)
        assert [re.search(r'value="(\w+)"', r)[1] for r in radios] == ["off", "weighted", "required"]
        assert [r for r in radios if "checked" in r] == [radios[1]]  # weighted, as before
    assert "Tandem has no sites on record" in page
    assert page.count("<fieldset") >= 4


@pytest.mark.django_db
@time_machine.travel(WINTER)
def test_saving_a_required_criterion_warns_how_many_mentees_it_leaves_without_a_mentor(
    client, programme, coordinator, world
):
    approved_profile(
        programme=programme,
        role=Role.MENTEE,
        display_name="Jun",
        languages=("Japanese",),
        grade=2,
        time_zone="Asia/Tokyo",
    )
    client.force_login(coordinator)
    url = reverse("mentoring:matching_settings", args=[programme.pk])
    data = {name: getattr(MatchSettings(), name) for name in match_settings.SETTINGS_FIELDS}
    response = client.post(url, {**data, "language_rule": "required"}, follow=True)
    content = response.content.decode()
    assert "The matching settings are saved." in content
    assert "Under these rules 1 mentee waiting for a mentor has no mentor with a free place that the rules allow." in (
        content
    )
    assert MatchSettings.objects.get(programme=programme).language_rule == CriterionRule.REQUIRED
    # Tokyo is 8 hours from Berlin, where Ann and Gus work: 12 hours apart at most leaves nobody without a mentor.
    quiet = client.post(url, {**data, "time_zone_rule": "required", "max_time_zone_hours": 12}, follow=True)
    assert "has no mentor with a free place" not in quiet.content.decode()


@pytest.mark.django_db
def test_switching_off_every_weighted_part_is_refused(programme, coordinator):
    matching.match_settings_get(programme=programme)
    zero = {name: 0 for name in match_settings.SETTINGS_FIELDS if name.endswith("_weight")}
    with pytest.raises(ValidationError, match="at least one part a weight above zero"):
        match_settings.match_settings_update(
            programme=programme, data={**zero, "language_weight": 10, "language_rule": "off"}, by=coordinator
        )
    settings = match_settings.match_settings_update(
        programme=programme, data={**zero, "language_weight": 10, "language_rule": "required"}, by=coordinator
    )
    assert Weights.from_settings(settings).required == ("language",)
