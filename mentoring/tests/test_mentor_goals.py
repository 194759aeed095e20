"""Reciprocity: a mentor's own learning goals in the pairing, rated by the mentor at the start and the close, as the
mentee rates theirs. Whoever owns a goal rates it; the other side never does."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.once import FIELD
from mentoring.models import Goal, Pairing
from mentoring.services import lifecycle, relationship
from mentoring.services.relationship import GoalInput
from mentoring.tests.factories import GoalFactory

pytestmark = pytest.mark.django_db

MINE = Goal.Owner.MENTOR


def test_a_mentor_adds_their_own_goal_and_rates_it_at_the_start(pairing, mentor):
    goal = relationship.goal_create(
        pairing=pairing, by=mentor, data=GoalInput(title="Coach, not tell", rating_start=2, owner=MINE)
    )
    goal.refresh_from_db()
    assert (goal.owner, goal.rating_start, goal.created_by) == (MINE, 2, mentor)


def test_the_mentee_cannot_add_rate_or_change_a_mentors_goal(pairing, mentor, mentee):
    with pytest.raises(ValidationError, match="Only the mentor"):
        relationship.goal_create(pairing=pairing, by=mentee, data=GoalInput(title="Theirs", owner=MINE))
    goal = relationship.goal_create(pairing=pairing, by=mentor, data=GoalInput(title="Mine", owner=MINE))
    with pytest.raises(ValidationError, match="Only the mentor"):
        relationship.goal_update(goal=goal, by=mentee, data=GoalInput(title="Mine", rating_start=5))
    goal.refresh_from_db()
    assert (goal.title, goal.rating_start) == ("Mine", None)


def test_the_mentor_cannot_rate_the_mentees_goal_as_before(pairing, mentor, mentee):
    goal = relationship.goal_create(pairing=pairing, by=mentor, data=GoalInput(title="Lead a meeting", rating_start=4))
    assert (goal.owner, goal.rating_start) == (Goal.Owner.MENTEE, None)
    goal = relationship.goal_update(goal=goal, by=mentee, data=GoalInput(title="Lead a meeting", rating_start=2))
    assert goal.rating_start == 2


def test_after_the_close_only_the_owner_rates_at_the_close(pairing, mentor, mentee):
    mine = relationship.goal_create(
        pairing=pairing, by=mentor, data=GoalInput(title="Mine", rating_start=2, owner=MINE)
    )
    theirs = relationship.goal_create(pairing=pairing, by=mentee, data=GoalInput(title="Theirs", rating_start=1))
    lifecycle.pairing_complete(pairing=pairing, by=mentor)
    pairing.refresh_from_db()
    assert pairing.status == Pairing.Status.COMPLETED
    mine = Goal.objects.get(pk=mine.pk)
    assert relationship.goal_update(goal=mine, by=mentor, data=GoalInput(title="Mine", rating_end=4)).rating_end == 4
    theirs = Goal.objects.get(pk=theirs.pk)
    with pytest.raises(ValidationError):
        relationship.goal_update(goal=theirs, by=mentor, data=GoalInput(title="Theirs", rating_end=5))
    assert (
        relationship.goal_update(goal=theirs, by=mentee, data=GoalInput(title="Theirs", rating_end=3)).rating_end == 3
    )
    with pytest.raises(ValidationError):
        relationship.goal_update(goal=Goal.objects.get(pk=mine.pk), by=mentee, data=GoalInput(title="x", rating_end=1))
    assert Goal.objects.get(pk=mine.pk).rating_end == 4


def test_the_form_offers_the_ratings_to_the_owner_only(client, pairing, mentor, mentee):
    client.force_login(mentor)
    page = client.get(reverse("mentoring:goal_create", args=[pairing.pk]) + "?for=mentor").content.decode()
    assert 'name="rating_start"' in page and "Add one of my own learning goals" in page
    page = client.get(reverse("mentoring:goal_create", args=[pairing.pk])).content.decode()
    assert 'name="rating_start"' not in page  # the mentee's goal: the mentee rates it
    client.force_login(mentee)
    page = client.get(reverse("mentoring:goal_create", args=[pairing.pk]) + "?for=mentor").content.decode()
    assert 'name="rating_start"' in page and "Add one of my own learning goals" not in page  # the mentee's own goal


def test_a_mentor_posts_their_own_goal_through_the_form(client, pairing, mentor):
    client.force_login(mentor)
    url = reverse("mentoring:goal_create", args=[pairing.pk]) + "?for=mentor"
    page = client.get(url).content.decode()
    token = re.search(rf'name="{FIELD}" value="([^"]+)"', page).group(1)
    data = {"title": "Learn how support works", "status": "in_progress", "progress": "10", "rating_start": "3"}
    data[FIELD] = token
    response = client.post(url, data)
    assert response.status_code == 302
    goal = Goal.objects.get(pairing=pairing)
    assert (goal.owner, goal.rating_start) == (MINE, 3)


def test_the_mentee_reads_the_mentors_goals_but_gets_403_on_their_form(client, pairing, mentor, mentee):
    goal = GoalFactory(pairing=pairing, owner=MINE, title="Ask more questions", rating_start=2)
    client.force_login(mentee)
    page = client.get(pairing.get_absolute_url()).content.decode()
    assert "Ask more questions" in page and "wants to learn from mentoring" in page
    assert reverse("mentoring:goal_edit", args=[pairing.pk, goal.pk]) not in page
    assert client.get(reverse("mentoring:goal_edit", args=[pairing.pk, goal.pk])).status_code == 403
    client.force_login(mentor)
    assert client.get(reverse("mentoring:goal_edit", args=[pairing.pk, goal.pk])).status_code == 200


def test_coordinators_see_counts_of_the_mentors_goals_never_their_words(client, pairing, coordinator):
    GoalFactory(pairing=pairing, owner=MINE, title="Ask more questions")
    client.force_login(coordinator)
    page = client.get(pairing.get_absolute_url()).content.decode()
    assert "Ask more questions" not in page
    assert "The mentor&#x27;s own learning goals:" in page or "The mentor's own learning goals:" in page


def test_existing_goals_stay_the_mentees(pairing):
    goal = Goal.objects.create(pairing=pairing, title="Made before mentors had goals")
    assert goal.owner == Goal.Owner.MENTEE


def test_the_closing_reflection_offers_each_side_their_own_goals_to_rate(client, pairing, mentor, mentee):
    mine = GoalFactory(pairing=pairing, owner=MINE, title="Ask more questions", rating_start=2)
    theirs = GoalFactory(pairing=pairing, title="Chair a meeting", rating_start=1)
    lifecycle.pairing_complete(pairing=pairing, by=mentor)
    url = reverse("mentoring:pairing_reflection", args=[pairing.pk])
    client.force_login(mentor)
    page = client.get(url).content.decode()
    assert "Rate your own learning goals at the close" in page and "Ask more questions" in page
    assert "Chair a meeting" not in page and reverse("mentoring:goal_edit", args=[pairing.pk, mine.pk]) in page
    client.force_login(mentee)
    page = client.get(url).content.decode()
    assert "Chair a meeting" in page and "Ask more questions" not in page
    assert reverse("mentoring:goal_edit", args=[pairing.pk, theirs.pk]) in page
