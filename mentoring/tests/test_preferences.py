"""Ranked preferences (issue 19): a mentee ranks mentors, a mentor marks mentees; both are parts of the score, the
mentor's wish never reaches the mentee (neither in words nor in the score), and nothing changes where nobody said
anything."""

from __future__ import annotations

import random
import re

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from config.tests.html_forms import form_of
from config.tests.test_pseudo_locale import (  # noqa: F401  (fixtures, used by name)
    data_words,
    english_left,
    in_pseudo_locale,
    pseudo_locale,
    visible_text,
)
from core.catalogues import PSEUDO_OPEN
from mentoring.models import MatchSettings, MenteeRanking, MentorStance
from mentoring.selectors.cohort import cohort_load
from mentoring.selectors.score_matrix import score_matrix
from mentoring.selectors.scoring import PARTS, Weights, as_read_by, explained, score_parts, score_value
from mentoring.services.leavers import people_left
from mentoring.services.matching import pairing_propose, round_run
from mentoring.services.mentor_requests import request_accept, request_create
from mentoring.services.preferences import ranking_save, stances_save
from mentoring.tests.factories import approved_profile
from mentoring.tests.test_scoring import DEFAULTS, FIELD, NEGOTIATION, PLATFORM, profile
from programmes.models import Programme, Role
from programmes.tests.factories import MembershipFactory, PersonFactory, ProgrammeFactory, SkillFactory

# The default weights, with the two preference parts: 100 + 15 + 10 = 125, so a first choice is worth exactly 12
# points and the mentor's wish exactly 8.
PREFS = {**DEFAULTS.parts, "ranking": 15, "mentor_wish": 10}
IN_PLAY = Weights(parts=PREFS, max_ranked=5, preferences_in_play=True)


def pair(*, rank: int | None = None, stance: int = 0):
    mentee = profile(1, skills={NEGOTIATION: 2})
    mentor = profile(2, role=Role.MENTOR, skills={NEGOTIATION: 3})
    if rank is not None:
        mentee.ranks = {mentor.pk: rank}
    if stance:
        mentor.stances = {mentee.pk: stance}
    return mentor, mentee


# What would tell a mentee about a mentor's wish, in English.
WISH_WORDS = ("prefers", "prefer not", "“prefer", "marked", "no preference")


def words(parts, reader=""):
    return [explained(p, reader) for p in parts]


# --- Scores: pure, no database ----------------------------------------------------------------------------------


def test_without_preferences_in_play_scores_and_words_are_exactly_as_before():
    mentor, mentee = pair(rank=1, stance=1)
    before = score_parts(mentor, mentee, DEFAULTS)
    quiet = Weights(parts=PREFS, max_ranked=5, preferences_in_play=False)
    assert score_parts(mentor, mentee, quiet) == before
    assert quiet.factors == DEFAULTS.factors
    assert "ranking" not in {p["part"] for p in before[1]} and "mentor_wish" not in {p["part"] for p in before[1]}


def test_the_mentee_reads_plus_twelve_your_first_choice_and_others_read_whose_choice_it_is():
    mentor, mentee = pair(rank=1)
    score, parts = score_parts(mentor, mentee, IN_PLAY)
    ranking = next(p for p in parts if p["part"] == "ranking")
    assert ranking["points"] == 12
    assert explained(ranking, "mentee") == "+12 your 1st choice"
    assert explained(ranking) == "+12 Person 1's 1st choice"
    assert explained(ranking, "mentor") == "+12 Person 1's 1st choice"
    assert score == sum(p["points"] for p in parts)


def test_a_later_choice_counts_less_and_an_unranked_mentor_nothing():
    # Out of 125, every other part of this pair is worth: skills 32 (fully covered), same team 0, same grade 6
    # (half of 12), one common slot 8/3, meeting mode 4, a shared language 8, readiness 4: 56.67 in all. The k-th
    # of 5 choices adds (5 + 1 - k) / 5 of 12: the 1st 12 (68.67), the 2nd 9.6 (66.27), the 5th 2.4 (59.07).
    expected = {1: 69, 2: 66, 5: 59, None: 57}
    for rank, score in expected.items():
        assert score_value(*pair(rank=rank), IN_PLAY) == score, rank
    mentor, mentee = pair()
    mentee.ranks = {999: 1}  # ranked someone else
    _, parts = score_parts(mentor, mentee, IN_PLAY)
    assert words([p for p in parts if p["part"] == "ranking"], "mentee") == ["+0 not among your choices"]
    # The mentor's wish is rounded on its own: -8 for "prefer not", whatever the rest adds up to.
    assert score_value(*pair(stance=-1), IN_PLAY) == 57 - 8


def test_a_rank_beyond_the_programmes_number_counts_nothing():
    mentor, mentee = pair(rank=4)
    fewer = Weights(parts=PREFS, max_ranked=3, preferences_in_play=True)
    ranking = next(p for p in score_parts(mentor, mentee, fewer)[1] if p["part"] == "ranking")
    assert ranking["points"] == 0


def test_the_mentors_wish_is_plus_or_minus_its_weight_in_words_for_the_mentor_and_the_coordinator():
    for stance, coordinator, mentor_reads in (
        (1, "+8 mentor prefers", "+8 you marked this mentee “prefer”"),
        (-1, "-8 mentor prefers not", "-8 you marked this mentee “prefer not”"),
        (0, "+0 mentor has no preference", "+0 you marked no preference for this mentee"),
    ):
        mentor, mentee = pair(stance=stance)
        wish = next(p for p in score_parts(mentor, mentee, IN_PLAY)[1] if p["part"] == "mentor_wish")
        assert explained(wish) == coordinator
        assert explained(wish, "mentor") == mentor_reads
        assert explained(wish, "mentee") == ""


def test_the_mentee_reads_the_same_score_and_parts_whatever_the_mentor_wished():
    seen = set()
    for stance in (1, 0, -1):
        mentor, mentee = pair(rank=2, stance=stance)
        score, parts = score_parts(mentor, mentee, IN_PLAY)
        mentee_score, mentee_parts = as_read_by(score, parts, "mentee")
        assert "mentor_wish" not in {p["part"] for p in mentee_parts}
        assert mentee_score == sum(p["points"] for p in mentee_parts)
        seen.add((mentee_score, tuple(words(mentee_parts, "mentee"))))
        assert score == mentee_score + 8 * stance
    assert len(seen) == 1  # nothing of the wish can be worked out from what the mentee reads


def test_the_cohort_matrix_agrees_with_score_parts_with_preferences():
    rng = random.Random(19)
    units = [None, PLATFORM, FIELD]

    def random_profile(pk, role):
        return profile(
            pk,
            role=role,
            skills={NEGOTIATION: rng.randint(1, 4)} if rng.random() < 0.7 else {},
            unit=rng.choice(units),
            grade=rng.choice([None, *range(1, 9)]),
            slots=tuple(rng.sample(["mon-am", "mon-pm", "tue-am"], rng.randint(0, 3))),
            languages=tuple(rng.sample(["English", "German"], rng.randint(0, 2))),
        )

    mentees = [random_profile(i, Role.MENTEE) for i in range(1, 31)]
    mentors = [random_profile(100 + i, Role.MENTOR) for i in range(20)]
    for e in mentees:
        e.ranks = {m.pk: r for r, m in enumerate(rng.sample(mentors, rng.randint(0, 6)), start=1)}
    for m in mentors:
        m.stances = {e.pk: rng.choice([1, -1]) for e in rng.sample(mentees, rng.randint(0, 8))}
    for max_ranked in (3, 5, 10):
        weights = Weights(
            parts={name: rng.randint(0, 30) for name in PARTS}, max_ranked=max_ranked, preferences_in_play=True
        )
        matrix, _shares = score_matrix(mentors, mentees, weights)
        for i, e in enumerate(mentees):
            for j, m in enumerate(mentors):
                score, parts = score_parts(m, e, weights)
                assert matrix[i, j] == score == score_value(m, e, weights), (e.pk, m.pk)
                assert score == sum(p["points"] for p in parts)


def test_a_round_stored_before_preferences_reads_back_with_none_in_play():
    old = {f"{p}_weight": w for p, w in DEFAULTS.parts.items()} | {
        "preferred_gap_min": 1,
        "preferred_gap_max": 4,
        "min_score": 30,
    }
    weights = Weights.from_snapshot(old, fallback=IN_PLAY)
    assert not weights.preferences_in_play and weights.factors == DEFAULTS.factors
    assert Weights.from_snapshot(IN_PLAY.snapshot(), fallback=DEFAULTS).preferences_in_play


# --- A matching programme in the database ------------------------------------------------------------------------


@pytest.fixture
def matching(db):
    """A matching programme: mentee Mia, three mentors who fit her, a coordinator, default weights plus 15 for
    rankings and 10 for mentors' wishes."""
    programme = ProgrammeFactory(name="Autumn Mentoring", status=Programme.Status.MATCHING)
    MatchSettings.objects.create(programme=programme, ranking_weight=15, mentor_wish_weight=10)
    skill = SkillFactory(name="Negotiation")
    mia = approved_profile(
        programme=programme, role=Role.MENTEE, skills=[(skill, 2)], display_name="Mia Mentee", grade=2
    ).person
    mentors = [
        approved_profile(
            programme=programme,
            role=Role.MENTOR,
            skills=[(skill, 3)],
            capacity=1,
            display_name=f"{name} Mentor",
            grade=4,
        ).person
        for name in ("Ann", "Bob", "Cat")
    ]
    coordinator = PersonFactory(display_name="Cora")
    MembershipFactory(programme=programme, person=coordinator, role=Role.COORDINATOR)
    return programme, mia, mentors, coordinator


def web(person) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(person)
    return client


def shown(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_scores_do_not_change_until_someone_ranks_or_marks(matching):
    programme, mia, (ann, _bob, _cat), _coordinator = matching
    before = cohort_load(programme=programme)
    assert not before.weights.preferences_in_play
    unchanged = Weights(parts={p: w for p, w in before.weights.parts.items() if p in DEFAULTS.parts})
    assert score_value(before.mentors[ann.pk], before.mentees[mia.pk], before.weights) == score_value(
        before.mentors[ann.pk], before.mentees[mia.pk], unchanged
    )
    ranking_save(programme=programme, mentee=mia, mentor_ids=[ann.pk])
    after = cohort_load(programme=programme)
    assert after.weights.preferences_in_play and after.rankings == {(mia.pk, ann.pk): 1}


def test_a_ranking_is_saved_in_order_and_replaced_whole(matching):
    programme, mia, (ann, bob, cat), _coordinator = matching
    ranking_save(programme=programme, mentee=mia, mentor_ids=[bob.pk, ann.pk, cat.pk])
    assert list(MenteeRanking.objects.filter(mentee=mia).values_list("mentor", "rank")) == [
        (bob.pk, 1),
        (ann.pk, 2),
        (cat.pk, 3),
    ]
    ranking_save(programme=programme, mentee=mia, mentor_ids=[cat.pk])
    assert list(MenteeRanking.objects.filter(mentee=mia).values_list("mentor", "rank")) == [(cat.pk, 1)]


@pytest.mark.parametrize(
    "bad",
    ["duplicate", "stranger", "too_many", "not_matching"],
)
def test_a_bad_ranking_saves_nothing_and_says_why(matching, bad):
    programme, mia, (ann, bob, cat), _coordinator = matching
    ranking_save(programme=programme, mentee=mia, mentor_ids=[ann.pk])
    ids = {
        "duplicate": [bob.pk, bob.pk],
        "stranger": [PersonFactory().pk],
        "too_many": [bob.pk, cat.pk],
        "not_matching": [bob.pk],
    }[bad]
    if bad == "too_many":
        MatchSettings.objects.filter(programme=programme).update(max_ranked=1)
    if bad == "not_matching":
        Programme.objects.filter(pk=programme.pk).update(status=Programme.Status.RUNNING)
    with pytest.raises(ValidationError, match="nothing was saved"):
        ranking_save(programme=programme, mentee=mia, mentor_ids=ids)
    assert list(MenteeRanking.objects.filter(mentee=mia).values_list("mentor", "rank")) == [(ann.pk, 1)]


def test_the_round_uses_the_mentees_first_choice_and_the_pairing_page_says_so(matching):
    programme, mia, (ann, bob, cat), coordinator = matching
    # Without a ranking the three mentors tie, and the round takes any; ranked first, Cat gets the 12 points.
    ranking_save(programme=programme, mentee=mia, mentor_ids=[cat.pk, bob.pk])
    match_round = round_run(programme=programme, by=coordinator)
    proposal = match_round.proposals.get()
    assert proposal.mentor == cat
    pairing = pairing_propose(programme=programme, mentor=cat, mentee=mia, by=coordinator, notify=False)
    page = web(mia).get(reverse("mentoring:pairing_detail", args=[pairing.pk])).content.decode()
    assert "+12 your 1st choice" in page
    page = web(coordinator).get(reverse("mentoring:pairing_detail", args=[pairing.pk])).content.decode()
    assert "+12 Mia Mentee&#x27;s 1st choice" in page or "+12 Mia Mentee's 1st choice" in page


def test_prefer_not_never_reaches_the_mentee_nor_its_points(matching):
    programme, mia, (ann, _bob, _cat), coordinator = matching
    stances_save(programme=programme, mentor=ann, stances={mia.pk: MentorStance.Stance.PREFER_NOT})
    pairing = pairing_propose(programme=programme, mentor=ann, mentee=mia, by=coordinator, notify=False)
    wish = next(p for p in pairing.explanation if p["part"] == "mentor_wish")
    assert wish["points"] == -8
    url = reverse("mentoring:pairing_detail", args=[pairing.pk])
    mentee_page = web(mia).get(url).content.decode()
    assert not any(word in mentee_page for word in WISH_WORDS)
    assert f"score {pairing.score + 8}" in mentee_page and f"score {pairing.score}<" not in mentee_page
    assert "-8 mentor prefers not" in web(coordinator).get(url).content.decode()
    assert "-8 you marked this mentee “prefer not”" in web(ann).get(url).content.decode()


def test_the_mentees_suggestions_show_the_score_without_the_wish_and_no_word_of_it(matching):
    programme, mia, (ann, bob, cat), _coordinator = matching
    url = reverse("mentoring:suggestions", args=[programme.pk])
    before = web(mia).get(url).content.decode()
    stances_save(
        programme=programme,
        mentor=ann,
        stances={mia.pk: MentorStance.Stance.PREFER_NOT},
    )
    stances_save(programme=programme, mentor=bob, stances={mia.pk: MentorStance.Stance.PREFER})
    after = web(mia).get(url).content.decode()
    assert not any(word in after for word in WISH_WORDS)
    # Preferences came into play (the parts now weigh out of 125), but the three mentors read alike, in the same
    # order as before: nothing tells Mia who wished what.
    badges = re.findall(r'title="Match score out of 100">(-?\d+)<', after)
    assert len(badges) == 3 and len(set(badges)) == 1
    order = [n for n in ("Ann Mentor", "Bob Mentor", "Cat Mentor") if n in before]
    assert sorted(order, key=after.index) == sorted(order, key=before.index)


def test_my_mentoring_offers_ranking_to_a_mentee_still_waiting_for_a_mentor_only(matching):
    programme, mia, (ann, _bob, _cat), coordinator = matching
    ranking = reverse("mentoring:ranking", args=[programme.pk])
    assert f'href="{ranking}"' in web(mia).get(reverse("mentoring:home")).content.decode()
    pairing_propose(programme=programme, mentor=ann, mentee=mia, by=coordinator, notify=False)
    page = web(mia).get(reverse("mentoring:home")).content.decode()
    assert "Suggested mentors" in page and f'href="{ranking}"' not in page  # she has a mentor proposed: no ranking


def test_the_ranking_page_round_trips_and_saves_a_ranking_as_a_browser_sends_it(matching):
    programme, mia, (ann, bob, cat), _coordinator = matching
    url = reverse("mentoring:ranking", args=[programme.pk])
    client = web(mia)
    page = client.get(url).content.decode()
    assert "Rank your mentors" in page and "part of the match score" in page
    form = form_of(page, action=None, text="Save my ranking")
    response = form.submit(client, url, rank_1=str(cat.pk), rank_2=str(ann.pk))
    assert response.status_code == 302 and shown(response) == ["Your ranking is saved."]
    assert list(MenteeRanking.objects.filter(mentee=mia).values_list("mentor", "rank")) == [(cat.pk, 1), (ann.pk, 2)]
    # Sent again unchanged, as rendered now: the same ranking.
    page = client.get(url).content.decode()
    assert "+12 your 1st choice" in page
    form_of(page, action=None, text="Save my ranking").submit(client, url)
    assert list(MenteeRanking.objects.filter(mentee=mia).values_list("mentor", "rank")) == [(cat.pk, 1), (ann.pk, 2)]
    # Cleared, with the other button.
    form_of(client.get(url).content.decode(), action=None, text="Save my ranking").submit(client, url, clear="1")
    assert not MenteeRanking.objects.filter(mentee=mia).exists()


@pytest.mark.parametrize(
    "data",
    [
        {"rank_6": "MENTOR"},  # beyond N (5)
        {"rank_1": "MENTOR", "rank_2": "MENTOR"},  # the same mentor twice
        {"rank_1": "OUTSIDER"},  # not among the choices
        {"rank_1": "x"},
        {"rank_99": "MENTOR"},
        {"rank_01": "MENTOR"},  # a place written as the page never writes it
        {"rank_1": "MENTOR", "rank_01": "MENTOR"},
    ],
)
def test_bad_ranking_posts_say_why_and_save_nothing(matching, data):
    programme, mia, (ann, _bob, _cat), _coordinator = matching
    outsider = PersonFactory()
    values = {"MENTOR": str(ann.pk), "OUTSIDER": str(outsider.pk)}
    client = Client()
    client.force_login(mia)
    response = client.post(
        reverse("mentoring:ranking", args=[programme.pk]), {k: values.get(v, v) for k, v in data.items()}
    )
    assert response.status_code == 302
    assert "nothing was saved" in " ".join(shown(response))
    assert not MenteeRanking.objects.exists()


def test_the_mentors_page_saves_wishes_as_a_browser_sends_them_and_round_trips(matching):
    programme, mia, (ann, _bob, _cat), _coordinator = matching
    other = approved_profile(programme=programme, role=Role.MENTEE, display_name="Ola Mentee").person
    url = reverse("mentoring:mentor_stances", args=[programme.pk])
    client = web(ann)
    page = client.get(url).content.decode()
    assert "Mia Mentee" in page and "Ola Mentee" in page and "Negotiation" in page
    assert "Mentees never see it" in page
    form = form_of(page, action=None, text="Save my preferences")
    response = form.submit(client, url, **{f"stance_{mia.pk}": "prefer", f"stance_{other.pk}": "prefer_not"})
    assert response.status_code == 302
    stances = dict(MentorStance.objects.filter(mentor=ann).values_list("mentee", "stance"))
    assert stances == {mia.pk: "prefer", other.pk: "prefer_not"}
    form_of(client.get(url).content.decode(), action=None, text="Save my preferences").submit(client, url)
    assert dict(MentorStance.objects.filter(mentor=ann).values_list("mentee", "stance")) == stances
    # Back to no preference.
    form_of(client.get(url).content.decode(), action=None, text="Save my preferences").submit(
        client, url, **{f"stance_{mia.pk}": "none"}
    )
    assert dict(MentorStance.objects.filter(mentor=ann).values_list("mentee", "stance")) == {other.pk: "prefer_not"}


@pytest.mark.parametrize("key", ["stance_OUTSIDER", "stance_x", "stance_"])
def test_a_wish_about_someone_not_waiting_in_the_programme_saves_nothing(matching, key):
    programme, mia, (ann, _bob, _cat), _coordinator = matching
    outsider = approved_profile(programme=ProgrammeFactory(), role=Role.MENTEE).person
    client = Client()
    client.force_login(ann)
    data = {f"stance_{mia.pk}": "prefer", key.replace("OUTSIDER", str(outsider.pk)): "prefer"}
    response = client.post(reverse("mentoring:mentor_stances", args=[programme.pk]), data)
    assert response.status_code == 302 and "nothing was saved" in " ".join(shown(response))
    assert not MentorStance.objects.exists()


def test_a_mentee_already_paired_is_not_on_the_mentors_page(matching):
    programme, mia, (ann, bob, _cat), coordinator = matching
    pairing_propose(programme=programme, mentor=bob, mentee=mia, by=coordinator, notify=False)
    assert "Mia Mentee" not in web(ann).get(reverse("mentoring:mentor_stances", args=[programme.pk])).content.decode()
    with pytest.raises(ValidationError, match="no longer waiting"):
        stances_save(programme=programme, mentor=ann, stances={mia.pk: "prefer"})


def test_the_pages_are_for_their_own_role(matching):
    programme, mia, (ann, _bob, _cat), coordinator = matching
    ranking = reverse("mentoring:ranking", args=[programme.pk])
    stances = reverse("mentoring:mentor_stances", args=[programme.pk])
    assert web(ann).get(ranking).status_code == 403
    assert web(mia).get(stances).status_code == 403
    assert web(coordinator).get(ranking).status_code == 403
    assert web(PersonFactory()).get(stances).status_code == 404
    assert Client().get(ranking).status_code == 302


@pytest.mark.parametrize("size", [2, 20])
def test_the_ranking_page_runs_a_fixed_number_of_queries(matching, size, django_assert_num_queries):
    programme, mia, (ann, bob, cat), _coordinator = matching
    skill = SkillFactory()
    for _ in range(size):
        approved_profile(programme=programme, role=Role.MENTOR, skills=[(skill, 2)], capacity=1)
    ranking_save(programme=programme, mentee=mia, mentor_ids=[ann.pk, bob.pk])
    client = Client()
    client.force_login(mia)
    url = reverse("mentoring:ranking", args=[programme.pk])
    # session, user, the programme, my roles, the settings, the cohort (eleven: the settings passed, no training
    # records to read), the areas
    with django_assert_num_queries(17):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("size", [2, 20])
def test_the_mentors_page_runs_a_fixed_number_of_queries(matching, size, django_assert_num_queries):
    programme, _mia, (ann, _bob, _cat), _coordinator = matching
    skill = SkillFactory()
    for _ in range(size):
        approved_profile(programme=programme, role=Role.MENTEE, skills=[(skill, 2)])
    client = Client()
    client.force_login(ann)
    url = reverse("mentoring:mentor_stances", args=[programme.pk])
    # session, user, the programme, my roles, my approved application, the paginator's count, one page of mentees
    # with people and teams, their skills, my wishes about them, the areas
    with django_assert_num_queries(10):
        assert client.get(url).status_code == 200


def test_leavers_lose_their_rankings_and_wishes_and_others_about_them(matching):
    programme, mia, (ann, bob, _cat), _coordinator = matching
    ranking_save(programme=programme, mentee=mia, mentor_ids=[ann.pk, bob.pk])
    stances_save(programme=programme, mentor=bob, stances={mia.pk: "prefer"})
    people_left(person_ids=[ann.pk], by=None, reason="left")
    assert list(MenteeRanking.objects.values_list("mentor", "rank")) == [(bob.pk, 2)]
    people_left(person_ids=[mia.pk], by=None, reason="left")
    assert not MenteeRanking.objects.exists() and not MentorStance.objects.exists()


def test_the_preference_pages_and_words_are_translated(matching, in_pseudo_locale):  # noqa: F811
    # Both pages open, with a ranking and wishes in play, walked in the pseudo-locale (the permission matrix's walk
    # sees them closed: its programme is running).
    programme, mia, (ann, bob, _cat), coordinator = matching
    ranking_save(programme=programme, mentee=mia, mentor_ids=[ann.pk, bob.pk])
    stances_save(programme=programme, mentor=ann, stances={mia.pk: "prefer_not"})
    pairing = pairing_propose(programme=programme, mentor=ann, mentee=mia, by=coordinator, notify=False)
    other = approved_profile(programme=programme, role=Role.MENTEE, skills=[(SkillFactory(), 1)]).person
    stances_save(programme=programme, mentor=bob, stances={other.pk: "prefer"})
    pages = {
        mia: ["mentoring:ranking", "mentoring:suggestions"],
        bob: ["mentoring:mentor_stances"],
        coordinator: ["mentoring:matching", "mentoring:matching_settings"],
    }
    for person in (mia, ann, bob, coordinator):
        type(person).objects.filter(pk=person.pk).update(language=in_pseudo_locale)
    known = data_words()
    failures = []

    def web(person) -> Client:
        client = Client(enforce_csrf_checks=True)
        client.force_login(person)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = in_pseudo_locale
        return client

    for person, names in pages.items():
        client = web(person)
        for name in names:
            text = visible_text(client.get(reverse(name, args=[programme.pk])))
            assert PSEUDO_OPEN in text
            failures += [f"{name}: {w}" for w in english_left(text, known)]
    for person in (mia, ann, coordinator):
        text = visible_text(web(person).get(reverse("mentoring:pairing_detail", args=[pairing.pk])))
        failures += [f"pairing as {person}: {w}" for w in english_left(text, known)]
    assert not failures


def test_the_cohort_page_tells_the_coordinator_who_has_said_something(matching):
    programme, mia, (ann, bob, _cat), coordinator = matching
    url = reverse("mentoring:matching", args=[programme.pk])
    assert "Preferences count" not in web(coordinator).get(url).content.decode()
    ranking_save(programme=programme, mentee=mia, mentor_ids=[ann.pk])
    stances_save(programme=programme, mentor=ann, stances={mia.pk: "prefer"})
    stances_save(programme=programme, mentor=bob, stances={mia.pk: "prefer_not"})
    page = web(coordinator).get(url).content.decode()
    assert "mentees who ranked mentors 1, mentors who marked mentees 2." in page
    assert "+8 mentor prefers" in page and "-8 mentor prefers not" in page


def test_the_rounds_list_the_preference_weights_only_when_they_counted(matching):
    programme, mia, (ann, _bob, _cat), coordinator = matching
    quiet = round_run(programme=programme, by=coordinator)
    ranking_save(programme=programme, mentee=mia, mentor_ids=[ann.pk])
    loud = round_run(programme=programme, by=coordinator)
    client = web(coordinator)
    history = client.get(reverse("mentoring:matching_history", args=[programme.pk])).content.decode()
    assert history.count("Mentee&#x27;s ranking 15") + history.count("Mentee's ranking 15") == 1
    for match_round, shown in ((quiet, False), (loud, True)):
        page = client.get(reverse("mentoring:matching_round", args=[programme.pk, match_round.pk])).content.decode()
        assert ("ranking 15" in page) is shown and ("preference 10" in page) is shown


def test_a_prefer_not_below_the_minimum_still_leaves_the_mentors_lists_unchanged_for_the_mentee(matching):
    # The mentee's suggestions and ranking choices are chosen by the score as she reads it (without the wish): a
    # "prefer not" that takes the real score below the programme's minimum must not make Ann disappear from them,
    # or Mia could tell. A proposal still needs the real score at the minimum.
    programme, mia, (ann, bob, cat), coordinator = matching
    stances_save(programme=programme, mentor=bob, stances={mia.pk: MentorStance.Stance.PREFER})
    cohort = cohort_load(programme=programme)
    real = score_value(cohort.mentors[ann.pk], cohort.mentees[mia.pk], cohort.weights)
    MatchSettings.objects.filter(programme=programme).update(min_score=real)
    suggestions_url = reverse("mentoring:suggestions", args=[programme.pk])
    ranking_url = reverse("mentoring:ranking", args=[programme.pk])
    before = [web(mia).get(url).content.decode() for url in (suggestions_url, ranking_url)]
    stances_save(
        programme=programme,
        mentor=bob,
        stances={mia.pk: MentorStance.Stance.PREFER_NOT},
    )
    stances_save(programme=programme, mentor=ann, stances={mia.pk: MentorStance.Stance.PREFER_NOT})
    after = [web(mia).get(url).content.decode() for url in (suggestions_url, ranking_url)]
    for page_before, page_after in zip(before, after, strict=True):
        order = [n for n in ("Ann Mentor", "Bob Mentor", "Cat Mentor") if n in page_before]
        assert order == [n for n in ("Ann Mentor", "Bob Mentor", "Cat Mentor") if n in page_after]
        assert sorted(order, key=page_after.index) == sorted(order, key=page_before.index) and len(order) == 3
    # Mia may rank Ann, as offered; ranked or not, the round proposes nobody below the minimum with the wishes:
    # unranked, Ann and Bob are, Cat is not.
    assert ranking_save(programme=programme, mentee=mia, mentor_ids=[ann.pk])
    ranking_save(programme=programme, mentee=mia, mentor_ids=[])
    match_round = round_run(programme=programme, by=coordinator)
    assert [p.mentor for p in match_round.proposals.all()] == [cat]


def test_a_mentor_who_marked_prefer_not_can_still_accept_the_mentees_request(matching):
    # Mia still sees Ann (she reads the score without the wish) and may ask her; Ann accepting is her answer, so her
    # earlier "prefer not" does not hold the pairing below the minimum.
    programme, mia, (ann, bob, _cat), _coordinator = matching
    MatchSettings.objects.filter(programme=programme).update(allow_requests=True)
    stances_save(programme=programme, mentor=bob, stances={mia.pk: MentorStance.Stance.PREFER})
    cohort = cohort_load(programme=programme)
    real = score_value(cohort.mentors[ann.pk], cohort.mentees[mia.pk], cohort.weights)
    MatchSettings.objects.filter(programme=programme).update(min_score=real)
    stances_save(programme=programme, mentor=ann, stances={mia.pk: MentorStance.Stance.PREFER_NOT})
    request = request_create(programme=programme, mentee=mia, mentor=ann)
    pairing = request_accept(request=request, by=ann)
    assert pairing.mentor == ann and pairing.mentee == mia
    assert not MentorStance.objects.filter(mentor=ann, mentee=mia).exists()


def test_a_rank_beyond_the_programmes_number_counts_nothing_in_the_stability_order_either(matching):
    # Mia ranked Ann 1st and Bob 2nd; the programme then takes one choice only. Bob's place in her ranking counts
    # nothing in the score, nor in whom she prefers when the round looks for blocking pairs and runs "stable".
    from mentoring.services.matching import _problem

    programme, mia, (ann, bob, cat), _coordinator = matching
    ranking_save(programme=programme, mentee=mia, mentor_ids=[ann.pk, bob.pk])
    MatchSettings.objects.filter(programme=programme).update(max_ranked=1)
    cohort = cohort_load(programme=programme)
    mentors = [cohort.mentors[p.pk] for p in (ann, bob, cat)]
    problem = _problem(
        cohort, [cohort.mentees[mia.pk]], mentors, score_matrix(mentors, [cohort.mentees[mia.pk]], cohort.weights)[0]
    )
    bonus = problem.mentee_bonus.toarray()[0].tolist()
    assert bonus[0] > 0 and bonus[1:] == [0, 0]


def test_a_mentee_may_ask_a_mentor_whose_prefer_not_takes_the_real_score_below_zero(matching):
    # With a minimum of 0, a mentor's "prefer not" can take the real score below zero while Mia reads a score at
    # the minimum: asking that mentor is an ordinary request, not an error that tells her of the wish.
    programme, mia, (ann, _bob, _cat), _coordinator = matching
    zero = {f"{part}_weight": 0 for part in PARTS if part not in ("readiness", "mentor_wish", "time_zone")}
    MatchSettings.objects.filter(programme=programme).update(
        **zero, readiness_weight=5, mentor_wish_weight=95, min_score=0, allow_requests=True
    )
    stances_save(programme=programme, mentor=ann, stances={mia.pk: MentorStance.Stance.PREFER_NOT})
    cohort = cohort_load(programme=programme)
    assert score_value(cohort.mentors[ann.pk], cohort.mentees[mia.pk], cohort.weights) < 0
    request = request_create(programme=programme, mentee=mia, mentor=ann)
    assert request.mentor == ann
    # Accepted, the wish is lifted and the pairing scored again: with nobody's preference left in play, readiness
    # is all that weighs, and it is fully met.
    pairing = request_accept(request=request, by=ann)
    assert pairing.score == 100


def test_a_mentor_member_without_an_approved_application_sees_no_waiting_mentees(matching):
    # Added to the programme by hand (no application): never matched, so the page lists nobody and says why, as
    # saving would.
    programme, _mia, _mentors, _coordinator = matching
    hand = PersonFactory(display_name="Hal Mentor")
    MembershipFactory(programme=programme, person=hand, role=Role.MENTOR)
    page = web(hand).get(reverse("mentoring:mentor_stances", args=[programme.pk])).content.decode()
    assert "Mia Mentee" not in page and "Negotiation" not in page
    assert "Only the programme's approved mentors mark mentees." in page
