"""A unique marker in every free-text field a person writes (issue 14, points 12 and 14).

``plant(cast)`` fills the conftest cast's world with one row per kind of text, each field holding its own
marker, and returns what it planted: the marker, where it sits, who wrote it, and whether it is private (to be
read by its author, or the pair, and nobody else). The admin crawl looks for every marker; the export test
finds each author's markers in their own export and nobody's private marker in anyone else's.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from evaluation.models import Intervention, ReportDecision
from evaluation.tests.factories import (
    AnswerFactory,
    InterventionFactory,
    QuestionFactory,
    ReportCommentFactory,
    ReportDecisionFactory,
    ReportFactory,
    SurveyFactory,
    SurveyResponseFactory,
    SurveyRoundFactory,
)
from mentoring.models import (
    Agreement,
    Goal,
    MatchOverride,
    MentoringSession,
    MentorRequest,
    Pairing,
)
from mentoring.services.concerns import concern_raise
from mentoring.services.relationship import note_write
from mentoring.tests.factories import ClosingReflectionFactory, ConcernFactory, MentoringSessionFactory
from programmes.models import (
    Application,
    ApplicationAnswer,
    Notification,
    Person,
    ReadinessOverride,
    Role,
    TimeAllocation,
)
from programmes.tests.factories import (
    BudgetLineFactory,
    CourseFactory,
    EnrolmentQuestionFactory,
    PersonFactory,
    SpendFactory,
    TimeAllocationFactory,
    TrainingRecordFactory,
)


@dataclass(frozen=True)
class Planted:
    marker: str
    where: str  # model.field
    author: Person | None  # None: written for the person by Tandem (a notice)
    readers: tuple[Person, ...]  # who else legitimately reads it in their own export ("everything about me")


def plant(cast: dict) -> list[Planted]:
    pairing: Pairing = cast["pairing"]
    mentor, mentee, coordinator = cast["mentor"], cast["mentee"], cast["coordinator"]
    line_manager, committee = cast["line_manager"], cast["committee_member"]
    programme = pairing.programme
    planted: list[Planted] = []

    def mark(where: str, author: Person | None, *readers: Person) -> str:
        marker = f"zqm{len(planted):02d}{where.replace('.', 'x').replace('_', '')}q"
        planted.append(Planted(marker, where, author, readers))
        return marker

    now = timezone.now()
    question = EnrolmentQuestionFactory(programme=programme, text="Why do you want a mentor?")
    application = Application.objects.create(
        programme=programme,
        person=mentee,
        role=Role.MENTEE,
        status=Application.Status.APPROVED,
        goals=mark("application.goals", mentee),
        decided_by=coordinator,
        decided_at=now,
        decision_reason=mark("application.decision_reason", coordinator, mentee),
        endorsed_by=line_manager,
        endorsement=Application.Endorsement.ENDORSED,
        endorsement_reason=mark("application.endorsement_reason", line_manager, mentee),
    )
    ApplicationAnswer.objects.create(application=application, question=question, text=mark("answer.text", mentee))
    # Someone who applied and was declined: no pairing protects their row, so the admin offers to delete it and
    # lists everything that would go with it.
    applicant = PersonFactory(email="applicant@example.org", display_name="Appy Applicant")
    declined = Application.objects.create(
        programme=programme, person=applicant, role=Role.MENTEE, status=Application.Status.DECLINED
    )
    ApplicationAnswer.objects.create(application=declined, question=question, text=mark("answer.applicant", applicant))
    Notification.objects.create(person=applicant, text=mark("notification.applicant", None, applicant))
    TimeAllocationFactory(
        programme=programme,
        person=mentee,
        month=datetime.date(2026, 3, 1),
        hours=2,
        status=TimeAllocation.Status.DECLINED,
        decided_by=line_manager,
        decided_at=now,
        decline_reason=mark("timeallocation.decline_reason", line_manager, mentee),
    )
    TrainingRecordFactory(person=mentee, course=CourseFactory(), evidence_note=mark("training.evidence_note", mentee))
    ReadinessOverride.objects.create(
        programme=programme, person=mentee, reason=mark("readiness.reason", coordinator), created_by=coordinator
    )
    MatchOverride.objects.create(
        programme=programme,
        mentor=mentor,
        mentee=mentee,
        reason=mark("matchoverride.reason", coordinator),
        created_by=coordinator,
    )
    declined_by = mark("request.decline_reason", mentor, mentee)
    MentorRequest.objects.create(
        programme=programme,
        mentee=mentee,
        mentor=mentor,
        status=MentorRequest.Status.DECLINED,
        message=mark("request.message", mentee, mentor),
        decline_reason=declined_by,
        expires_at=now + datetime.timedelta(days=7),
        decided_at=now,
    )
    Notification.objects.create(person=mentee, text=f"Your request was declined: {declined_by}")
    Notification.objects.create(person=mentee, text=mark("notification.text", None, mentee))
    Pairing.objects.filter(pk=pairing.pk).update(paused_reason=mark("pairing.paused_reason", None, mentor, mentee))
    Agreement.objects.create(
        pairing=pairing, cadence_days=14, arrangements=mark("agreement.arrangements", mentee, mentor)
    )
    Goal.objects.create(
        pairing=pairing,
        created_by=mentee,
        title=mark("goal.title", mentee, mentor),
        success=mark("goal.success", mentee, mentor),
    )
    session = MentoringSessionFactory(
        pairing=pairing,
        logged_by=mentee,
        held_on=datetime.date(2026, 3, 9),
        duration_minutes=60,
        status=MentoringSession.Status.DISPUTED,
        summary=mark("session.summary", mentee, mentor),
        next_steps=mark("session.next_steps", mentee, mentor),
        answered_by=mentor,
        answered_at=now,
        dispute_reason=mark("session.dispute_reason", mentor, mentee),
    )
    note_write(session=session, author=mentee, text=mark("note.private", mentee), shared=False)
    note_write(session=session, author=mentor, text=mark("note.mentor_private", mentor), shared=False)
    ClosingReflectionFactory(pairing=pairing, author=mentee, text=mark("reflection.text", mentee))
    ConcernFactory(pairing=pairing, raised_by=mentee, text=mark("concern.text", mentee))
    # Through the service too, so the alert, notices and audit rows it writes are searched as well.
    concern_raise(pairing=pairing, by=mentee, text=mark("concern.raised", mentee))
    InterventionFactory(
        pairing=pairing,
        kind=Intervention.Kind.CALL,
        note=mark("intervention.note", coordinator),
        outcome=mark("intervention.outcome", coordinator),
        created_by=coordinator,
    )
    survey = SurveyFactory(
        programme=programme,
        title="Health check",
        created_by=coordinator,
        description=mark("survey.description", coordinator),
    )
    SpendFactory(
        line=BudgetLineFactory(programme=programme), created_by=coordinator, description=mark("spend", coordinator)
    )
    survey_question = QuestionFactory(survey=survey, position=1, text="How is it going?", kind="text")
    survey_round = SurveyRoundFactory(
        survey=survey,
        programme=programme,
        title="Round",
        opens_on=datetime.date(2026, 3, 1),
        closes_on=datetime.date(2026, 3, 30),
    )
    response = SurveyResponseFactory(round=survey_round, person=mentee, pairing=pairing)
    AnswerFactory(response=response, question=survey_question, text=mark("survey_answer.text", mentee))
    report = ReportFactory(
        programme=programme,
        title="Spring report",
        period_start=datetime.date(2026, 3, 1),
        period_end=datetime.date(2026, 5, 31),
        narrative=mark("report.narrative", coordinator),
        created_by=coordinator,
    )
    ReportCommentFactory(report=report, author=committee, text=mark("report_comment.text", committee))
    ReportDecisionFactory(
        report=report, author=committee, kind=ReportDecision.Kind.DECISION, text=mark("report_decision.text", committee)
    )
    return planted
