"""Surveys: answering.

Anonymous surveys store no person and no pairing on the response, only a keyed hash (HMAC-SHA256 under a key
derived from SECRET_KEY) that stops a second answer; the invitation records *that* the person answered (as a
date), never which response is theirs. A health score (the mean of a response's Likert answers) of 2.0 or lower,
or 1.5 below the person's previous one, raises a health alert through mentoring.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from mentoring.models import Alert
from mentoring.services.alerts import alert_raise
from programmes.models import Membership, Person, Role

from ..models import Answer, Question, Survey, SurveyInvitation, SurveyResponse, SurveyRound
from ..selectors.surveys import invitation_is_open
from .surveys import _HASH_SALT, HEALTH_DROP, HEALTH_LOW, TEXT_MAX_CHARS

# --- Answering ---------------------------------------------------------------------------------------------


def respondent_hash(*, survey_round: SurveyRound, person: Person, invitation: SurveyInvitation | None = None) -> str:
    """HMAC-SHA256 of the round and the person under a key derived from SECRET_KEY.

    Anonymous surveys: one answer per person and round, and nothing a reader of the database can turn back
    into the person without the server's secret. Other surveys are asked per pairing and due date (a mentor
    answers a health check for each mentee, every 60 days), so the invitation's key is hashed too.
    """
    message = f"{survey_round.pk}:{person.pk}"
    if invitation is not None and not survey_round.survey.anonymous:
        message = f"{message}:{invitation.pairing_id or '-'}:{invitation.due_on.isoformat()}"
    return salted_hmac(_HASH_SALT, message, algorithm="sha256").hexdigest()


def answers_clean(questions: Iterable[Question], raw: Mapping[int, object]) -> list[tuple[Question, object]]:
    """Each question's answer checked (required, 1 to 5, one of the options, length). Unanswered optional
    questions are left out. Raises ValidationError keyed ``q<question id>``."""
    errors: dict[str, str] = {}
    cleaned = []
    for question in questions:
        value = raw.get(question.pk)
        key = f"q{question.pk}"
        if isinstance(value, str):
            value = value.strip()
        if value in (None, ""):
            if question.required:
                errors[key] = _("Please answer this question.")
            continue
        if question.kind == Question.Kind.LIKERT:
            try:
                value = int(value)
            except (TypeError, ValueError):
                value = 0
            if not 1 <= value <= 5:
                errors[key] = _("Choose a point on the scale from 1 to 5.")
                continue
        elif question.kind == Question.Kind.CHOICE:
            if value not in question.choices:
                errors[key] = _("Choose one of the options listed.")
                continue
        elif len(str(value)) > TEXT_MAX_CHARS:
            errors[key] = _("Please keep your answer under %(max)s characters.") % {"max": TEXT_MAX_CHARS}
            continue
        cleaned.append((question, value))
    if errors:
        raise ValidationError(errors)
    return cleaned


def _respondent_role(invitation: SurveyInvitation) -> str:
    pairing, person = invitation.pairing, invitation.person
    if pairing is not None:
        return Role.MENTOR if pairing.mentor_id == person.pk else Role.MENTEE
    audience = invitation.round.audience
    if audience == SurveyRound.Audience.MENTORS:
        return Role.MENTOR
    if audience == SurveyRound.Audience.MENTEES:
        return Role.MENTEE
    roles = set(
        Membership.objects.participants()
        .filter(programme_id=invitation.round.programme_id, person=person)
        .values_list("role", flat=True)
    )
    return Role.MENTOR if Role.MENTOR in roles else (Role.MENTEE if roles else "")


def health_score(answers: Iterable[tuple[Question, object]]) -> float | None:
    """The mean of a response's answers on the scale of 1 to 5."""
    values = [v for q, v in answers if q.kind == Question.Kind.LIKERT]
    return round(sum(values) / len(values), 1) if values else None


def _health_check(response: SurveyResponse, score: float | None) -> Alert | None:
    if score is None or response.pairing_id is None:
        return None
    previous = Answer.objects.filter(
        response=SurveyResponse.objects.filter(
            person_id=response.person_id, pairing_id=response.pairing_id, round__survey__kind=Survey.Kind.HEALTH
        )
        .exclude(pk=response.pk)
        .order_by("-submitted_on", "-pk")
        .values("pk")[:1],
        likert__isnull=False,
    ).values_list("likert", flat=True)
    previous = list(previous)
    before = round(sum(previous) / len(previous), 1) if previous else None
    mentor = response.pairing.mentor_id == response.person_id
    # The reason is stored once and read by every coordinator: in the installation's language, not the
    # respondent's (whose request this is).
    with translation.override(settings.LANGUAGE_CODE):
        words = {"before": number_format(before or 0, 1), "score": number_format(score, 1)}
        if before is not None and before - score >= HEALTH_DROP:
            reason = (
                _("health score fell from %(before)s to %(score)s (the mentor's health check)")
                if mentor
                else _("health score fell from %(before)s to %(score)s (the mentee's health check)")
            ) % words
        elif score <= HEALTH_LOW:
            reason = (
                _("health score %(score)s out of 5 (the mentor's health check)")
                if mentor
                else _("health score %(score)s out of 5 (the mentee's health check)")
            ) % words
        else:
            return None
    return alert_raise(pairing=response.pairing, kind=Alert.Kind.HEALTH, reason=reason, severity=Alert.Severity.HIGH)


def _response_record(
    invitation: SurveyInvitation,
    answers: list[tuple[Question, object]],
    *,
    may_quote: bool,
    on: datetime.date,
    now: datetime.datetime | None = None,
) -> SurveyResponse:
    survey_round, person = invitation.round, invitation.person
    anonymous = survey_round.survey.anonymous
    digest = respondent_hash(survey_round=survey_round, person=person, invitation=invitation)
    if SurveyResponse.objects.filter(round=survey_round, respondent_hash=digest).exists():
        raise ValidationError(_("You have already answered this survey."))
    likerts = [value for question, value in answers if question.kind == Question.Kind.LIKERT and value is not None]
    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(
                likert_total=sum(likerts),
                likert_answers=len(likerts),
                round=survey_round,
                person=None if anonymous else person,
                pairing=None if anonymous else invitation.pairing,
                respondent_hash=digest,
                team_id=person.org_unit_id,
                role=_respondent_role(invitation),
                may_quote=may_quote,
                # Anonymous: the round's opening day, not the day of answering, which the invitation's
                # "answered" mark would otherwise line up with when only one person answers that day.
                submitted_on=survey_round.opens_on if anonymous else on,
            )
    except IntegrityError as exc:
        raise ValidationError(_("You have already answered this survey.")) from exc
    Answer.objects.bulk_create(
        Answer(
            response=response,
            question=question,
            likert=value if question.kind == Question.Kind.LIKERT else None,
            choice=value if question.kind == Question.Kind.CHOICE else "",
            text=value if question.kind == Question.Kind.TEXT else "",
        )
        for question, value in answers
    )
    now = now or timezone.now()
    if anonymous:
        # Only *that* they answered: marked with the round's opening day, the same for everyone, so nothing
        # lines up with the response's own row.
        day = timezone.make_aware(datetime.datetime.combine(survey_round.opens_on, datetime.time()))
        SurveyInvitation.objects.filter(round=survey_round, person=person, responded_at__isnull=True).update(
            responded_at=day
        )
    else:
        SurveyInvitation.objects.filter(pk=invitation.pk).update(responded_at=now)
    if survey_round.survey.kind == Survey.Kind.HEALTH:
        _health_check(response, health_score(answers))
    return response


@transaction.atomic
def survey_response_submit(
    *,
    invitation: SurveyInvitation,
    by: Person,
    answers: Mapping[int, object],
    may_quote: bool = False,
    today: datetime.date | None = None,
) -> SurveyResponse:
    """Record one person's answers to the survey they were invited to; once only, and only while it is open."""
    today = today or timezone.localdate()
    invitation = (
        SurveyInvitation.objects.select_for_update(of=("self",))
        .select_related("round__survey", "round__programme", "person", "pairing__programme")
        .get(pk=invitation.pk)
    )
    if invitation.person_id != by.pk:
        raise PermissionDenied(_("This survey was sent to somebody else."))
    if invitation.responded_at is not None:
        raise ValidationError(_("You have already answered this survey. Thank you!"))
    if not invitation_is_open(invitation, today):
        raise ValidationError(_("This survey is closed, so it can no longer be answered."))
    cleaned = answers_clean(invitation.round.survey.questions.all(), answers)
    return _response_record(invitation, cleaned, may_quote=may_quote, on=today)
