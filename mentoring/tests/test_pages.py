from __future__ import annotations

import pytest
from django.urls import reverse

from mentoring.models import Pairing
from mentoring.tests.factories import PairingFactory

pytestmark = pytest.mark.django_db


def test_my_mentoring_shows_the_partner_and_the_programme(client, cast):
    client.force_login(cast["mentee"])
    content = client.get(reverse("mentoring:home")).content.decode()
    assert "Mentored by Max Mentor" in content
    assert "Growing Together" in content


def test_my_mentoring_separates_earlier_pairings(client, cast):
    PairingFactory(programme=cast["pairing"].programme, mentee=cast["mentee"], status=Pairing.Status.COMPLETED)
    client.force_login(cast["mentee"])
    response = client.get(reverse("mentoring:home"))
    assert [p.status for p in response.context["current"]] == ["active"]
    assert [p.status for p in response.context["past"]] == ["completed"]


def test_a_mentor_without_a_pairing_sees_a_helpful_empty_state(client, mentor):
    client.force_login(mentor)
    assert b"You don't have a mentoring partner yet." in client.get(reverse("mentoring:home")).content


def test_a_coordinator_sees_pairing_metadata_and_is_told_content_stays_private(client, cast):
    client.force_login(cast["coordinator"])
    response = client.get(reverse("mentoring:pairing_detail", args=[cast["pairing"].pk]))
    content = response.content.decode()
    assert "Max Mentor mentoring Mina Mentee" in content
    assert "never what they discuss" in content


@pytest.mark.parametrize("extra", [3, 40])
def test_pairing_detail_query_budget(client, cast, django_assert_num_queries, extra):
    for _ in range(extra):
        PairingFactory(programme=cast["pairing"].programme)
    client.force_login(cast["mentor"])
    # session, user, the pairing with its programme, both people and the agreement; the workspace (session
    # totals, latest sessions, sessions to confirm, goals, my fit answer; with no session yet, the sessions'
    # topics, goals and notes need no query: test_relationship counts them); planned sessions; areas; the
    # learning-opportunity panel (the mentee's development skills, the mentor's suggestions; with no skills, no
    # opportunity to fetch)
    with django_assert_num_queries(12):
        assert client.get(reverse("mentoring:pairing_detail", args=[cast["pairing"].pk])).status_code == 200
