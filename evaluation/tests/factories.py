"""Factories for evaluation's models, like programmes' and mentoring's. A field the model gives a default keeps
it here (a round is a draft, a response names nobody, a report is a draft with no snapshot), so a factory call
means what the same ``objects.create`` meant; required fields get a plausible value."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from evaluation.models import (
    Answer,
    Intervention,
    Question,
    Report,
    ReportComment,
    ReportDecision,
    ReportSignOff,
    Survey,
    SurveyInvitation,
    SurveyResponse,
    SurveyRound,
)
from mentoring.tests.factories import PairingFactory
from programmes.tests.factories import PersonFactory, ProgrammeFactory

# --- Surveys -----------------------------------------------------------------------------------------------------


class SurveyFactory(factory.django.DjangoModelFactory):
    """A programme's own survey."""

    class Meta:
        model = Survey

    programme = factory.SubFactory(ProgrammeFactory)
    title = factory.Sequence(lambda n: f"Survey {n}")


class BuiltinSurveyFactory(SurveyFactory):
    """One of the built-in surveys (no programme, one per kind): the one there is, or a new one."""

    class Meta:
        django_get_or_create = ("kind", "programme", "version")

    programme = None
    kind = Survey.Kind.HEALTH
    version = 1
    title = factory.LazyAttribute(lambda o: Survey.Kind(o.kind).label)


class QuestionFactory(factory.django.DjangoModelFactory):
    """A question of a survey; a scale of 1 to 5 unless told."""

    class Meta:
        model = Question

    survey = factory.SubFactory(SurveyFactory)
    text = factory.Sequence(lambda n: f"Question {n}")


class SurveyRoundFactory(factory.django.DjangoModelFactory):
    """A sending of a survey to a programme (a draft unless told), open four weeks from today."""

    class Meta:
        model = SurveyRound

    programme = factory.SubFactory(ProgrammeFactory)
    survey = factory.SubFactory(SurveyFactory, programme=factory.SelfAttribute("..programme"))
    title = factory.Sequence(lambda n: f"Round {n}")
    opens_on = factory.LazyFunction(timezone.localdate)
    closes_on = factory.LazyAttribute(lambda o: o.opens_on + datetime.timedelta(days=28))


class SurveyInvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SurveyInvitation

    round = factory.SubFactory(SurveyRoundFactory)
    person = factory.SubFactory(PersonFactory)


class SurveyResponseFactory(factory.django.DjangoModelFactory):
    """A response naming nobody unless told; its Likert sums stay 0 unless given (as a raw row's would)."""

    class Meta:
        model = SurveyResponse

    round = factory.SubFactory(SurveyRoundFactory)
    respondent_hash = factory.Sequence(lambda n: f"respondent-{n}")


class AnswerFactory(factory.django.DjangoModelFactory):
    """An answer to a question of the response's survey; a scale question's is 4 unless told."""

    class Meta:
        model = Answer

    response = factory.SubFactory(SurveyResponseFactory)
    question = factory.SubFactory(QuestionFactory, survey=factory.SelfAttribute("..response.round.survey"))
    likert = factory.LazyAttribute(lambda o: 4 if o.question.kind == Question.Kind.LIKERT else None)


# --- Interventions -----------------------------------------------------------------------------------------------


class InterventionFactory(factory.django.DjangoModelFactory):
    """A call about a pairing, in the pairing's programme. One about a participant alone (``pairing=None``,
    ``person=...``) names its programme."""

    class Meta:
        model = Intervention

    pairing = factory.SubFactory(PairingFactory)
    programme = factory.LazyAttribute(lambda o: o.pairing.programme)
    kind = Intervention.Kind.CALL


# --- Committee reports -------------------------------------------------------------------------------------------


class ReportFactory(factory.django.DjangoModelFactory):
    """A draft report on Q1 2026; past the draft it needs a snapshot, so it gets an empty one unless given."""

    class Meta:
        model = Report

    programme = factory.SubFactory(ProgrammeFactory)
    title = factory.Sequence(lambda n: f"Report {n}")
    period_start = datetime.date(2026, 1, 1)
    period_end = datetime.date(2026, 3, 31)
    snapshot = factory.LazyAttribute(lambda o: None if o.status == Report.Status.DRAFT else {})
    status = Report.Status.DRAFT


class ReportCommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportComment

    report = factory.SubFactory(ReportFactory)
    author = factory.SubFactory(PersonFactory)
    text = factory.Sequence(lambda n: f"Comment {n}")


class ReportDecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportDecision

    report = factory.SubFactory(ReportFactory)
    author = factory.SubFactory(PersonFactory)
    kind = ReportDecision.Kind.DECISION
    text = factory.Sequence(lambda n: f"Decision {n}")


class ReportSignOffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportSignOff

    report = factory.SubFactory(ReportFactory)
    person = factory.SubFactory(PersonFactory)
