"""The learning-environment audit's items: the organisation's to edit, in versions.

Design: each version of the items is a built-in ``Survey`` of kind "learning_environment" with its own
``version`` and its own ``Question`` rows; a round points at the survey it was sent with (``SurveyRound.survey``,
PROTECT), so it keeps that exact version forever. The newest version is the one new rounds use
(``survey_round_send`` swaps an older one for it) and the one the organisation edits:

- while no round of any programme uses the newest version, an edit changes it in place;
- once a round uses it, the first edit copies it into a new version (questions, dimensions and translations) and
  changes the copy; the old version stays, read by its rounds;
- an edit that changes nothing writes nothing (no new version);
- "reset to the default" makes the shipped default (``AUDIT_DEFAULTS``) the newest version again.

Every item on the scale of 1 to 5 is tied to a dimension (``Question.Dimension``): the heat map, the trend and the
team pages compare means per dimension, whatever the version, so a reworded item stays comparable and a new
dimension simply starts its own series.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from programmes.models import Person

from ..models import Question, Survey
from .surveys import (
    AUDIT_DEFAULT_VERSION,
    AUDIT_DEFAULTS,
    builtin_questions,
    surveys_ensure_builtin,
    translations_clean,
)

AUDIT = Survey.Kind.LEARNING_ENVIRONMENT
MOVES = ("up", "down")


def audit_current() -> Survey:
    """The audit's newest version: the one new rounds are sent with and the organisation edits."""
    return surveys_ensure_builtin()[AUDIT]


def audit_is_locked(survey: Survey) -> bool:
    """A version some round was sent with: an edit makes a new version instead of changing it."""
    return survey.rounds.exists()


def _copy(survey: Survey, by: Person, questions: list[Question] | None = None) -> Survey:
    """A new version after ``survey``: its questions copied (or ``questions``, unsaved, given instead)."""
    last = Survey.objects.filter(programme__isnull=True, kind=AUDIT).aggregate(v=Max("version"))["v"] or 0
    try:
        with transaction.atomic():
            copy = Survey.objects.create(
                kind=AUDIT,
                version=last + 1,
                title=survey.title,
                description=survey.description,
                anonymous=survey.anonymous,
                created_by=by,
            )
    except IntegrityError as exc:  # two people made a new version at the same moment
        raise ValidationError(
            _("Someone else changed the audit's items just now: reload the page and try again.")
        ) from exc
    if questions is None:
        questions = list(survey.questions.order_by("position", "pk"))
        for q in questions:
            q.pk = None
    for i, q in enumerate(questions):
        q.survey, q.position = copy, i
    Question.objects.bulk_create(questions)
    return copy


def _editable(question: Question | None, by: Person) -> tuple[Survey, Question | None]:
    """The version to change (the newest, copied first when a round uses it) and ``question``'s row in it."""
    current = Survey.objects.select_for_update().get(pk=audit_current().pk)
    if question is not None and question.survey_id != current.pk:
        raise ValidationError(_("This item belongs to an earlier version of the audit: edit the current items."))
    if not audit_is_locked(current):
        return current, question
    position = None
    if question is not None:
        position = [q.pk for q in current.questions.order_by("position", "pk")].index(question.pk)
    copy = _copy(current, by)
    found = None if position is None else copy.questions.order_by("position", "pk")[position]
    return copy, found


def _clean(kind: str, text: str, dimension: str, translations: Mapping[str, str] | None) -> dict:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the item.")})
    if kind == Question.Kind.LIKERT:
        if dimension not in Question.Dimension.values or not dimension:
            raise ValidationError(
                {"dimension": _("Choose the dimension of the learning environment the item is about.")}
            )
    elif dimension:
        raise ValidationError(
            {"dimension": _("Only questions on the scale of 1 to 5 can describe the learning environment.")}
        )
    return {"text": text, "dimension": dimension or "", "translations": translations_clean(translations)}


@transaction.atomic
def audit_item_create(
    *, by: Person, text: str, dimension: str, translations: Mapping[str, str] | None = None
) -> Question:
    """A new item on the scale of 1 to 5, tied to ``dimension``, asked before the free-text question."""
    values = _clean(Question.Kind.LIKERT, text, dimension, translations)
    survey, _question = _editable(None, by)
    questions = list(survey.questions.order_by("position", "pk"))
    at = next((i for i, q in enumerate(questions) if q.kind == Question.Kind.TEXT), len(questions))
    question = Question(survey=survey, kind=Question.Kind.LIKERT, required=True, **values)
    question.full_clean(exclude=["position"])
    questions.insert(at, question)
    for i, q in enumerate(questions):
        q.position = i
    Question.objects.bulk_update([q for q in questions if q.pk], ["position"])
    question.save()
    return question


@transaction.atomic
def audit_item_update(
    *, question: Question, by: Person, text: str, dimension: str, translations: Mapping[str, str] | None = None
) -> Question:
    """Change an item's words, translations or dimension; a round already sent keeps the version it had."""
    values = _clean(question.kind, text, dimension, translations)
    if all(getattr(question, k) == v for k, v in values.items()):
        return question  # saved unchanged: no new version
    _survey, target = _editable(question, by)
    for k, v in values.items():
        setattr(target, k, v)
    target.full_clean()
    target.save(update_fields=list(values))
    return target


@transaction.atomic
def audit_item_retire(*, question: Question, by: Person) -> Survey:
    """Take an item out of the audit from now on (earlier versions keep it, with their answers)."""
    survey, target = _editable(question, by)
    if target.kind == Question.Kind.LIKERT and survey.questions.filter(kind=Question.Kind.LIKERT).count() <= 1:
        raise ValidationError(_("The audit needs at least one item on the scale of 1 to 5."))
    target.delete()
    rest = list(survey.questions.order_by("position", "pk"))
    for i, q in enumerate(rest):
        q.position = i
    Question.objects.bulk_update(rest, ["position"])
    return survey


@transaction.atomic
def audit_item_move(*, question: Question, by: Person, direction: str) -> Question:
    """Move an item one place up or down (at the top or the bottom already: nothing changes)."""
    if direction not in MOVES:
        raise ValidationError(_("Move an item up or down."))
    questions = list(question.survey.questions.order_by("position", "pk"))
    at = next(i for i, q in enumerate(questions) if q.pk == question.pk)
    to = at - 1 if direction == "up" else at + 1
    if not 0 <= to < len(questions):
        return question
    survey, target = _editable(question, by)
    questions = list(survey.questions.order_by("position", "pk"))
    questions[at], questions[to] = questions[to], questions[at]
    for i, q in enumerate(questions):
        q.position = i
    Question.objects.bulk_update(questions, ["position"])
    return next(q for q in questions if q.pk == target.pk)


@transaction.atomic
def audit_reset(*, by: Person) -> Survey:
    """The shipped default items (version ``AUDIT_DEFAULT_VERSION``'s) as the newest version again."""
    current = Survey.objects.select_for_update().get(pk=audit_current().pk)
    if audit_is_locked(current):
        return _copy(current, by, questions=builtin_questions(current, AUDIT_DEFAULTS[AUDIT_DEFAULT_VERSION]))
    current.questions.all().delete()
    Question.objects.bulk_create(builtin_questions(current, AUDIT_DEFAULTS[AUDIT_DEFAULT_VERSION]))
    return current


def audit_is_default(survey: Survey) -> bool:
    """Whether a version's items are the shipped default's, word for word (then "reset" has nothing to do)."""
    items = AUDIT_DEFAULTS[AUDIT_DEFAULT_VERSION]
    questions = list(survey.questions.order_by("position", "pk"))
    return len(questions) == len(items) and all(
        (q.text, q.kind, q.dimension) == (i.text, i.kind, i.dimension) for q, i in zip(questions, items, strict=True)
    )
