"""Late joiners (issue 19, point 7): mentees approved after the last published round are matched into the mentors'
free places by a round over them alone; every existing pairing and proposal stays as it was."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from config.tests.html_forms import form_of
from conftest import PASSWORD
from mentoring.models import MatchRound, MatchSettings, Objective, Pairing
from mentoring.services.late_joiners import late_joiners_match
from mentoring.services.matching import round_publish
from mentoring.tests.factories import MatchRoundFactory, PairingFactory, ProposedPairingFactory, approved_profile
from programmes.models import Application, Role
from programmes.tests.factories import SkillFactory

pytestmark = pytest.mark.django_db

ROUND_AT = datetime.datetime(2026, 3, 1, 9, 0, tzinfo=datetime.UTC)


def login(person) -> Client:
    client = Client(enforce_csrf_checks=True)
    assert client.login(username=person.email, password=PASSWORD)
    return client


def approve(programme, name: str, role: str, *, at: datetime.datetime, skill, **kwargs):
    application = approved_profile(
        programme=programme,
        role=role,
        display_name=name,
        skills=[(skill, 2)],
        grade=2 if role == Role.MENTEE else 6,
        **kwargs,
    )
    Application.objects.filter(pk=application.pk).update(decided_at=at)
    return application.person


@pytest.fixture
def running(cast):
    """The cast's running programme after a published round: Max mentors Mina (active, one of two places), Ann's
    one place holds a proposal to Pia, Ben has two free places; Ola was approved before the round and left
    unmatched by it. Lea and Leo were approved after it."""
    programme = cast["pairing"].programme
    skill = SkillFactory(name="Coaching")
    before, after = ROUND_AT - datetime.timedelta(days=3), ROUND_AT + datetime.timedelta(days=2)
    approved_profile(programme=programme, role=Role.MENTEE, person=cast["mentee"], skills=[(skill, 2)])
    approved_profile(programme=programme, role=Role.MENTOR, person=cast["mentor"], skills=[(skill, 3)], capacity=2)
    ann = approve(programme, "Ann Full", Role.MENTOR, at=before, skill=skill, capacity=1)
    ben = approve(programme, "Ben Free", Role.MENTOR, at=before, skill=skill, capacity=2)
    pia = approve(programme, "Pia Proposed", Role.MENTEE, at=before, skill=skill)
    ola = approve(programme, "Ola Earlier", Role.MENTEE, at=before, skill=skill)
    ProposedPairingFactory(programme=programme, mentor=ann, mentee=pia)
    MatchRoundFactory(
        programme=programme, status=MatchRound.Status.PUBLISHED, published_at=ROUND_AT, run_by=cast["coordinator"]
    )
    lea = approve(programme, "Lea Late", Role.MENTEE, at=after, skill=skill)
    leo = approve(programme, "Leo Later", Role.MENTEE, at=after, skill=skill)
    return {**cast, "programme": programme, "ann": ann, "ben": ben, "pia": pia, "ola": ola, "lea": lea, "leo": leo}


def pairings_as_they_are(programme) -> list[tuple]:
    return list(
        Pairing.objects.filter(programme=programme)
        .order_by("pk")
        .values_list("pk", "mentor_id", "mentee_id", "status", "score", "started_on", "ended_on")
    )


def test_only_the_late_joiners_are_proposed_into_free_places_and_nothing_else_changes(running):
    programme = running["programme"]
    before = pairings_as_they_are(programme)

    match_round = late_joiners_match(programme=programme, by=running["coordinator"])

    assert match_round.status == MatchRound.Status.DRAFT
    proposals = list(match_round.proposals.values_list("mentor_id", "mentee_id"))
    assert {mentee for _mentor, mentee in proposals} == {running["lea"].pk, running["leo"].pk}
    assert [u["mentee"] for u in match_round.unmatched] == []  # Ola, approved before the round, is not in it
    # Capacity: Max had one free place, Ben two, Ann none (her place holds Pia's proposal).
    taken = {running["mentor"].pk: 1, running["ben"].pk: 0, running["ann"].pk: 1}
    capacity = {running["mentor"].pk: 2, running["ben"].pk: 2, running["ann"].pk: 1}
    for mentor, _mentee in proposals:
        taken[mentor] += 1
    assert all(taken[m] <= capacity[m] for m in taken)
    assert running["ann"].pk not in {mentor for mentor, _mentee in proposals}
    assert pairings_as_they_are(programme) == before  # every pairing and proposal unchanged

    pairings = round_publish(match_round=match_round, by=running["coordinator"])
    assert {p.mentee_id for p in pairings} == {running["lea"].pk, running["leo"].pk}
    assert pairings_as_they_are(programme)[: len(before)] == before


def test_a_late_joiner_with_no_free_place_left_is_listed_unmatched_with_the_reason(running):
    Application.objects.filter(programme=running["programme"], person=running["ben"]).update(capacity=1)
    match_round = late_joiners_match(programme=running["programme"], by=running["coordinator"])
    # Two late joiners, two free places (Max one, Ben one): both proposed.
    assert match_round.proposals.count() == 2
    Application.objects.filter(programme=running["programme"], person=running["ben"]).update(
        status=Application.Status.WITHDRAWN
    )
    MatchRound.objects.filter(pk=match_round.pk).update(status=MatchRound.Status.DISCARDED)
    match_round = late_joiners_match(programme=running["programme"], by=running["coordinator"])
    assert match_round.proposals.count() == 1
    assert len(match_round.unmatched) == 1 and match_round.unmatched[0]["reason"]


def test_refused_while_a_draft_waits_or_when_nobody_joined_late(running):
    draft = MatchRoundFactory(programme=running["programme"], run_by=running["coordinator"])
    with pytest.raises(ValidationError, match="A draft round is waiting"):
        late_joiners_match(programme=running["programme"], by=running["coordinator"])
    assert MatchRound.objects.get(pk=draft.pk).status == MatchRound.Status.DRAFT  # never replaced
    MatchRound.objects.filter(pk=draft.pk).update(status=MatchRound.Status.DISCARDED)
    for late in (running["lea"], running["leo"]):
        PairingFactory(programme=running["programme"], mentor=running["ben"], mentee=late)
    with pytest.raises(ValidationError, match="No mentee without a mentor joined after the last published round"):
        late_joiners_match(programme=running["programme"], by=running["coordinator"])


def test_nobody_is_a_late_joiner_before_a_first_round_is_published(running):
    MatchRound.objects.filter(programme=running["programme"]).delete()
    page = login(running["coordinator"]).get(reverse("mentoring:matching", args=[running["programme"].pk]))
    assert "joined after the last round" not in page.content.decode()
    with pytest.raises(ValidationError):
        late_joiners_match(programme=running["programme"], by=running["coordinator"])


def test_only_a_coordinator_of_the_programme_may_match_late_joiners(running):
    with pytest.raises(ValidationError):
        late_joiners_match(programme=running["programme"], by=running["mentor"])
    assert not MatchRound.objects.filter(status=MatchRound.Status.DRAFT).exists()


def test_the_coordinator_confirms_on_the_page_and_reviews_the_draft(running):
    programme = running["programme"]
    client = login(running["coordinator"])
    cohort_page = client.get(reverse("mentoring:matching", args=[programme.pk])).content.decode()
    assert "2 mentees joined after the last round." in cohort_page
    url = reverse("mentoring:matching_late_joiners", args=[programme.pk])
    assert f'href="{url}"' in cohort_page and "Match late joiners into free places" in cohort_page

    confirm = client.get(url).content.decode()
    assert "Lea Late" in confirm and "Leo Later" in confirm and "Ola Earlier" not in confirm
    assert "3 free places in all" in confirm  # Max one, Ben two
    form = form_of(confirm, action="", text="Draft a round for the late joiners")
    response = client.post(url, form.data(), follow=True)

    match_round = MatchRound.objects.get(programme=programme, status=MatchRound.Status.DRAFT)
    assert response.redirect_chain[-1][0] == reverse("mentoring:matching_round", args=[programme.pk, match_round.pk])
    assert "A draft round for the late joiners: 2 proposals, 0 unmatched." in response.content.decode()
    assert not Pairing.objects.filter(mentee__in=[running["lea"], running["leo"]]).exists()  # nothing published
    # A second click on the same form is answered with the first result, not a second round or an error.
    again = client.post(url, form.data(), follow=True)
    assert MatchRound.objects.filter(programme=programme).count() == 2
    assert again.status_code == 200


@pytest.mark.parametrize("size", [3, 30])
def test_the_pages_cost_the_same_queries_whatever_the_number_of_late_joiners(running, django_assert_num_queries, size):
    programme, skill = running["programme"], SkillFactory(name="Planning")
    after = ROUND_AT + datetime.timedelta(days=5)
    for i in range(size):
        approve(programme, f"Late {i}", Role.MENTEE, at=after, skill=skill)
        approve(programme, f"Mentor {i}", Role.MENTOR, at=after, skill=skill, capacity=1)
    client = Client()
    client.force_login(running["coordinator"])
    client.get(reverse("mentoring:matching", args=[programme.pk]))  # the settings are made on first use
    # session, user, the programme, my roles; the settings and the cohort (twelve: no training required); the draft
    # round; the late joiners; the areas
    with django_assert_num_queries(19):
        response = client.get(reverse("mentoring:matching", args=[programme.pk]))
    assert response.context["late_count"] == size + 2
    # session, user, the programme, my roles; the settings and the cohort (twelve); the late joiners; the draft
    # round; the areas
    with django_assert_num_queries(19):
        response = client.get(reverse("mentoring:matching_late_joiners", args=[programme.pk]))
    assert len(response.context["late"]) == size + 2


def test_late_joiners_are_matched_with_the_objective_the_programme_runs_its_rounds_with(running):
    programme = running["programme"]
    MatchSettings.objects.update_or_create(programme=programme, defaults={"objective": Objective.MOST_MATCHED})
    match_round = late_joiners_match(programme=programme, by=running["coordinator"])
    assert match_round.objective == Objective.MOST_MATCHED
    assert match_round.comparison[Objective.MOST_MATCHED]["matched"] == match_round.proposals.count()
