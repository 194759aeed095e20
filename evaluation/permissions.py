"""Access to committee reports (only a programme's committee members; they see aggregates only), and to the
coordinators' alerts and interventions of one programme."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from mentoring.models import Alert, Pairing
from programmes.models import Person, Programme, Role
from programmes.permissions import get_participant_for, get_programme_for

from .models import Intervention, Question, Survey, SurveyInvitation, SurveyRound


def get_report_programme_for(person: Person, pk: int) -> Programme:
    programme = get_programme_for(person, pk)  # not a member at all: 404
    if Role.COMMITTEE not in programme.my_roles:
        raise PermissionDenied("Only the programme's committee members see its reports.")
    return programme


# --- Alerts and interventions (issue 6, points 2 and 3): the programme's coordinators only -------------------
# The views first call ``get_programme_for(user, pk, manage=True)`` (outsiders 404, other members 403); these
# helpers then find an object *of that programme*: an id of another programme is a 404, whoever asks.


def _int_or_404(value: object) -> int:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        raise Http404("No such object.") from None


def get_intervention_for(programme: Programme, pk: int) -> Intervention:
    intervention = get_object_or_404(
        Intervention.objects.filter(programme=programme).select_related(
            "pairing__mentor", "pairing__mentee", "person", "created_by", "closed_by"
        ),
        pk=pk,
    )
    intervention.programme = programme  # keeps my_roles, and saves a query
    return intervention


def get_alert_in(programme: Programme, pk: object) -> Alert:
    """An alert of ``programme`` (a query-string id is accepted as it comes: anything else is a 404)."""
    alert = get_object_or_404(
        Alert.objects.filter(programme=programme).select_related("pairing__mentor", "pairing__mentee"),
        pk=_int_or_404(pk),
    )
    alert.programme = programme
    return alert


def get_pairing_in(programme: Programme, pk: object) -> Pairing:
    pairing = get_object_or_404(
        Pairing.objects.filter(programme=programme).select_related("mentor", "mentee"), pk=_int_or_404(pk)
    )
    pairing.programme = programme
    return pairing


def get_participant_in(programme: Programme, pk: object) -> Person:
    """A mentor or mentee of ``programme``; anybody else (a committee member, an outsider) is a 404."""
    return get_participant_for(programme, _int_or_404(pk)).person


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
