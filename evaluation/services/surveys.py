"""Surveys: the built-ins and a programme's own templates and their questions.

- Templates: a programme's own surveys (Likert 1 to 5, one choice, free text), editable until a round is sent,
  and four built-ins shared by every programme (``programme`` empty), made on demand by
  ``surveys_ensure_builtin``: the relationship health check, the end-of-relationship survey, the programme
  feedback survey and the learning-environment audit.
- The constants the other survey modules share: the Likert wording, the schedule of automatic surveys, the
  health-alert thresholds.

Who is asked when: ``services/survey_rounds.py``; answering: ``services/survey_answers.py``; lists and results
(suppressed): ``selectors/surveys.py``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import translation
from django.utils.translation import gettext, gettext_noop

from programmes.models import Person, Programme

from ..models import Question, Survey

LIKERT_LABELS = {
    1: gettext_noop("Strongly disagree"),
    2: gettext_noop("Disagree"),
    3: gettext_noop("Neither agree nor disagree"),
    4: gettext_noop("Agree"),
    5: gettext_noop("Strongly agree"),
}
TEXT_MAX_CHARS = 2000
OPTIONS_MIN, OPTIONS_MAX, OPTION_MAX_CHARS = 2, 12, 200
# Rounds a coordinator sends: the one reminder goes this many days before the round closes.
REMINDER_DAYS_BEFORE = 3
# Automatic surveys: the health check's schedule; how long each invitation stays open after its due date, and
# when its one reminder goes; how far back the daily sweep looks for pairings that closed (older closings
# predate the sweep and are not surveyed months later).
HEALTH_FIRST_DAYS = 30
HEALTH_EVERY_DAYS = 60
ANSWER_DAYS = 30
AUTO_REMINDER_AFTER_DAYS = 7
END_LOOKBACK_DAYS = 14
# A standing round is never closed by the sweep; its dates only satisfy the model.
STANDING_ROUND_DAYS = 10 * 365
# A health alert: the new score at or below this, or this far below the person's previous score.
HEALTH_LOW = 2.0
HEALTH_DROP = 1.5
AUTOMATIC_KINDS = (Survey.Kind.HEALTH, Survey.Kind.END)
# The key under which respondents are hashed: derived from SECRET_KEY, used for nothing else.
_HASH_SALT = "tandem.evaluation.surveys.respondent"


# --- The built-in surveys ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Item:
    text: str
    kind: str = Question.Kind.LIKERT
    choices: tuple[str, ...] = ()
    required: bool = True
    dimension: str = ""


_D = Question.Dimension
_TEXT = Question.Kind.TEXT
BUILTIN: dict[str, tuple[str, str, bool, tuple[_Item, ...]]] = {
    Survey.Kind.HEALTH: (
        gettext_noop("Relationship health check"),
        gettext_noop(
            "A minute on how your mentoring is going. The programme's coordinators read your answers (your partner does not), so they can offer help early."  # noqa: E501
        ),
        False,
        (
            _Item(gettext_noop("We meet as we agreed.")),
            _Item(gettext_noop("I feel heard in our conversations.")),
            _Item(gettext_noop("We are making progress on our goals.")),
            _Item(gettext_noop("I would recommend that we continue.")),
            _Item(gettext_noop("Anything you would like the coordinators to know?"), kind=_TEXT, required=False),
        ),
    ),
    Survey.Kind.END: (
        gettext_noop("End-of-relationship survey"),
        gettext_noop(
            "Your pairing has closed: tell us how it went. The programme's coordinators read your answers; your partner does not."  # noqa: E501
        ),
        False,
        (
            _Item(gettext_noop("Looking back at the goals we set together, I have reached them.")),
            _Item(gettext_noop("Overall, I am satisfied with the mentoring relationship.")),
            _Item(
                gettext_noop("Would you recommend mentoring in this programme to a colleague?"),
                kind=Question.Kind.CHOICE,
                choices=(gettext_noop("Yes"), gettext_noop("No"), gettext_noop("Not sure")),
            ),
            _Item(gettext_noop("What worked, and what would you change?"), kind=_TEXT, required=False),
        ),
    ),
    Survey.Kind.FEEDBACK: (
        gettext_noop("Programme feedback"),
        gettext_noop(
            "Asked at the programme's mid-point and at its end. Anonymous: nobody can tell which answers are yours."  # noqa: E501
        ),
        True,
        (
            _Item(gettext_noop("The coordinators supported me when I needed it.")),
            _Item(gettext_noop("I had enough protected time for mentoring.")),
            _Item(gettext_noop("The training prepared me for my part in the programme.")),
            _Item(gettext_noop("What should the programme keep, change or stop?"), kind=_TEXT, required=False),
        ),
    ),
    Survey.Kind.LEARNING_ENVIRONMENT: (
        gettext_noop("Learning-environment audit"),
        gettext_noop(
            "About your own team: where is learning supported, and where is it restricted? Anonymous: nobody can tell which answers are yours, and a team's results are shown only where at least five people answered."  # noqa: E501
        ),
        True,
        (
            _Item(
                gettext_noop(
                    "In my team I take part in communities of practice beyond my own job, in other teams and disciplines."  # noqa: E501
                ),
                dimension=_D.COMMUNITIES,
            ),
            _Item(
                gettext_noop("My team encourages taking part in networks and events outside the workplace."),
                dimension=_D.COMMUNITIES,
            ),
            _Item(gettext_noop("In my team people rotate between jobs and tasks."), dimension=_D.CO_CONSTRUCTION),
            _Item(
                gettext_noop("My team works as a self-managed team, with a lot of autonomy over how we work."),
                dimension=_D.CO_CONSTRUCTION,
            ),
            _Item(
                gettext_noop("In my team we share our expertise and develop our work together."),
                dimension=_D.CO_CONSTRUCTION,
            ),
            _Item(
                gettext_noop("People in my team can attend off-the-job courses leading to qualifications."),
                dimension=_D.COURSES,
            ),
            _Item(
                gettext_noop("In my team there is time for learning and thinking, not only for doing."),
                dimension=_D.REFLECTION,
            ),
            _Item(gettext_noop("My manager supports my learning."), dimension=_D.SUPPORT),
            _Item(gettext_noop("My colleagues support my learning."), dimension=_D.SUPPORT),
            _Item(gettext_noop("What would make your team a better place to learn?"), kind=_TEXT, required=False),
        ),
    ),
}


def shipped_translations(text: str) -> dict[str, str]:
    """A built-in question in the other languages, from the catalogue (its English is marked with gettext_noop),
    so each respondent reads it in theirs even though the question is a row like any other."""
    found = {}
    for code, _name in question_languages():
        with translation.override(code):
            if (translated := gettext(text)) != text:
                found[code] = translated
    return found


# The learning-environment audit's default items, by version. Version 1 is the nine items every audit was sent
# with before the items became the organisation's to edit (unchanged, so those rounds read the same); version 2
# keeps them (so each dimension's mean stays comparable) and adds the expansive features of Fuller and Unwin's
# continuum they left out: a gradual, supported start for newcomers, learning across boundaries, recognition as
# a learner with a vision of progression, a planned workplace curriculum, managers as facilitators. New rounds
# use the newest version (``services/audit.py``), which is version 2 until the organisation edits the items.
_AUDIT_V1 = BUILTIN[Survey.Kind.LEARNING_ENVIRONMENT][3]
_AUDIT_V2_ADDED = (
    _Item(
        gettext_noop("Newcomers to my team are brought in gradually and supported until they take a full part."),
        dimension=_D.TRANSITION,
    ),
    _Item(
        gettext_noop("When I started, I had someone to ask and time to learn the job before working on my own."),
        dimension=_D.TRANSITION,
    ),
    _Item(
        gettext_noop(
            "I have chances to learn with other teams, sites or organisations: visits, secondments, joint projects."
        ),  # noqa: E501
        dimension=_D.BOUNDARIES,
    ),
    _Item(
        gettext_noop("My team welcomes what people bring back from outside it."),
        dimension=_D.BOUNDARIES,
    ),
    _Item(
        gettext_noop("In my team people are treated as learners, not only as workers."),
        dimension=_D.PROGRESSION,
    ),
    _Item(
        gettext_noop("I can see how I could progress here, and what I would need to learn for it."),
        dimension=_D.PROGRESSION,
    ),
    _Item(
        gettext_noop("My team plans how people learn new skills and jobs, rather than leaving it to chance."),
        dimension=_D.CURRICULUM,
    ),
    _Item(
        gettext_noop("I am given organised chances to try new tasks and jobs."),
        dimension=_D.CURRICULUM,
    ),
    _Item(
        gettext_noop("My manager helps me plan my development and makes room for it in my work."),
        dimension=_D.FACILITATION,
    ),
)
AUDIT_DEFAULTS: dict[int, tuple[_Item, ...]] = {
    1: _AUDIT_V1,
    2: (*_AUDIT_V1[:-1], *_AUDIT_V2_ADDED, _AUDIT_V1[-1]),  # the free-text question stays last
}
AUDIT_DEFAULT_VERSION = max(AUDIT_DEFAULTS)


def builtin_questions(survey: Survey, items: Iterable[_Item]) -> list[Question]:
    """A built-in survey's questions from its items, each with its shipped translations (not saved)."""
    return [
        Question(
            survey=survey,
            position=i,
            text=item.text,
            kind=item.kind,
            choices=list(item.choices),
            required=item.required,
            dimension=item.dimension,
            translations=shipped_translations(item.text),
        )
        for i, item in enumerate(items)
    ]


def surveys_ensure_builtin() -> dict[str, Survey]:
    """The four built-in surveys (the audit in its newest version), created the first time anyone needs them, with
    the audit's shipped default versions. Idempotent: one query when they exist."""
    builtins = Survey.objects.filter(programme__isnull=True).exclude(kind=Survey.Kind.CUSTOM).order_by("version")
    found = {s.kind: s for s in builtins}  # the newest version of each kind
    audit_versions = {s.version for s in builtins if s.kind == Survey.Kind.LEARNING_ENVIRONMENT}
    for kind, (title, description, anonymous, items) in BUILTIN.items():
        versions = {1: items}
        if kind == Survey.Kind.LEARNING_ENVIRONMENT:
            versions = {v: i for v, i in AUDIT_DEFAULTS.items() if v not in audit_versions}
        elif kind in found:
            continue
        for version, version_items in versions.items():
            try:
                with transaction.atomic():
                    survey = Survey.objects.create(
                        kind=kind, version=version, title=title, description=description, anonymous=anonymous
                    )
                    Question.objects.bulk_create(builtin_questions(survey, version_items))
            except IntegrityError:  # made a moment ago by someone else (one built-in of each kind and version)
                survey = Survey.objects.get(programme__isnull=True, kind=kind, version=version)
            if kind not in found or found[kind].version < survey.version:
                found[kind] = survey
    return found


def _builtin(kind: str) -> Survey:
    return surveys_ensure_builtin()[kind]


# --- Templates: a programme's own surveys and their questions ----------------------------------------------


def survey_is_locked(survey: Survey) -> bool:
    """Questions stay as they were once a round is sent: answers must mean what they meant."""
    return survey.programme_id is None or survey.rounds.exists()


def _require_editable(survey: Survey) -> None:
    if survey.programme_id is None:
        raise PermissionDenied(gettext("Built-in surveys cannot be changed; create your own survey instead."))
    if survey.rounds.exists():
        raise ValidationError(gettext("This survey has been sent, so its questions can no longer change."))


@transaction.atomic
def survey_create(*, programme: Programme, by: Person, title: str, description: str = "", anonymous: bool) -> Survey:
    survey = Survey(
        programme=programme,
        kind=Survey.Kind.CUSTOM,
        title=title.strip(),
        description=(description or "").strip(),
        anonymous=anonymous,
        created_by=by,
    )
    survey.full_clean()
    survey.save()
    return survey


@transaction.atomic
def survey_update(*, survey: Survey, title: str, description: str = "", anonymous: bool) -> Survey:
    if survey.programme_id is None:
        raise PermissionDenied(gettext("Built-in surveys cannot be changed; create your own survey instead."))
    if anonymous != survey.anonymous and survey.rounds.exists():
        raise ValidationError(
            {"anonymous": gettext("This survey has been sent, so whether it is anonymous cannot change.")}
        )
    survey.title = title.strip()
    survey.description = (description or "").strip()
    survey.anonymous = anonymous
    survey.full_clean()
    survey.save()
    return survey


def options_clean(kind: str, options: Iterable[str]) -> list[str]:
    """A one-choice question's options: trimmed, without repeats, 2 to 12 of them; other kinds have none."""
    cleaned = list(dict.fromkeys(o.strip() for o in options if o and o.strip()))
    if kind != Question.Kind.CHOICE:
        if cleaned:
            raise ValidationError(
                {"choices": gettext("Only one-choice questions have options: clear them, or choose “One choice”.")}
            )
        return []
    if not OPTIONS_MIN <= len(cleaned) <= OPTIONS_MAX:
        raise ValidationError(
            {
                "choices": gettext("Give between %(min)s and %(max)s different options, one a line.")
                % {"min": OPTIONS_MIN, "max": OPTIONS_MAX}
            }
        )
    if any(len(o) > OPTION_MAX_CHARS for o in cleaned):
        raise ValidationError(
            {"choices": gettext("Keep each option under %(max)s characters.") % {"max": OPTION_MAX_CHARS}}
        )
    return cleaned


def question_languages() -> list[tuple[str, str]]:
    """The languages a question can be given in besides English: (code, the language's own name)."""
    return [(code, name) for code, name in settings.LANGUAGES if not code.startswith("en")]


def translations_clean(translations: Mapping[str, str] | None) -> dict[str, str]:
    """A question's other languages: trimmed, the empty ones left out (English shows instead), known codes only."""
    codes = {code for code, _name in question_languages()}
    return {code: text.strip() for code, text in (translations or {}).items() if code in codes and (text or "").strip()}


def _apply_question(
    question: Question,
    *,
    text: str,
    kind: str,
    choices: Iterable[str],
    required: bool,
    dimension: str,
    translations: Mapping[str, str] | None,
) -> None:
    if dimension and kind != Question.Kind.LIKERT:
        raise ValidationError(
            {"dimension": gettext("Only questions on the scale of 1 to 5 can describe the learning environment.")}
        )
    question.text = text.strip()
    question.kind = kind
    question.choices = options_clean(kind, choices)
    question.required = required
    question.dimension = dimension or ""
    question.translations = translations_clean(translations)
    question.full_clean()
    question.save()


@transaction.atomic
def question_create(
    *,
    survey: Survey,
    text: str,
    kind: str,
    choices: Iterable[str] = (),
    required: bool = True,
    dimension: str = "",
    translations: Mapping[str, str] | None = None,
) -> Question:
    _require_editable(survey)
    last = survey.questions.aggregate(last=Max("position"))["last"]
    question = Question(survey=survey, position=0 if last is None else last + 1)
    _apply_question(
        question,
        text=text,
        kind=kind,
        choices=choices,
        required=required,
        dimension=dimension,
        translations=translations,
    )
    return question


@transaction.atomic
def question_update(
    *,
    question: Question,
    text: str,
    kind: str,
    choices: Iterable[str] = (),
    required: bool = True,
    dimension: str = "",
    translations: Mapping[str, str] | None = None,
) -> Question:
    _require_editable(question.survey)
    _apply_question(
        question,
        text=text,
        kind=kind,
        choices=choices,
        required=required,
        dimension=dimension,
        translations=translations,
    )
    return question


@transaction.atomic
def question_delete(*, question: Question) -> None:
    _require_editable(question.survey)
    question.delete()


@transaction.atomic
def question_move(*, question: Question, direction: str) -> Question:
    """Move a question one place up or down (the others renumbered 0, 1, 2...)."""
    _require_editable(question.survey)
    if direction not in ("up", "down"):
        raise ValidationError(gettext("Move a question up or down."))
    questions = list(question.survey.questions.select_for_update().order_by("position", "pk"))
    at = next(i for i, q in enumerate(questions) if q.pk == question.pk)
    to = at - 1 if direction == "up" else at + 1
    if 0 <= to < len(questions):
        questions[at], questions[to] = questions[to], questions[at]
    for i, q in enumerate(questions):
        q.position = i
    Question.objects.bulk_update(questions, ["position"])
    return next(q for q in questions if q.pk == question.pk)
