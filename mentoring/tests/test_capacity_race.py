"""Two coordinators at the same moment can never push a mentor over capacity: PostgreSQL row locks, two threads.

Each test starts two real transactions at once through a barrier. Reading the cohort is slowed down on
purpose, so that without the lock on the mentor's application both would read "one free place left" before
either writes, and the mentor would end up with two mentees.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from conftest import at_once, require
from mentoring.models import MatchRound, Pairing
from mentoring.services import matching
from mentoring.tests.factories import approved_profile
from programmes.models import Role
from programmes.tests.factories import MembershipFactory, PersonFactory, ProgrammeFactory, SkillFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def slow_reads(monkeypatch):
    require(connection.vendor == "postgresql", "the capacity race needs PostgreSQL (set DATABASE_URL)")
    read = matching.cohort_load

    def slowly(**kwargs):
        cohort = read(**kwargs)
        time.sleep(0.3)
        return cohort

    monkeypatch.setattr(matching, "cohort_load", slowly)


@pytest.fixture
def cohort(db):
    """A running programme, two coordinators, one mentor with a single place and two mentees who both fit."""
    programme = ProgrammeFactory(name="Race")
    first, second = PersonFactory(display_name="Cora"), PersonFactory(display_name="Cole")
    for coordinator in (first, second):
        MembershipFactory(programme=programme, person=coordinator, role=Role.COORDINATOR)
    skill = SkillFactory(name="Negotiation")
    mentor = approved_profile(programme=programme, role=Role.MENTOR, capacity=1, skills=[(skill, 3)]).person
    mentees = [approved_profile(programme=programme, skills=[(skill, 2)]).person for _ in range(2)]
    # Created up front: two threads creating the settings at once would serialise on its unique row instead.
    matching.match_settings_get(programme=programme)
    return {"programme": programme, "coordinators": (first, second), "mentor": mentor, "mentees": mentees}


def refusals(results: list[Any]) -> list[ValidationError]:
    unexpected = [r for r in results if isinstance(r, Exception) and not isinstance(r, ValidationError)]
    assert not unexpected, unexpected
    return [r for r in results if isinstance(r, ValidationError)]


def test_publishing_a_round_while_another_coordinator_pairs_the_mentor_by_hand(cohort, slow_reads):
    first, second = cohort["coordinators"]
    match_round = matching.round_run(programme=cohort["programme"], by=first)
    proposed = match_round.proposals.get()
    other = next(m for m in cohort["mentees"] if m.pk != proposed.mentee_id)

    results = at_once(
        lambda: matching.round_publish(match_round=match_round, by=first),
        lambda: matching.pairing_propose(
            programme=cohort["programme"], mentor=cohort["mentor"], mentee=other, by=second
        ),
    )

    assert len(refusals(results)) == 1
    assert "no free place" in " ".join(refusals(results)[0].messages)
    assert Pairing.objects.filter(mentor=cohort["mentor"]).count() == 1


def test_two_coordinators_publishing_the_same_round_at_once(cohort, slow_reads):
    first, second = cohort["coordinators"]
    match_round = matching.round_run(programme=cohort["programme"], by=first)

    results = at_once(
        lambda: matching.round_publish(match_round=match_round, by=first),
        lambda: matching.round_publish(match_round=match_round, by=second),
    )

    assert [r.messages for r in refusals(results)] == [
        ["This round is already published: its proposals are pairings now."]
    ]
    assert Pairing.objects.filter(mentor=cohort["mentor"]).count() == 1
    assert MatchRound.objects.get(pk=match_round.pk).status == MatchRound.Status.PUBLISHED


def test_two_pairings_proposed_by_hand_for_the_last_place_at_once(cohort, slow_reads):
    first, second = cohort["coordinators"]
    one, two = cohort["mentees"]

    results = at_once(
        lambda: matching.pairing_propose(programme=cohort["programme"], mentor=cohort["mentor"], mentee=one, by=first),
        lambda: matching.pairing_propose(programme=cohort["programme"], mentor=cohort["mentor"], mentee=two, by=second),
    )

    assert len(refusals(results)) == 1
    assert Pairing.objects.filter(mentor=cohort["mentor"]).count() == 1
