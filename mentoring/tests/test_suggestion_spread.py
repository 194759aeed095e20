"""Contention-aware suggestions (issue 19, point 5): a mentee's top five spreads popular mentors, so that no mentor
appears in more top-fives than the programme's suggestion spread times their free places."""

from __future__ import annotations

import random
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from mentoring.selectors import matching as matching_selectors
from mentoring.selectors.cohort import Cohort, cohort_load
from mentoring.selectors.matching import SUGGESTIONS
from mentoring.selectors.scoring import Profile, Weights
from mentoring.services import match_settings, matching
from mentoring.services.mentor_requests import request_create
from mentoring.tests.factories import approved_profile
from programmes.models import OrgUnit, Person, Role
from programmes.tests.factories import DepartmentFactory, OrgUnitFactory, SkillFactory

POPULAR = "popular: many mentees see this mentor"


@pytest.fixture
def crowd(db, programme):
    """30 mentees who all want Negotiation at level 2, and mentors in another department: Star offers it at level 2
    (everyone's best), the others at level 1. The first three mentees also share three time slots with Star, so
    they score highest with her."""
    negotiation = SkillFactory(name="Negotiation")
    service = OrgUnitFactory(name="Helpdesk", parent=DepartmentFactory(name="Service"))
    cloud = OrgUnitFactory(name="Cloud", parent=DepartmentFactory(name="Technology"))

    def add(name: str, role: str, level: int, slots: tuple[str, ...], capacity: int | None = None):
        return approved_profile(
            programme=programme,
            role=role,
            display_name=name,
            grade=2 if role == Role.MENTEE else 5,
            org_unit=service if role == Role.MENTEE else cloud,
            skills=[(negotiation, level)],
            availability=slots,
            capacity=capacity,
        ).person

    def build(*, others: int, other_capacity: int, count: int = 30):
        mentees = [
            add(f"Mentee {i:02}", Role.MENTEE, 2, ("mon-am", "tue-am", "wed-am") if i < 3 else ("mon-am",))
            for i in range(count)
        ]
        star = add("Star", Role.MENTOR, 2, ("mon-am", "tue-am", "wed-am"), capacity=1)
        rest = [add(f"Other {j:02}", Role.MENTOR, 1, ("mon-am",), capacity=other_capacity) for j in range(others)]
        return mentees, star, rest

    return build


def top_fives(programme, mentees) -> dict[str, list]:
    return {
        mentee.display_name: matching_selectors.suggestions_for(programme=programme, mentee=mentee)
        for mentee in mentees
    }


def test_a_mentor_everyone_ranks_first_is_in_at_most_three_top_fives_per_free_place(programme, crowd):
    mentees, star, _rest = crowd(others=20, other_capacity=3)  # 20 x 3 places x 3: room for every list
    lists = top_fives(programme, mentees)
    seen = Counter(s.mentor.display_name for suggestions in lists.values() for s in suggestions)
    assert seen["Star"] == 3  # spread 3 x 1 free place
    assert max(seen.values()) <= 3 * 3
    assert all(len(suggestions) == 5 for suggestions in lists.values())
    assert not any(s.popular for suggestions in lists.values() for s in suggestions)
    # Her three places in the lists go to the three mentees who score highest with her, at the top of their list.
    assert sorted(name for name, suggestions in lists.items() if suggestions[0].mentor == star) == [
        "Mentee 00",
        "Mentee 01",
        "Mentee 02",
    ]
    # Each list is best first, as before.
    assert all([s.score for s in ss] == sorted((s.score for s in ss), reverse=True) for ss in lists.values())


def test_without_a_spread_everyone_sees_the_same_popular_mentor(programme, coordinator, crowd):
    mentees, _star, _rest = crowd(others=20, other_capacity=3)
    matching.match_settings_get(programme=programme)
    match_settings.match_settings_update(programme=programme, data={"suggestion_spread": 0}, by=coordinator)
    lists = top_fives(programme, mentees)
    assert all(suggestions[0].mentor.display_name == "Star" for suggestions in lists.values())
    assert all([s.mentor.display_name for s in ss][1:] == [f"Other {j:02}" for j in range(4)] for ss in lists.values())


def test_a_mentee_whose_candidates_are_all_taken_still_gets_five_and_is_told_who_is_popular(programme, crowd):
    # 6 mentors with one place each: 6 x 3 = 18 places in the lists for 30 x 5 = 150 wanted.
    mentees, _star, _rest = crowd(others=5, other_capacity=1)
    lists = top_fives(programme, mentees)
    assert all(len(suggestions) == 5 for suggestions in lists.values())
    within_share = Counter(s.mentor.display_name for ss in lists.values() for s in ss if not s.popular)
    assert within_share["Star"] == 3
    assert max(within_share.values()) <= 3
    assert sum(within_share.values()) == 18
    assert sum(s.popular for ss in lists.values() for s in ss) == 150 - 18


def test_requests_follow_the_spread_lists(programme, crowd):
    mentees, star, _rest = crowd(others=20, other_capacity=3)
    last = mentees[-1]
    assert star not in [s.mentor for s in matching_selectors.suggestions_for(programme=programme, mentee=last)]
    with pytest.raises(ValidationError, match="not among your suggestions"):
        request_create(programme=programme, mentee=last, mentor=star)
    request = request_create(programme=programme, mentee=mentees[0], mentor=star)
    assert request.mentor == star


def test_the_cohort_table_shows_the_first_of_the_same_spread_lists(client, programme, coordinator, crowd):
    mentees, _star, _rest = crowd(others=5, other_capacity=1)
    cohort = cohort_load(programme=programme)
    rows = matching_selectors.cohort_rows(cohort, [cohort.mentees[m.pk] for m in mentees])
    lists = top_fives(programme, mentees)
    for row in rows:
        assert [(s.mentor, s.popular) for s in row.suggestions] == [
            (s.mentor, s.popular) for s in lists[row.mentee.name][:3]
        ]
    client.force_login(coordinator)
    page = client.get(reverse("mentoring:matching", args=[programme.pk])).content.decode()
    assert POPULAR in page


def test_the_mentee_sees_which_suggestions_are_popular(client, programme, crowd):
    mentees, _star, _rest = crowd(others=5, other_capacity=1)
    last = mentees[-1]
    client.force_login(last)
    page = client.get(reverse("mentoring:suggestions", args=[programme.pk])).content.decode()
    assert page.count(POPULAR) == 5
    client.force_login(mentees[0])
    assert POPULAR not in client.get(reverse("mentoring:suggestions", args=[programme.pk])).content.decode()


@pytest.mark.parametrize("size", [3, 30])
def test_the_suggestions_page_runs_the_same_queries_however_many_mentees_compete(
    client, programme, crowd, django_assert_num_queries, size
):
    mentees, _star, _rest = crowd(others=5, other_capacity=1, count=size)
    client.force_login(mentees[-1])
    client.get(reverse("mentoring:suggestions", args=[programme.pk]))  # sessions and settings created
    url = reverse("mentoring:suggestions", args=[programme.pk])
    # Session, user, programme, my roles; settings, my requests; the cohort (settings, applications, skills,
    # memberships, requirements, readiness overrides, org units, managers, pairings, overrides, rankings, wishes);
    # the base layout. (The permission matrix's world, with requests and more of the layout, takes more.)
    with django_assert_num_queries(19):
        assert client.get(url).status_code == 200


def test_scoring_in_chunks_of_mentees_changes_no_list(programme, crowd, monkeypatch):
    crowd(others=5, other_capacity=1)
    cohort = cohort_load(programme=programme)
    mentors = matching_selectors.mentors_with_places(cohort)
    whole = matching_selectors.suggestion_picks(cohort, mentors)
    monkeypatch.setattr(matching_selectors, "CHUNK", 7)
    assert matching_selectors.suggestion_picks(cohort, mentors) == whole
    assert len(whole) == 30


def _random_cohort(rng: random.Random, n: int, m: int, spread: int) -> Cohort:
    """A cohort built in memory: people in a few teams and zones, some management chains and pairs met before."""
    departments = [OrgUnit(pk=i, name=f"D{i}", kind=OrgUnit.Kind.DEPARTMENT) for i in range(1, 4)]
    teams = [OrgUnit(pk=10 + i, name=f"T{i}", parent=rng.choice(departments)) for i in range(6)]

    def profile(pk: int, role: str) -> Profile:
        person = Person(
            pk=pk, display_name=f"P{rng.randint(1, 9)}", grade=rng.randint(1, 8), org_unit=rng.choice(teams)
        )
        return Profile(
            person=person,
            role=role,
            skills={s: (f"S{s}", rng.randint(1, 3)) for s in rng.sample(range(6), rng.randint(0, 3))},
            availability=frozenset(rng.sample(["a", "b", "c", "d"], rng.randint(0, 3))),
            meeting_mode=rng.choice(["either", "video", "in_person"]),
            languages={x.casefold(): x for x in rng.sample(["English", "German"], rng.randint(1, 2))},
            capacity=rng.randint(0, 3) if role == Role.MENTOR else 0,
        )

    mentees = {i: profile(i, Role.MENTEE) for i in range(1, n + 1)}
    mentors = {1000 + j: profile(1000 + j, Role.MENTOR) for j in range(m)}
    rules = {"meeting_mode": rng.choice(["weighted", "required"]), "language": rng.choice(["weighted", "required"])}
    weights = Weights(
        parts={"skills": 40, "different_team": 15, "availability": 20, "language": 10},
        rules=rules,
        min_score=rng.choice([0, 20, 40]),
    )
    managers = {rng.choice(list(mentees)): rng.choice(list(mentors)) for _ in range(n // 3)}
    ended = {(rng.choice(list(mentors)), rng.choice(list(mentees))): None for _ in range(n // 3)}
    return Cohort(
        programme=None,
        weights=weights,
        mentors=mentors,
        mentees=mentees,
        managers=managers,
        load=Counter({rng.choice(list(mentors)): 1 for _ in range(m // 4)}),
        mentee_pairing={},
        ended=ended,
        overrides=set(),
        suggestion_spread=spread,
    )


@pytest.mark.parametrize("seed", range(8))
def test_spread_lists_keep_every_promise_on_random_cohorts(seed):
    rng = random.Random(seed)
    cohort = _random_cohort(rng, n=rng.randint(5, 60), m=rng.randint(1, 15), spread=rng.choice([1, 2, 3]))
    mentors = matching_selectors.mentors_with_places(cohort)
    picks = matching_selectors.suggestion_picks(cohort, mentors)
    mentees = list(cohort.mentees.values())
    scores = {a.mentee.pk: a.scores for a in matching_selectors.assess(cohort, mentees, mentors)}
    minimum = cohort.weights.min_score
    allowed = {pk: {j for j, s in enumerate(row) if s is not None and s >= minimum} for pk, row in scores.items()}
    share = [cohort.suggestion_spread * cohort.free_places(p.pk) for p in mentors]
    seen = Counter(j for chosen in picks.values() for j, _popular in chosen)
    within = Counter(j for chosen in picks.values() for j, popular in chosen if not popular)
    assert all(within[j] <= share[j] for j in range(len(mentors)))
    for mentee in mentees:
        chosen = picks.get(mentee.pk, [])
        columns = [j for j, _popular in chosen]
        # Every mentee gets five when five are allowed, each allowed, no one twice, best first.
        assert len(chosen) == min(SUGGESTIONS, len(allowed[mentee.pk]))
        assert set(columns) <= allowed[mentee.pk] and len(set(columns)) == len(columns)
        row = scores[mentee.pk]
        assert [row[j] for j in columns] == sorted((row[j] for j in columns), reverse=True)
        # "Popular" only when every other allowed mentor's share is taken.
        if any(popular for _j, popular in chosen):
            assert all(seen[j] >= share[j] for j in allowed[mentee.pk] - set(columns))
