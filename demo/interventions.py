"""Demo interventions in the running programme, built on what the mentoring demo left there.

One open intervention answers the escalated pairing's alert (a call, to follow up in a few days); one closed
intervention tells the story of the pairing that ended early and was re-matched (or, without one, of the
paused pairing), with its outcome. Both go through the services, as in real use, and are then dated back.
The concern the mentoring demo raises stays open for the coordinator to take up.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from core.dates import long_date
from evaluation.models import Intervention
from evaluation.services.interventions import intervention_close, intervention_create
from mentoring.models import Alert, Pairing
from programmes.models import Person, Programme, Role

FOLLOW_UP_IN_DAYS = 3


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@transaction.atomic
def seed_interventions(*, programme: Programme) -> None:
    """Seed the programme's demo interventions once (a programme that has any is left as it is)."""
    if Intervention.objects.filter(programme=programme).exists():
        return
    coordinator = (
        Person.objects.filter(is_active=True, memberships__programme=programme, memberships__role=Role.COORDINATOR)
        .order_by("pk")
        .first()
    )
    if coordinator is None:
        return
    today = timezone.localdate()
    _open_call(programme, coordinator, today=today)
    _closed_story(programme, coordinator, today=today)


def _open_call(programme: Programme, coordinator: Person, *, today: datetime.date) -> None:
    escalation = (
        Alert.objects.open()
        .filter(programme=programme, kind=Alert.Kind.ESCALATION)
        .select_related("pairing__mentor", "pairing__mentee")
        .order_by("created_at")
        .first()
    )
    if escalation is None:
        return
    pairing = escalation.pairing
    intervention = intervention_create(
        programme=programme,
        by=coordinator,
        kind=Intervention.Kind.CALL,
        note=(
            f"Rang {pairing.mentor.get_short_name()}: a busy quarter pushed the sessions back, nothing wrong "
            f"between them. {pairing.mentee.get_short_name()} is keen to carry on. They will book the next "
            "session this week; I check it appears in the log."
        ),
        follow_up_on=today + datetime.timedelta(days=FOLLOW_UP_IN_DAYS),
        alerts=[escalation],
    )
    called = min(timezone.now(), escalation.created_at + datetime.timedelta(days=1, hours=3))
    Intervention.objects.filter(pk=intervention.pk).update(created_at=called)


def _closed_story(programme: Programme, coordinator: Person, *, today: datetime.date) -> None:
    ended = (
        Pairing.objects.filter(programme=programme, status=Pairing.Status.ENDED_EARLY, ended_on__isnull=False)
        .select_related("mentor", "mentee")
        .order_by("ended_on")
        .first()
    )
    if ended is not None:
        rematch = (
            Pairing.objects.filter(programme=programme, mentee=ended.mentee, status__in=Pairing.CURRENT)
            .select_related("mentor")
            .first()
        )
        intervention = intervention_create(
            programme=programme,
            by=coordinator,
            kind=Intervention.Kind.REMATCH,
            pairing=ended,
            note=(
                f"{ended.mentor.get_short_name()} cannot keep up with the sessions alongside the workload. Both "
                "agree to end without fault; find another mentor from a different team."
            ),
        )
        outcome = (
            f"Re-matched: {ended.mentee.get_short_name()} now meets {rematch.mentor} and the first sessions are "
            "in the log."
            if rematch
            else f"The pairing ended without fault; {ended.mentee.get_short_name()} waits for a new mentor."
        )
        intervention_close(intervention=intervention, by=coordinator, outcome=outcome)
        opened, closed = ended.ended_on - datetime.timedelta(days=7), ended.ended_on + datetime.timedelta(days=10)
    else:
        paused = (
            Pairing.objects.filter(programme=programme, status=Pairing.Status.PAUSED)
            .select_related("mentor", "mentee")
            .first()
        )
        if paused is None:
            return
        intervention = intervention_create(
            programme=programme,
            by=coordinator,
            kind=Intervention.Kind.PAUSE,
            pairing=paused,
            note=f"{paused.mentee.get_short_name()} goes on leave; both would like to carry on afterwards.",
        )
        back = f" until {long_date(paused.resume_on)}" if paused.resume_on else ""
        intervention_close(
            intervention=intervention, by=coordinator, outcome=f"Paused{back}; the schedule resumes by itself."
        )
        opened = closed = today - datetime.timedelta(days=14)
    Intervention.objects.filter(pk=intervention.pk).update(
        created_at=min(timezone.now(), _at(opened, 11)), closed_at=min(timezone.now(), _at(closed, 16))
    )
