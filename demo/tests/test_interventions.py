"""The demo's interventions: built on the alerts and pairings the mentoring demo leaves in the programme."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from demo.interventions import FOLLOW_UP_IN_DAYS, seed_interventions
from evaluation.models import Intervention
from mentoring.models import Alert, Pairing
from mentoring.tests.factories import PairingFactory
from programmes.models import Role
from programmes.tests.factories import MembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db


def _alert(pairing, kind, **fields):
    return Alert.objects.create(
        programme=pairing.programme, pairing=pairing, kind=kind, severity=Alert.Severity.HIGH, reason="Why.", **fields
    )


def test_seed_answers_the_escalation_and_tells_the_rematch_story_once(programme, coordinator, pairing):
    escalation = _alert(pairing, Alert.Kind.ESCALATION, created_at=timezone.now() - datetime.timedelta(days=4))
    concern = _alert(PairingFactory(programme=programme), Alert.Kind.CONCERN)
    mentee = PersonFactory()
    MembershipFactory(programme=programme, person=mentee, role=Role.MENTEE)
    ended = PairingFactory(
        programme=programme,
        mentee=mentee,
        status=Pairing.Status.ENDED_EARLY,
        end_reason=Pairing.EndReason.WORKLOAD,
        ended_on=datetime.date(2026, 3, 20),
    )
    rematch = PairingFactory(programme=programme, mentee=mentee)

    seed_interventions(programme=programme)
    seed_interventions(programme=programme)  # again: nothing more

    open_one = Intervention.objects.get(status=Intervention.Status.OPEN)
    assert open_one.kind == Intervention.Kind.CALL and open_one.pairing == pairing
    assert list(open_one.alerts.all()) == [escalation] and open_one.created_by == coordinator
    assert open_one.follow_up_on == timezone.localdate() + datetime.timedelta(days=FOLLOW_UP_IN_DAYS)
    assert escalation.created_at < open_one.created_at <= timezone.now()
    escalation.refresh_from_db()
    assert escalation.acknowledged_by == coordinator and escalation.resolved_at is None

    closed = Intervention.objects.get(status=Intervention.Status.CLOSED)
    assert closed.kind == Intervention.Kind.REMATCH and closed.pairing == ended
    assert str(rematch.mentor) in closed.outcome and closed.note
    assert closed.created_at.date() < closed.closed_at.date() <= timezone.localdate()
    concern.refresh_from_db()
    assert concern.resolved_at is None and concern.acknowledged_at is None  # left for the coordinator
    assert Intervention.objects.count() == 2


def test_without_an_ended_pairing_the_paused_one_is_the_closed_story(programme, coordinator, pairing):
    paused = PairingFactory(
        programme=programme, status=Pairing.Status.PAUSED, resume_on=timezone.localdate() + datetime.timedelta(30)
    )
    seed_interventions(programme=programme)
    closed = Intervention.objects.get()  # no escalation alert: no open intervention
    assert closed.pairing == paused and closed.kind == Intervention.Kind.PAUSE
    assert closed.status == Intervention.Status.CLOSED and closed.outcome.startswith("Paused until ")


def test_a_programme_without_coordinators_gets_nothing(programme, pairing):
    _alert(pairing, Alert.Kind.ESCALATION)
    seed_interventions(programme=programme)
    assert not Intervention.objects.exists()
