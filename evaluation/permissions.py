"""Access to committee reports: only a programme's committee members; they see aggregates only."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404

from programmes.models import Person, Programme, Role
from programmes.permissions import get_programme_for

from .models import Question, Survey, SurveyInvitation, SurveyRound  # surveys (issue 6)


def get_report_programme_for(person: Person, pk: int) -> Programme:
    programme = get_programme_for(person, pk)  # not a member at all: 404
    if Role.COMMITTEE not in programme.my_roles:
        raise PermissionDenied("Only the programme's committee members see its reports.")
    return programme


# --- surveys (issue 6) ---
# Survey templates, rounds and results: the programme's coordinators only (outsiders 404, other members 403).
# A programme sees its own surveys and the built-ins; built-ins are read-only (403 on a change). An invitation
# is its person's alone: anyone else, whatever their roles, gets a 404.


def get_survey_for(person: Person, pk: int, survey_pk: int, *, edit: bool = False) -> Survey:
    programme = get_programme_for(person, pk, manage=True)
    survey = get_object_or_404(Survey.objects.filter(Q(programme=programme) | Q(programme__isnull=True)), pk=survey_pk)
    if edit and survey.programme_id is None:
        raise PermissionDenied("Built-in surveys cannot be changed; create your own survey instead.")
    survey.for_programme = programme  # keeps my_roles for the page
    if survey.programme_id:
        survey.programme = programme  # saves a query
    return survey


def get_question_for(person: Person, pk: int, survey_pk: int, question_pk: int) -> Question:
    survey = get_survey_for(person, pk, survey_pk, edit=True)
    question = get_object_or_404(Question.objects.filter(survey=survey), pk=question_pk)
    question.survey = survey
    return question


def get_round_for(person: Person, pk: int, round_pk: int) -> SurveyRound:
    programme = get_programme_for(person, pk, manage=True)
    survey_round = get_object_or_404(
        SurveyRound.objects.filter(programme=programme).select_related("survey"), pk=round_pk
    )
    survey_round.programme = programme
    return survey_round


def get_invitation_for(person: Person, invitation_pk: int) -> SurveyInvitation:
    return get_object_or_404(
        SurveyInvitation.objects.filter(person=person).select_related(
            "round__survey", "round__programme", "pairing__mentor", "pairing__mentee"
        ),
        pk=invitation_pk,
    )


# --- end of surveys ---
