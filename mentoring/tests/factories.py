import datetime

import factory

from mentoring.models import (
    Alert,
    ClosingReflection,
    Concern,
    FitAnswer,
    Goal,
    MatchProposal,
    MatchRound,
    MentoringSession,
    Pairing,
)
from programmes.tests.factories import PersonFactory, ProgrammeFactory


class PairingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pairing
        skip_postgeneration_save = True

    programme = factory.SubFactory(ProgrammeFactory)
    mentor = factory.SubFactory(PersonFactory)
    mentee = factory.SubFactory(PersonFactory)
    status = Pairing.Status.ACTIVE
    started_on = datetime.date(2026, 3, 2)

    @factory.post_generation
    def schedule(obj, create, extracted, **kwargs):  # noqa: N805 - factory_boy's signature
        # As the lifecycle services do: an active pairing has its next check-in worked out, unless the test
        # gave one (a reminder test sets the due date it needs).
        if create and obj.status == Pairing.Status.ACTIVE and obj.checkin_due_on is None:
            from mentoring.services.checkins import checkins_refresh

            checkins_refresh(instances=[obj])


# --- Pairing lifecycle -------------------------------------------------------------------------------------


class ProposedPairingFactory(PairingFactory):
    status = Pairing.Status.PROPOSED
    started_on = None


class ClosingReflectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClosingReflection

    pairing = factory.SubFactory(PairingFactory, status=Pairing.Status.COMPLETED, ended_on=datetime.date(2026, 6, 1))
    author = factory.LazyAttribute(lambda o: o.pairing.mentee)
    text = "What I take away, for my eyes only."


# Matching


def approved_profile(
    *,
    programme,
    role: str = "mentee",
    person=None,
    skills=(),
    availability=("mon-am", "wed-pm"),
    meeting_mode: str = "either",
    languages=("English",),
    capacity: int | None = None,
    **person_fields,
):
    """An approved mentor or mentee of ``programme`` (membership and application), with ``skills`` given as
    (Skill, level) pairs. Returns the application; ``.person`` is the participant."""
    from programmes.models import Application, ApplicationSkill, Membership
    from programmes.tests.factories import ApplicationFactory

    person = person or PersonFactory(**person_fields)
    Membership.objects.get_or_create(programme=programme, person=person, role=role)
    application = ApplicationFactory(
        programme=programme,
        person=person,
        role=role,
        status=Application.Status.APPROVED,
        endorsement=Application.Endorsement.NOT_NEEDED,
        availability=list(availability),
        languages=list(languages),
        meeting_mode=meeting_mode,
        capacity=capacity,
    )
    for skill, level in skills:
        ApplicationSkill.objects.create(application=application, skill=skill, level=level)
    return application


class MatchRoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MatchRound

    programme = factory.SubFactory(ProgrammeFactory)
    run_by = factory.SubFactory(PersonFactory)
    weights = factory.LazyFunction(
        lambda: {
            "skills_weight": 40,
            "different_team_weight": 15,
            "experience_gap_weight": 15,
            "availability_weight": 10,
            "meeting_mode_weight": 5,
            "language_weight": 10,
            "readiness_weight": 5,
            "preferred_gap_min": 1,
            "preferred_gap_max": 4,
            "min_score": 30,
        }
    )


class MatchProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MatchProposal

    round = factory.SubFactory(MatchRoundFactory)
    mentor = factory.SubFactory(PersonFactory)
    mentee = factory.SubFactory(PersonFactory)
    score = 60
    parts = factory.LazyFunction(lambda: [{"part": "skills", "points": 40, "text": "+40 skills: Negotiation"}])


# --- The relationship ----------------------------------------------------------------------------------------


class MentoringSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MentoringSession

    pairing = factory.SubFactory(PairingFactory)
    logged_by = factory.LazyAttribute(lambda s: s.pairing.mentor)
    held_on = factory.LazyAttribute(lambda s: s.pairing.started_on)
    duration_minutes = 60
    status = MentoringSession.Status.CONFIRMED


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    pairing = factory.SubFactory(PairingFactory)
    title = factory.Sequence(lambda n: f"Goal number {n}")
    status = Goal.Status.IN_PROGRESS
    progress = 40


# --- Signals to the coordinators: alerts, concerns, fit answers ----------------------------------------------------


class AlertFactory(factory.django.DjangoModelFactory):
    """An open alert on a pairing, in the pairing's programme (medium severity unless told)."""

    class Meta:
        model = Alert

    pairing = factory.SubFactory(PairingFactory)
    programme = factory.SelfAttribute("pairing.programme")
    kind = Alert.Kind.ESCALATION
    reason = "Check-in overdue."


class ConcernFactory(factory.django.DjangoModelFactory):
    """A concern the mentee raised, written as a row (no alert, notice or audit: concern_raise does those)."""

    class Meta:
        model = Concern

    pairing = factory.SubFactory(PairingFactory)
    raised_by = factory.LazyAttribute(lambda o: o.pairing.mentee)
    text = "I would like help with this relationship."


class FitAnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FitAnswer

    pairing = factory.SubFactory(PairingFactory)
    person = factory.LazyAttribute(lambda o: o.pairing.mentee)
    fit = FitAnswer.Fit.GOOD
