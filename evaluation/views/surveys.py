"""Survey pages: coordinators keep templates, send rounds and read results; participants
answer the surveys they were sent (My surveys)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.dates import long_date
from core.forms import add_service_errors
from core.once import submit_once
from programmes.permissions import Area, area_required, get_programme_for

from ..forms.surveys import AnswerForm, QuestionForm, RoundForm, SurveyForm
from ..models import Question, Survey
from ..permissions import get_invitation_for, get_question_for, get_round_for, get_survey_for
from ..selectors import surveys as selectors
from ..selectors.audit_alerts import heatmap_with_trend
from ..services import survey_answers, survey_rounds
from ..services import surveys as services

# --- Coordinators: templates --------------------------------------------------------------------------------


@login_required
@require_GET
def survey_list(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_programme_for(request.user, pk, manage=True)
    surveys = selectors.surveys_for_programme(programme)
    context = {
        "programme": programme,
        "active_tab": "surveys",
        "builtin": [s for s in surveys if s.programme_id is None],
        "own": [s for s in surveys if s.programme_id is not None],
        "rounds": selectors.rounds_for_programme(programme),
        "automatic_kinds": services.AUTOMATIC_KINDS,
        "min_group": settings.TANDEM_MIN_GROUP_SIZE,
    }
    return render(request, "evaluation/survey_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def survey_create(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_programme_for(request.user, pk, manage=True)
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            survey = services.survey_create(programme=programme, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Survey “%(title)s” created. Now add its questions.") % {"title": survey})
            return redirect("evaluation:survey_edit", programme.pk, survey.pk)
    return render(
        request, "evaluation/survey_form.html", {"programme": programme, "form": form, "active_tab": "surveys"}
    )


@login_required
@require_http_methods(["GET", "POST"])
def survey_edit(request: HttpRequest, pk: int, survey_pk: int) -> HttpResponse:
    survey = get_survey_for(request.user, pk, survey_pk, edit=request.method == "POST")
    programme = survey.for_programme
    form = None
    if survey.programme_id is not None:
        initial = {"title": survey.title, "description": survey.description, "anonymous": survey.anonymous}
        form = SurveyForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                services.survey_update(survey=survey, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Survey “%(title)s” saved.") % {"title": survey})
                return redirect("evaluation:survey_edit", programme.pk, survey.pk)
    rounds = selectors.rounds_for_programme(programme, survey=survey)
    context = {
        "programme": programme,
        "active_tab": "surveys",
        "survey": survey,
        "form": form,
        "questions": selectors.survey_questions(survey),
        "locked": services.survey_is_locked(survey),
        "rounds": rounds,
        "automatic": survey.kind in services.AUTOMATIC_KINDS,
    }
    return render(request, "evaluation/survey_edit.html", context)


def _question_form_page(request: HttpRequest, survey: Survey, question: Question | None) -> HttpResponse:
    programme = survey.for_programme
    if services.survey_is_locked(survey):
        messages.error(request, _("This survey has been sent, so its questions can no longer change."))
        return redirect("evaluation:survey_edit", programme.pk, survey.pk)
    initial = {"required": True}
    if question is not None:
        initial = QuestionForm.initial_for(question)
    form = QuestionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if question is None:
                services.question_create(survey=survey, **form.cleaned_data)
            else:
                services.question_update(question=question, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Question added.") if question is None else _("Question saved."))
            return redirect("evaluation:survey_edit", programme.pk, survey.pk)
    context = {"programme": programme, "active_tab": "surveys", "survey": survey, "question": question, "form": form}
    return render(request, "evaluation/survey_question_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def question_add(request: HttpRequest, pk: int, survey_pk: int) -> HttpResponse:
    return _question_form_page(request, get_survey_for(request.user, pk, survey_pk, edit=True), None)


@login_required
@require_http_methods(["GET", "POST"])
def question_edit(request: HttpRequest, pk: int, survey_pk: int, question_pk: int) -> HttpResponse:
    question = get_question_for(request.user, pk, survey_pk, question_pk)
    return _question_form_page(request, question.survey, question)


@login_required
@require_http_methods(["GET", "POST"])
def question_delete(request: HttpRequest, pk: int, survey_pk: int, question_pk: int) -> HttpResponse:
    question = get_question_for(request.user, pk, survey_pk, question_pk)
    survey = question.survey
    if request.method == "POST":
        try:
            services.question_delete(question=question)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Question deleted."))
        return redirect("evaluation:survey_edit", pk, survey.pk)
    context = {"programme": survey.for_programme, "active_tab": "surveys", "survey": survey, "question": question}
    return render(request, "evaluation/survey_question_delete.html", context)


@login_required
@require_POST
def question_move(request: HttpRequest, pk: int, survey_pk: int, question_pk: int) -> HttpResponse:
    question = get_question_for(request.user, pk, survey_pk, question_pk)
    try:
        services.question_move(question=question, direction=request.POST.get("direction", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("evaluation:survey_edit", pk, survey_pk)


# --- Coordinators: rounds and results -----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def round_create(request: HttpRequest, pk: int, survey_pk: int) -> HttpResponse:
    survey = get_survey_for(request.user, pk, survey_pk)
    programme = survey.for_programme
    if survey.kind in services.AUTOMATIC_KINDS:
        raise PermissionDenied(_("“%(title)s” is sent automatically.") % {"title": survey.display_title})
    today = timezone.localdate()
    form = RoundForm(
        request.POST or None,
        initial=RoundForm.initial_for(
            _("%(survey)s: %(month)s")
            % {"survey": survey.display_title, "month": date_format(today, "YEAR_MONTH_FORMAT")},
            today,
        ),
    )
    if request.method == "POST" and form.is_valid():
        try:
            survey_round = survey_rounds.survey_round_send(
                survey=survey, programme=programme, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            invited = selectors.round_invitation_count(survey_round)
            if survey_round.sent_at:
                sent = ngettext(
                    "“%(title)s” sent to %(count)s person; they are told today.",
                    "“%(title)s” sent to %(count)s people; they are told today.",
                    invited,
                )
            else:
                sent = ngettext(
                    "“%(title)s” sent to %(count)s person; they are told on %(date)s.",
                    "“%(title)s” sent to %(count)s people; they are told on %(date)s.",
                    invited,
                )
            values = {"title": survey_round, "count": invited, "date": long_date(survey_round.opens_on)}
            messages.success(request, sent % values)
            return redirect("evaluation:round_results", programme.pk, survey_round.pk)
    context = {"programme": programme, "active_tab": "surveys", "survey": survey, "form": form}
    return render(request, "evaluation/round_form.html", context)


@login_required
@require_GET
def round_results(request: HttpRequest, pk: int, round_pk: int) -> HttpResponse:
    survey_round = get_round_for(request.user, pk, round_pk)
    results = selectors.round_results(survey_round)
    # An audit round's heat map with the trend from the round before (see heatmap_with_trend for its queries).
    results.heatmap = heatmap_with_trend(results.heatmap)
    context = {
        "programme": survey_round.programme,
        "active_tab": "surveys",
        "results": results,
        "automatic": survey_round.survey.kind in services.AUTOMATIC_KINDS,
    }
    return render(request, "evaluation/round_results.html", context)


# --- Participants: My surveys -------------------------------------------------------------------------------


@area_required(Area.MENTORING)
@require_GET
def my_surveys(request: HttpRequest) -> HttpResponse:
    context = {
        "invitations": selectors.open_invitations_for(request.user),
        "answered": list(selectors.answered_invitations_for(request.user)),
    }
    return render(request, "evaluation/my_surveys.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def survey_answer(request: HttpRequest, invitation_pk: int) -> HttpResponse:
    invitation = get_invitation_for(request.user, invitation_pk)
    is_open = selectors.invitation_is_open(invitation)
    questions = selectors.survey_questions(invitation.round.survey)
    form = AnswerForm(request.POST or None, questions=questions)
    if request.method == "POST":
        if not is_open:
            messages.error(request, _("This survey is no longer open for you."))
            return redirect("evaluation:my_surveys")
        if form.is_valid():
            try:
                survey_answers.survey_response_submit(
                    invitation=invitation,
                    by=request.user,
                    answers=form.answers(),
                    may_quote=form.cleaned_data.get("may_quote", False),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Thank you: your answers are in."))
                return redirect("evaluation:my_surveys")
    context = {
        "invitation": invitation,
        "survey": invitation.round.survey,
        "is_open": is_open,
        "answer_by": selectors.invitation_answer_by(invitation),
        "partner": selectors.pairing_partner(invitation.pairing, request.user) if invitation.pairing_id else None,
        "form": form,
    }
    return render(request, "evaluation/survey_answer.html", context)
