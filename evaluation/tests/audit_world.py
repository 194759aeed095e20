"""Audit rounds with answers per team, for the tests of the audit acted on."""

from __future__ import annotations

import datetime
import itertools

from django.utils import timezone

from evaluation.models import Answer, Question, SurveyResponse, SurveyRound
from evaluation.services.surveys import surveys_ensure_builtin

_hashes = itertools.count()


def audit_round(programme, *, opens_on: datetime.date, answers: dict, status: str = "closed") -> SurveyRound:
    """A sent audit round of ``programme``: ``answers`` maps a team (or None) to one entry per respondent, an int
    (their answer to every item) or {dimension: answer} (3 for the dimensions not named)."""
    survey = surveys_ensure_builtin()["learning_environment"]
    survey_round = SurveyRound.objects.create(
        survey=survey,
        programme=programme,
        title=f"Audit {opens_on:%Y-%m}",
        status=status,
        opens_on=opens_on,
        closes_on=opens_on + datetime.timedelta(days=14),
        sent_at=timezone.now(),
    )
    questions = list(survey.questions.filter(kind=Question.Kind.LIKERT).exclude(dimension=""))
    rows = []
    for team, people in answers.items():
        for person in people:
            response = SurveyResponse.objects.create(
                round=survey_round, team=team, respondent_hash=f"audit-{next(_hashes)}"
            )
            for question in questions:
                value = person if isinstance(person, int) else person.get(question.dimension, 3)
                rows.append(Answer(response=response, question=question, likert=value))
    Answer.objects.bulk_create(rows)
    return survey_round
