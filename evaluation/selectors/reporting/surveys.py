"""The report's survey results: responses, answers to each question and quotable answers."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, Count, DateField, F, Q, When
from django.utils.translation import gettext_noop

from programmes.models import Programme

from ...models import Answer, Question, Survey, SurveyRound
from ...services import disclosure
from ..privacy import TOTAL, is_small_group, suppress_table
from .helpers import _figure, _within
from .periods import Period

LIKERT_VALUES = (1, 2, 3, 4, 5)
MAX_QUOTES_PER_QUESTION = 10


# The automatic surveys (health checks, end-of-relationship) run in one standing round per programme that never
# really closes: their answers count on the day they were given; every other round's on the day it closes.
AUTOMATIC_SURVEYS = (Survey.Kind.HEALTH, Survey.Kind.END)


def _counted_on(response_path: str) -> Case:
    prefix = f"{response_path}__" if response_path else ""
    return Case(
        When(**{f"{prefix}round__survey__kind__in": AUTOMATIC_SURVEYS}, then=F(f"{prefix}submitted_on")),
        default=F(f"{prefix}round__closes_on"),
        output_field=DateField(),
    )


def _surveys(programme: Programme, period: Period, prev: Period) -> dict[str, Any]:
    rounds = _survey_rounds(programme, period, prev)
    current_rounds = _rounds_in(rounds, period, "responses_count")
    responses = sum(r["responses_count"] for r in rounds)
    responses_prev = sum(r["responses_prev"] for r in rounds)
    questions = _answers_by_question(programme, period, prev)
    results = [_question_result(q) for q in questions.values() if sum(q["cur"].values())]
    quotable_rounds = {r["pk"] for r in current_rounds if not is_small_group(r["responses_count"])}
    quotes = _quotes(programme, period, quotable_rounds)
    # The rounds' responses add up to the period's responses, printed beside them: a line with its total, so it
    # goes through the checker like any other (a round answered by 2 is not the total minus the others).
    cols = [str(i) for i in range(len(current_rounds))]
    line = _responses_line([r["responses_count"] for r in current_rounds], responses)
    # The previous period's total as the previous period's report shows it: through the same line of its rounds.
    previous_rounds = [r["responses_prev"] for r in _rounds_in(rounds, prev, "responses_prev")]
    previous_line = _responses_line(previous_rounds, responses_prev)
    previous_total = previous_line.row_totals["Responses"]
    return {
        "responses": _figure(
            "survey_responses",
            gettext_noop("Survey responses"),
            line.row_totals["Responses"],
            previous_total,
            note=gettext_noop("in rounds closing in the period, and automatic surveys answered in it"),
        )
        | {"why": line.why(("Responses", TOTAL)), "previous_why": previous_line.why(("Responses", TOTAL))},
        "rounds": [
            {
                "title": r["title"],
                "survey": r["survey__title"],
                "closes_on": "" if r["survey__kind"] in AUTOMATIC_SURVEYS else r["closes_on"].isoformat(),
                "responses": line.cells["Responses", c],
                "why": line.why(("Responses", c)),
            }
            for c, r in zip(cols, current_rounds, strict=True)
        ],
        "questions": results,
        "quotes": quotes,
    }


def _survey_rounds(programme: Programme, period: Period, prev: Period) -> list[dict[str, Any]]:
    """The rounds closing in either period (and the standing automatic ones), with their responses in each."""
    automatic = Q(survey__kind__in=AUTOMATIC_SURVEYS)
    # Query 11: the rounds closing in either period (and the standing automatic ones), with their responses
    # counted in each period.
    responses_in = {
        name: Count(
            "responses",
            filter=(automatic & _within("responses__submitted_on", p)) | (~automatic & _within("closes_on", p)),
        )
        for name, p in (("responses_count", period), ("responses_prev", prev))
    }
    return list(
        SurveyRound.objects.filter(programme=programme)
        .filter(automatic | Q(closes_on__gte=prev.start, closes_on__lte=period.end))
        .annotate(**responses_in)
        .values("pk", "title", "survey__title", "survey__kind", "closes_on", "responses_count", "responses_prev")
        .order_by("closes_on", "pk")
    )


def _rounds_in(rounds: list[dict[str, Any]], p: Period, count: str) -> list[dict[str, Any]]:
    """The rounds of period ``p``: automatic ones answered in it (``count``), the others closing in it."""
    return [
        r
        for r in rounds
        if (r["survey__kind"] in AUTOMATIC_SURVEYS and r[count])
        or (r["survey__kind"] not in AUTOMATIC_SURVEYS and p.start <= r["closes_on"] <= p.end)
    ]


def _answers_by_question(programme: Programme, period: Period, prev: Period) -> dict[int, dict[str, Any]]:
    """Scale and one-choice answers, counted by question and answer for each period."""
    in_cur = _within("counted_on", period)
    in_prev = _within("counted_on", prev)
    # Query 12: scale and one-choice answers by question and answer, counted for each period: grouped by the
    # answer's own columns (tens of thousands of rows), the words of the programme's questions read after
    # (12a, a few dozen rows).
    answers = (
        Answer.objects.filter(response__round__programme=programme)
        .annotate(counted_on=_counted_on("response"))
        .filter(counted_on__gte=prev.start, counted_on__lte=period.end)
        .filter(question__kind__in=(Question.Kind.LIKERT, Question.Kind.CHOICE))
        .filter(Q(likert__isnull=False) | ~Q(choice=""))
        .order_by()
        .values_list("question", "likert", "choice")
        .annotate(cur=Count("pk", filter=in_cur), prev=Count("pk", filter=in_prev))
    )
    counted: dict[int, list[tuple]] = {}
    for question, likert, choice, cur, previous in answers:
        counted.setdefault(question, []).append((likert, choice, cur, previous))
    questions: dict[int, dict[str, Any]] = {}
    for pk, text, kind, choices, title in (
        Question.objects.filter(survey__in=SurveyRound.objects.filter(programme=programme).values("survey"))
        .order_by("survey__title", "position", "pk")
        .values_list("pk", "text", "kind", "choices", "survey__title")
    ):
        if pk not in counted:
            continue  # no answer of this kind in either period
        q = questions[pk] = {"survey": title, "question": text, "kind": kind, "options": list(choices or [])}
        q["cur"], q["prev"] = {}, {}
        for likert, choice, cur, previous in counted[pk]:
            key = likert if kind == Question.Kind.LIKERT else choice
            q["cur"][key] = q["cur"].get(key, 0) + cur
            q["prev"][key] = q["prev"].get(key, 0) + previous
    return questions


def _quotes(programme: Programme, period: Period, quotable_rounds: set[int]) -> list[dict[str, str]]:
    """The period's quotable free-text answers, at most ``MAX_QUOTES_PER_QUESTION`` a question."""
    quotes: list[dict[str, str]] = []
    per_question: dict[str, int] = {}
    # Query 13: free-text answers whose writers agreed to be quoted (the text only: no name, team or date).
    for round_pk, question, text in (
        Answer.objects.annotate(counted_on=_counted_on("response"))
        .filter(
            _within("counted_on", period),
            response__round__programme=programme,
            response__may_quote=True,
            question__kind=Question.Kind.TEXT,
        )
        .exclude(text="")
        .order_by("question__survey__title", "question__position", "question", "text")
        .values_list("response__round", "question__text", "text")
    ):
        if round_pk not in quotable_rounds:
            continue  # a round that fewer than the minimum group answered: its words are too easy to place
        per_question[question] = per_question.get(question, 0) + 1
        if per_question[question] <= MAX_QUOTES_PER_QUESTION:
            quotes.append({"question": question, "text": text})
    return quotes


def _responses_line(counts: list[int], total: int) -> Any:
    """The rounds' responses beside their printed total, suppressed and checked as a line."""
    cols = [str(i) for i in range(len(counts))]
    by_round = {(gettext_noop("Responses"), c): n for c, n in zip(cols, counts, strict=True)}
    return suppress_table(
        ["Responses"],
        cols,
        by_round,
        by_round | {("Responses", TOTAL): total},
        column_totals=False,
        kinds=disclosure.PEOPLE,
    )


def _question_result(q: dict[str, Any]) -> dict[str, Any]:
    """One question's answers: shown when at least the minimum group answered it, else nothing but that."""
    n, n_prev = sum(q["cur"].values()), sum(q["prev"].values())
    shown = not is_small_group(n)
    result: dict[str, Any] = {
        "survey": q["survey"],
        "question": q["question"],
        "kind": q["kind"],
        "answers": n if shown else None,
        "mean": None,
        "previous_mean": None,
        "change": None,
        "distribution": None,
    }
    if not shown:
        return result
    relations = []
    if q["kind"] == Question.Kind.LIKERT:
        result["mean"] = round(sum(v * c for v, c in q["cur"].items()) / n, 2)
        if n_prev and not is_small_group(n_prev):
            # Shown only when the previous period's report shows it too: else it would give away there what the
            # checker withheld (the same question's answers, as that report prints them).
            earlier = _question_result({**q, "cur": q["prev"], "prev": {}})
            if earlier["mean"] is not None:
                result["previous_mean"] = earlier["mean"]
                result["change"] = round(result["mean"] - result["previous_mean"], 2)
        counts = {str(v): q["cur"].get(v, 0) for v in LIKERT_VALUES}
        # The mean printed to 2 decimals puts the sum of the answers in a known interval: a relation too.
        low, high = disclosure.mean_sum_range(n, result["mean"])
        relations.append(disclosure.Relation({str(v): v for v in LIKERT_VALUES}, low, high, ("mean", "answers")))
    else:
        options = q["options"] + sorted(k for k in q["cur"] if k not in q["options"])
        counts = {o: q["cur"].get(o, 0) for o in options}
    relations.append(disclosure.Relation(dict.fromkeys(counts, 1), n, n, ("answers",)))
    # Each answer is a group of people too: a count under the minimum is hidden (None); the checker hides more,
    # or withholds the mean (or the number of answers), until no hidden count can be worked out from the rest.
    protected = disclosure.protect({label: disclosure.Cell(c, c) for label, c in counts.items()}, relations)
    if "mean" in protected.withheld:
        result["mean"] = result["previous_mean"] = result["change"] = None
        result["mean_withheld"] = True
    if "answers" in protected.withheld:
        result["answers"] = None
        result["answers_why"] = disclosure.PROTECT
    result["distribution"] = [
        {
            "label": label,
            "value": None if label in protected.hidden else count,
            "why": protected.hidden.get(label),
        }
        for label, count in counts.items()
    ]
    return result
