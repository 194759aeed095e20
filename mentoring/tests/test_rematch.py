"""Re-match suggestions after an early end (issue 19, point 7): a mismatch lowers mentors similar to the one it
ended with, in words for the coordinator; other end reasons lower nothing; what a mentor wrote stays private."""

from __future__ import annotations

import random

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from config.tests.html_forms import form_of
from config.tests.test_pseudo_locale import (  # noqa: F401 (fixtures)
    data_words,
    english_left,
    in_pseudo_locale,
    pseudo_locale,
    visible_text,
)
from conftest import PASSWORD
from mentoring.models import MentorRequest, Pairing
from mentoring.selectors.cohort import cohort_load
from mentoring.selectors.rematch import rematch_rows
from mentoring.selectors.score_matrix import score_matrix
from mentoring.selectors.scoring import PARTS, REMATCH, Mismatch, Readiness, Weights, score_parts, score_value
from mentoring.services.lifecycle import pairing_decline, pairing_end_early
from mentoring.tests.factories import MatchRoundFactory, PairingFactory, ProposedPairingFactory, approved_profile
from mentoring.tests.test_scoring import DATA, DEFAULTS, FIELD, NAMES, PLATFORM, mentor, profile
from programmes.models import Notification, Programme, Role
from programmes.tests.factories import DepartmentFactory, OrgUnitFactory, SkillFactory

# --- The penalty, pure ---------------------------------------------------------------------------------------


def with_mismatch(mentee, *mismatches: Mismatch):
    mentee.mismatches = tuple(mismatches)
    return mentee


def test_a_mentor_like_the_mismatched_one_loses_five_points_for_each_likeness_said_in_words():
    mentee = profile(1, skills={1: 3, 2: 2})
    plain = score_value(mentor(10, unit=PLATFORM, grade=6, skills={1: 3, 2: 2}), mentee, DEFAULTS)
    with_mismatch(mentee, Mismatch(mentor_id=9, team_id=PLATFORM.pk, grade=6, skills={1: 3, 2: 1}))
    alike = mentor(10, unit=PLATFORM, grade=6, skills={1: 3, 2: 2})

    score, parts = score_parts(alike, mentee, DEFAULTS)

    penalty = next(p for p in parts if p["part"] == REMATCH)
    assert penalty["points"] == -15
    assert (
        penalty["text"] == "-15 similar to a pairing that ended as a mismatch (same team, same grade, similar skills)"
    )
    assert score == plain - 15 == score_value(alike, mentee, DEFAULTS)
    assert sum(p["points"] for p in parts) == score


def test_only_the_ways_a_mentor_resembles_count_and_the_closest_mismatch_wins():
    mentee = with_mismatch(
        profile(1, skills={1: 2}),
        Mismatch(mentor_id=8, team_id=DATA.pk, grade=9, skills={3: 4}),  # same team as the mentor below
        Mismatch(mentor_id=9, team_id=FIELD.pk, grade=6, skills={}),  # another team, same grade
    )
    parts = score_parts(mentor(10, unit=DATA, grade=6, skills={1: 2}), mentee, DEFAULTS)[1]
    assert [p["text"] for p in parts if p["part"] == REMATCH] == [
        "-5 similar to a pairing that ended as a mismatch (same team)"
    ]
    unlike = mentor(11, unit=PLATFORM, grade=4, skills={1: 2})
    score, parts = score_parts(unlike, mentee, DEFAULTS)
    assert REMATCH not in [p["part"] for p in parts]  # nothing taken away, nothing said
    assert score == score_value(unlike, with_mismatch(profile(1, skills={1: 2})), DEFAULTS)


def test_the_cohort_matrix_gives_exactly_the_one_by_one_scores_with_mismatches():
    rng = random.Random(19)
    units = [PLATFORM, DATA, FIELD, None]

    def random_profile(pk: int, role: str):
        return profile(
            pk,
            role=role,
            skills={s: rng.randint(1, 4) for s in rng.sample(list(NAMES), rng.randint(0, 3))},
            unit=rng.choice(units),
            grade=rng.choice([None, *range(1, 8)]),
            slots=tuple(rng.sample(["mon-am", "mon-pm", "tue-am"], rng.randint(0, 3))),
            mode=rng.choice(["in_person", "video", "either"]),
            languages=tuple(rng.sample(["English", "German"], rng.randint(0, 2))),
            readiness=rng.choice([Readiness.READY, Readiness.OVERRIDDEN]),
        )

    mentees = [random_profile(i, Role.MENTEE) for i in range(40)]
    mentors = [random_profile(100 + i, Role.MENTOR) for i in range(25)]
    for mentee in mentees[::2]:
        with_mismatch(
            mentee,
            *(
                Mismatch(
                    mentor_id=200 + k,
                    team_id=rng.choice([PLATFORM.pk, DATA.pk, FIELD.pk, None]),
                    grade=rng.choice([None, *range(1, 8)]),
                    skills={s: rng.randint(1, 4) for s in rng.sample(list(NAMES), rng.randint(0, 3))},
                )
                for k in range(rng.randint(1, 2))
            ),
        )
    weights = Weights(parts={name: rng.randint(0, 30) for name in PARTS}, gap_min=2, gap_max=3)
    matrix, _shares = score_matrix(mentors, mentees, weights)
    penalties = 0
    for i, e in enumerate(mentees):
        for j, m in enumerate(mentors):
            score, parts = score_parts(m, e, weights)
            assert matrix[i, j] == score_value(m, e, weights) == score, (e.pk, m.pk)
            assert sum(p["points"] for p in parts) == score
            penalties += any(p["part"] == REMATCH for p in parts)
    assert penalties > 20  # the case is not empty: many pairs carry the penalty


# --- A real programme: which endings lower what --------------------------------------------------------------


def login(person) -> Client:
    client = Client(enforce_csrf_checks=True)
    assert client.login(username=person.email, password=PASSWORD)
    return client


@pytest.fixture
def rematch(db, cast):
    """The cast's programme with approved profiles: Mina (mentee, wants Coaching) and Max (mentor, Platform, grade 6,
    Coaching 3) in the active pairing; Sam, in Max's team with his grade and skills; Tom, in Max's team only; Dora,
    in another department with another grade and other skills."""
    programme = cast["pairing"].programme
    coaching, negotiation = SkillFactory(name="Coaching"), SkillFactory(name="Negotiation")
    approved_profile(programme=programme, role=Role.MENTEE, person=cast["mentee"], skills=[(coaching, 2)])
    approved_profile(programme=programme, role=Role.MENTOR, person=cast["mentor"], skills=[(coaching, 3)], capacity=2)

    def mentor_of(name: str, unit, grade: int, skills) -> object:
        return approved_profile(
            programme=programme, role=Role.MENTOR, skills=skills, display_name=name, org_unit=unit, grade=grade
        ).person

    platform = cast["mentor"].org_unit
    elsewhere = OrgUnitFactory(name="Field", parent=DepartmentFactory(name="Sales"))
    return {
        **cast,
        "programme": programme,
        "sam": mentor_of("Sam Same", platform, 6, [(coaching, 3)]),
        "tom": mentor_of("Tom Team", platform, 5, [(coaching, 2), (negotiation, 4)]),
        "dora": mentor_of("Dora Other", elsewhere, 5, [(coaching, 2), (negotiation, 4)]),
    }


def scores_for_mina(world) -> dict[str, int]:
    cohort = cohort_load(programme=world["programme"])
    mina = cohort.mentees[world["mentee"].pk]
    return {name: score_value(cohort.mentors[world[name].pk], mina, cohort.weights) for name in ("sam", "tom", "dora")}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("reason", "lowered"),
    [
        (Pairing.EndReason.MISMATCH, True),
        (Pairing.EndReason.NO_FAULT, False),
        (Pairing.EndReason.LEFT, False),
        (Pairing.EndReason.WORKLOAD, False),
        (Pairing.EndReason.OTHER, False),
    ],
)
def test_only_an_ending_as_a_mismatch_lowers_mentors_like_the_one_it_ended_with(rematch, reason, lowered):
    before = scores_for_mina(rematch)
    pairing_end_early(pairing=rematch["pairing"], by=rematch["mentor"], reason_code=reason, rematch=False)
    after = scores_for_mina(rematch)
    # Sam shares Max's team, grade and skills: three likenesses; Tom his team only; Dora resembles Max in nothing.
    expected = {"sam": before["sam"] - 15, "tom": before["tom"] - 5, "dora": before["dora"]}
    assert after == (expected if lowered else before)


@pytest.mark.django_db
def test_a_completed_pairing_lowers_nothing(rematch):
    before = scores_for_mina(rematch)
    Pairing.objects.filter(pk=rematch["pairing"].pk).update(status=Pairing.Status.COMPLETED, ended_on="2026-06-01")
    assert scores_for_mina(rematch) == before


@pytest.mark.django_db
@pytest.mark.parametrize("size", [3, 30])
def test_the_cohort_loads_in_the_same_queries_with_mismatches(rematch, django_assert_num_queries, size):
    programme = rematch["programme"]
    for _ in range(size):
        mentee = approved_profile(programme=programme, role=Role.MENTEE).person
        PairingFactory(
            programme=programme,
            mentor=rematch["sam"],
            mentee=mentee,
            status=Pairing.Status.ENDED_EARLY,
            end_reason=Pairing.EndReason.MISMATCH,
            ended_on="2026-05-01",
        )
    cohort_load(programme=programme)  # settings made on first use
    # settings, applications, skills, readiness (three: the programme requires no training, so no records), org
    # units, line-manager links, pairings with the mismatched mentors' team and grade, overrides, rankings, wishes
    with django_assert_num_queries(12):
        cohort = cohort_load(programme=programme)
    assert sum(bool(p.mismatches) for p in cohort.mentees.values()) == size


# --- The coordinator's re-match suggestions ------------------------------------------------------------------


@pytest.mark.django_db
def test_the_coordinator_sees_re_match_suggestions_with_the_penalty_and_proposes_one(rematch):
    pairing_end_early(
        pairing=rematch["pairing"], by=rematch["mentor"], reason_code=Pairing.EndReason.MISMATCH, rematch=False
    )
    client = login(rematch["coordinator"])
    url = reverse("mentoring:matching", args=[rematch["programme"].pk])
    page = client.get(url).content.decode()
    # The ended pairing's page leads the coordinator here; the pair never see the link.
    ended = rematch["pairing"].get_absolute_url()
    assert f'href="{url}#rematch-title"' in client.get(ended).content.decode()
    assert "Re-match suggestions" not in login(rematch["mentee"]).get(ended).content.decode()

    section = page[page.index("Re-match suggestions") : page.index('role="search"')]
    assert "Mina Mentee" in section
    assert "Ended early with Max Mentor on" in section and "Not a good match" in section
    assert "-15 similar to a pairing that ended as a mismatch (same team, same grade, similar skills)" in section
    assert section.index("Dora Other") < section.index("Sam Same")  # Sam's penalty puts him below Dora
    assert "Max Mentor</span>" not in section  # paired before: not suggested again

    action = reverse("mentoring:matching_propose", args=[rematch["programme"].pk])
    form = form_of(page, action=action, text="Propose this re-match (Dora Other for Mina Mentee)")
    response = client.post(action, form.data(), follow=True)

    new = Pairing.objects.get(mentee=rematch["mentee"], status=Pairing.Status.PROPOSED)
    assert new.mentor == rematch["dora"]
    assert "Re-match suggestions" not in response.content.decode()  # Mina has a proposal now


@pytest.mark.django_db
def test_no_re_match_suggestions_once_the_programme_winds_down(rematch):
    pairing_end_early(
        pairing=rematch["pairing"], by=rematch["mentor"], reason_code=Pairing.EndReason.MISMATCH, rematch=False
    )
    assert [row.mentee.name for row in rematch_rows(cohort_load(programme=rematch["programme"]))] == ["Mina Mentee"]
    Programme.objects.filter(pk=rematch["programme"].pk).update(status=Programme.Status.CLOSING)
    page = login(rematch["coordinator"]).get(reverse("mentoring:matching", args=[rematch["programme"].pk]))
    assert "Re-match suggestions" not in page.content.decode()


@pytest.mark.django_db
def test_a_declined_proposal_is_listed_as_declined_and_lowers_nothing(rematch):
    pairing = rematch["pairing"]
    Pairing.objects.filter(pk=pairing.pk).update(status=Pairing.Status.COMPLETED, ended_on="2026-04-01")
    before = scores_for_mina(rematch)
    proposal = ProposedPairingFactory(programme=rematch["programme"], mentor=rematch["sam"], mentee=rematch["mentee"])
    pairing_decline(pairing=proposal, by=rematch["sam"], reason="Too busy this quarter")
    page = login(rematch["coordinator"]).get(reverse("mentoring:matching", args=[rematch["programme"].pk]))
    assert "The proposal with Sam Same was declined." in page.content.decode()
    assert scores_for_mina(rematch)["dora"] == before["dora"]


@pytest.mark.django_db
@pytest.mark.parametrize("size", [3, 30])
def test_the_matching_page_costs_the_same_queries_whatever_the_number_waiting_for_a_re_match(
    rematch, django_assert_num_queries, size
):
    programme = rematch["programme"]
    for i in range(size):
        mentee = approved_profile(programme=programme, role=Role.MENTEE, display_name=f"Waiting {i}").person
        PairingFactory(
            programme=programme,
            mentor=rematch["sam"],
            mentee=mentee,
            status=Pairing.Status.ENDED_EARLY,
            end_reason=Pairing.EndReason.MISMATCH,
            ended_on="2026-05-01",
        )
    client = Client()
    client.force_login(rematch["coordinator"])
    url = reverse("mentoring:matching", args=[programme.pk])
    client.get(url)  # the settings are made on first use
    # session, user, the programme, my roles; the settings and the cohort (twelve: no training required); the draft
    # round; the late joiners; the areas. The re-match suggestions come from the cohort already loaded.
    with django_assert_num_queries(19):
        response = client.get(url)
    assert len(response.context["rematch"]) == min(size, 25)
    assert response.context["rematch_waiting"] == size


# --- Privacy: what a mentor wrote, and the mentee's history, never reach the mentee or other mentors ------------

SECRET = "Mina never prepares, I am wasting my time"


@pytest.mark.django_db
def test_a_mentors_decline_reason_and_the_mismatch_reach_neither_the_mentee_nor_other_mentors(rematch):
    programme, mina, tom = rematch["programme"], rematch["mentee"], rematch["tom"]
    # Max ends the running pairing as a mismatch; then Sam, proposed next, declines with words of his own.
    pairing_end_early(
        pairing=rematch["pairing"], by=rematch["mentor"], reason_code=Pairing.EndReason.MISMATCH, rematch=False
    )
    declined = ProposedPairingFactory(programme=programme, mentor=rematch["sam"], mentee=mina)
    pairing_decline(pairing=declined, by=rematch["sam"], reason=SECRET)
    # The coordinators read the reason: that is who it is for.
    assert [m for m in mail.outbox if SECRET in m.body] and all(
        m.to == [rematch["coordinator"].email] for m in mail.outbox if SECRET in m.body
    )

    # Mina sees her own penalty on Tom (in Max's team), and asks him from her suggestions as rendered.
    mina_client = login(mina)
    suggestions = mina_client.get(reverse("mentoring:suggestions", args=[programme.pk])).content.decode()
    assert "-5 similar to a pairing that ended as a mismatch (same team)" in suggestions
    ask = form_of(suggestions, action=reverse("mentoring:request_send", args=[programme.pk]), text="Ask Tom")
    mina_client.post(ask.action, ask.data(), follow=True)
    request = MentorRequest.objects.get(mentee=mina, mentor=tom)
    assert any(p["part"] == REMATCH for p in request.explanation)  # stored for the coordinators' record

    # Tom, another mentor, reads neither the reason nor anything of Mina's earlier pairings, and accepts.
    tom_client = login(tom)
    requests_page = tom_client.get(reverse("mentoring:requests")).content.decode()
    assert "Mina Mentee" in requests_page and "Coaching" in requests_page
    answer = form_of(requests_page, action=reverse("mentoring:request_answer", args=[request.pk]), text="Accept")
    tom_client.post(answer.action, answer.data(), follow=True)
    new = Pairing.objects.get(mentee=mina, mentor=tom)
    tom_page = tom_client.get(new.get_absolute_url()).content.decode()
    # His page shows the score without the penalty (the parts he reads add up to it); the coordinator's the score.
    assert f"score {new.score + 5}" in tom_page
    coordinator_page = login(rematch["coordinator"]).get(new.get_absolute_url()).content.decode()
    assert (
        f"score {new.score}<" in coordinator_page
        and "similar to a pairing that ended as a mismatch" in coordinator_page
    )

    mina_pages = [
        suggestions,
        mina_client.get(declined.get_absolute_url()).content.decode(),
        mina_client.get(new.get_absolute_url()).content.decode(),
        mina_client.get(reverse("mentoring:home")).content.decode(),
    ]
    for text in (requests_page, tom_page):
        assert SECRET not in text
        assert "mismatch" not in text.lower() and "Max Mentor" not in text
    for text in mina_pages:
        assert SECRET not in text
    people = (mina, tom, rematch["dora"], rematch["mentor"])
    assert not Notification.objects.filter(person__in=people, text__contains="wasting").exists()
    assert not [m for m in mail.outbox if set(m.to) & {p.email for p in people} and SECRET in m.body]


# --- Every word of the new sections is translated (the matrix world has neither an early end nor a late joiner) --


@pytest.mark.django_db
def test_the_re_match_and_late_joiner_sections_read_entirely_in_the_pseudo_locale(rematch, in_pseudo_locale):  # noqa: F811
    programme = rematch["programme"]
    pairing_end_early(
        pairing=rematch["pairing"], by=rematch["mentor"], reason_code=Pairing.EndReason.MISMATCH, rematch=False
    )
    MatchRoundFactory(
        programme=programme, status="published", published_at="2026-01-01T09:00Z", run_by=rematch["coordinator"]
    )
    late = approved_profile(programme=programme, role=Role.MENTEE, display_name="Lea Late")
    type(late).objects.filter(pk=late.pk).update(decided_at="2026-02-01T09:00Z")
    coordinator = rematch["coordinator"]
    type(coordinator).objects.filter(pk=coordinator.pk).update(language=in_pseudo_locale)
    client = login(coordinator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = in_pseudo_locale
    known = data_words()
    for url in (
        reverse("mentoring:matching", args=[programme.pk]),
        reverse("mentoring:matching_late_joiners", args=[programme.pk]),
    ):
        text = visible_text(client.get(url))
        assert "Mina Mentee" in text or "Lea Late" in text
        assert english_left(text, known) == [], url
    page = client.get(reverse("mentoring:matching", args=[programme.pk]))
    assert page.context["rematch"] and page.context["late_count"] == 1  # both sections were drawn
