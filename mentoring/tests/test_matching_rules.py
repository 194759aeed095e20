"""Matching rules that were wrong: departments from the tree, people who have left,
the management chain both ways, words that add up to the score, a round that does not hold the write lock."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mentoring.models import Pairing
from mentoring.selectors import matching as matching_selectors
from mentoring.selectors.cohort import cohort_load, rules_broken
from mentoring.selectors.score_matrix import score_matrix
from mentoring.selectors.scoring import PARTS, Profile, Readiness, Weights, score_parts, score_value
from mentoring.services import match_settings, matching
from mentoring.tests.factories import approved_profile
from programmes.models import Application, Notification, OrgUnit, Person, Role
from programmes.models.core import departments_of
from programmes.tests.factories import MembershipFactory, PersonFactory, ProgrammeFactory, SkillFactory

DEPARTMENT, TEAM = OrgUnit.Kind.DEPARTMENT, OrgUnit.Kind.TEAM


@pytest.fixture
def programme(db):
    return ProgrammeFactory(name="Rules", default_mentor_capacity=2)


@pytest.fixture
def coordinator(programme):
    person = PersonFactory(display_name="Cora Coordinator")
    MembershipFactory(programme=programme, person=person, role=Role.COORDINATOR)
    return person


@pytest.fixture
def skill(db):
    return SkillFactory(name="Negotiation")


def add(programme, skill, name: str, role: str = Role.MENTEE, **person_fields) -> Person:
    level = 4 if role == Role.MENTOR else 2
    grade = 6 if role == Role.MENTOR else 3
    person_fields.setdefault("grade", grade)
    return approved_profile(
        programme=programme, role=role, skills=[(skill, level)], display_name=name, **person_fields
    ).person


def team_words(cohort, mentor: Person, mentee: Person) -> str:
    _, parts = score_parts(cohort.mentors[mentor.pk], cohort.mentees[mentee.pk], cohort.weights)
    return next(p["text"] for p in parts if p["part"] == "different_team").split(" ", 1)[1]


# --- 12: a unit's department is the department above it, however deep the tree -------------------------------


def test_departments_come_from_the_unit_kind_at_any_depth():
    units = {
        1: (None, TEAM, "Group"),
        2: (1, DEPARTMENT, "Finance"),
        3: (2, TEAM, "Tax"),
        4: (3, TEAM, "VAT"),
        5: (1, DEPARTMENT, "Sales"),
        6: (5, TEAM, "Field"),
        7: (None, TEAM, "Legal"),  # no department marked: the top of its tree
        8: (7, TEAM, "Contracts"),
        9: (8, TEAM, "Leases"),
    }
    found = {pk: dept for pk, (dept, _) in departments_of(units).items()}
    assert found == {1: 1, 2: 2, 3: 2, 4: 2, 5: 5, 6: 5, 7: 7, 8: 7, 9: 7}


@pytest.mark.django_db
def test_a_mentor_in_finance_and_a_mentee_in_finance_tax_share_a_department_in_a_three_level_tree(programme, skill):
    company = OrgUnit.objects.create(name="Company", kind=TEAM)
    finance = OrgUnit.objects.create(name="Finance", kind=DEPARTMENT, parent=company)
    tax = OrgUnit.objects.create(name="Tax", kind=TEAM, parent=finance)
    legal = OrgUnit.objects.create(name="Legal", kind=DEPARTMENT, parent=company)
    mentor = add(programme, skill, "Fay Finance", Role.MENTOR, org_unit=finance)
    lawyer = add(programme, skill, "Lee Legal", Role.MENTOR, org_unit=legal)
    mentee = add(programme, skill, "Tim Tax", org_unit=tax)
    cohort = cohort_load(programme=programme)
    assert team_words(cohort, mentor, mentee) == "different team in the same department"
    assert team_words(cohort, lawyer, mentee) == "different department"


@pytest.mark.django_db
def test_departments_in_a_four_level_tree_for_the_score_the_words_and_the_whole_cohort(programme, skill):
    group = OrgUnit.objects.create(name="Group", kind=TEAM)
    finance = OrgUnit.objects.create(name="Finance", kind=DEPARTMENT, parent=group)
    tax = OrgUnit.objects.create(name="Tax", kind=TEAM, parent=finance)
    vat = OrgUnit.objects.create(name="VAT", kind=TEAM, parent=tax)
    sales = OrgUnit.objects.create(name="Sales", kind=DEPARTMENT, parent=group)
    field = OrgUnit.objects.create(name="Field", kind=TEAM, parent=sales)
    vat_mentor = add(programme, skill, "Val VAT", Role.MENTOR, org_unit=vat)
    field_mentor = add(programme, skill, "Flo Field", Role.MENTOR, org_unit=field)
    tax_mentee = add(programme, skill, "Tom Tax", org_unit=tax)
    vat_mentee = add(programme, skill, "Vic VAT", org_unit=vat)
    cohort = cohort_load(programme=programme)
    assert team_words(cohort, vat_mentor, tax_mentee) == "different team in the same department"
    assert team_words(cohort, vat_mentor, vat_mentee) == "same team"
    assert team_words(cohort, field_mentor, tax_mentee) == "different department"
    mentors, mentees = list(cohort.mentors.values()), list(cohort.mentees.values())
    matrix, _ = score_matrix(mentors, mentees, cohort.weights)
    for i, mentee in enumerate(mentees):
        for j, mentor in enumerate(mentors):
            assert matrix[i, j] == score_parts(mentor, mentee, cohort.weights)[0]


# --- 13: people who have left are never matched -------------------------------------------------------------


@pytest.mark.django_db
def test_people_who_have_left_are_never_in_a_cohort_a_suggestion_or_a_round(programme, coordinator, skill):
    gone = add(programme, skill, "Gil Gone", Role.MENTOR, grade=7)
    missing = add(programme, skill, "Mia Missing", Role.MENTOR, grade=7)
    staying = add(programme, skill, "Sam Staying", Role.MENTOR, languages=("French",))  # a lower score
    mentee = add(programme, skill, "Nia Newcomer")
    left_mentee = add(programme, skill, "Lou Left")
    Person.objects.filter(pk__in=[gone.pk, left_mentee.pk]).update(is_active=False)
    Person.objects.filter(pk=missing.pk).update(missing_from_hr_since=timezone.now())

    cohort = cohort_load(programme=programme)
    assert set(cohort.mentors) == {staying.pk}
    assert set(cohort.mentees) == {mentee.pk}
    assert [s.mentor for s in matching_selectors.suggestions_for(programme=programme, mentee=mentee)] == [staying]
    match_round = matching.round_run(programme=programme, by=coordinator)
    assert list(match_round.proposals.values_list("mentor__display_name", "mentee__display_name")) == [
        ("Sam Staying", "Nia Newcomer")
    ]
    with pytest.raises(ValidationError, match="Gil Gone has left the organisation"):
        matching.pairing_propose(programme=programme, mentor=gone, mentee=mentee, by=coordinator)
    with pytest.raises(ValidationError, match="Lou Left has left the organisation"):
        matching.pairing_propose(programme=programme, mentor=staying, mentee=left_mentee, by=coordinator)
    assert not Pairing.objects.filter(mentor__in=[gone, missing]).exists()


@pytest.mark.django_db
def test_deactivating_someone_withdraws_their_open_applications_and_tells_the_coordinators(
    programme, coordinator, skill
):
    from programmes.services.leavers import person_deactivate

    leaver = add(programme, skill, "Gil Gone", Role.MENTOR)
    other = ProgrammeFactory(name="Other programme")
    Application.objects.create(programme=other, person=leaver, role=Role.MENTEE)
    person_deactivate(person=leaver, by=None)
    assert set(Application.objects.filter(person=leaver).values_list("status", flat=True)) == {"withdrawn"}
    notice = Notification.objects.get(person=coordinator)
    assert notice.text.startswith("Gil Gone has left the organisation (deactivated): their application to Rules")
    assert "Gil Gone" not in [p.name for p in cohort_load(programme=programme).mentors.values()]


# --- 14: the management chain, both ways --------------------------------------------------------------------


@pytest.mark.django_db
def test_a_mentee_is_never_proposed_to_someone_they_manage_at_any_level(programme, coordinator, skill):
    director = add(programme, skill, "Dee Director", grade=9)  # the mentee, at the top of the chain
    head = add(programme, skill, "Hal Head", Role.MENTOR, grade=12, line_manager=director)
    manager = add(programme, skill, "Meg Manager", Role.MENTOR, grade=12, line_manager=head)
    analyst = add(programme, skill, "Ana Analyst", Role.MENTOR, grade=12, line_manager=manager)
    outsider = add(programme, skill, "Oz Outside", Role.MENTOR, grade=12, languages=("French",))
    cohort = cohort_load(programme=programme)
    assert [b.text for b in rules_broken(cohort, analyst, director)] == [
        "Dee Director is Ana Analyst's manager 3 levels up the management chain, so Ana Analyst cannot mentor them."
    ]
    assert [b.text for b in rules_broken(cohort, head, director)] == [
        "Dee Director is Hal Head's line manager, so Hal Head cannot mentor them."
    ]
    assert [s.mentor for s in matching_selectors.suggestions_for(programme=programme, mentee=director)] == [outsider]
    match_round = matching.round_run(programme=programme, by=coordinator)
    assert list(match_round.proposals.values_list("mentor", flat=True)) == [outsider.pk]
    with pytest.raises(ValidationError, match="cannot mentor them"):
        matching.pairing_propose(programme=programme, mentor=manager, mentee=director, by=coordinator)


@pytest.mark.django_db
def test_a_mentor_is_never_above_the_mentee_at_any_level(programme, skill):
    director = add(programme, skill, "Dee Director", Role.MENTOR, grade=9)
    head = PersonFactory(display_name="Hal Head", line_manager=director)
    mentee = add(programme, skill, "Ana Analyst", line_manager=PersonFactory(line_manager=head))
    cohort = cohort_load(programme=programme)
    assert [b.rule for b in rules_broken(cohort, director, mentee)] == ["chain"]


# --- 15: the words add up to the score -------------------------------------------------------------------------


def _profile(pk: int, role: str, draw) -> Profile:
    units = {1: OrgUnit(pk=1, name="Dept", kind=DEPARTMENT)}
    units[2] = OrgUnit(pk=2, name="Team A", parent=units[1])
    units[3] = OrgUnit(pk=3, name="Team B", parent=units[1])
    units[4] = OrgUnit(pk=4, name="Other", kind=DEPARTMENT)
    unit = draw(st.sampled_from([None, *units.values()]))
    person = Person(pk=pk, display_name=f"P{pk}", grade=draw(st.one_of(st.none(), st.integers(0, 12))), org_unit=unit)
    skills = draw(st.dictionaries(st.integers(1, 4), st.integers(1, 4), max_size=4))
    return Profile(
        person=person,
        role=role,
        skills={s: (f"S{s}", level) for s, level in skills.items()},
        availability=frozenset(draw(st.sets(st.sampled_from(["mon-am", "tue-pm", "wed-am", "thu-pm"])))),
        meeting_mode=draw(st.sampled_from(["either", "video", "in_person"])),
        languages={lang: lang for lang in draw(st.sets(st.sampled_from(["en", "fr"])))},
        capacity=2,
        readiness=draw(st.sampled_from([Readiness.READY, Readiness.OVERRIDDEN, Readiness.NOT_READY])),
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_the_parts_shown_always_add_up_to_the_score_shown(data):
    weights = Weights(
        parts={part: data.draw(st.integers(0, 100), label=part) for part in PARTS},
        gap_min=data.draw(st.integers(0, 3)),
        gap_max=data.draw(st.integers(3, 6)),
    )
    if not any(weights.parts.values()):
        weights = Weights(parts={**weights.parts, "skills": 1})
    mentor, mentee = _profile(1, Role.MENTOR, data.draw), _profile(2, Role.MENTEE, data.draw)
    score, parts = score_parts(mentor, mentee, weights)
    assert sum(p["points"] for p in parts) == score
    for p in parts:
        assert p["text"].startswith(f"+{p['points']} " if p["points"] >= 0 else f"-{-p['points']} ")
    assert score <= 100
    assert score == score_value(mentor, mentee, weights) == score_matrix([mentor], [mentee], weights)[0][0, 0]


def test_parts_of_twelve_and_a_half_do_not_show_thirteen_each_under_a_hundred():
    unit = OrgUnit(pk=1, name="Dept", kind=DEPARTMENT)
    other = OrgUnit(pk=2, name="Other", kind=DEPARTMENT)
    weights = Weights(
        parts={"skills": 1, "different_team": 1, "experience_gap": 2, "availability": 4}
        | {"meeting_mode": 0, "language": 0, "readiness": 0}
    )
    slots = frozenset({"mon-am", "tue-pm", "wed-am"})

    def person(pk, unit, grade, role):
        return Profile(
            person=Person(pk=pk, display_name=f"P{pk}", grade=grade, org_unit=unit),
            role=role,
            skills={1: ("Negotiation", 2)},
            availability=slots,
            meeting_mode="either",
            languages={"en": "English"},
        )

    score, parts = score_parts(person(1, other, 6, Role.MENTOR), person(2, unit, 3, Role.MENTEE), weights)
    assert score == 100
    assert [p["points"] for p in parts] == [13, 12, 25, 50]
    assert sum(p["points"] for p in parts) == 100


@pytest.mark.django_db
def test_a_pair_below_the_minimum_is_never_proposed_by_hand(programme, coordinator, skill):
    mentor = add(programme, skill, "Lou Low", Role.MENTOR, languages=("German",))
    mentee = add(programme, skill, "Nia Newcomer")
    cohort = cohort_load(programme=programme)
    score = score_value(cohort.mentors[mentor.pk], cohort.mentees[mentee.pk], cohort.weights)
    match_settings.match_settings_update(programme=programme, data={"min_score": score + 1}, by=coordinator)
    with pytest.raises(ValidationError, match=f"score {score}, below the programme's minimum of {score + 1}"):
        matching.pairing_propose(programme=programme, mentor=mentor, mentee=mentee, by=coordinator)
    assert not Pairing.objects.exists()


# --- 16: the heavy computing holds no transaction -------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_round_computes_with_no_transaction_open_and_writes_after(programme, coordinator, skill, monkeypatch):
    add(programme, skill, "Max Mentor", Role.MENTOR)
    add(programme, skill, "Nia Newcomer")
    seen = []
    plan = matching.round_plan

    def watched(cohort, **options):
        seen.append(connection.in_atomic_block)
        return plan(cohort, **options)

    monkeypatch.setattr(matching, "round_plan", watched)
    match_round = matching.round_run(programme=programme, by=coordinator)
    assert seen == [False]
    assert match_round.proposals.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_round_drops_a_proposal_whose_mentor_was_filled_while_it_computed(programme, coordinator, skill, monkeypatch):
    mentor = add(programme, skill, "Max Mentor", Role.MENTOR, capacity=1)
    first = add(programme, skill, "Nia Newcomer")
    other = add(programme, skill, "Oli Other", languages=("French",))  # scores lower: not proposed
    plan = matching.round_plan

    def meanwhile(cohort, **options):
        result = plan(cohort, **options)
        # Another coordinator gives the mentor's only place to someone else while the round computes.
        Pairing.objects.create(programme=programme, mentor=mentor, mentee=other, status=Pairing.Status.PROPOSED)
        return result

    monkeypatch.setattr(matching, "round_plan", meanwhile)
    match_round = matching.round_run(programme=programme, by=coordinator)
    assert match_round.proposals.count() == 0
    unmatched = next(u for u in match_round.unmatched if u["mentee"] == first.pk)
    assert unmatched["reason"].startswith("changed while the round ran: Max Mentor has no free place")


@pytest.mark.django_db(transaction=True)
def test_a_round_drops_a_mentee_who_left_while_it_computed(programme, coordinator, skill, monkeypatch):
    add(programme, skill, "Max Mentor", Role.MENTOR)
    mentee = add(programme, skill, "Nia Newcomer")
    plan = matching.round_plan

    def meanwhile(cohort, **options):
        result = plan(cohort, **options)
        Person.objects.filter(pk=mentee.pk).update(is_active=False)
        return result

    monkeypatch.setattr(matching, "round_plan", meanwhile)
    match_round = matching.round_run(programme=programme, by=coordinator)
    assert match_round.proposals.count() == 0
    assert match_round.unmatched == [
        {
            "mentee": mentee.pk,
            "name": "Nia Newcomer",
            "reason": "changed while the round ran: Nia Newcomer has left the organisation and cannot be matched.",
        }
    ]
