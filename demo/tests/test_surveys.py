"""The demo's surveys, on a small world built with factories (seed_demo is wired in by the lead)."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
import time_machine

from demo.surveys import AUDIT_TITLE, DEMO_MENTEE, FEEDBACK_TITLE, seed_surveys
from evaluation.models import Survey, SurveyInvitation, SurveyResponse, SurveyRound
from evaluation.selectors import surveys as survey_selectors
from mentoring.models import Alert
from mentoring.tests.factories import PairingFactory
from programmes.models import Role
from programmes.tests.factories import MembershipFactory, OrgUnitFactory, PersonFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 10)  # 100 days after the pairings start: checks were due on 1 April and 31 May


def on(day: datetime.date) -> time_machine.travel:
    return time_machine.travel(
        datetime.datetime.combine(day, datetime.time(9), tzinfo=zoneinfo.ZoneInfo("Europe/London")), tick=False
    )


@pytest.fixture
def world(programme, coordinator):
    def member(team, role, **fields):
        person = PersonFactory(org_unit=team, **fields)
        MembershipFactory(programme=programme, person=person, role=role)
        return person

    big, small, other = OrgUnitFactory(name="Platform"), OrgUnitFactory(name="Legal"), OrgUnitFactory(name="Audit")
    mentors = [member(big, Role.MENTOR) for _ in range(4)] + [member(small, Role.MENTOR)]
    mentees = [member(big, Role.MENTEE, email=DEMO_MENTEE)] + [member(big, Role.MENTEE)]
    mentees += [member(small, Role.MENTEE)] + [member(other, Role.MENTEE) for _ in range(3)]
    pairings = [
        PairingFactory(programme=programme, mentor=mentor, mentee=mentee, started_on=datetime.date(2026, 3, 2))
        for mentor, mentee in zip(mentors, mentees, strict=False)
    ]
    return {"pairings": pairings, "mentees": mentees}


def test_demo_surveys_show_health_checks_a_falling_score_an_audit_and_an_open_feedback_round(programme, world):
    with on(TODAY):
        seed_surveys(programme=programme)
        counts = (SurveyRound.objects.count(), SurveyInvitation.objects.count(), SurveyResponse.objects.count())
        seed_surveys(programme=programme)  # idempotent
        assert (SurveyRound.objects.count(), SurveyInvitation.objects.count(), SurveyResponse.objects.count()) == counts

        health = SurveyRound.objects.get(programme=programme, survey__kind=Survey.Kind.HEALTH)
        assert health.responses.filter(submitted_on__lt=datetime.date(2026, 5, 31)).count() == 2 * 5  # all answered
        alert = Alert.objects.get(kind=Alert.Kind.HEALTH)
        assert alert.reason.startswith("health score fell from 4.5 to 2.0")
        assert alert.pairing.mentee != world["mentees"][0]  # not the demo logins' pairing
        mia_open = survey_selectors.open_invitations_for(world["mentees"][0])
        assert {i.round.survey.kind for i in mia_open} == {Survey.Kind.HEALTH, Survey.Kind.FEEDBACK}

        heatmap = survey_selectors.learning_environment_heatmap(programme=programme)
        assert heatmap.round.title == AUDIT_TITLE and heatmap.round.status == SurveyRound.Status.CLOSED
        rows = {row.team: row for row in heatmap.rows}
        assert not rows["Platform"].suppressed and rows["Platform"].cells  # 5 of its 6 answered (not the demo mentee)
        assert rows["Legal"].suppressed and rows["Audit"].suppressed

        feedback = SurveyRound.objects.get(title=FEEDBACK_TITLE)
        assert feedback.status == SurveyRound.Status.OPEN and feedback.responses.count() == 8
        assert feedback.invitations.filter(responded_at__isnull=True).count() == 3  # the demo mentee among them
