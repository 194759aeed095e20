"""Surveys, read-only: open invitations, lists, a round's results and the learning-environment heat map.

Results: every figure about fewer than TANDEM_MIN_GROUP_SIZE people is suppressed (``selectors/privacy.py``).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Avg, Count, FloatField, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mentoring.models import Pairing
from programmes.models import Person, Programme

from ..models import Answer, Question, Survey, SurveyInvitation, SurveyResponse, SurveyRound
from ..services.surveys import (
    ANSWER_DAYS,
    AUDIT_DEFAULTS,
    AUTOMATIC_KINDS,
    BUILTIN,
    LIKERT_LABELS,
    surveys_ensure_builtin,
)
from .privacy import Figure, figure, figure_table

# --- Invitations ----------------------------------------------------------------------------------------------


def invitation_answer_by(invitation: SurveyInvitation) -> datetime.date:
    """The last day an invitation can be answered."""
    if invitation.round.survey.kind in AUTOMATIC_KINDS:
        return invitation.due_on + datetime.timedelta(days=ANSWER_DAYS - 1)
    return invitation.round.closes_on


def pairing_partner(pairing: Pairing, person: Person) -> Person:
    return pairing.mentee if person.pk == pairing.mentor_id else pairing.mentor


def open_invitations_q(today: datetime.date) -> Q:
    manual = ~Q(round__survey__kind__in=AUTOMATIC_KINDS) & Q(round__opens_on__lte=today, round__closes_on__gte=today)
    automatic = Q(
        round__survey__kind__in=AUTOMATIC_KINDS,
        due_on__lte=today,
        due_on__gt=today - datetime.timedelta(days=ANSWER_DAYS),
    )
    return Q(responded_at__isnull=True, round__status=SurveyRound.Status.OPEN) & (manual | automatic)


def invitation_is_open(invitation: SurveyInvitation, today: datetime.date | None = None) -> bool:
    today = today or timezone.localdate()
    survey_round = invitation.round
    if invitation.responded_at is not None or survey_round.status != SurveyRound.Status.OPEN:
        return False
    if survey_round.survey.kind in AUTOMATIC_KINDS:
        return invitation.due_on <= today <= invitation_answer_by(invitation)
    return survey_round.opens_on <= today <= survey_round.closes_on


# --- Lists -------------------------------------------------------------------------------------------------------


def surveys_for_programme(programme: Programme) -> list[Survey]:
    """The built-ins and the programme's own surveys, with their question counts and this programme's rounds."""

    def fetch() -> list[Survey]:
        return list(
            Survey.objects.filter(Q(programme=programme) | Q(programme__isnull=True))
            .annotate(
                question_count=Count("questions", distinct=True),
                round_count=Count("rounds", filter=Q(rounds__programme=programme), distinct=True),
            )
            .order_by("programme", "title", "version")
        )

    surveys = fetch()
    audit_versions = {
        s.version for s in surveys if s.programme_id is None and s.kind == Survey.Kind.LEARNING_ENVIRONMENT
    }
    if sum(1 for s in surveys if s.programme_id is None) < len(BUILTIN) or not audit_versions >= set(AUDIT_DEFAULTS):
        surveys_ensure_builtin()  # once per installation (and once more when a default version ships)
        surveys = fetch()
        audit_versions = {
            s.version for s in surveys if s.programme_id is None and s.kind == Survey.Kind.LEARNING_ENVIRONMENT
        }  # noqa: E501
    # The audit in its newest version, and an earlier one only where this programme sent rounds with it.
    newest = max(audit_versions, default=0)
    shown = []
    for s in surveys:
        s.audit = s.programme_id is None and s.kind == Survey.Kind.LEARNING_ENVIRONMENT
        s.superseded = s.audit and s.version != newest
        if not s.superseded or s.round_count:
            shown.append(s)
    return shown


def survey_questions(survey: Survey) -> list[Question]:
    """A survey's questions in the order they are asked."""
    return list(survey.questions.order_by("position", "pk"))


def round_invitation_count(survey_round: SurveyRound) -> int:
    return survey_round.invitations.count()


def rounds_for_programme(programme: Programme, *, survey: Survey | None = None) -> list[SurveyRound]:
    """The programme's rounds, newest first, with how many were invited and how many answered (a figure)."""
    rounds = SurveyRound.objects.filter(programme=programme)
    if survey is not None:
        rounds = rounds.filter(survey=survey)
    rounds = list(
        rounds.select_related("survey")
        .annotate(
            invited=Count("invitations"),
            responded=Count("invitations", filter=Q(invitations__responded_at__isnull=False)),
        )
        .order_by("-opens_on", "-pk")
    )
    for r in rounds:
        r.responded_figure = figure("Answered", r.responded)
        r.automatic = r.survey.kind in AUTOMATIC_KINDS
    return rounds


def open_invitations_for(person: Person, today: datetime.date | None = None) -> list[SurveyInvitation]:
    today = today or timezone.localdate()
    invitations = list(
        SurveyInvitation.objects.filter(open_invitations_q(today), person=person)
        .select_related("round__survey", "round__programme", "pairing__mentor", "pairing__mentee")
        .order_by("due_on", "pk")
    )
    for invitation in invitations:
        invitation.answer_by = invitation_answer_by(invitation)
        invitation.partner = pairing_partner(invitation.pairing, person) if invitation.pairing_id else None
    return invitations


def answered_invitations_for(person: Person, limit: int = 10) -> QuerySet[SurveyInvitation]:
    return (
        SurveyInvitation.objects.filter(person=person, responded_at__isnull=False)
        .select_related("round__programme", "round__survey")
        .order_by("-responded_at", "-pk")[:limit]
    )


# --- Results -----------------------------------------------------------------------------------------------------


@dataclass
class TextAnswer:
    text: str
    name: str = ""  # empty for anonymous surveys: never a person, never a team
    may_quote: bool = False


@dataclass
class QuestionResult:
    question: Question
    answered: Figure
    mean: float | None = None
    counts: list[Figure] = field(default_factory=list)
    texts: list[TextAnswer] = field(default_factory=list)
    texts_withheld: bool = False


@dataclass
class RoundResults:
    round: SurveyRound
    invited: int
    responded: Figure
    rate: int | None
    responses: Figure
    questions: list[QuestionResult]
    heatmap: Heatmap | None
    min_group: int


def round_results(survey_round: SurveyRound) -> RoundResults:
    """One round's results for its programme's coordinators. Every count of people under the minimum group
    size is suppressed; an anonymous round's comments appear without any person or team, and only once the
    round has enough responses. Queries: invitations, response count, questions, grouped answer counts,
    comments (when shown), and the heat map's two for a learning-environment audit."""
    minimum = settings.TANDEM_MIN_GROUP_SIZE
    anonymous = survey_round.survey.anonymous
    counts = survey_round.invitations.aggregate(
        invited=Count("pk"), responded=Count("pk", filter=Q(responded_at__isnull=False))
    )
    responses = SurveyResponse.objects.filter(round=survey_round).count()
    questions = list(survey_round.survey.questions.order_by("position", "pk"))
    grouped = _grouped_answers(survey_round)
    texts: dict[int, list[TextAnswer]] = defaultdict(list)
    show_texts = not anonymous or responses >= minimum
    if show_texts and any(q.kind == Question.Kind.TEXT for q in questions):
        texts = _text_answers(survey_round, anonymous)
    results = [
        _question_result(question, grouped.get(question.pk, {}), minimum, texts, show_texts) for question in questions
    ]
    heatmap = None
    if survey_round.survey.kind == Survey.Kind.LEARNING_ENVIRONMENT or any(q.dimension for q in questions):
        heatmap = learning_environment_heatmap(programme=survey_round.programme, round=survey_round)
    invited = counts["invited"]
    responded = figure("Answered", counts["responded"])
    return RoundResults(
        round=survey_round,
        invited=invited,
        responded=responded,
        rate=round(100 * counts["responded"] / invited) if invited and not responded.suppressed else None,
        responses=figure("Responses", responses),
        questions=results,
        heatmap=heatmap,
        min_group=minimum,
    )


def _grouped_answers(survey_round: SurveyRound) -> dict[int, dict[object, int]]:
    """question pk -> {likert value or choice: how many answered it}, in one grouped query."""
    grouped: dict[int, dict[object, int]] = defaultdict(dict)
    for row in (
        Answer.objects.filter(response__round=survey_round)
        .values("question", "likert", "choice")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        key = row["likert"] if row["likert"] is not None else row["choice"]
        grouped[row["question"]][key] = grouped[row["question"]].get(key, 0) + row["n"]
    return grouped


def _text_answers(survey_round: SurveyRound, anonymous: bool) -> dict[int, list[TextAnswer]]:
    """question pk -> its written answers: an anonymous round's by their words, without any name."""
    texts: dict[int, list[TextAnswer]] = defaultdict(list)
    found = Answer.objects.filter(response__round=survey_round, question__kind=Question.Kind.TEXT).exclude(text="")
    if anonymous:
        # Sorted by their words, not by when they came: the order says nothing about who wrote them.
        for answer in found.values("question", "text", "response__may_quote").order_by("text"):
            texts[answer["question"]].append(TextAnswer(answer["text"], may_quote=answer["response__may_quote"]))
    else:
        for answer in found.select_related("response__person").order_by("response__submitted_on", "pk"):
            person = answer.response.person
            texts[answer.question_id].append(
                TextAnswer(answer.text, name=str(person) if person else "", may_quote=answer.response.may_quote)
            )
    return texts


def _question_result(
    question: Question, got: dict[object, int], minimum: int, texts: dict[int, list[TextAnswer]], show_texts: bool
) -> QuestionResult:
    """One question's answer count and its counts, mean (at the minimum group size) or written answers."""
    answered = sum(got.values())
    result = QuestionResult(question=question, answered=figure("Answered", answered))
    if question.kind == Question.Kind.LIKERT:
        result.counts = figure_table({f"{v} {_(LIKERT_LABELS[v])}": got.get(v, 0) for v in range(1, 6)})
        if answered >= minimum:
            result.mean = round(sum(v * n for v, n in got.items()) / answered, 1)
    elif question.kind == Question.Kind.CHOICE:
        # An option is stored as written (a built-in's in English): shown in the reader's language when the
        # catalogue has it.
        result.counts = figure_table({_(option): got.get(option, 0) for option in question.choices})
    else:
        result.texts = texts.get(question.pk, [])
        result.texts_withheld = not show_texts
    return result


# --- The learning-environment heat map ----------------------------------------------------------------------

# From restrictive (1) to expansive (5): light tints, so the printed number keeps well over 4.5:1 contrast
# with the page's dark text on every one of them.
HEAT_LEVELS = {
    1: ("#f4a582", gettext_lazy("Restrictive")),
    2: ("#fddbc7", gettext_lazy("Rather restrictive")),
    3: ("#f7f7f7", gettext_lazy("Mixed")),
    4: ("#d1e5f0", gettext_lazy("Rather expansive")),
    5: ("#92c5de", gettext_lazy("Expansive")),
}


@dataclass
class HeatCell:
    mean: float | None  # None: fewer than the minimum answered this dimension
    level: int | None = None
    colour: str = ""
    label: str = ""
    # The heat map's trend (selectors.audit_alerts.heatmap_with_trend): the round before's mean and the change.
    previous: float | None = None
    change: float | None = None

    @property
    def change_size(self) -> float | None:
        return None if self.change is None else abs(self.change)


@dataclass
class HeatRow:
    team: str
    respondents: Figure
    cells: list[HeatCell] = field(default_factory=list)
    # Enough people answered, but the team's scores are held back so that the hidden small teams' scores
    # cannot be worked out from the round's overall means (see learning_environment_heatmap).
    withheld: bool = False
    team_pk: int | None = None

    @property
    def suppressed(self) -> bool:
        return self.respondents.suppressed


@dataclass
class Heatmap:
    round: SurveyRound
    dimensions: list[tuple[str, str]]
    rows: list[HeatRow]
    min_group: int
    previous_round: SurveyRound | None = None  # set by heatmap_with_trend when there is one
    legend: list[tuple[int, str, str]] = field(
        default_factory=lambda: [(level, colour, label) for level, (colour, label) in HEAT_LEVELS.items()]
    )


def _heat_cell(mean: float | None) -> HeatCell:
    if mean is None:
        return HeatCell(mean=None)
    level = max(1, min(5, int(mean + 0.5)))
    colour, label = HEAT_LEVELS[level]
    return HeatCell(mean=round(mean, 1), level=level, colour=colour, label=label)


def _team_label(name: str | None, parent: str | None) -> str:
    if not name:
        return _("No team recorded")
    return f"{parent} › {name}" if parent else name


def heatmap_withheld(teams: dict[int | None, int], minimum: int) -> set[int | None]:
    """The teams with enough answers whose scores the heat map holds back (complementary suppression), from
    team id -> respondents: the smallest shown teams, until the hidden people are none or at least the minimum.
    The audit's unit pages (selectors/audit_plans.py) start from the same choice."""
    hidden = sum(n for n in teams.values() if n < minimum)
    withheld: set[int | None] = set()
    for team, n in sorted(((t, n) for t, n in teams.items() if n >= minimum), key=lambda t: t[1]):
        if not 0 < hidden < minimum:
            break
        withheld.add(team)
        hidden += n
    return withheld


def learning_environment_heatmap(*, programme: Programme, round: SurveyRound | None = None) -> Heatmap | None:
    """Each team's mean on each dimension of the learning-environment audit, from restrictive (1) to expansive
    (5), for teams where at least the minimum group answered; other teams are listed as "fewer than 5".

    ``round`` defaults to the programme's latest sent audit; None when there is none. Queries: the round (when
    not given), respondents per team, means per team and dimension.
    """
    minimum = settings.TANDEM_MIN_GROUP_SIZE
    if round is None:
        round = (
            SurveyRound.objects.filter(
                programme=programme, survey__kind=Survey.Kind.LEARNING_ENVIRONMENT, sent_at__isnull=False
            )
            .select_related("survey")
            .order_by("-opens_on", "-pk")
            .first()
        )
        if round is None:
            return None
    teams = (
        SurveyResponse.objects.filter(round=round)
        .values("team", "team__name", "team__parent__name")
        .annotate(n=Count("pk"))
        .order_by()
    )
    means: dict[tuple[int | None, str], tuple[float, int]] = {}
    for row in (
        Answer.objects.filter(response__round=round, likert__isnull=False)
        .exclude(question__dimension="")
        .values("response__team", "question__dimension")
        .annotate(mean=Avg("likert", output_field=FloatField()), people=Count("response", distinct=True))
        .order_by()
    ):
        means[(row["response__team"], row["question__dimension"])] = (row["mean"], row["people"])
    present = {dimension for _, dimension in means}
    dimensions = [(value, label) for value, label in Question.Dimension.choices if value and value in present]
    # Complementary suppression: the round's overall means are on the results page, so if the small teams
    # together are fewer than the minimum, their joint score would be the overall one minus the shown teams'.
    # Hold back the smallest shown teams until the hidden people are none or at least the minimum.
    withheld = heatmap_withheld({t["team"]: t["n"] for t in teams}, minimum)
    rows = []
    for team in sorted(teams, key=lambda t: _team_label(t["team__name"], t["team__parent__name"]).lower()):
        respondents = figure(_team_label(team["team__name"], team["team__parent__name"]), team["n"])
        row = HeatRow(
            team=respondents.label, respondents=respondents, withheld=team["team"] in withheld, team_pk=team["team"]
        )
        if not respondents.suppressed and not row.withheld:
            for value, _ in dimensions:
                mean, people = means.get((team["team"], value), (None, 0))
                row.cells.append(_heat_cell(mean if people >= minimum else None))
        rows.append(row)
    return Heatmap(round=round, dimensions=dimensions, rows=rows, min_group=minimum)


def audit_versions() -> list[Survey]:
    """The learning-environment audit's versions, newest first, each with its item count and how many rounds (of
    every programme) were sent with it: one query."""
    return list(
        Survey.objects.filter(programme__isnull=True, kind=Survey.Kind.LEARNING_ENVIRONMENT)
        .annotate(item_count=Count("questions", distinct=True), round_count=Count("rounds", distinct=True))
        .select_related("created_by")
        .order_by("-version")
    )
